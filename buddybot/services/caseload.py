"""A professional's caseload: their clients, each client's buddies, and a client's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.metrics import ClientWeek
from buddybot.roles import AgeGroup, ParticipantRole, ParticipantStatus
from buddybot.schedule import local_date
from buddybot.services import access, digest, guardians, invitations
from buddybot.services.access import OwnClient, consent_stands
from buddybot.services.actions import ActionEffect, effects_of
from buddybot.services.invitations import NewInvitation
from buddybot.storage import audit, people
from buddybot.storage import checkins as stored_checkins
from buddybot.storage.database import Database
from buddybot.storage.models import Participant, Professional


@dataclass(frozen=True)
class CaseloadEntry:
    """One client on a professional's caseload, as the /clients list shows them."""

    participant_id: int
    first_name: str
    status: ParticipantStatus
    buddies: tuple[str, ...] = ()
    consent_stands: bool = False  # joined and not stopped: their data may be seen


async def caseload(session: AsyncSession, professional: Professional) -> list[CaseloadEntry]:
    """The professional's clients, each with the first names of their buddies."""
    return [await _entry(session, client) for client in await _clients(session, professional)]


async def _clients(session: AsyncSession, professional: Professional) -> list[Participant]:
    return list(
        await people.participants_of_professional(session, professional.id, ParticipantRole.CLIENT)
    )


async def _entry(session: AsyncSession, client: Participant) -> CaseloadEntry:
    """A client as the caseload shows them: someone who stopped is only "left" (their
    professional no longer sees their data, nor who their buddies are)."""
    stopped = client.consent_withdrawn_at is not None
    return CaseloadEntry(
        client.id,
        client.first_name or "",
        ParticipantStatus.LEFT if stopped else client.status,
        () if stopped else await _buddy_names(session, client.id),
        access.consent_stands(client),
    )


async def _buddy_names(session: AsyncSession, client_id: int) -> tuple[str, ...]:
    links = await people.buddy_links_of_client(session, client_id)
    return tuple(
        buddy.first_name or "" for _, buddy in links if buddy.status is not ParticipantStatus.LEFT
    )


@dataclass(frozen=True)
class ClientDetails:
    """What a professional sees about one client."""

    participant_id: int
    first_name: str
    status: ParticipantStatus
    invited_at: datetime
    joined_at: datetime | None
    consent_stands: bool
    buddies: tuple[str, ...]
    age_group: AgeGroup
    guardian_consent_at: datetime | None
    # Network-strengthening actions with what changed since each started (while consent
    # stands: they are read against the client's answers).
    actions: tuple[ActionEffect, ...] = ()


async def write_view(session: AsyncSession, own: OwnClient) -> None:
    """A professional looked at their client's data (the page in the chat, the dashboard):
    written to the audit log, ids only."""
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=own.professional.id,
        action="client.viewed",
        subject_kind="participant",
        subject_id=own.client.id,
    )


async def client_details(session: AsyncSession, own: OwnClient, now: datetime) -> ClientDetails:
    """One client's details for their professional; the view is written to the audit log."""
    client = own.client
    await write_view(session, own)
    stopped = client.consent_withdrawn_at is not None
    return ClientDetails(
        client.id,
        client.first_name or "",
        ParticipantStatus.LEFT if stopped else client.status,
        client.created_at,
        client.consent_given_at,
        consent_stands(client),
        () if stopped else await _buddy_names(session, client.id),
        client.age_group,
        client.guardian_consent_at,
        await _actions(session, own, now),
    )


async def _actions(
    session: AsyncSession, own: OwnClient, now: datetime
) -> tuple[ActionEffect, ...]:
    if not consent_stands(own.client):
        return ()
    today = local_date(now, own.professional.time_zone)
    return (await effects_of(session, [own.client], today)).get(own.client.id, ())


@dataclass(frozen=True)
class Glance:
    """One client on the caseload at a glance: the entry, the day they last answered
    (their local date; None: never), and last full week's figures and flags (None: not
    joined, or left)."""

    entry: CaseloadEntry
    last_answer: date | None
    week: ClientWeek | None

    @property
    def needs_attention(self) -> bool:
        return self.week is not None and self.week.needs_attention


async def at_a_glance(
    session: AsyncSession, professional: Professional, today: date
) -> list[Glance]:
    """The caseload sorted by who needs attention: clients with flags first (most urgent
    first, as in the digest), then the others who take part, then those invited or
    gone, each group by first name. The figures are last full week's, the digest's."""
    clients = await _clients(session, professional)
    weeks = await digest.caseload_week(session, professional, digest.last_full_week(today))
    by_client = {week.client_id: week for week in weeks.clients}
    urgency = {week.client_id: rank for rank, week in enumerate(weeks.clients)}
    answered = await stored_checkins.last_answers(session, [client.id for client in clients])
    glances = []
    for client in clients:
        entry = await _entry(session, client)
        # Someone who stopped: no more of their data, not even when they last answered.
        shown = client.id in answered and entry.status is not ParticipantStatus.LEFT
        last = local_date(answered[client.id], client.time_zone) if shown else None
        glances.append(Glance(entry, last, by_client.get(client.id)))

    def order(glance: Glance) -> tuple[int, int, str]:
        if glance.needs_attention:
            return (0, urgency[glance.entry.participant_id], "")
        taking_part = glance.week is not None
        return (1 if taking_part else 2, 0, glance.entry.first_name.casefold())

    return sorted(glances, key=order)


async def own_overview(
    database: Database, telegram_user_id: int, now: datetime, *, refuse_others: bool
) -> list[Glance] | None:
    """`/clients`: the caseload at a glance of the professional behind this account. Anyone
    else gets an empty one (the command), or, with ``refuse_others`` (a forged or old
    button), None and the refusal in the audit log."""
    async with database.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is not None:
            today = local_date(now, professional.time_zone)
            return await at_a_glance(session, professional, today)
        if not refuse_others:
            return []
        await access.refuse(session, telegram_user_id, "client.list", "professional", None)
        return None


class ClientAction(Enum):
    """What a professional does on one client's page."""

    VIEW = "view"
    NEW_LINK = "link"  # a new invitation link for a client who has not joined yet
    ASK_AGE = "age"
    SET_AGE = "set_age"
    GUARDIAN = "guardian"  # a guardian agreed for a child


@dataclass(frozen=True)
class ClientOutcome:
    """A client's details after the action, and the invitation made by NEW_LINK (with the
    client's first name), if one could be made."""

    details: ClientDetails
    new_link: tuple[str, NewInvitation] | None = None


async def act_on_client(
    database: Database,
    telegram_user_id: int,
    client_id: int,
    action: ClientAction,
    *,
    age_group: AgeGroup | None = None,
    now: datetime,
    invitation_days: int,
) -> ClientOutcome | None:
    """Do ``action`` for the professional's own client (SET_AGE needs ``age_group``) in one
    transaction; None when this is not their client (refused and written down)."""
    async with database.transaction() as session:
        own = await access.own_client(session, telegram_user_id, client_id, "client.view")
        if own is None:
            return None
        if action is ClientAction.SET_AGE and age_group is not None:
            await guardians.set_age_group(session, own, age_group)
        elif action is ClientAction.GUARDIAN:
            await guardians.confirm_guardian(session, own, now)
        details = await client_details(session, own, now)
        if action is not ClientAction.NEW_LINK:
            return ClientOutcome(details)
        created = await invitations.new_link(
            session, own.professional, own.client, now=now, days=invitation_days
        )
        new_link = None if created is None else (own.client.first_name or "", created)
        return ClientOutcome(details, new_link)
