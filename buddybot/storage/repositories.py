"""Queries and writes on the people tables. No Telegram types, no texts: just records."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.models import (
    DEFAULT_TIME_ZONE,
    AuditEntry,
    Organisation,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    Professional,
    ProfessionalStatus,
)

Record = TypeVar("Record", Organisation, Professional, Participant, AuditEntry)


async def _saved(session: AsyncSession, record: Record) -> Record:
    """Add a new record and flush, so its id is known."""
    session.add(record)
    await session.flush()
    return record


async def professional_by_telegram_id(
    session: AsyncSession, telegram_user_id: int
) -> Professional | None:
    """The professional who uses this Telegram account, if any."""
    return await session.scalar(
        select(Professional).where(Professional.telegram_user_id == telegram_user_id)
    )


async def participant_by_telegram_id(
    session: AsyncSession, telegram_user_id: int
) -> Participant | None:
    """The client or buddy who uses this Telegram account, if any."""
    return await session.scalar(
        select(Participant).where(Participant.telegram_user_id == telegram_user_id)
    )


async def organisation_by_name(session: AsyncSession, name: str) -> Organisation | None:
    """The organisation with exactly this name, if any."""
    return await session.scalar(select(Organisation).where(Organisation.name == name))


async def add_organisation(session: AsyncSession, name: str) -> Organisation:
    """Create an organisation."""
    return await _saved(session, Organisation(name=name))


async def add_professional(
    session: AsyncSession,
    organisation: Organisation,
    display_name: str,
    *,
    telegram_user_id: int | None = None,
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    status: ProfessionalStatus = ProfessionalStatus.INVITED,
) -> Professional:
    """Create a professional in an organisation."""
    return await _saved(
        session,
        Professional(
            organisation_id=organisation.id,
            display_name=display_name,
            telegram_user_id=telegram_user_id,
            language=language,
            time_zone=time_zone,
            status=status,
        ),
    )


async def add_participant(
    session: AsyncSession,
    organisation: Organisation,
    role: ParticipantRole,
    *,
    first_name: str | None = None,
    telegram_user_id: int | None = None,
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    status: ParticipantStatus = ParticipantStatus.INVITED,
) -> Participant:
    """Create a client or buddy in an organisation."""
    return await _saved(
        session,
        Participant(
            organisation_id=organisation.id,
            role=role,
            first_name=first_name,
            telegram_user_id=telegram_user_id,
            language=language,
            time_zone=time_zone,
            status=status,
        ),
    )


async def add_audit_entry(
    session: AsyncSession,
    *,
    actor_kind: str,
    action: str,
    actor_id: int | None = None,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append a line to the audit log. Ids and action names only: never names or texts."""
    return await _saved(
        session,
        AuditEntry(
            actor_kind=actor_kind,
            actor_id=actor_id,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=detail,
        ),
    )


async def audit_entries(session: AsyncSession) -> list[AuditEntry]:
    """The whole audit log, oldest first."""
    return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
