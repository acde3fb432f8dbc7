"""Rows of ``outgoing_message``: messages the bot starts, kept until Telegram has them. No
rules, no texts: the pauses and windows are in ``services/outbox.py`` and ``sender.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage import claims
from buddybot.storage.database import rows_that_open
from buddybot.storage.models import OutgoingMessage


async def add(session: AsyncSession, rows: Sequence[OutgoingMessage]) -> list[int]:
    """Keep ``rows``; returns their ids."""
    session.add_all(rows)
    await session.flush()
    return [row.id for row in rows]


async def claim(
    session: AsyncSession, now: datetime, limit: int, ids: Sequence[int] | None = None
) -> list[OutgoingMessage]:
    """Take messages due at ``now`` (only ``ids`` when given) for sending: each by exactly
    one process (rows locked, other replicas skip them on PostgreSQL; the conditional update
    decides on SQLite). A claim cut off (``claims.STALE_CLAIM``) is taken again."""
    due = [
        OutgoingMessage.retry_at <= now,
        OutgoingMessage.not_after > now,
        or_(OutgoingMessage.claimed_at.is_(None), claims.stale(OutgoingMessage.claimed_at, now)),
    ]
    if ids is not None:
        due.append(OutgoingMessage.id.in_(ids))
    candidates = list(
        await session.scalars(
            select(OutgoingMessage.id)
            .where(*due)
            .order_by(OutgoingMessage.retry_at, OutgoingMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not candidates:
        return []
    won = set(
        await session.scalars(
            update(OutgoingMessage)
            .where(OutgoingMessage.id.in_(candidates), *due)
            .values(claimed_at=now, attempts=OutgoingMessage.attempts + 1)
            .returning(OutgoingMessage.id)
        )
    )
    statement = select(OutgoingMessage).where(OutgoingMessage.id.in_(won))
    rows = await rows_that_open(session, statement, OutgoingMessage.id, "outgoing message")
    return sorted((row for (row,) in rows), key=lambda row: (row.retry_at, row.id))


async def later(session: AsyncSession, message_id: int, retry_at: datetime) -> None:
    """Not sent yet: free the claim, try again from ``retry_at``."""
    await session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id == message_id)
        .values(claimed_at=None, retry_at=retry_at)
    )


async def settle(session: AsyncSession, message_ids: Sequence[int]) -> None:
    """These messages are done with (sent, or never sendable): nothing of them is kept."""
    if message_ids:
        await session.execute(delete(OutgoingMessage).where(OutgoingMessage.id.in_(message_ids)))


async def drop_expired(session: AsyncSession, now: datetime) -> int:
    """Messages whose window closed unsent (and not being sent): dropped; how many."""
    gone = await session.execute(
        delete(OutgoingMessage).where(
            OutgoingMessage.not_after <= now,
            or_(
                OutgoingMessage.claimed_at.is_(None),
                claims.stale(OutgoingMessage.claimed_at, now),
            ),
        )
    )
    return int(getattr(gone, "rowcount", 0) or 0)


async def waiting_for(session: AsyncSession, participant_id: int, what: str) -> bool:
    """True when a message of kind ``what`` for this participant is waiting."""
    found = await session.scalar(
        select(OutgoingMessage.id)
        .where(OutgoingMessage.participant_id == participant_id, OutgoingMessage.what == what)
        .limit(1)
    )
    return found is not None


async def count(session: AsyncSession, ids: Sequence[int]) -> int:
    """How many of the messages ``ids`` are still kept."""
    if not ids:
        return 0
    return int(
        await session.scalar(
            select(func.count()).select_from(OutgoingMessage).where(OutgoingMessage.id.in_(ids))
        )
        or 0
    )
