"""Invitations: how professionals, clients and buddies get in. Rules only, no Telegram types.

A code is 128 random bits in URL-safe base64 (22 characters, within Telegram's 64-character
start parameter). Only its SHA-256 is stored, so a copy of the database lets nobody join.
Wrong codes are counted per Telegram account (hashed) to stop guessing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import invitation as flow
from buddybot.roles import InvitationRole, ParticipantRole, ParticipantStatus, ProfessionalRole
from buddybot.services import access, questions
from buddybot.storage import audit, crypto, invitations
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import Invitation, Organisation, Participant, Professional

CODE_BYTES = 16
WRONG_CODES_PER_HOUR = 5
# Someone who opened a link but neither agreed nor declined lets go of it after this long.
PENDING_HOLD = timedelta(hours=24)
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Other modules name these through this one; the conversation's own rules are its flow's.
NAME_MAX = flow.NAME_MAX
TOPIC_CLIENT = flow.TOPIC_CLIENT
TOPIC_BUDDY = flow.TOPIC_BUDDY
TOPIC_COORDINATOR = flow.TOPIC_COORDINATOR
clean_name = flow.clean_name


def new_code() -> str:
    """A fresh, unguessable invitation code."""
    return secrets.token_urlsafe(CODE_BYTES)


def code_hash(code: str) -> str:
    """What is stored instead of the code."""
    return hashlib.sha256(code.encode()).hexdigest()


def looks_like_code(code: str) -> bool:
    """True for text that could be a code (what ``new_code`` makes); only such text is
    looked up."""
    return _CODE.match(code) is not None


def attempt_hash(telegram_user_id: int) -> str:
    """What is stored instead of the Telegram id of someone who typed a wrong code: the
    keyed hash (a plain hash of a ten-digit number is reversed in seconds)."""
    return crypto.active().lookup(telegram_user_id)


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with the code: https://t.me/<bot>?start=<code>."""
    return f"https://t.me/{bot_username}?start={code}"


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
    actor: Professional | None = None,
) -> NewInvitation:
    code = new_code()
    actor = actor or created_by
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
        actor_kind="professional" if actor else "admin",
        actor_id=actor.id if actor else None,
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
    role: ProfessionalRole = ProfessionalRole.PROFESSIONAL,
    invited_by: Professional | None = None,
) -> NewInvitation:
    """An administrator (or, ``invited_by``, a professional of the organisation) invites a
    professional (or, with ``role``, a coordinator) of an organisation."""
    professional = await stored_people.add_professional(
        session, organisation, display_name, role=role
    )
    return await _create(
        session,
        organisation.id,
        InvitationRole.PROFESSIONAL,
        now=now,
        days=days,
        professional=professional,
        actor=invited_by,
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


# ------------------------------------------------------------------ /invite, /invitations


@dataclass(frozen=True)
class InviteStep:
    """Where /invite goes after a button (``outcome``, from ``flows/invitation.py``), with
    what its screen needs: the clients to choose from (PickClient, as (id, first name)), or
    the client a buddy's name is asked for."""

    outcome: flow.PressOutcome
    clients: tuple[tuple[int, str], ...] = ()
    client_name: str = ""


async def begin_invite(database: Database, telegram_user_id: int) -> None:
    """`/invite` again: a name asked by an earlier /invite is no longer awaited (the screen
    now asks whom to invite; a typed name would otherwise make the earlier invitation)."""
    async with database.transaction() as session:
        await questions.answered(session, telegram_user_id)


async def choose_invite(
    database: Database, telegram_user_id: int, event: flow.Press, now: datetime
) -> InviteStep | None:
    """Apply a button of /invite for an active professional: wait for a typed first name,
    list the clients, or stop waiting (:func:`flows.invitation.press`). None, with the
    refusal written, for anyone else or someone else's client."""
    async with database.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None:
            await access.refuse(session, telegram_user_id, "invite", "professional", None)
            return None
        outcome = flow.press(event)
        if isinstance(outcome, flow.Cancelled):
            await questions.answered(session, telegram_user_id)
        elif isinstance(outcome, flow.PickClient):
            clients = await stored_people.participants_of_professional(
                session, professional.id, ParticipantRole.CLIENT
            )
            return InviteStep(outcome, tuple((c.id, c.first_name or "") for c in clients))
        elif outcome.state.for_client is None:  # a client or a coordinator
            await _await_name(session, telegram_user_id, outcome.state, now)
        else:
            return await _buddy_for(session, telegram_user_id, outcome, now)
        return InviteStep(outcome)


async def _await_name(
    session: AsyncSession, telegram_user_id: int, state: flow.Awaiting, now: datetime
) -> None:
    topic, data = flow.to_question(state)
    await questions.expect(session, telegram_user_id, topic, now=now, data=data)


async def _buddy_for(
    session: AsyncSession, telegram_user_id: int, asked: flow.AskName, now: datetime
) -> InviteStep | None:
    own = await access.own_client(
        session,
        telegram_user_id,
        asked.state.for_client or 0,
        "invite.buddy",
        still_taking_part=True,
    )
    if own is None:
        return None
    await _await_name(session, telegram_user_id, flow.Awaiting(own.client.id), now)
    return InviteStep(asked, client_name=own.client.first_name or "")


@dataclass(frozen=True)
class Invited:
    """The invitation made for the typed first name ``name``."""

    name: str
    invitation: NewInvitation


async def name_typed(
    database: Database,
    telegram_user_id: int,
    state: flow.Awaiting,
    text: str,
    *,
    now: datetime,
    days: int,
) -> Invited | flow.BadName | None:
    """Text typed while /invite awaits a first name (``state``): the invitation, or
    :class:`flows.invitation.BadName` (nothing stored changes, the question stays). None
    when this account may not invite (any more)."""
    outcome = flow.typed(state, text)
    if isinstance(outcome, flow.BadName):
        return outcome
    created = await invite_named(
        database,
        telegram_user_id,
        outcome.name,
        for_client=outcome.state.for_client,
        coordinator=outcome.state.coordinator,
        now=now,
        days=days,
    )
    return None if created is None else Invited(outcome.name, created)


async def invite_named(
    database: Database,
    telegram_user_id: int,
    name: str,
    *,
    for_client: int | None,
    coordinator: bool = False,
    now: datetime,
    days: int,
) -> NewInvitation | None:
    """The typed first name: invite a client (``for_client`` None), a buddy for that client
    or a coordinator of the professional's organisation, and stop waiting for a name. None
    when this account may not (any more)."""
    async with database.transaction() as session:
        created: NewInvitation | None = None
        if coordinator:
            professional = await access.acting_professional(session, telegram_user_id)
            if professional is not None:
                created = await _invite_coordinator(session, professional, name, now, days)
        elif for_client is None:
            professional = await access.acting_professional(session, telegram_user_id)
            if professional is not None:
                created = await invite_client(session, professional, name, now=now, days=days)
        else:
            own = await access.own_client(
                session, telegram_user_id, for_client, "invite.buddy", still_taking_part=True
            )
            if own is not None:
                created = await invite_buddy(
                    session, own.professional, own.client, name, now=now, days=days
                )
        await questions.answered(session, telegram_user_id)
        return created


async def _invite_coordinator(
    session: AsyncSession, professional: Professional, name: str, now: datetime, days: int
) -> NewInvitation:
    """A professional invites a coordinator of their own organisation (as the admin can)."""
    organisation = await stored_people.organisation_by_id(session, professional.organisation_id)
    return await invite_professional(
        session,
        organisation,
        name,
        now=now,
        days=days,
        role=ProfessionalRole.COORDINATOR,
        invited_by=professional,
    )


@dataclass(frozen=True)
class OpenInvitation:
    """An invitation that can still be used, as /invitations lists it."""

    invitation_id: int
    first_name: str
    role: ParticipantRole
    expires_at: datetime
    held: bool = False


async def open_invitations(
    database: Database, professional_id: int, now: datetime
) -> list[OpenInvitation]:
    """The professional's invitations that can still be used, oldest first; ``held`` when
    someone opened the link and has not agreed yet (within ``PENDING_HOLD``)."""
    async with database.transaction() as session:
        rows = await invitations.open_invitations_by(session, professional_id, now)
    return [
        OpenInvitation(
            invitation.id,
            person.first_name or "",
            person.role,
            invitation.expires_at,
            held=invitation.pending_since is not None
            and now - invitation.pending_since < PENDING_HOLD,
        )
        for invitation, person in rows
    ]


async def renew_own(
    database: Database, telegram_user_id: int, invitation_id: int, now: datetime, days: int
) -> tuple[str, NewInvitation] | None:
    """A fresh link in place of an open invitation this professional made (one held by
    someone who may not be the invitee, say): the old link stops working. Whom it is for
    and the new invitation, or None when it is not theirs or no longer open (refused)."""
    async with database.transaction() as session:
        invitation = await access.own_open_invitation(session, telegram_user_id, invitation_id, now)
        if invitation is None:
            return None
        professional = await stored_people.professional_by_id(session, invitation.created_by_id)
        participant = await stored_people.participant_by_id(session, invitation.participant_id)
        if professional is None or participant is None:
            return None
        created = await new_link(session, professional, participant, now=now, days=days)
        return None if created is None else (participant.first_name or "", created)


async def revoke_own(
    database: Database, telegram_user_id: int, invitation_id: int, now: datetime
) -> str | None:
    """Withdraw an invitation this professional made; whom it was for, or None when it is
    not theirs or no longer open (refused and written down)."""
    async with database.transaction() as session:
        invitation = await access.own_open_invitation(session, telegram_user_id, invitation_id, now)
        return None if invitation is None else await revoke(session, invitation, now=now)
