"""Queries and writes on invitations, the links held open for someone joining, and wrong
codes counted per account."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.database import saved
from buddybot.storage.models import (
    FailedCodeAttempt,
    Invitation,
    Participant,
)


async def add_invitation(session: AsyncSession, invitation: Invitation) -> Invitation:
    """Store a new invitation."""
    return await saved(session, invitation)


async def invitation_by_id(session: AsyncSession, invitation_id: int) -> Invitation | None:
    """An invitation by id."""
    return await session.get(Invitation, invitation_id)


async def invitation_by_code_hash(session: AsyncSession, hashed: str) -> Invitation | None:
    """The invitation whose code has this hash."""
    return await session.scalar(select(Invitation).where(Invitation.code_hash == hashed))


async def invitation_for_participant(
    session: AsyncSession, participant_id: int
) -> Invitation | None:
    """The newest invitation made for a client or buddy."""
    return await session.scalar(
        select(Invitation)
        .where(Invitation.participant_id == participant_id)
        .order_by(Invitation.id.desc())
        .limit(1)
    )


async def open_invitations_by(
    session: AsyncSession, professional_id: int, now: datetime
) -> list[tuple[Invitation, Participant]]:
    """A professional's invitations that can still be used, with whom they are for."""
    rows = await session.execute(
        select(Invitation, Participant)
        .join(Participant, Participant.id == Invitation.participant_id)
        .where(
            Invitation.created_by_id == professional_id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.id)
    )
    return list(rows.all())


async def count_failed_code_attempts(
    session: AsyncSession, telegram_user_hash: str, since: datetime
) -> int:
    """Wrong codes typed by one (hashed) Telegram account since a moment."""
    count = await session.scalar(
        select(func.count()).where(
            FailedCodeAttempt.telegram_user_hash == telegram_user_hash,
            FailedCodeAttempt.at >= since,
        )
    )
    return count or 0


async def add_failed_code_attempt(
    session: AsyncSession, telegram_user_hash: str, now: datetime
) -> None:
    """Count a wrong code, and forget attempts older than a day while at it."""
    await delete_failed_code_attempts(session, before=now - timedelta(days=1))
    await saved(session, FailedCodeAttempt(telegram_user_hash=telegram_user_hash, at=now))


async def invitations_for_participant(
    session: AsyncSession, participant_id: int
) -> list[Invitation]:
    """Every invitation made for one client or buddy, oldest first."""
    return list(
        await session.scalars(
            select(Invitation)
            .where(Invitation.participant_id == participant_id)
            .order_by(Invitation.id)
        )
    )


async def release_pending_links(session: AsyncSession, telegram_user_id: int) -> None:
    """Forget that this account has any invitation link open."""
    await session.execute(
        update(Invitation)
        .where(Invitation.pending_telegram_user_id == telegram_user_id)
        .values(pending_telegram_user_id=None, pending_since=None)
    )


async def release_stale_pending_links(session: AsyncSession, before: datetime) -> int:
    """Forget links opened before ``before`` and never answered; returns how many."""
    result = await session.execute(
        update(Invitation)
        .where(Invitation.pending_since < before, Invitation.pending_telegram_user_id.is_not(None))
        .values(pending_telegram_user_id=None, pending_since=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_failed_code_attempts(
    session: AsyncSession, *, before: datetime | None = None, telegram_user_hash: str | None = None
) -> int:
    """Forget wrong-code attempts older than ``before`` and/or of one (hashed) account."""
    statement = delete(FailedCodeAttempt)
    if before is not None:
        statement = statement.where(FailedCodeAttempt.at < before)
    if telegram_user_hash is not None:
        statement = statement.where(FailedCodeAttempt.telegram_user_hash == telegram_user_hash)
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)
