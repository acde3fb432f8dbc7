"""The weekly digest: for a professional's caseload, each client's week in figures and
what needs attention (``buddybot.metrics``), from the weekly aggregates in storage."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot import metrics
from buddybot.metrics import ClientHistory, ClientWeek, Week, WeekPictures
from buddybot.network import Contact
from buddybot.retries import next_try
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.schedule import local_date
from buddybot.services import access, actions, contacts
from buddybot.services.access import OwnClient
from buddybot.services.actions import ActionEffect
from buddybot.storage import audit, digests, exports, people, weekly
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import contacts as stored_contacts
from buddybot.storage.database import Database
from buddybot.storage.models import Participant, Professional

log = logging.getLogger(__name__)

# A digest not sent within this time after its moment (the bot was down) is not sent late.
GRACE = timedelta(hours=48)
# How far back the digest looks: the chart shows 12 weeks; a close tie's usual gap is
# learnt from half a year.
CHART_WEEKS = 12
MENTION_WEEKS = 26


@dataclass(frozen=True)
class ClientNotes:
    """What the digest tells about a client beside the week's figures: the day they last
    answered a check-in (their local date; None: never), the day a prompt to them last
    failed while they cannot be reached (``blocked_on``; None: reachable, or the day is not
    known: Telegram may tell us of a block without any prompt failing), and the messages
    they wrote their professional with that week's check-ins (the check-in's local date,
    the text whole), oldest first. Empty for a client who stopped: their professional no
    longer sees their data."""

    last_answer: date | None = None
    blocked_on: date | None = None
    messages: tuple[tuple[date, str], ...] = ()
    # The network-strengthening actions that ran during the week, each with what changed
    # since it started (up to the week's end) against the same span before it.
    actions: tuple[ActionEffect, ...] = ()


@dataclass(frozen=True)
class CaseloadWeek:
    """A professional's digest for one week: every client, those needing attention first,
    each client's twelve weeks of figures for the charts, and their notes by client id."""

    week: date
    clients: list[ClientWeek]
    series: dict[int, dict[date, Week]]
    notes: dict[int, ClientNotes] = field(default_factory=dict)

    @property
    def attention(self) -> list[ClientWeek]:
        """The clients with a flag, most urgent first."""
        return [client for client in self.clients if client.needs_attention]


async def histories(
    session: AsyncSession,
    clients: list[Participant],
    week: date,
    *,
    first_week: date | None = None,
    with_map: bool = True,
) -> list[ClientHistory]:
    """What the metrics need for ``clients`` up to ``week`` (a Monday), from ``first_week``
    (default: the chart's twelve weeks): a few aggregate queries for all of them together.
    A client who withdrew consent is only flagged."""
    ids = [client.id for client in clients if client.consent_withdrawn_at is None]
    last = week + timedelta(days=6)
    first = first_week or week - timedelta(weeks=CHART_WEEKS - 1)
    counted = await weekly.client_figures(
        session, ids, first, last, mentions_since=week - timedelta(weeks=MENTION_WEEKS)
    )
    changes = await contacts.histories(session, ids) if with_map and ids else {}
    result = []
    for client in clients:
        withdrawn = client.consent_withdrawn_at is not None
        figures = counted.get(client.id, weekly.ClientFigures())
        result.append(
            ClientHistory(
                client_id=client.id,
                name=client.first_name or "",
                weeks=figures.weeks,
                mentions=figures.mentions,
                close_contacts=figures.close_contacts,
                answered_days=figures.answered_days,
                changes=changes.get(client.id) if with_map else None,
                time_zone=client.time_zone,
                unreachable=client.status is ParticipantStatus.UNREACHABLE,
                consent_withdrawn=withdrawn,
                joined=None
                if client.consent_given_at is None
                else local_date(client.consent_given_at, client.time_zone),
            )
        )
    return result


