"""Queries and writes on the people tables. No Telegram types, no texts: just records."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.clock import utcnow
from buddybot.roles import DEFAULT_TIME_ZONE, ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.storage.models import (
    AuditEntry,
    AwaitedAnswer,
    BuddyLink,
    FailedCodeAttempt,
    Invitation,
    Organisation,
    Participant,
    Professional,
)

Record = TypeVar(
    "Record",
    Organisation,
    Professional,
    Participant,
    AuditEntry,
    Invitation,
    BuddyLink,
    FailedCodeAttempt,
)


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
    professional_id: int | None = None,
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
            professional_id=professional_id,
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
    """Append a line to the audit log. Ids and action names only: never names or texts.
    The line is chained to the one before it by hash."""
    if session.get_bind().dialect.name == "postgresql":
        # One writer of the chain at a time across replicas (SQLite's BEGIN IMMEDIATE
        # already gives that); released at the end of the transaction.
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
    previous = await session.scalar(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    )
    entry = AuditEntry(
        at=utcnow(),
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        detail=detail,
        previous_hash=previous or AUDIT_GENESIS,
    )
    entry.entry_hash = audit_hash(
        entry.previous_hash,
        entry.at,
        [actor_kind, actor_id, action, subject_kind, subject_id, detail],
    )
    return await _saved(session, entry)


AUDIT_GENESIS = "0" * 64  # what the first line of the log is chained to
AUDIT_LOCK = 0x42554444  # "BUDD": the advisory lock around appending to the audit log


def audit_hash(previous_hash: str, at: datetime, fields: list[Any]) -> str:
    """SHA-256 over the hash of the line before, the moment, and everything the line says
    (actor kind and id, action, subject kind and id, detail)."""
    content = json.dumps(
        [previous_hash, at.isoformat(), *fields], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(content.encode()).hexdigest()


def entry_fields(entry: AuditEntry) -> list[Any]:
    """What an audit line says, in the order ``audit_hash`` takes it."""
    return [
        entry.actor_kind,
        entry.actor_id,
        entry.action,
        entry.subject_kind,
        entry.subject_id,
        entry.detail,
    ]


async def broken_audit_line(session: AsyncSession) -> int | None:
    """The id of the first audit line that was changed, removed or put in between (its hash
    or its link to the line before does not match); None when the whole chain holds."""
    previous = AUDIT_GENESIS
    for entry in await audit_entries(session):
        expected = audit_hash(entry.previous_hash, entry.at, entry_fields(entry))
        if entry.previous_hash != previous or entry.entry_hash != expected:
            return entry.id
        previous = entry.entry_hash
    return None


async def audit_entries(session: AsyncSession) -> list[AuditEntry]:
    """The whole audit log, oldest first."""
    return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def organisation_by_id(session: AsyncSession, organisation_id: int) -> Organisation:
    """The organisation with this id (it must exist)."""
    return await session.get_one(Organisation, organisation_id)


async def organisations(session: AsyncSession) -> list[Organisation]:
    """Every organisation, by name."""
    return list(await session.scalars(select(Organisation).order_by(Organisation.name)))


async def professional_by_id(
    session: AsyncSession, professional_id: int | None
) -> Professional | None:
    """A professional by id (None for None)."""
    return None if professional_id is None else await session.get(Professional, professional_id)


async def professionals_of(session: AsyncSession, organisation_id: int) -> list[Professional]:
    """The professionals of an organisation, by name (sorted here: names are encrypted)."""
    found = await session.scalars(
        select(Professional).where(Professional.organisation_id == organisation_id)
    )
    return sorted(found, key=lambda professional: (professional.display_name, professional.id))


async def participant_by_id(
    session: AsyncSession, participant_id: int | None
) -> Participant | None:
    """A client or buddy by id (None for None)."""
    return None if participant_id is None else await session.get(Participant, participant_id)


async def clients_of_organisation(session: AsyncSession, organisation_id: int) -> list[Participant]:
    """Every client of an organisation who has not left, oldest first."""
    return list(
        await session.scalars(
            select(Participant)
            .where(
                Participant.organisation_id == organisation_id,
                Participant.role == ParticipantRole.CLIENT,
                Participant.status != ParticipantStatus.LEFT,
            )
            .order_by(Participant.created_at, Participant.id)
        )
    )


async def participants_of_professional(
    session: AsyncSession, professional_id: int, role: ParticipantRole
) -> list[Participant]:
    """A professional's clients (or buddies), oldest first; people who left are left out."""
    return list(
        await session.scalars(
            select(Participant)
            .where(
                Participant.professional_id == professional_id,
                Participant.role == role,
                Participant.status != ParticipantStatus.LEFT,
            )
            .order_by(Participant.created_at, Participant.id)
        )
    )


