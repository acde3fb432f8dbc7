"""Invitations: how professionals, clients and buddies get in. Rules only, no Telegram types.

A code is 128 random bits in URL-safe base64 (22 characters, within Telegram's 64-character
start parameter). Only its SHA-256 is stored, so a copy of the database lets nobody join.
Wrong codes are counted per Telegram account (hashed) to stop guessing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import InvitationRole, ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.services import people, rhythms
from buddybot.storage import audit, crypto, invitations
from buddybot.storage import people as stored_people
from buddybot.storage.models import BuddyLink, Invitation, Organisation, Participant, Professional

CODE_BYTES = 16
WRONG_CODES_PER_HOUR = 5
# Someone who opened a link but neither agreed nor declined lets go of it after this long.
PENDING_HOLD = timedelta(hours=24)
NAME_MAX = 40
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_code() -> str:
    """A fresh, unguessable invitation code."""
    return secrets.token_urlsafe(CODE_BYTES)


def code_hash(code: str) -> str:
    """What is stored instead of the code."""
    return hashlib.sha256(code.encode()).hexdigest()


def attempt_hash(telegram_user_id: int) -> str:
    """What is stored instead of the Telegram id of someone who typed a wrong code: the
    keyed hash (a plain hash of a ten-digit number is reversed in seconds)."""
    return crypto.active().lookup(telegram_user_id)


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with the code: https://t.me/<bot>?start=<code>."""
    return f"https://t.me/{bot_username}?start={code}"


def clean_name(text: str) -> str | None:
    """A first name as typed: trimmed, control characters removed, 1-40 characters; else None."""
    visible = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    name = " ".join(visible.split())
    return name if 1 <= len(name) <= NAME_MAX else None


@dataclass(frozen=True)
class NewInvitation:
    """An invitation just made; ``code`` is shown once and never stored."""

    invitation_id: int
    code: str
    expires_at: datetime


async def _create(
    session: AsyncSession,
    organisation_id: int,
    role: InvitationRole,
    *,
    now: datetime,
    days: int,
    created_by: Professional | None = None,
    professional: Professional | None = None,
    participant: Participant | None = None,
) -> NewInvitation:
    code = new_code()
    invitation = await invitations.add_invitation(
        session,
        Invitation(
            organisation_id=organisation_id,
            role=role,
            code_hash=code_hash(code),
            created_by_id=created_by.id if created_by else None,
            professional_id=professional.id if professional else None,
            participant_id=participant.id if participant else None,
            created_at=now,
            expires_at=now + timedelta(days=days),
        ),
    )
    await audit.add_audit_entry(
        session,
        actor_kind="professional" if created_by else "admin",
        actor_id=created_by.id if created_by else None,
        action=f"invitation.created.{role.value}",
        subject_kind="invitation",
        subject_id=invitation.id,
    )
    return NewInvitation(invitation.id, code, invitation.expires_at)


async def invite_professional(
    session: AsyncSession,
    organisation: Organisation,
    display_name: str,
    *,
    now: datetime,
    days: int,
) -> NewInvitation:
    """An administrator invites a professional of an organisation."""
    professional = await stored_people.add_professional(session, organisation, display_name)
    return await _create(
        session,
        organisation.id,
        InvitationRole.PROFESSIONAL,
        now=now,
        days=days,
        professional=professional,
    )


_INVITATION_ROLE = {
    ParticipantRole.CLIENT: InvitationRole.CLIENT,
    ParticipantRole.BUDDY: InvitationRole.BUDDY,
}


async def _invite_participant(
    session: AsyncSession,
    professional: Professional,
    role: ParticipantRole,
    first_name: str,
    *,
    now: datetime,
    days: int,
    for_client: Participant | None = None,
) -> NewInvitation:
    """The invited person's record (on the professional's caseload) and their link."""
    participant = await stored_people.add_participant(
        session,
        await stored_people.organisation_by_id(session, professional.organisation_id),
        role,
        first_name=first_name,
        time_zone=professional.time_zone,
        professional_id=professional.id,
    )
    if for_client is not None:
        await stored_people.add_buddy_link(session, participant, for_client)
    return await _create(
        session,
        professional.organisation_id,
        _INVITATION_ROLE[role],
        now=now,
        days=days,
        created_by=professional,
        participant=participant,
    )


async def invite_client(
    session: AsyncSession, professional: Professional, first_name: str, *, now: datetime, days: int
) -> NewInvitation:
    """A professional invites a new client, known to them by first name."""
    return await _invite_participant(
        session, professional, ParticipantRole.CLIENT, first_name, now=now, days=days
    )


async def invite_buddy(
    session: AsyncSession,
    professional: Professional,
    client: Participant,
    first_name: str,
    *,
    now: datetime,
    days: int,
) -> NewInvitation:
    """A professional invites a buddy for one of their clients (checked by the caller)."""
    return await _invite_participant(
        session,
        professional,
        ParticipantRole.BUDDY,
        first_name,
        now=now,
        days=days,
        for_client=client,
    )


