"""The updates waiting for the bot, and getUpdates, the way a bot without a webhook fetches
them (``webhooks.py`` posts the same queue to a webhook instead)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from typing import Any

from buddybot.sandbox.chats import ChatState
from buddybot.sandbox.errors import BotApiError
from buddybot.sandbox.params import Handler, Params

# Update types Telegram leaves out unless a bot asks for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Updates for the bot in order, kept until getUpdates' offset confirms them or a webhook
    call for them gets its 200."""

    def __init__(self, state: ChatState) -> None:
        self._state = state
        self.pending: list[dict[str, Any]] = []
        self.allowed: list[str] = []
        # Kept here, not in webhooks.py, because getUpdates must refuse while one is set.
        self.webhook: dict[str, Any] | None = None
        self._ids = itertools.count(1)
        self._sent: dict[int, dict[str, Any]] = {}
        self._again: set[int] = set()  # id() of updates delivered again, not yet handed out
        self._poller: asyncio.Future[None] | None = None

    def handlers(self) -> dict[str, Handler]:
        """The Bot API method of this queue by its lower-cased name."""
        return {"getupdates": self._get_updates}

    def allow(self, allowed: Any) -> None:
        """Take the update types a bot asked for, if it sent a list (else keep the last one)."""
        if isinstance(allowed, list):
            self.allowed = [str(kind) for kind in allowed]

    async def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot (delivered by getUpdates or the webhook)."""
        update_id = next(self._ids)
        update: dict[str, Any] = {"update_id": update_id, kind: payload}
        self._sent[update_id] = update
        if self._allows(kind):
            self.pending.append(update)
            await self._state.notify()
        return update

    async def deliver_again(self, update_id: int) -> None:
        """Deliver an update once more with its own id, as Telegram does after a bot restart
        (getUpdates offset not yet confirmed) or when a webhook call did not get its 200."""
        again = dict(self._sent[update_id])  # a new object, marked as such
        self._again.add(id(again))
        self.pending.append(again)
        await self._state.notify()

    def delivered(self, update: dict[str, Any]) -> None:
        """A webhook call for ``update`` got its 200: it is no longer pending."""
        if self.pending and self.pending[0] is update:
            self.pending.pop(0)
            self._again.discard(id(update))

    def _allows(self, kind: str) -> bool:
        if self.allowed:
            return kind in self.allowed
        return kind not in _OPT_IN_UPDATES

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = params.number("offset", 0) or 0
        limit = min(max(params.number("limit", 100) or 100, 1), 100)
        timeout = max(params.number("timeout", 0) or 0, 0)
        self.allow(params.obj("allowed_updates"))
        if offset:
            # An update delivered again stands for one whose confirmation was lost (a crash
            # before the next getUpdates): it is handed out once more, whatever the offset.
            self.pending = [
                update
                for update in self.pending
                if update["update_id"] >= offset or id(update) in self._again
            ]
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)  # the older request loses, as on Telegram
            await self._state.notify()
        poller: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._poller = poller
        deadline = time.monotonic() + timeout
        changed = self._state.changed
        async with changed:
            while not self.pending and not poller.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await changed.wait()
        if poller.done() and self._poller is not poller:
            raise BotApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure "
                "that only one bot instance is running",
            )
        batch = self.pending[:limit]
        self._again -= {id(update) for update in batch}
        return batch
