"""People's rights over their data (GDPR art. 15-17, 20): a copy of everything (`/mydata`),
withdrawing consent (`/stop`, erased after a grace period), erasing now (`/delete`), and the
daily purge. Rules only; the handlers turn the results into messages and documents."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.network import Contact
from buddybot.roles import ParticipantRole
from buddybot.services import contacts, meetups, outbox, people
from buddybot.services.invitations import PENDING_HOLD, attempt_hash
from buddybot.services.outbox import Outgoing
from buddybot.services.people import Person, Role
from buddybot.storage import audit, deliveries, questions
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import invitations as stored_invitations
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import AuditLog, Participant, Professional

log = logging.getLogger(__name__)

# Questions left unanswered this long are forgotten.
AWAITED_ANSWER_HOLD = timedelta(days=1)
# Telegram stops delivering an update after 24 hours; a week is ample.
HANDLED_UPDATE_HOLD = timedelta(days=7)
FAILED_ATTEMPT_HOLD = timedelta(days=1)


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


async def _actor_name(session: AsyncSession, entry: AuditLog) -> str:
    if entry.actor_kind == "professional":
        professional = await stored_people.professional_by_id(session, entry.actor_id)
        if professional is not None:
            return f"professional {professional.display_name}"
    return entry.actor_kind


async def _audit_lines(session: AsyncSession, entries: list[AuditLog]) -> list[dict[str, Any]]:
    return [
        {"when": _when(entry.at), "who": await _actor_name(session, entry), "what": entry.action}
        for entry in entries
    ]


async def my_data(
    session: AsyncSession, telegram_user_id: int, *, now: datetime
) -> dict[str, Any] | None:
    """Everything BuddyBot holds about the person behind this account, as plain data for a
    JSON document; None if it holds nothing. The export itself is audited."""
    record = await people.account(session, telegram_user_id)
    if record is None:
        return None
    if isinstance(record, Professional):
        data = await _professional_data(session, record, telegram_user_id)
        actor_kind = "professional"
    else:
        data = await _participant_data(session, record, telegram_user_id)
        actor_kind = record.role.value
    await audit.add_audit_entry(
        session,
        actor_kind=actor_kind,
        actor_id=record.id,
        action="data.exported",
        subject_kind="professional" if isinstance(record, Professional) else "participant",
        subject_id=record.id,
    )
    data["exported_at"] = _when(now)
    return data


async def _participant_data(
    session: AsyncSession, participant: Participant, telegram_user_id: int
) -> dict[str, Any]:
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    organisation = await stored_people.organisation_by_id(session, participant.organisation_id)
    if participant.role is ParticipantRole.CLIENT:
        links = await stored_people.buddy_links_of_client(session, participant.id)
        linked = [
            {
                "buddy": other.first_name,
                "linked_on": _when(link.created_at),
                "you_agreed_on": _when(link.client_agreed_at),
            }
            for link, other in links
        ]
    else:
        links = await stored_people.buddy_links_of_buddy(session, participant.id)
        linked = [
            {
                "client": other.first_name,
                "linked_on": _when(link.created_at),
                "client_agreed_on": _when(link.client_agreed_at),
            }
            for link, other in links
        ]
    invitations = await stored_invitations.invitations_for_participant(session, participant.id)
    network: dict[str, Any] = {}
    if participant.role is ParticipantRole.CLIENT:
        network = {
            "network": [
                _contact_data(c) for c in await contacts.current_map(session, participant.id)
            ],
            "network_changes": [
                {
                    "when": _when(change.at),
                    "contact": change.contact_id,
                    "change": change.kind.value,
                    "after": None if change.after is None else _contact_data(change.after),
                }
                for change in await contacts.history(session, participant.id)
            ],
        }
    return {
        "you": {
            "role": participant.role.value,
            "first_name": participant.first_name,
            "telegram_user_id": telegram_user_id,
            "language": participant.language,
            "time_zone": participant.time_zone,
            "status": participant.status.value,
            "invited_on": _when(participant.created_at),
            "consent_given_on": _when(participant.consent_given_at),
            "consent_withdrawn_on": _when(participant.consent_withdrawn_at),
        },
        "your_professional": professional.display_name if professional else None,
        "organisation": organisation.name,
        "buddies" if participant.role is ParticipantRole.CLIENT else "clients": linked,
        "invitations": [
            {
                "made_on": _when(invitation.created_at),
                "valid_until": _when(invitation.expires_at),
                "used_on": _when(invitation.used_at),
                "withdrawn_on": _when(invitation.revoked_at),
            }
            for invitation in invitations
        ],
        **network,
        **await stored_checkins.answers_of(session, participant.id),
        "meetups": await meetups.of_participant(session, participant),
        "who_looked_at_or_changed_your_data": await _audit_lines(
            session, await audit.audit_entries_about(session, "participant", participant.id)
        ),
        "what_you_did": await _audit_lines(
            session,
            await audit.audit_entries_by(session, participant.role.value, participant.id),
        ),
    }


async def _professional_data(
    session: AsyncSession, professional: Professional, telegram_user_id: int
) -> dict[str, Any]:
    organisation = await stored_people.organisation_by_id(session, professional.organisation_id)
    counts = await stored_people.count_participants(session, professional.id)
    return {
        "you": {
            "role": "professional",
            "display_name": professional.display_name,
            "telegram_user_id": telegram_user_id,
            "language": professional.language,
            "time_zone": professional.time_zone,
            "status": professional.status.value,
            "since": _when(professional.created_at),
        },
        "organisation": organisation.name,
        "caseload": {
            "clients": counts[ParticipantRole.CLIENT],
            "buddies": counts[ParticipantRole.BUDDY],
        },
        "what_you_did": await _audit_lines(
            session, await audit.audit_entries_by(session, "professional", professional.id)
        ),
    }


def _contact_data(contact: Contact) -> dict[str, Any]:
    return {
        "contact": contact.contact_id,
        "kind": contact.kind.value,
        "name": contact.label,
        "circle": contact.circle,
        "life_domain": contact.domain.value,
        "support_received": sorted(s.value for s in contact.support_received),
        "support_given": sorted(s.value for s in contact.support_given),
        "usual_frequency": contact.frequency.value if contact.frequency else None,
    }


@dataclass(frozen=True)
class Told:
    """Whom to tell that a client or buddy stopped or left: their professional."""

    first_name: str
    role: ParticipantRole
    professional_telegram_id: int | None
    professional_language: str | None


async def _told(session: AsyncSession, participant: Participant) -> Told:
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    return Told(
        participant.first_name or "",
        participant.role,
        professional.telegram_user_id if professional else None,
        professional.language if professional else None,
    )


async def _participant_of(session: AsyncSession, telegram_user_id: int) -> Participant | None:
    record = await people.account(session, telegram_user_id)
    return record if isinstance(record, Participant) else None


async def withdraw_consent(
    session: AsyncSession, telegram_user_id: int, *, now: datetime
) -> Told | None:
    """`/stop`: nothing more is asked from now on and the professional no longer sees the
    person's data; it is erased after the grace period unless they come back."""
    participant = await _participant_of(session, telegram_user_id)
    if participant is None or participant.consent_withdrawn_at is not None:
        return None
    participant.consent_withdrawn_at = now
    await questions.forget_awaited_answer(session, telegram_user_id)
    await audit.add_audit_entry(
        session,
        actor_kind=participant.role.value,
        actor_id=participant.id,
        action="consent.withdrawn",
        subject_kind="participant",
        subject_id=participant.id,
    )
    return await _told(session, participant)