async def count_participants(
    session: AsyncSession, professional_id: int
) -> dict[ParticipantRole, int]:
    """How many clients and buddies a professional has (people who left not counted)."""
    rows = await session.execute(
        select(Participant.role, func.count())
        .where(
            Participant.professional_id == professional_id,
            Participant.status != ParticipantStatus.LEFT,
        )
        .group_by(Participant.role)
    )
    counts = {role: 0 for role in ParticipantRole}
    counts.update({role: count for role, count in rows.all()})
    return counts


async def add_invitation(session: AsyncSession, invitation: Invitation) -> Invitation:
    """Store a new invitation."""
    return await _saved(session, invitation)


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
    await _saved(session, FailedCodeAttempt(telegram_user_hash=telegram_user_hash, at=now))


async def add_buddy_link(
    session: AsyncSession, buddy: Participant, client: Participant
) -> BuddyLink:
    """Link a buddy to a client (the client has not agreed yet)."""
    return await _saved(session, BuddyLink(buddy_id=buddy.id, client_id=client.id))


async def buddy_link_by_id(session: AsyncSession, link_id: int) -> BuddyLink | None:
    """A buddy link by id."""
    return await session.get(BuddyLink, link_id)


async def buddy_links_of_buddy(
    session: AsyncSession, buddy_id: int
) -> list[tuple[BuddyLink, Participant]]:
    """A buddy's links with the client on the other end."""
    rows = await session.execute(
        select(BuddyLink, Participant)
        .join(Participant, Participant.id == BuddyLink.client_id)
        .where(BuddyLink.buddy_id == buddy_id)
        .order_by(BuddyLink.id)
    )
    return list(rows.all())


async def buddy_links_of_client(
    session: AsyncSession, client_id: int
) -> list[tuple[BuddyLink, Participant]]:
    """A client's links with the buddy on the other end."""
    rows = await session.execute(
        select(BuddyLink, Participant)
        .join(Participant, Participant.id == BuddyLink.buddy_id)
        .where(BuddyLink.client_id == client_id)
        .order_by(BuddyLink.id)
    )
    return list(rows.all())


async def awaited_answer(session: AsyncSession, telegram_user_id: int) -> AwaitedAnswer | None:
    """The question this person is expected to answer by typing, if any."""
    return await session.get(AwaitedAnswer, telegram_user_id)


async def await_answer(
    session: AsyncSession, telegram_user_id: int, topic: str, data: dict[str, Any], now: datetime
) -> None:
    """Remember that this person is to type an answer about ``topic`` (replaces any other)."""
    existing = await session.get(AwaitedAnswer, telegram_user_id)
    if existing is None:
        session.add(
            AwaitedAnswer(telegram_user_id=telegram_user_id, topic=topic, data=data, asked_at=now)
        )
    else:
        existing.topic, existing.data, existing.asked_at = topic, data, now
    await session.flush()


async def forget_awaited_answer(session: AsyncSession, telegram_user_id: int) -> None:
    """This person is no longer expected to type anything."""
    await session.execute(
        delete(AwaitedAnswer).where(AwaitedAnswer.telegram_user_id == telegram_user_id)
    )


async def audit_entries_about(
    session: AsyncSession, subject_kind: str, subject_id: int
) -> list[AuditEntry]:
    """Audit lines about one record (who looked at or changed it), oldest first."""
    return list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_kind == subject_kind, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


async def audit_entries_by(
    session: AsyncSession, actor_kind: str, actor_id: int
) -> list[AuditEntry]:
    """Audit lines of what one person did, oldest first."""
    return list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.actor_kind == actor_kind, AuditEntry.actor_id == actor_id)
            .order_by(AuditEntry.id)
        )
    )


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


async def delete_stale_awaited_answers(session: AsyncSession, before: datetime) -> int:
    """Forget questions asked before ``before`` that were never answered."""
    result = await session.execute(delete(AwaitedAnswer).where(AwaitedAnswer.asked_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def participants_withdrawn_before(
    session: AsyncSession, before: datetime
) -> list[Participant]:
    """Clients and buddies who withdrew their consent before ``before``."""
    return list(
        await session.scalars(
            select(Participant)
            .where(Participant.consent_withdrawn_at < before)
            # Replicas purging at the same moment each take different people (PostgreSQL).
            .with_for_update(skip_locked=True)
        )
    )


async def delete_participant(session: AsyncSession, participant: Participant) -> None:
    """Hard-delete a client or buddy; the database cascades to their links and invitations."""
    await session.delete(participant)
    await session.flush()


def upsert_insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The database's own INSERT (it knows ON CONFLICT DO NOTHING and RETURNING), for the
    claims that make a prompt or a digest go out once."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return postgresql_insert if dialect == "postgresql" else sqlite_insert
