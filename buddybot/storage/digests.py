"""Queries and writes on weekly digests: who gets one, and the (professional, week) rows that
make each digest go out once (claimed, taken again when the claim went stale, sent). No
rules, no texts: just rows. The figures a digest shows are read in ``storage/weekly.py``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ProfessionalRole, ProfessionalStatus
from buddybot.storage import claims
from buddybot.storage.database import upsert_insert
from buddybot.storage.models import Digest, Professional


async def recipients(session: AsyncSession) -> list[Professional]:
    """The active professionals with a Telegram account: those a weekly digest may go to
    (coordinators get a monthly one of their own, ``storage/organisation.py``)."""
    return list(
        await session.scalars(
            select(Professional).where(
                Professional.status == ProfessionalStatus.ACTIVE,
                Professional.role == ProfessionalRole.PROFESSIONAL,
                Professional.telegram_user_id.is_not(None),
            )
        )
    )


async def claim(
    session: AsyncSession, professional_id: int, week: date, now: datetime, not_after: datetime
) -> int | None:
    """Take the digest of (professional, ``week``) for sending, claimed at ``now`` and worth
    sending until ``not_after``: its new id, or None when a row for that week exists (another
    process has it, or it was settled). One INSERT … ON CONFLICT DO NOTHING RETURNING, so
    exactly one process wins."""
    insert = upsert_insert(session)
    won: int | None = await session.scalar(
        insert(Digest)
        .values(
            professional_id=professional_id,
            week=week,
            claimed_at=now,
            not_after=not_after,
            attempts=1,
            parts_sent=0,
        )
        .on_conflict_do_nothing(index_elements=["professional_id", "week"])
        .returning(Digest.id)
    )
    return won


def _waiting(now: datetime) -> ColumnElement[bool]:
    # Unsettled, and free to take: its retry pause is over, or its claim was cut off.
    return and_(
        Digest.sent_at.is_(None),
        or_(
            Digest.retry_at <= now,
            and_(Digest.retry_at.is_(None), claims.stale(Digest.claimed_at, now)),
        ),
    )


async def close_missed(session: AsyncSession, now: datetime) -> int:
    """Digests waiting for another try whose window closed: settled as ``missed``; how
    many (rows from before windows were kept have none: missed too)."""
    closed = await session.execute(
        update(Digest)
        .where(_waiting(now), or_(Digest.not_after.is_(None), Digest.not_after <= now))
        .values(sent_at=now, outcome="missed", retry_at=None)
    )
    return int(getattr(closed, "rowcount", 0) or 0)


async def retake(session: AsyncSession, now: datetime) -> list[tuple[int, int, date, int]]:
    """Digests to try again (a passing Telegram problem, or a claim cut off), claimed again
    at ``now``: (digest id, professional id, week, parts already sent) of each."""
    rows = await session.execute(
        update(Digest)
        .where(_waiting(now), Digest.not_after > now)
        .values(claimed_at=now, retry_at=None, attempts=Digest.attempts + 1)
        .returning(Digest.id, Digest.professional_id, Digest.week, Digest.parts_sent)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def renew_claim(
    session: AsyncSession, digest_id: int, claimed_at: datetime, now: datetime
) -> bool:
    """Move the claim of an unsettled digest from ``claimed_at`` to ``now``, only if it is
    still the claim made at ``claimed_at``; True when it was."""
    renewed = await session.scalar(
        update(Digest)
        .where(Digest.id == digest_id, Digest.claimed_at == claimed_at, Digest.sent_at.is_(None))
        .values(claimed_at=now)
        .returning(Digest.id)
    )
    return renewed is not None


async def attempts_of(session: AsyncSession, digest_id: int) -> int:
    """How often the digest ``digest_id`` was taken for sending."""
    return int(await session.scalar(select(Digest.attempts).where(Digest.id == digest_id)) or 0)


async def mark_part_sent(session: AsyncSession, digest_id: int, parts_sent: int) -> None:
    """The first ``parts_sent`` parts of the digest reached Telegram."""
    await session.execute(
        update(Digest).where(Digest.id == digest_id).values(parts_sent=parts_sent)
    )


async def mark_later(session: AsyncSession, digest_id: int, retry_at: datetime) -> None:
    """Not (all) sent yet: tried again from ``retry_at``."""
    await session.execute(update(Digest).where(Digest.id == digest_id).values(retry_at=retry_at))


async def mark_settled(session: AsyncSession, digest_id: int, now: datetime, outcome: str) -> None:
    """The digest ``digest_id`` is done at ``now``: ``outcome`` sent, gone (the professional
    cannot be reached) or missed (its window closed)."""
    await session.execute(
        update(Digest)
        .where(Digest.id == digest_id)
        .values(sent_at=now, outcome=outcome, retry_at=None)
    )