async def resume_consent(
    session: AsyncSession, telegram_user_id: int, *, now: datetime
) -> Told | None:
    """Someone who said /stop changed their mind within the grace period."""
    participant = await _participant_of(session, telegram_user_id)
    if participant is None or participant.consent_withdrawn_at is None:
        return None
    participant.consent_withdrawn_at = None
    participant.consent_given_at = now
    await audit.add_audit_entry(
        session,
        actor_kind=participant.role.value,
        actor_id=participant.id,
        action="consent.given_again",
        subject_kind="participant",
        subject_id=participant.id,
    )
    return await _told(session, participant)


async def erase(session: AsyncSession, participant: Participant, *, reason: str) -> Told:
    """Hard-delete everything about a client or buddy. The audit log keeps one line with
    ids only; the caller tells the professional that the person left."""
    told = await _told(session, participant)
    telegram_user_id = participant.telegram_user_id
    participant_id, role = participant.id, participant.role
    if telegram_user_id is not None:
        await questions.forget_awaited_answer(session, telegram_user_id)
        await stored_invitations.release_pending_links(session, telegram_user_id)
        await stored_invitations.delete_failed_code_attempts(
            session, telegram_user_hash=attempt_hash(telegram_user_id)
        )
    # What was made for them alone goes with them: a buddy invited for this client who
    # never joined (the record and its open link).
    invited_buddies = await stored_people.invited_buddies_only_for(session, participant_id)
    for buddy in invited_buddies:
        await stored_people.delete_participant(session, buddy)
    await stored_people.delete_participant(session, participant)
    await audit.add_audit_entry(
        session,
        actor_kind=role.value if reason == "delete" else "system",
        actor_id=participant_id if reason == "delete" else None,
        action=f"participant.erased.{reason}",
        subject_kind="participant",
        subject_id=participant_id,
        detail={"invited_buddies": [buddy.id for buddy in invited_buddies]}
        if invited_buddies
        else None,
    )
    return told


async def delete_me(session: AsyncSession, telegram_user_id: int) -> Told | None:
    """`/delete`, confirmed: erase this client or buddy now."""
    participant = await _participant_of(session, telegram_user_id)
    if participant is None:
        return None
    return await erase(session, participant, reason="delete")


