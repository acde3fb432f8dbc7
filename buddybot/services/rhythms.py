"""The rhythm of someone's check-ins: which days, at what local time, in which time zone,
the one reminder and how long an answer is welcome; pausing and resuming. Rules and
storage only; the scheduler (``services/checkins.py``) reads the rhythm of record. What may
be chosen and what a press changes is ``flows/schedule.py``, applied here to the rhythm row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import schedule as flow
from buddybot.flows.schedule import Action, Note, PauseChoice
from buddybot.roles import ParticipantRole
from buddybot.schedule import BUDDY_DEFAULT, CLIENT_DEFAULT, DEFAULT_TIME, Rhythm
from buddybot.services import access
from buddybot.storage import models
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import Participant

# Without a rhythm row (it was removed): the time to answer a new rhythm gets.
DEFAULT_WINDOW = timedelta(hours=24)


def answer_window(record: models.Rhythm | None) -> timedelta:
    """How long a prompt of this rhythm can be answered after it was sent."""
    return timedelta(hours=record.answer_window_hours) if record else DEFAULT_WINDOW


def rhythm_of(record: models.Rhythm, time_zone: str) -> Rhythm:
    """The pure rhythm of a stored one."""
    hours, minutes = (int(part) for part in record.local_time.split(":"))
    weekdays = frozenset(int(day) for day in record.weekdays.split(",") if day)
    return Rhythm(weekdays, time(hours, minutes), time_zone)


async def start_rhythm(session: AsyncSession, participant: Participant, now: datetime) -> None:
    """Give someone who just joined the default rhythm: clients twice a week, buddies on
    Fridays ("Did you meet …?"), both at 18:00 local time."""
    if await stored_people.rhythm_of_participant(session, participant.id) is not None:
        return
    days = CLIENT_DEFAULT if participant.role is ParticipantRole.CLIENT else BUDDY_DEFAULT
    weekdays = ",".join(str(day) for day in sorted(days))
    await stored_people.add_rhythm(
        session, participant.id, weekdays, DEFAULT_TIME.strftime("%H:%M"), now
    )


@dataclass(frozen=True)
class RhythmView:
    """A rhythm as /schedule shows it."""

    weekdays: tuple[int, ...]
    local_time: str
    time_zone: str
    reminder_after_minutes: int
    answer_window_hours: int
    paused: bool
    paused_until: datetime | None


async def rhythm_view(session: AsyncSession, participant: Participant) -> RhythmView | None:
    """The participant's rhythm, if they have one."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None:
        return None
    return RhythmView(
        tuple(sorted(rhythm_of(record, participant.time_zone).weekdays)),
        record.local_time,
        participant.time_zone,
        record.reminder_after_minutes,
        record.answer_window_hours,
        record.paused,
        record.paused_until,
    )


def _schedule_of(participant: Participant, record: models.Rhythm | None) -> flow.Schedule:
    if record is None:
        return flow.Schedule(participant.time_zone, None)
    rhythm = flow.Rhythm(
        rhythm_of(record, participant.time_zone).weekdays,
        record.local_time,
        record.reminder_after_minutes,
        record.answer_window_hours,
    )
    return flow.Schedule(participant.time_zone, rhythm)


def _store(participant: Participant, record: models.Rhythm | None, schedule: flow.Schedule) -> None:
    """Write what changed (only that: a row read and written unchanged stays as it was)."""
    before = _schedule_of(participant, record)
    if schedule.time_zone != before.time_zone:
        participant.time_zone = schedule.time_zone
    new, old = schedule.rhythm, before.rhythm
    if record is None or new is None or old is None:
        return
    if new.weekdays != old.weekdays:
        record.weekdays = ",".join(str(day) for day in sorted(new.weekdays))
    if new.local_time != old.local_time:
        record.local_time = new.local_time
    if new.reminder_after_minutes != old.reminder_after_minutes:
        record.reminder_after_minutes = new.reminder_after_minutes
    if new.answer_window_hours != old.answer_window_hours:
        record.answer_window_hours = new.answer_window_hours


async def pause(session: AsyncSession, participant: Participant, until: datetime | None) -> bool:
    """No prompts until ``until`` (or until /resume when None)."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None:
        return False
    record.paused, record.paused_until = True, until
    return True


async def resume(session: AsyncSession, participant: Participant, now: datetime) -> bool:
    """Prompts again from the next slot on (slots during the pause are not sent afterwards)."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None or not record.paused:
        return False
    record.paused, record.paused_until = False, None
    record.checked_until = max(record.checked_until, now)
    return True


# ------------------------------------------------------------------ /schedule, /pause, /resume


@dataclass(frozen=True)
class ScheduleState:
    """A client's schedule after a press, for the one who pressed."""

    client_id: int
    by_professional: bool
    view: RhythmView | None
    note: Note | None = None


async def act_on_schedule(
    database: Database, telegram_user_id: int, client_id: int, action: Action, value: str
) -> ScheduleState | None:
    """Check who may act (``access.client_or_professional``; the client only on
    ``flows.schedule.FOR_EVERYONE``), make the change ``action`` names with ``value``
    ("HHMM", hours, a weekday, a zone; ``flows.schedule.change``), and return the schedule
    as it is then. None when refused or when the change is not one that can be made."""
    async with database.transaction() as session:
        allowed = await access.client_or_professional(
            session, telegram_user_id, client_id, "schedule"
        )
        if allowed is None:
            return None
        kind, _, client = allowed
        if kind != "professional" and action not in flow.FOR_EVERYONE:
            return None
        record = await stored_people.rhythm_of_participant(session, client.id)
        made = flow.change(_schedule_of(client, record), action, value)
        if made is None:
            return None
        note = made if isinstance(made, Note) else None
        if not isinstance(made, Note):
            _store(client, record, made)
        view = await rhythm_view(session, client)
        return ScheduleState(client.id, kind == "professional", view, note)


@dataclass(frozen=True)
class Paused:
    """A pause that was set: until when (None: until /resume), in the client's time zone."""

    until: datetime | None
    time_zone: str


async def pause_dates_of(
    database: Database, client_id: int | None, now: datetime
) -> tuple[date, ...] | None:
    """The dates "until a date" offers this client, counted from today in their own time
    zone (the same day :func:`pause_own` checks the choice against); None for no client."""
    if client_id is None:
        return None
    async with database.transaction() as session:
        client = await stored_people.participant_by_id(session, client_id)
    if client is None:
        return None
    return flow.pause_dates(now.astimezone(ZoneInfo(client.time_zone)).date())


async def pause_own(
    database: Database,
    telegram_user_id: int,
    client_id: int | None,
    choice: PauseChoice,
    now: datetime,
) -> Paused | None:
    """A client pauses their own check-ins; None when they may not (``client_id`` None: not a
    client), the choice is not valid, or they have no rhythm."""
    async with database.transaction() as session:
        client = None
        if client_id is not None:
            allowed = await access.client_or_professional(
                session, telegram_user_id, client_id, "pause"
            )
            client = allowed[2] if allowed else None
        if client is None:
            return None
        valid, until = choice.until(now, client.time_zone)
        if not valid or not await pause(session, client, until):
            return None
        return Paused(until, client.time_zone)


async def resume_own(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> bool:
    """A client's check-ins come again; False when they may not or were not paused."""
    async with database.transaction() as session:
        allowed = await access.client_or_professional(
            session, telegram_user_id, client_id, "resume"
        )
        return allowed is not None and await resume(session, allowed[2], now)