async def caseload_week(
    session: AsyncSession, professional: Professional, week: date
) -> CaseloadWeek:
    """The digest of ``week`` for this professional's clients who joined."""
    clients = [
        client
        for client in await people.participants_of_professional(
            session, professional.id, ParticipantRole.CLIENT
        )
        if client.consent_given_at is not None and client.status is not ParticipantStatus.LEFT
    ]
    found = await histories(session, clients, week)
    weeks = metrics.attention_order(metrics.client_week(history, week) for history in found)
    return CaseloadWeek(
        week,
        weeks,
        {history.client_id: dict(history.weeks) for history in found},
        await client_notes(session, clients, week),
    )


async def client_notes(
    session: AsyncSession, clients: list[Participant], week: date
) -> dict[int, ClientNotes]:
    """:class:`ClientNotes` of ``clients`` for ``week`` (a Monday), in three queries for
    all of them. The last answer is the latest whenever it was (as ``/clients`` shows it);
    the day someone blocked the bot is that of the last failed prompt after their last
    answer (a prompt that failed before they answered again says nothing about now)."""
    shown = [client for client in clients if client.consent_withdrawn_at is None]
    ids = [client.id for client in shown]
    answered = await stored_checkins.last_answers(session, ids)
    unreachable = [c.id for c in shown if c.status is ParticipantStatus.UNREACHABLE]
    failed = await stored_checkins.last_failures(session, unreachable)
    # Telegram may say so itself (a block seen before any prompt failed): the later counts.
    for client_id, at in (await audit.latest(session, audit.BLOCKED, unreachable)).items():
        failed[client_id] = max(at, failed.get(client_id, at))
    written: dict[int, list[tuple[date, str]]] = {}
    for client_id, day, text in await stored_checkins.messages_between(
        session, ids, week, week + timedelta(days=6)
    ):
        written.setdefault(client_id, []).append((day, text))
    # Read up to the week's last day: "today" is the Monday after it.
    effects = await actions.effects_of(session, shown, week + timedelta(days=7))
    notes = {}
    for client in shown:
        last, failure = answered.get(client.id), failed.get(client.id)
        blocked = failure is not None and (last is None or failure > last)
        notes[client.id] = ClientNotes(
            last_answer=None if last is None else local_date(last, client.time_zone),
            blocked_on=local_date(failure, client.time_zone) if blocked and failure else None,
            messages=tuple(written.get(client.id, ())),
            actions=tuple(
                item
                for item in effects.get(client.id, ())
                if item.action.starts_on <= week + timedelta(days=6)
                and (item.action.ends_on is None or item.action.ends_on >= week)
            ),
        )
    return notes


@dataclass(frozen=True)
class OwnWeek:
    """A client's own view of a week: the same figures and flags their professional sees."""

    week: ClientWeek
    history: ClientHistory
    professional_name: str | None


async def _own_history(
    session: AsyncSession, client: Participant, today: date, weeks: int
) -> tuple[ClientHistory, date]:
    """The client's history of ``weeks`` weeks up to the week of ``today``, and the week
    they are shown: this one, or last week when nothing was reported yet this week (on a
    Monday morning "this week" would be empty)."""
    this_week = metrics.week_of(today)
    # Read up to this week; last week's figures are in the same history (a week's metrics
    # only look at what came before its end).
    (history,) = await histories(
        session, [client], this_week, first_week=this_week - timedelta(weeks=weeks)
    )
    figures = history.weeks.get(this_week)
    known = figures is not None and metrics.reported(figures)
    return history, this_week if known else last_full_week(today)


async def people_this_week(session: AsyncSession, client: Participant, today: date) -> int:
    """How many people the client was in touch with in the week /myweek shows on ``today``
    (their local date): the same figure as /myweek and the digest
    (``metrics.ClientWeek.distinct_contacts``: contacts from check-ins and the buddy from
    meetups, Monday to Sunday), so the thank-you after a check-in never says otherwise."""
    history, week = await _own_history(session, client, today, 1)
    return metrics.client_week(history, week).distinct_contacts or 0


