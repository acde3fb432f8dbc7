"""The rhythm of someone's check-ins: which days, at what local time, in which time zone,
the one reminder and how long an answer is welcome; pausing and resuming. Rules and
storage only; the scheduler (``services/checkins.py``) reads the rhythm of record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ParticipantRole
from buddybot.schedule import BUDDY_DEFAULT, CLIENT_DEFAULT, DEFAULT_TIME, Rhythm
from buddybot.services import access
from buddybot.storage import models
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import Participant


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


# The times a client may choose for their check-ins (local time).
CHOOSABLE_TIMES = ("09:00", "12:00", "15:00", "17:00", "18:00", "19:00", "20:00")


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


async def set_time(session: AsyncSession, participant: Participant, local_time: str) -> bool:
    """Move the check-in time (one of ``CHOOSABLE_TIMES``); False if not allowed."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None or local_time not in CHOOSABLE_TIMES:
        return False
    record.local_time = local_time
    return True


# What a professional may choose for the one reminder and the answer window (hours).
REMINDER_HOURS = (1, 2, 3, 6, 12)
WINDOW_HOURS = (12, 24, 48, 72)


async def set_reminder(session: AsyncSession, participant: Participant, hours: int) -> bool:
    """Set after how many hours an unanswered prompt gets its one reminder. False when not
    one of ``REMINDER_HOURS`` or not before the end of the answer window (nothing changes)."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None or hours not in REMINDER_HOURS or hours >= record.answer_window_hours:
        return False
    record.reminder_after_minutes = hours * 60
    return True


async def set_answer_window(session: AsyncSession, participant: Participant, hours: int) -> bool:
    """Set how long an answer is welcome. False when not one of ``WINDOW_HOURS`` or when the
    reminder would come after the window closed (nothing changes)."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None or hours not in WINDOW_HOURS or record.reminder_after_minutes >= hours * 60:
        return False
    record.answer_window_hours = hours
    return True


# The time zones a professional can give a participant, by area (the part of the zone's name
# before the first "/"): every place of the tz database, so someone who lives or stays abroad
# gets their prompts at their own local time.
ZONE_AREAS = ("Europe", "Africa", "America", "Asia", "Atlantic", "Australia", "Indian", "Pacific")


@cache
def zones_in(area: str) -> tuple[str, ...]:
    """The tz database's zones of one of :data:`ZONE_AREAS` ("Europe/Brussels", …), sorted."""
    return tuple(sorted(z for z in available_timezones() if z.split("/", 1)[0] == area))


async def set_time_zone(session: AsyncSession, participant: Participant, zone: str) -> bool:
    """Give the participant another time zone: their days and time stay, now in that zone.
    False for a zone not of :data:`ZONE_AREAS` (nothing changes)."""
    area = zone.split("/", 1)[0]
    if area not in ZONE_AREAS or zone not in zones_in(area):
        return False
    participant.time_zone = zone
    return True


async def toggle_day(session: AsyncSession, participant: Participant, weekday: int) -> bool:
    """Add or remove a weekday (the professional sets the days); at least one stays."""
    record = await stored_people.rhythm_of_participant(session, participant.id)
    if record is None or not 0 <= weekday <= 6:
        return False
    days = set(rhythm_of(record, participant.time_zone).weekdays) ^ {weekday}
    if not days:
        return False
    record.weekdays = ",".join(str(day) for day in sorted(days))
    return True


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


class ScheduleAction(Enum):
    """What a /schedule button asks for (``sch:<client>:<action>``)."""

    SHOW = "show"  # the summary as a new message
    SUMMARY = "summary"
    TIMES = "times"
    SET_TIME = "time"
    DAYS = "days"
    TOGGLE_DAY = "day"
    REMINDERS = "reminders"
    SET_REMINDER = "reminder"
    WINDOWS = "windows"
    SET_WINDOW = "window"
    AREAS = "areas"
    AREA = "area"
    SET_ZONE = "zone"


# Everyone may see the schedule and move the time; only the professional sets the rest.
FOR_EVERYONE = frozenset(
    {ScheduleAction.SHOW, ScheduleAction.SUMMARY, ScheduleAction.TIMES, ScheduleAction.SET_TIME}
)


class ScheduleNote(Enum):
    """A change that was not made, and why."""

    REMINDER_IN_WINDOW = "reminder_in_window"
    ONE_DAY_AT_LEAST = "one_day_at_least"


@dataclass(frozen=True)
class ScheduleState:
    """A client's schedule after a press, for the one who pressed."""

    client_id: int
    by_professional: bool
    view: RhythmView | None
    note: ScheduleNote | None = None


async def act_on_schedule(
    database: Database, telegram_user_id: int, client_id: int, action: ScheduleAction, value: str
) -> ScheduleState | None:
    """Check who may act (``access.client_or_professional``; the client only on
    :data:`FOR_EVERYONE`), make the change ``action`` names with ``value`` ("HHMM", hours, a
    weekday, a zone), and return the schedule as it is then. None when refused or when the
    change is not one that can be made."""
    async with database.transaction() as session:
        allowed = await access.client_or_professional(
            session, telegram_user_id, client_id, "schedule"
        )
        if allowed is None:
            return None
        kind, _, client = allowed
        if kind != "professional" and action not in FOR_EVERYONE:
            return None
        made = await _change(session, client, action, value)
        if made is False:
            return None
        note = made if isinstance(made, ScheduleNote) else None
        view = await rhythm_view(session, client)
        return ScheduleState(client.id, kind == "professional", view, note)


async def _change(
    session: AsyncSession, client: Participant, action: ScheduleAction, value: str
) -> bool | ScheduleNote:
    """True when made (or nothing to make), False when refused, a note when declined."""
    if action is ScheduleAction.SET_TIME:
        return (
            len(value) == 4
            and value.isdigit()
            and await set_time(session, client, f"{value[:2]}:{value[2:]}")
        )
    if action is ScheduleAction.SET_ZONE:
        return await set_time_zone(session, client, value)
    if action in (ScheduleAction.SET_REMINDER, ScheduleAction.SET_WINDOW):
        if not value.isdigit():
            return False
        change = set_reminder if action is ScheduleAction.SET_REMINDER else set_answer_window
        return await change(session, client, int(value)) or ScheduleNote.REMINDER_IN_WINDOW
    if action is ScheduleAction.TOGGLE_DAY and value.isdigit():
        return await toggle_day(session, client, int(value)) or ScheduleNote.ONE_DAY_AT_LEAST
    return True


# "Until a date": the Mondays of the coming weeks (one tap, no typing).
PAUSE_DATES = 8


@dataclass(frozen=True)
class PauseChoice:
    """How long to pause: ``days`` (0: until /resume), or until the start of ``on``."""

    days: int | None = None
    on: date | None = None

    def until(self, now: datetime, time_zone: str) -> tuple[bool, datetime | None]:
        """(valid, end): the end of the pause, or None for "until /resume"; not valid for a
        date outside the coming :data:`PAUSE_DATES` weeks."""
        if self.days is not None:
            return True, (now + timedelta(days=self.days) if self.days else None)
        if self.on is None:
            return False, None
        today = now.astimezone(ZoneInfo(time_zone)).date()
        if today < self.on <= today + timedelta(weeks=PAUSE_DATES + 1):
            return True, datetime.combine(self.on, time.min, ZoneInfo(time_zone))
        return False, None


@dataclass(frozen=True)
class Paused:
    """A pause that was set: until when (None: until /resume), in the client's time zone."""

    until: datetime | None
    time_zone: str


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