class Outcome(StrEnum):
    """What opening an invitation link led to."""

    PROFESSIONAL_JOINED = "professional_joined"
    ASK_CONSENT = "ask_consent"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    TAKEN = "taken"
    ALREADY_JOINED = "already_joined"
    TOO_MANY_TRIES = "too_many_tries"


@dataclass(frozen=True)
class Opened:
    """The result of opening a link, with what the welcome message needs."""

    outcome: Outcome
    invitation_id: int | None = None
    role: InvitationRole | None = None
    invitee_name: str | None = None
    professional_name: str | None = None
    organisation_name: str | None = None


async def open_invitation(
    session: AsyncSession, code: str, telegram_user_id: int, *, now: datetime
) -> Opened:
    """Someone opened a join link. Professionals join at once; clients and buddies are asked
    for consent first, and until they agree only the pending link is kept."""
    hashed_user = attempt_hash(telegram_user_id)
    since = now - timedelta(hours=1)
    if await invitations.count_failed_code_attempts(session, hashed_user, since) >= (
        WRONG_CODES_PER_HOUR
    ):
        return Opened(Outcome.TOO_MANY_TRIES)
    invitation = (
        await invitations.invitation_by_code_hash(session, code_hash(code))
        if _CODE.match(code)
        else None
    )
    if invitation is None:
        await invitations.add_failed_code_attempt(session, hashed_user, now)
        return Opened(Outcome.UNKNOWN)
    if (await people.identify(session, telegram_user_id)).is_known:
        return Opened(Outcome.ALREADY_JOINED)
    if invitation.revoked_at is not None:
        return Opened(Outcome.REVOKED)
    if invitation.used_at is not None:
        return Opened(Outcome.USED)
    if invitation.expires_at <= now:
        return Opened(Outcome.EXPIRED)
    if invitation.role is InvitationRole.PROFESSIONAL:
        return await _professional_joins(session, invitation, telegram_user_id, now)
    if (
        invitation.pending_telegram_user_id not in (None, telegram_user_id)
        and invitation.pending_since is not None
        and now - invitation.pending_since < PENDING_HOLD
    ):
        return Opened(Outcome.TAKEN)
    invitation.pending_telegram_user_id = telegram_user_id
    invitation.pending_since = now
    participant = await stored_people.participant_by_id(session, invitation.participant_id)
    assert participant is not None
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    return Opened(
        Outcome.ASK_CONSENT,
        invitation.id,
        invitation.role,
        participant.first_name,
        professional.display_name if professional else None,
        (await stored_people.organisation_by_id(session, invitation.organisation_id)).name,
    )


async def _professional_joins(
    session: AsyncSession, invitation: Invitation, telegram_user_id: int, now: datetime
) -> Opened:
    professional = await stored_people.professional_by_id(session, invitation.professional_id)
    assert professional is not None
    professional.telegram_user_id = telegram_user_id
    professional.status = ProfessionalStatus.ACTIVE
    invitation.used_at = now
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=professional.id,
        action="invitation.used",
        subject_kind="invitation",
        subject_id=invitation.id,
    )
    organisation = await stored_people.organisation_by_id(session, invitation.organisation_id)
    return Opened(
        Outcome.PROFESSIONAL_JOINED,
        invitation.id,
        invitation.role,
        professional.display_name,
        professional.display_name,
        organisation.name,
    )


@dataclass(frozen=True)
class ConsentNotice:
    """What the consent text names: the role asked for, and who will see the answers."""

    role: InvitationRole
    professional_name: str
    organisation_name: str
    retention_months: int | None  # the organisation's own; None: the deployment's


async def _pending_for(
    session: AsyncSession, invitation_id: int, telegram_user_id: int, now: datetime
) -> Invitation | None:
    """The invitation, if this account has it open and it can still be used."""
    invitation = await invitations.invitation_by_id(session, invitation_id)
    if (
        invitation is None
        or invitation.pending_telegram_user_id != telegram_user_id
        or invitation.used_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
        or invitation.participant_id is None
    ):
        return None
    return invitation


async def consent_notice(
    session: AsyncSession, invitation_id: int, telegram_user_id: int, *, now: datetime
) -> ConsentNotice | None:
    """What to show in the consent question; None if the link is no longer theirs to answer."""
    invitation = await _pending_for(session, invitation_id, telegram_user_id, now)
    if invitation is None:
        return None
    participant = await stored_people.participant_by_id(session, invitation.participant_id)
    assert participant is not None
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    organisation = await stored_people.organisation_by_id(session, invitation.organisation_id)
    return ConsentNotice(
        invitation.role,
        professional.display_name if professional else "",
        organisation.name,
        organisation.retention_months,
    )


@dataclass(frozen=True)
class Joined:
    """A client or buddy who just agreed, and who should hear about it."""

    participant_id: int
    role: ParticipantRole
    first_name: str
    professional_name: str
    professional_telegram_id: int | None
    professional_language: str | None
    # For a buddy: the client(s) to ask whether this buddy may see what they log.
    clients_to_ask: tuple[ClientToAsk, ...] = ()