async def own_week(session: AsyncSession, client: Participant, today: date) -> OwnWeek:
    """The client's week so far, or last week when nothing was reported yet this week
    (on a Monday morning "this week" would be empty). The view is in the audit log."""
    history, week = await _own_history(session, client, today, CHART_WEEKS)
    professional = await people.professional_by_id(session, client.professional_id)
    await audit.add_audit_entry(
        session,
        actor_kind="client",
        actor_id=client.id,
        action="myweek.viewed",
        subject_kind="participant",
        subject_id=client.id,
    )
    return OwnWeek(
        metrics.client_week(history, week),
        history,
        professional.display_name if professional else None,
    )


@dataclass(frozen=True)
class Seen:
    """Someone a client was in touch with in a week, and how often: a contact of their map
    (as it is now, or was when removed), or their buddy (``contact`` None; ``buddy_name``
    their first name when known)."""

    contact: Contact | None
    buddy_name: str | None
    events: int


async def seen_in_week(session: AsyncSession, client_id: int, week: date) -> tuple[Seen, ...]:
    """Who the client was in touch with in ``week`` (a Monday; their local dates, Monday to
    Sunday), most often first, then by name."""
    last = week + timedelta(days=6)
    counts: dict[tuple[str, int], int] = {}
    found: dict[tuple[str, int], Contact | None] = {}
    # Every event of this one client (the retention period bounds them), filtered here.
    for event, record in await exports.contact_events(session, [client_id]):
        if not week <= event.local_date <= last:
            continue
        key = ("contact", record.id) if record is not None else ("buddy", event.buddy_id or 0)
        counts[key] = counts.get(key, 0) + 1
        found[key] = None if record is None else stored_contacts.as_contact(record)
    seen = []
    for key, contact in found.items():
        buddy_name = None
        if contact is None and key[1]:
            buddy = await people.participant_by_id(session, key[1])
            buddy_name = buddy.first_name if buddy is not None else None
        seen.append(Seen(contact, buddy_name, counts[key]))
    return tuple(
        sorted(
            seen,
            key=lambda s: (-s.events, (s.contact.label if s.contact else s.buddy_name or "")),
        )
    )


@dataclass(frozen=True)
class MyWeek:
    """``/myweek``: the client's first name, their own week, its pictures, their map now,
    and who they were in touch with in the week shown (None when not known: no answers)."""

    first_name: str
    own: OwnWeek
    pictures: WeekPictures
    contacts: tuple[Contact, ...]
    seen: tuple[Seen, ...] | None = None


async def my_week(
    db: Database, telegram_user_id: int, client_id: int, now: datetime
) -> MyWeek | None:
    """The client's own week (today in their time zone), checked through
    ``access.client_or_professional``; None when refused."""
    async with db.transaction() as session:
        allowed = await access.client_or_professional(
            session, telegram_user_id, client_id, "myweek"
        )
        if allowed is None:
            return None
        client = allowed[2]
        today = now.astimezone(ZoneInfo(client.time_zone)).date()
        own = await own_week(session, client, today)
        current = await contacts.current_map(session, client.id)
        pictures = metrics.week_pictures(own.history, own.week.week, CHART_WEEKS)
        seen = (
            None
            if own.week.events is None
            else await seen_in_week(session, client.id, own.week.week)
        )
        return MyWeek(client.first_name or "", own, pictures, tuple(current), seen)


# Clients per round of aggregate queries in a bulk pass: bounds memory (a round's figures
# are dropped before the next) while keeping the number of queries small.
CHUNK = 2000


async def every_client_week(
    session: AsyncSession,
    clients: list[Participant],
    first_week: dict[int, date],
    last_week: date,
    *,
    only_last: bool = False,
    with_map: bool = True,
    chunk: int = CHUNK,
) -> AsyncIterator[tuple[Participant, ClientWeek]]:
    """Every week of every client from their ``first_week`` to ``last_week``, computed a
    chunk of clients at a time, in bounded memory. With ``only_last``: just ``last_week``,
    from the history the digest looks at (its twelve weeks of figures, half a year of
    mentions): the weekly digest of a whole region."""
    for start in range(0, len(clients), chunk):
        part = [client for client in clients[start : start + chunk] if client.id in first_week]
        if not part:
            continue
        earliest = min(first_week[client.id] for client in part)
        if only_last:
            earliest = max(earliest, last_week - timedelta(weeks=CHART_WEEKS - 1))
        found = await histories(session, part, last_week, first_week=earliest, with_map=with_map)
        for client, history in zip(part, found, strict=True):
            week = last_week if only_last else first_week[client.id]
            while week <= last_week:
                yield client, metrics.client_week(history, week)
                week += timedelta(weeks=1)


