"""Joining by invitation link: opening a link, the consent question and its answer, and a
client's answer about a new buddy. Rules only, no Telegram types; the codes and the making of
invitations are in ``services/invitations.py``, what the newcomer sees next for what is found
here in ``flows/joining.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import joining as flow
from buddybot.i18n import LANGUAGES
from buddybot.roles import (
    InvitationRole,
    ParticipantRole,
    ParticipantStatus,
    ProfessionalRole,
    ProfessionalStatus,
)
from buddybot.services import access, people, rhythms
from buddybot.services.invitations import (
    PENDING_HOLD,
    WRONG_CODES_PER_HOUR,
    attempt_hash,
    code_hash,
    looks_like_code,
)
from buddybot.storage import audit, invitations
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import BuddyLink, Invitation

# What opening a link led to; its name is the flow's, kept here for the callers of this one.
Outcome = flow.Outcome


@dataclass(frozen=True)
class Opened:
    """The result of opening a link, with what the welcome message needs."""

    outcome: Outcome
    invitation_id: int | None = None
    role: InvitationRole | None = None
    invitee_name: str | None = None
    professional_name: str | None = None
    organisation_name: str | None = None
    # The one who joined is a coordinator (an invitation for a professional's row that is
    # a coordinator's): their welcome and menu are a coordinator's.
    coordinator: bool = False

    @property
    def screen(self) -> flow.Screen:
        """What the one who opened the link sees next."""
        return flow.after_opening(self.outcome)


async def open_invitation(
    session: AsyncSession,
    code: str,
    telegram_user_id: int,
    *,
    now: datetime,
    language: str | None = None,
) -> Opened:
    """Someone opened a join link. Professionals join at once, and the ``language`` the bot
    welcomes them in (their Telegram app's, when the bot speaks it) is remembered for what
    the bot starts later (digests, notes); clients and buddies are asked for consent first
    (and choose their language there), and until they agree only the pending link is kept."""
    hashed_user = attempt_hash(telegram_user_id)
    since = now - timedelta(hours=1)
    if await invitations.count_failed_code_attempts(session, hashed_user, since) >= (
        WRONG_CODES_PER_HOUR
    ):
        return Opened(Outcome.TOO_MANY_TRIES)
    invitation = (
        await invitations.invitation_by_code_hash(session, code_hash(code))
        if looks_like_code(code)
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
        return await _professional_joins(session, invitation, telegram_user_id, now, language)
    held = invitation.pending_since is not None and now - invitation.pending_since < PENDING_HOLD
    if held and invitation.pending_telegram_user_id != telegram_user_id:
        return Opened(Outcome.TAKEN)
    if not held:
        # A hold runs from the first opening: opening again does not lengthen it, so a
        # forwarded link cannot be held against the real invitee for ever.
        invitation.pending_telegram_user_id = telegram_user_id
        invitation.pending_since = now
    participant = await stored_people.participant_by_id(session, invitation.participant_id)
    assert participant is not None
    professional = await stored_people.professional_by_id(session, participant.professional_id)
    return Opened(
        Outcome.ASK_CONSENT,
        invitation.id,
        invitation.role,
        None,  # not the invitee's name: whoever opened it may not be them (a forwarded link)
        professional.display_name if professional else None,
        (await stored_people.organisation_by_id(session, invitation.organisation_id)).name,
    )


async def _professional_joins(
    session: AsyncSession,
    invitation: Invitation,
    telegram_user_id: int,
    now: datetime,
    language: str | None,
) -> Opened:
    professional = await stored_people.professional_by_id(session, invitation.professional_id)
    assert professional is not None
    professional.telegram_user_id = telegram_user_id
    if professional.language is None and language in LANGUAGES:
        professional.language = language
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
        coordinator=professional.role is ProfessionalRole.COORDINATOR,
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
    client_id: int | None = None


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
                clients.append(
                    ClientToAsk(link.id, client.telegram_user_id, client.language, client.id)
                )
    return Joined(
        participant.id,
        participant.role,
        participant.first_name or "",
        professional.display_name if professional else "",
        professional.telegram_user_id if professional else None,
        professional.language if professional else None,
        tuple(clients),
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
    buddy_id: int | None = None


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
        await stored_people.delete_buddy_link(session, link)
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
        buddy.id,
    )


# ------------------------------------------------------------------ one transaction each


async def open_link(
    database: Database, code: str, telegram_user_id: int, now: datetime, language: str
) -> Opened:
    """:func:`open_invitation` in a transaction of its own (``/start <code>``)."""
    async with database.transaction() as session:
        return await open_invitation(session, code, telegram_user_id, now=now, language=language)


@dataclass(frozen=True)
class JoinStep:
    """Where joining goes after a press of the newcomer: the screen
    (``flows.joining.after_press``) with what it needs: the consent notice (CONSENT) or who
    joined (WELCOME)."""

    screen: flow.Screen
    notice: ConsentNotice | None = None
    joined: Joined | None = None


async def press(
    database: Database, telegram_user_id: int, event: flow.JoinPress, now: datetime
) -> JoinStep | None:
    """A button of the newcomer, in a transaction of its own: a language (the consent
    notice, :func:`consent_notice`) or Agree / Not now (:func:`answer_consent`). None, and
    nothing changes, when the one who pressed takes part already: they agreed on this
    question (a second tap, Not now after Agree) or joined otherwise; the press is stale."""
    async with database.transaction() as session:
        if (await people.identify(session, telegram_user_id)).is_known:
            return None
        if event.answer is None:
            notice = await consent_notice(session, event.invitation_id, telegram_user_id, now=now)
            return JoinStep(flow.after_press(event, notice is not None), notice=notice)
        joined = await answer_consent(
            session,
            event.invitation_id,
            telegram_user_id,
            agree=event.answer is flow.Answer.AGREE,
            language=event.language,
            now=now,
        )
        return JoinStep(flow.after_press(event, joined is not None), joined=joined)


async def answer_about_buddy(
    database: Database, telegram_user_id: int, link_id: int, *, agree: bool, now: datetime
) -> BuddyAnswer | None:
    """A client answers about a new buddy: checked (``access.buddy_link_to_answer``) and
    answered once; None when it is not theirs to answer or was answered before."""
    async with database.transaction() as session:
        link = await access.buddy_link_to_answer(session, telegram_user_id, link_id)
        if link is None or link.client_agreed_at is not None:
            return None
        return await answer_buddy_consent(session, link, agree=agree, now=now)