@dataclass(frozen=True)
class ClientToAsk:
    """A client who is asked to agree to a new buddy."""

    link_id: int
    telegram_user_id: int
    language: str | None


async def answer_consent(
    session: AsyncSession,
    invitation_id: int,
    telegram_user_id: int,
    *,
    agree: bool,
    language: str,
    now: datetime,
) -> Joined | None:
    """The person who opened the link agreed (or not). None when the link is no longer
    theirs to answer (used, revoked, expired, opened by someone else) or when they declined:
    declining forgets them, and the link stays usable."""
    invitation = await _pending_for(session, invitation_id, telegram_user_id, now)
    if invitation is None:
        return None
    invitation.pending_telegram_user_id = None
    invitation.pending_since = None
    if not agree:
        await audit.add_audit_entry(
            session,
            actor_kind="unknown",
            action="consent.declined",
            subject_kind="invitation",
            subject_id=invitation.id,
        )
        return None
    participant = await stored_people.participant_by_id(session, invitation.participant_id)
    assert participant is not None
    if (await people.identify(session, telegram_user_id)).is_known:
        return None
    participant.telegram_user_id = telegram_user_id
    participant.language = language
    participant.status = ParticipantStatus.ACTIVE
    participant.consent_given_at = now
    participant.consent_withdrawn_at = None
    invitation.used_at = now
    await rhythms.start_rhythm(session, participant, now)
    await audit.add_audit_entry(
        session,
        actor_kind=participant.role.value,
        actor_id=participant.id,
        action="consent.given",
        subject_kind="invitation",
        subject_id=invitation.id,
    )
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    clients: list[ClientToAsk] = []
    if participant.role is ParticipantRole.BUDDY:
        for link, client in await stored_people.buddy_links_of_buddy(session, participant.id):
            if client.telegram_user_id is not None and link.client_agreed_at is None:
                clients.append(ClientToAsk(link.id, client.telegram_user_id, client.language))
    return Joined(
        participant.id,
        participant.role,
        participant.first_name or "",
        professional.display_name if professional else "",
        professional.telegram_user_id if professional else None,
        professional.language if professional else None,
        tuple(clients),
    )


async def revoke(session: AsyncSession, invitation: Invitation, *, now: datetime) -> str:
    """Withdraw an open invitation (checked by the caller) and return whom it was for.
    Someone invited who never joined leaves the caseload, and the name the professional
    typed is forgotten."""
    invitation.revoked_at = now
    invitation.pending_telegram_user_id = None
    invitation.pending_since = None
    participant = await stored_people.participant_by_id(session, invitation.participant_id)
    name = (participant.first_name if participant else None) or ""
    if participant is not None and participant.status is ParticipantStatus.INVITED:
        participant.status = ParticipantStatus.LEFT
        participant.first_name = None
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=invitation.created_by_id,
        action="invitation.revoked",
        subject_kind="invitation",
        subject_id=invitation.id,
    )
    return name


async def new_link(
    session: AsyncSession,
    professional: Professional,
    participant: Participant,
    *,
    now: datetime,
    days: int,
) -> NewInvitation | None:
    """A fresh link for someone invited who has not joined yet (an old link was lost or ran
    out); earlier open links for them stop working. None if they already joined."""
    if participant.status is not ParticipantStatus.INVITED:
        return None
    previous = await invitations.invitation_for_participant(session, participant.id)
    if previous is not None and previous.used_at is None and previous.revoked_at is None:
        previous.revoked_at = now
    return await _create(
        session,
        professional.organisation_id,
        _INVITATION_ROLE[participant.role],
        now=now,
        days=days,
        created_by=professional,
        participant=participant,
    )


@dataclass(frozen=True)
class BuddyAnswer:
    """A client's answer about a buddy, and whom to tell."""

    agreed: bool
    client_first_name: str
    buddy_first_name: str
    buddy_telegram_id: int | None
    buddy_language: str | None
    professional_telegram_id: int | None
    professional_language: str | None


async def answer_buddy_consent(
    session: AsyncSession, link: BuddyLink, *, agree: bool, now: datetime
) -> BuddyAnswer:
    """The client agrees (or not) that this buddy may see what the buddy logs about them.
    Saying no removes the link; the professional can talk it through with the client."""
    client = await stored_people.participant_by_id(session, link.client_id)
    buddy = await stored_people.participant_by_id(session, link.buddy_id)
    assert client is not None
    assert buddy is not None
    if agree:
        link.client_agreed_at = now
    else:
        await session.delete(link)
    await audit.add_audit_entry(
        session,
        actor_kind="client",
        actor_id=client.id,
        action="buddy.agreed" if agree else "buddy.declined",
        subject_kind="participant",
        subject_id=buddy.id,
    )
    professional = await stored_people.professional_by_id(session, client.professional_id)
    return BuddyAnswer(
        agree,
        client.first_name or "",
        buddy.first_name or "",
        buddy.telegram_user_id,
        buddy.language,
        professional.telegram_user_id if professional else None,
        professional.language if professional else None,
    )