def last_full_week(today: date) -> date:
    """The Monday of the week before the one ``today`` is in."""
    return metrics.week_of(today) - timedelta(weeks=1)


def digest_moment(professional: Professional, now: datetime) -> datetime:
    """This week's moment for the professional's digest (their weekday and local time)."""
    zone = ZoneInfo(professional.time_zone)
    local_monday = metrics.week_of(now.astimezone(zone).date())
    hour, minute = (int(part) for part in professional.digest_time.split(":"))
    day = local_monday + timedelta(days=professional.digest_weekday)
    return datetime.combine(day, time(hour, minute), zone)


# What a professional may choose for their weekly digest (local time).
DIGEST_DAYS = (0, 1, 2, 3, 4)  # Monday to Friday
DIGEST_TIMES = ("08:00", "09:00", "12:00", "17:00")


async def set_digest_moment(
    session: AsyncSession, professional: Professional, weekday: int, local_time: str
) -> bool:
    """Move the weekly digest to another weekday and local time; False (nothing changes)
    for a day or time that is not offered."""
    if weekday not in DIGEST_DAYS or local_time not in DIGEST_TIMES:
        return False
    professional.digest_weekday, professional.digest_time = weekday, local_time
    return True


@dataclass(frozen=True)
class DigestClaim:
    """A weekly digest this process is to send now; ``parts_sent`` of its parts (the
    picture, the texts) already went out on an earlier try."""

    digest_id: int
    professional_id: int
    telegram_user_id: int
    language: str | None
    week: date
    parts_sent: int = 0
    claimed_at: datetime | None = None  # when this process claimed it


async def claim_due(session: AsyncSession, now: datetime) -> list[DigestClaim]:
    """Digests whose moment has come (within ``GRACE``), each claimed by exactly one
    process: the unique (professional, week) row decides who sends it. One held back by a
    passing Telegram problem is taken again after its pause, one whose sender was cut off
    once its claim went stale; past ``GRACE`` it is recorded as missed, not sent late."""
    missed = await digests.close_missed(session, now)
    if missed:
        log.warning("digests: %d not sent within their grace, recorded as missed", missed)
    claimed = []
    by_id: dict[int, Professional] = {}
    for professional in await digests.recipients(session):
        by_id[professional.id] = professional
        moment = digest_moment(professional, now)
        if not moment <= now < moment + GRACE:
            continue
        week = metrics.week_of(moment.date()) - timedelta(weeks=1)
        won = await digests.claim(session, professional.id, week, now, moment + GRACE)
        if won is not None:
            claimed.append((won, professional, week, 0))
    for digest_id, professional_id, week, parts_sent in await digests.retake(session, now):
        if professional_id in by_id:
            claimed.append((digest_id, by_id[professional_id], week, parts_sent))
    return [
        DigestClaim(digest_id, p.id, p.telegram_user_id or 0, p.language, week, parts_sent, now)
        for digest_id, p, week, parts_sent in claimed
    ]


async def renew_claim(session: AsyncSession, claim: DigestClaim, now: datetime) -> bool:
    """Renew this process's claim on a digest just before sending it; False when it is no
    longer ours (it went stale while others were sent, and another process took it)."""
    assert claim.claimed_at is not None
    return await digests.renew_claim(session, claim.digest_id, claim.claimed_at, now)


async def caseload_for(session: AsyncSession, claim: DigestClaim) -> CaseloadWeek:
    """The caseload week a claimed digest is about (its view is audited on the first try)."""
    professional = await people.professional_by_id(session, claim.professional_id)
    assert professional is not None
    caseload = await caseload_week(session, professional, claim.week)
    if claim.parts_sent == 0:
        await record_view(session, professional, caseload)
    return caseload


