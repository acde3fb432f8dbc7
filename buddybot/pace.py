"""Telegram's overall limit kept by every replica together (issue 16, item 9).

PTB's ``AIORateLimiter`` paces one process. Two replicas would each send at the full
``BUDDYBOT_SEND_RATE``, twice what Telegram allows, and the excess would come back as 429.
:class:`SharedRateLimiter` takes each send's slot from the database the replicas share
(``storage/pace.py``) and waits for it; everything else stays PTB's: the limit per group
and waiting out a 429 (``retry_after``) before trying again, which takes a new slot. Used
on PostgreSQL only: SQLite is one process, and there ``AIORateLimiter`` alone does it.

If the database cannot give a slot (it is down, or too slow), the send is paced by this
process alone rather than held up: the bot's replies matter more than an exact limit, and a
429 that may follow is waited out as always.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from telegram.ext import AIORateLimiter, BaseRateLimiter

from buddybot.storage import pace

log = logging.getLogger(__name__)

# The slots of one second are spread over this much more: a send reaches Telegram a little
# after its slot, by how much varies (a busy event loop, the network), and Telegram counts
# any second, so ``rate`` sends exactly ``1 / rate`` apart would put one too many in a
# second whenever the first of them was later than the last. Measured in docs/decisions.md.
SLACK = 0.05

# Longest wait for a slot from the database before this send is paced locally instead.
SLOT_TIMEOUT = 2.0

Answer = bool | dict[str, Any] | list[dict[str, Any]]


class SharedPace:
    """The send slots, one ``1 / rate`` seconds after the other over all replicas.

    One connection of its own (not the pool's: a send must not wait behind transactions,
    nor hold one), used by one request at a time; a slot is one round trip (about 1 ms on
    the same machine), so this process alone could take hundreds a second."""

    def __init__(self, url: URL | str, rate: float) -> None:
        self.step = timedelta(seconds=(1 + SLACK) / rate)
        self._engine: AsyncEngine = create_async_engine(
            url,
            pool_size=1,
            max_overflow=0,
            pool_pre_ping=True,
            isolation_level="AUTOCOMMIT",
        )
        self._connection: AsyncConnection | None = None
        self._turn = asyncio.Lock()
        self._local = AsyncLimiter(1, 1 / rate)
        self.fallbacks = 0  # slots paced locally because the database gave none

    async def wait_for_slot(self) -> None:
        """Take the next free slot and sleep until it comes."""
        try:
            wait = await asyncio.wait_for(self._take(), SLOT_TIMEOUT)
        except Exception as error:  # a send is never held up by the pace
            self.fallbacks += 1
            log.warning("send pace: no slot from the database (%s)", type(error).__qualname__)
            async with self._local:
                return
        if wait > 0:
            await asyncio.sleep(wait)

    async def _take(self) -> float:
        async with self._turn:
            try:
                if self._connection is None:
                    self._connection = await self._engine.connect()
                asked = time.monotonic()
                wait = await pace.take(self._connection, self.step)
            except BaseException:  # also cancelled by the time-out: a fresh one next time
                await self._drop_connection()
                raise
        # The database's clock said how long from its moment; about half the round trip
        # went by since, on the way back.
        return wait - (time.monotonic() - asked) / 2

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()

    async def close(self) -> None:
        """Close the connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()
        await self._engine.dispose()


class SharedRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter with the overall limit shared through the database (see the
    module's docstring). A request for a chat (it has a ``chat_id``, as PTB's own limiter
    counts them) takes a shared slot each time it is tried."""

    def __init__(self, shared: SharedPace, max_retries: int) -> None:
        self.shared = shared
        # The overall limit is the shared one; per group and after a 429 as PTB does it.
        self._ptb = AIORateLimiter(overall_max_rate=0, max_retries=max_retries)

    async def initialize(self) -> None:
        """Nothing to do: the connection is opened with the first slot."""

    async def shutdown(self) -> None:
        """Close the connection."""
        await self.shared.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        """Wait for a shared slot (requests for a chat), then let PTB's limiter send it."""
        if data.get("chat_id") is None or data.get("allow_paid_broadcast"):
            paced = callback  # not counted (as in PTB); paid broadcasts have a limit apart
        else:

            async def paced(*call_args: Any, **call_kwargs: Any) -> Answer:
                await self.shared.wait_for_slot()
                return await callback(*call_args, **call_kwargs)

        return await self._ptb.process_request(paced, args, kwargs, endpoint, data, rate_limit_args)