@dataclass(frozen=True)
class PurgeReport:
    """What one run of the daily purge removed; ``failed``: items that could not be done
    this time (logged, tried again in the next run)."""

    erased: int
    old_answers: int
    released_links: int
    failed_attempts: int
    awaited_answers: int
    handled_updates: int
    failed: int = 0


async def retention_months(session: AsyncSession, person: Person, default: int) -> int:
    """How long this person's answers are kept: their organisation's choice, else
    ``default`` (BUDDYBOT_RETENTION_MONTHS)."""
    if person.role not in (Role.CLIENT, Role.BUDDY) or person.record_id is None:
        return default
    participant = await stored_people.participant_by_id(session, person.record_id)
    if participant is None:
        return default
    organisation = await stored_people.organisation_by_id(session, participant.organisation_id)
    return (organisation.retention_months if organisation else None) or default


async def retention_of(database: Database, person: Person, default: int) -> int:
    """:func:`retention_months` in a transaction of its own (for the privacy notice)."""
    async with database.transaction() as session:
        return await retention_months(session, person, default)


async def purge(
    database: Database,
    *,
    now: datetime,
    grace_days: int,
    retention_months: int,
    note: Callable[[Told], Outgoing | None] = lambda told: None,
) -> PurgeReport:
    """The daily clean-up: people whose grace period after /stop ended are erased (each
    with ``note(told)`` for their professional, posted in the same transaction), answers
    older than the retention period are deleted, and short-lived traces (unanswered
    questions, open links, wrong codes) are forgotten. Each person, organisation and trace
    is one transaction of its own: one that fails is logged (its type only) and counted,
    and the others go on."""
    failed = 0

    async def each(what: str, step: Callable[[AsyncSession], Awaitable[int]]) -> int:
        nonlocal failed
        try:
            async with database.transaction() as session:
                return await step(session)
        except Exception as error:
            failed += 1
            log.error("purge: %s failed (%s)", what, type(error).__qualname__)
            return 0

    async with database.transaction() as session:
        withdrawn = await stored_people.participants_withdrawn_before(
            session, now - timedelta(days=grace_days)
        )
        organisation_months = {
            organisation.id: organisation.retention_months or retention_months
            for organisation in await stored_people.organisations(session)
        }

    async def erase_one(participant_id: int, session: AsyncSession) -> int:
        # Locked, and skipped when another replica is erasing them right now (PostgreSQL).
        participant = await session.get(
            Participant, participant_id, with_for_update={"skip_locked": True}
        )
        if participant is None:
            return 0
        told = await erase(session, participant, reason="grace_ended")
        message = note(told)
        if message is not None:
            await outbox.post(session, [message], now)
        return 1

    async def delete_old(organisation_id: int, months: int, session: AsyncSession) -> int:
        # A month counted as 31 days: never shorter than the months people were told.
        return await stored_checkins.delete_answers_before(
            session, now - timedelta(days=31 * months), organisation_id=organisation_id
        )

    erased = 0
    for participant in withdrawn:
        erased += await each(
            f"erasing participant {participant.id}", partial(erase_one, participant.id)
        )
    old_answers = 0
    for organisation_id, months in organisation_months.items():
        old_answers += await each(
            f"old answers of organisation {organisation_id}",
            partial(delete_old, organisation_id, months),
        )
    return PurgeReport(
        erased,
        old_answers,
        await each(
            "open links",
            lambda session: stored_invitations.release_stale_pending_links(
                session, now - PENDING_HOLD
            ),
        ),
        await each(
            "wrong codes",
            lambda session: stored_invitations.delete_failed_code_attempts(
                session, before=now - FAILED_ATTEMPT_HOLD
            ),
        ),
        await each(
            "awaited answers",
            lambda session: questions.delete_stale_awaited_answers(
                session, now - AWAITED_ANSWER_HOLD
            ),
        ),
        await each(
            "handled updates",
            lambda session: deliveries.forget_before(session, now - HANDLED_UPDATE_HOLD),
        ),
        failed,
    )


# ------------------------------------------------------------------ one transaction each


async def data_of(
    database: Database, telegram_user_id: int, now: datetime
) -> dict[str, Any] | None:
    """:func:`my_data` in a transaction of its own (``/mydata``)."""
    async with database.transaction() as session:
        return await my_data(session, telegram_user_id, now=now)


async def stop(database: Database, telegram_user_id: int, now: datetime) -> Told | None:
    """:func:`withdraw_consent` in a transaction of its own (``/stop``, confirmed)."""
    async with database.transaction() as session:
        return await withdraw_consent(session, telegram_user_id, now=now)


async def come_back(database: Database, telegram_user_id: int, now: datetime) -> Told | None:
    """:func:`resume_consent` in a transaction of its own (the way back in after /stop)."""
    async with database.transaction() as session:
        return await resume_consent(session, telegram_user_id, now=now)


async def erase_me(database: Database, telegram_user_id: int) -> Told | None:
    """:func:`delete_me` in a transaction of its own (``/delete``, confirmed)."""
    async with database.transaction() as session:
        return await delete_me(session, telegram_user_id)
