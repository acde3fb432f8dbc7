"""Messages the bot starts (notes to professionals, a client's message passed on, a buddy's
question to a client, transfer notes), kept in the database until Telegram has them.

A message is posted in a transaction, like the change it tells about; the sender tries it at
once and the scheduler tick tries again what a passing Telegram problem held back
(``retries.next_try``: 1, 2, 4 … 30 minutes), across restarts and replicas, until its window
closes. Blocked, deactivated or refused ends it at once (``retries.Delivery``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.retries import Delivery, next_try
from buddybot.storage import outbox as stored
from buddybot.storage.models import OutgoingMessage

log = logging.getLogger(__name__)

# How long a note stays worth sending: news of a client who joined, stopped or wrote still
# matters a few days later; after that the digest and /clients tell it.
NOTE_WINDOW = timedelta(days=3)
# Claimed per pass of the tick, the rest waits for the next one: few enough to be sent well
# within a claim's life (``claims.STALE_CLAIM``) even with every one tried three times.
BATCH = 50

Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class Outgoing:
    """One message to post: ``text`` (HTML) to ``chat_id``, with ``buttons`` as rows of
    (label, callback data). ``what`` names its kind for the log (no personal data);
    ``participant_id`` is the recipient's row when they are a client or buddy (erasing them
    takes the message along)."""

    chat_id: int
    text: str
    what: str
    buttons: Buttons = ()
    participant_id: int | None = None
    window: timedelta = NOTE_WINDOW
    # One waiting at a time for this participant and kind (a kind word after a failed
    # reply: trying three times in an outage earns one apology, not three).
    once: bool = False


@dataclass(frozen=True)
class Pending:
    """A posted message claimed for sending now."""

    id: int
    chat_id: int
    text: str
    what: str
    buttons: Buttons
    attempts: int
    not_after: datetime


async def post(session: AsyncSession, messages: Sequence[Outgoing], now: datetime) -> list[int]:
    """Keep ``messages`` to be sent from ``now``; returns their ids (to try them at once).
    A message ``once`` is left out when one of its kind waits for the same participant."""
    messages = [
        message
        for message in messages
        if not (
            message.once
            and message.participant_id is not None
            and await stored.waiting_for(session, message.participant_id, message.what)
        )
    ]
    return await stored.add(
        session,
        [
            OutgoingMessage(
                chat_id=message.chat_id,
                text=message.text,
                buttons=[list(map(list, row)) for row in message.buttons],
                what=message.what,
                participant_id=message.participant_id,
                created_at=now,
                not_after=now + message.window,
                retry_at=now,
                attempts=0,
            )
            for message in messages
        ],
    )


async def claim_due(
    session: AsyncSession, now: datetime, ids: Sequence[int] | None = None
) -> list[Pending]:
    """Messages to send now (only ``ids`` when given), each claimed by one process; those
    whose window closed unsent are dropped and counted in the log."""
    dropped = await stored.drop_expired(session, now)
    if dropped:
        log.warning("outbox: %d messages not sent within their window, dropped", dropped)
    return [
        Pending(
            row.id,
            row.chat_id,
            row.text,
            row.what,
            tuple(tuple((label, data) for label, data in r) for r in row.buttons),
            row.attempts,
            row.not_after,
        )
        for row in await stored.claim(session, now, BATCH, ids)
    ]


async def record(
    session: AsyncSession, outcomes: Sequence[tuple[Pending, Delivery]], now: datetime
) -> None:
    """What the sender made of each claimed message: LATER ones are tried again after a
    growing pause (dropped when that would be past their window); the rest are done."""
    done = []
    for message, delivery in outcomes:
        retry_at = next_try(now, message.attempts)
        if delivery is Delivery.LATER and retry_at < message.not_after:
            await stored.later(session, message.id, retry_at)
            continue
        if delivery is Delivery.LATER:
            log.warning("%s: not sent within its window, given up", message.what)
        done.append(message.id)
    await stored.settle(session, done)


async def waiting(session: AsyncSession, ids: Sequence[int]) -> int:
    """How many of the messages ``ids`` are still waiting to be sent."""
    return await stored.count(session, ids)
