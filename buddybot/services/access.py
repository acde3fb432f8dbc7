"""Who may act on what. Every button press and command that names a record comes through
here, because callback data comes from the person's phone and can be forged: a refusal is
written to the audit log (ids only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import (
    ParticipantRole,
    ParticipantStatus,
    ProfessionalRole,
    ProfessionalStatus,
)
from buddybot.services import people
from buddybot.services.people import Role
from buddybot.storage import audit, invitations
from buddybot.storage import people as stored_people
from buddybot.storage.models import BuddyLink, Invitation, Participant, Professional


@dataclass(frozen=True)
class OwnClient:
    """A client, and the professional who may act on them."""

    professional: Professional
    client: Participant


async def refuse(
    session: AsyncSession,
    telegram_user_id: int,
    action: str,
    subject_kind: str,
    subject_id: int | None,
) -> None:
    """Write a refused attempt to the audit log."""
    person = await people.identify(session, telegram_user_id)
    await audit.add_audit_entry(
        session,
        actor_kind=person.role.value,
        actor_id=person.record_id,
        action=f"refused.{action}",
        subject_kind=subject_kind,
        subject_id=subject_id,
    )


async def acting_professional(session: AsyncSession, telegram_user_id: int) -> Professional | None:
    """The active professional behind this Telegram account, if any (a coordinator is not
    one: they have no caseload and see no client's data)."""
    professional = await stored_people.professional_by_telegram_id(session, telegram_user_id)
    if (
        professional is None
        or professional.status is not ProfessionalStatus.ACTIVE
        or professional.role is not ProfessionalRole.PROFESSIONAL
    ):
        return None
    return professional


async def acting_coordinator(session: AsyncSession, telegram_user_id: int) -> Professional | None:
    """The active coordinator behind this Telegram account, if any."""
    coordinator = await stored_people.professional_by_telegram_id(session, telegram_user_id)
    if (
        coordinator is None
        or coordinator.status is not ProfessionalStatus.ACTIVE
        or coordinator.role is not ProfessionalRole.COORDINATOR
    ):
        return None
    return coordinator


async def own_client(
    session: AsyncSession,
    telegram_user_id: int,
    client_id: int,
    action: str,
    *,
    still_taking_part: bool = False,
) -> OwnClient | None:
    """The client, if this account is the client's own active professional; else refused.
    With ``still_taking_part``, a client who said /stop is refused too (nothing new may be
    set up for them)."""
    professional = await acting_professional(session, telegram_user_id)
    client = await stored_people.participant_by_id(session, client_id)
    if (
        professional is None
        or client is None
        or client.role is not ParticipantRole.CLIENT
        or client.professional_id != professional.id
        or client.status is ParticipantStatus.LEFT
        or (still_taking_part and client.consent_withdrawn_at is not None)
    ):
        await refuse(session, telegram_user_id, action, "participant", client_id)
        return None
    return OwnClient(professional, client)


def consent_stands(participant: Participant) -> bool:
    """True while the person has agreed and not withdrawn: only then may their data be seen."""
    return participant.consent_given_at is not None and participant.consent_withdrawn_at is None


async def own_open_invitation(
    session: AsyncSession, telegram_user_id: int, invitation_id: int, now: datetime
) -> Invitation | None:
    """An invitation this professional made that can still be revoked; else refused."""
    professional = await acting_professional(session, telegram_user_id)
    invitation = await invitations.invitation_by_id(session, invitation_id)
    if (
        professional is None
        or invitation is None
        or invitation.created_by_id != professional.id
        or invitation.used_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        await refuse(session, telegram_user_id, "invitation.revoke", "invitation", invitation_id)
        return None
    return invitation


async def buddy_link_to_answer(
    session: AsyncSession, telegram_user_id: int, link_id: int
) -> BuddyLink | None:
    """A buddy link this client is asked to agree to; else refused."""
    person = await people.identify(session, telegram_user_id)
    link = await stored_people.buddy_link_by_id(session, link_id)
    if person.role is not Role.CLIENT or link is None or link.client_id != person.record_id:
        await refuse(session, telegram_user_id, "buddy.consent", "buddy_link", link_id)
        return None
    return link


async def client_or_professional(
    session: AsyncSession, telegram_user_id: int, client_id: int, action: str
) -> tuple[str, int, Participant] | None:
    """Who may see and change this client's network and schedule: the client themself while
    taking part, or their own professional while the client's consent stands. Returns (kind,
    record id, client); anything else is refused and written to the audit log."""
    person = await people.identify(session, telegram_user_id)
    if (
        person.role is Role.CLIENT
        and person.record_id == client_id
        and not (person.consent_withdrawn)
    ):
        client = await stored_people.participant_by_id(session, client_id)
        assert client is not None
        return "client", client_id, client
    if person.role is Role.PROFESSIONAL:
        own = await own_client(session, telegram_user_id, client_id, action, still_taking_part=True)
        if own is not None and consent_stands(own.client):
            return "professional", own.professional.id, own.client
        return None  # own_client wrote the refusal (or consent does not stand)
    await refuse(session, telegram_user_id, action, "participant", client_id)
    return None
