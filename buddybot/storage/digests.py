"""Queries and writes on weekly digests: who gets one, and the (professional, week) rows that
make each digest go out once (claimed, taken again when the claim went stale, sent). No
rules, no texts: just rows. The figures a digest shows are read in ``storage/weekly.py``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ProfessionalStatus
from buddybot.storage import claims
from buddybot.storage.database import upsert_insert
from buddybot.storage.models import Digest, Professional


async def recipients(session: AsyncSession) -> list[Professional]:
    """The active professionals with a Telegram account: those a weekly digest may go to."""
    return list(
        await session.scalars(
            select(Professional).where(
                Professional.status == ProfessionalStatus.ACTIVE,
                Professional.telegram_user_id.is_not(None),
            )
        )
    )


async def claim(
    session: AsyncSession, professional_id: int, week: date, now: datetime
) -> int | None:
    """Take the digest of (professional, ``week``) for sending, claimed at ``now``: its new
    id, or None when a row for that week exists (another process has it, or it was sent).
    One INSERT … ON CONFLICT DO NOTHING RETURNING, so exactly one process wins."""
    insert = upsert_insert(session)
    won: int | None = await session.scalar(
        insert(Digest)
        .values(professional_id=professional_id, week=week, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["professional_id", "week"])
        .returning(Digest.id)
    )
    return won


async def retake_stale(session: AsyncSession, now: datetime) -> list[tuple[int, int, date]]:
    """Digests not sent whose claim went stale (``claims.STALE_CLAIM``) are claimed again at
    ``now``: (digest id, professional id, week) of each."""
    rows = await session.execute(
        update(Digest)
        .where(Digest.sent_at.is_(None), claims.stale(Digest.claimed_at, now))
        .values(claimed_at=now)
        .returning(Digest.id, Digest.professional_id, Digest.week)
    )
    return [(digest_id, professional_id, week) for digest_id, professional_id, week in rows]


async def mark_sent(session: AsyncSession, digest_id: int, now: datetime) -> None:
    """The digest ``digest_id`` went out (or was given up) at ``now``."""
    await session.execute(update(Digest).where(Digest.id == digest_id).values(sent_at=now))