async def record_part_sent(session: AsyncSession, digest_id: int, parts_sent: int) -> None:
    """The first ``parts_sent`` parts of the digest reached Telegram: not sent again."""
    await digests.mark_part_sent(session, digest_id, parts_sent)


async def record_later(session: AsyncSession, digest_id: int, now: datetime) -> None:
    """Telegram had a passing problem (or the digest could not be made): tried again after
    a growing pause (``sender.next_try``) within its grace."""
    attempts = await digests.attempts_of(session, digest_id)
    await digests.mark_later(session, digest_id, next_try(now, attempts))


async def record_sent(
    session: AsyncSession, digest_id: int, now: datetime, *, reachable: bool = True
) -> None:
    """The digest went out, or was given up because the professional cannot be reached
    (blocked the bot): either way it is not tried again."""
    await digests.mark_settled(session, digest_id, now, "sent" if reachable else "gone")


async def record_view(
    session: AsyncSession, professional: Professional, caseload: CaseloadWeek
) -> None:
    """A digest shows client data: one audit line per client seen (ids only)."""
    for client in caseload.clients:
        await audit.add_audit_entry(
            session,
            actor_kind="professional",
            actor_id=professional.id,
            action="digest.viewed",
            subject_kind="participant",
            subject_id=client.client_id,
            detail={"week": caseload.week.isoformat()},
        )


async def record_client_view(session: AsyncSession, own: OwnClient) -> None:
    """A client's pictures were opened from the digest."""
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=own.professional.id,
        action="digest.client_viewed",
        subject_kind="participant",
        subject_id=own.client.id,
    )


# ------------------------------------------------------------------ /digest, one transaction each


@dataclass(frozen=True)
class DigestMoment:
    """When a professional's weekly digest comes: a weekday (0 = Monday) and a local time."""

    weekday: int
    local_time: str


async def moment_of(db: Database, telegram_user_id: int) -> DigestMoment | None:
    """The digest moment of the active professional behind this account; None for anyone
    else."""
    async with db.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None:
            return None
        return DigestMoment(professional.digest_weekday, professional.digest_time)


async def move_moment(
    db: Database, telegram_user_id: int, weekday: int, local_time: str
) -> DigestMoment | None:
    """Move the professional's weekly digest (see :func:`set_digest_moment`); the new moment,
    or None when this is no active professional or the moment is not offered."""
    async with db.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None or not await set_digest_moment(
            session, professional, weekday, local_time
        ):
            return None
        return DigestMoment(professional.digest_weekday, professional.digest_time)


async def on_demand(
    db: Database, telegram_user_id: int, *, so_far: bool, now: datetime
) -> CaseloadWeek | None:
    """``/digest``: last week's digest, or this week's so far (weeks in the professional's
    time zone), written to the audit log; None for anyone but an active professional."""
    async with db.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None:
            return None
        today = now.astimezone(ZoneInfo(professional.time_zone)).date()
        week = metrics.week_of(today) if so_far else last_full_week(today)
        caseload = await caseload_week(session, professional, week)
        await record_view(session, professional, caseload)
        return caseload


@dataclass(frozen=True)
class ClientPictures:
    """What a client's pictures show: first name, the week's chart and changes, the map now."""

    first_name: str
    pictures: WeekPictures
    contacts: tuple[Contact, ...]


async def client_pictures(
    db: Database, telegram_user_id: int, client_id: int, week: date
) -> ClientPictures | None:
    """A client's pictures for their own professional only (checked again; the view is in
    the audit log); None when refused."""
    async with db.transaction() as session:
        own = await access.own_client(
            session, telegram_user_id, client_id, "digest.client", still_taking_part=True
        )
        if own is None:
            return None
        (history,) = await histories(session, [own.client], week)
        current = await contacts.current_map(session, own.client.id)
        await record_client_view(session, own)
        pictures = metrics.week_pictures(history, week, CHART_WEEKS)
        return ClientPictures(own.client.first_name or "", pictures, tuple(current))
