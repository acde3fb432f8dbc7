"""`/schedule` and `/pause` as pure flows: which values may be chosen, what a press changes,
which screen follows it, and the paging through the places of a time zone's area.

The schedule is the client's rhythm (days, local time, the one reminder, the answer window)
and their time zone: :class:`Schedule`, read from and written to the rhythm row and the
participant by ``services/rhythms.py``. Every button names its client and what it asks
(``sch:<client>:<action>[:<value>[:<page>]]``), so the screen on display is not stored: a
press plus the schedule gives the new schedule (:func:`change`) and the screen to show
(:func:`screen_after`). Who may press what (the client moves the time; their professional
sets the rest, :data:`FOR_EVERYONE`) is checked by the service.

/pause: a number of days, until /resume, or "until a date" and then one of the coming
Mondays (``pau:<days>``, ``pau:dates``, ``pau:on:<yyyymmdd>``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from buddybot import paging
from buddybot.paging import Page

# The times a client may choose for their check-ins (local time).
CHOOSABLE_TIMES = ("09:00", "12:00", "15:00", "17:00", "18:00", "19:00", "20:00")
# What a professional may choose for the one reminder and the answer window (hours).
REMINDER_HOURS = (1, 2, 3, 6, 12)
WINDOW_HOURS = (12, 24, 48, 72)
# The time zones a professional can give a participant, by area (the part of the zone's name
# before the first "/"): every place of the tz database, so someone who lives or stays abroad
# gets their prompts at their own local time.
ZONE_AREAS = ("Europe", "Africa", "America", "Asia", "Atlantic", "Australia", "Indian", "Pacific")
# The places of an area are many (America has well over a hundred): twelve a page.
ZONES_PER_PAGE = 12


@cache
def zones_in(area: str) -> tuple[str, ...]:
    """The tz database's zones of one of :data:`ZONE_AREAS` ("Europe/Brussels", …), sorted."""
    return tuple(sorted(z for z in available_timezones() if z.split("/", 1)[0] == area))


def valid_zone(zone: str) -> bool:
    """True for a zone a professional may give: one of :data:`ZONE_AREAS`' places."""
    area = zone.split("/", 1)[0]
    return area in ZONE_AREAS and zone in zones_in(area)


class Action(Enum):
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
FOR_EVERYONE = frozenset({Action.SHOW, Action.SUMMARY, Action.TIMES, Action.SET_TIME})


class Note(Enum):
    """A change that was not made, and why."""

    REMINDER_IN_WINDOW = "reminder_in_window"
    ONE_DAY_AT_LEAST = "one_day_at_least"


@dataclass(frozen=True)
class SchedulePress:
    """``sch:<client>:<action>[:<value>[:<page>]]``; the value is checked with the change."""

    client_id: int
    action: Action
    value: str = ""
    page: str = "0"


# The actions whose button carries a value (a time, a day, hours, a zone, an area); an area
# may also carry a page.
WITH_VALUE = frozenset(
    {Action.SET_TIME, Action.TOGGLE_DAY, Action.SET_REMINDER, Action.SET_WINDOW, Action.SET_ZONE}
)


def parse_press(parts: tuple[str, ...]) -> SchedulePress | None:
    """The callback data's parts as a press; None when malformed (an unknown action, a value
    missing or one too many): exactly the buttons the bot makes."""
    if len(parts) < 2 or not parts[0].isdigit():
        return None
    try:
        action = Action(parts[1])
    except ValueError:
        return None
    values = parts[2:]
    if action is Action.AREA:
        if len(values) not in (1, 2):
            return None
        return SchedulePress(int(parts[0]), action, values[0], values[1] if values[1:] else "0")
    if len(values) != (1 if action in WITH_VALUE else 0):
        return None
    return SchedulePress(int(parts[0]), action, values[0] if values else "")


@dataclass(frozen=True)
class Rhythm:
    """The rhythm row's values: weekdays (0 Monday … 6 Sunday), the local time ("18:00"),
    the one reminder (minutes after the prompt) and how long an answer is welcome."""

    weekdays: frozenset[int]
    local_time: str
    reminder_after_minutes: int
    answer_window_hours: int


@dataclass(frozen=True)
class Schedule:
    """A client's schedule: their time zone, and their rhythm (None before they have one)."""

    time_zone: str
    rhythm: Rhythm | None


def change(schedule: Schedule, action: Action, value: str) -> Schedule | Note | None:
    """The schedule after a press of ``action`` with ``value`` ("HHMM", hours, a weekday,
    a zone): the same one for a press that changes nothing (a screen), a :class:`Note` for
    a change declined with a reason, None for one refused (not a value on offer)."""
    rhythm = schedule.rhythm
    if action is Action.SET_TIME:
        local_time = f"{value[:2]}:{value[2:]}"
        if len(value) != 4 or not value.isdigit() or local_time not in CHOOSABLE_TIMES:
            return None
        return None if rhythm is None else _with(schedule, replace(rhythm, local_time=local_time))
    if action is Action.SET_ZONE:
        return replace(schedule, time_zone=value) if valid_zone(value) else None
    if action in (Action.SET_REMINDER, Action.SET_WINDOW):
        if not value.isdigit():
            return None
        hours = int(value)
        changed = (
            _reminder(rhythm, hours) if action is Action.SET_REMINDER else _window(rhythm, hours)
        )
        return Note.REMINDER_IN_WINDOW if changed is None else _with(schedule, changed)
    if action is Action.TOGGLE_DAY and value.isdigit():
        toggled = _toggled(rhythm, int(value))
        return Note.ONE_DAY_AT_LEAST if toggled is None else _with(schedule, toggled)
    return schedule


def _with(schedule: Schedule, rhythm: Rhythm) -> Schedule:
    return replace(schedule, rhythm=rhythm)


def _reminder(rhythm: Rhythm | None, hours: int) -> Rhythm | None:
    """The one reminder comes before the answer window closes, or it would never be sent."""
    if rhythm is None or hours not in REMINDER_HOURS or hours >= rhythm.answer_window_hours:
        return None
    return replace(rhythm, reminder_after_minutes=hours * 60)


def _window(rhythm: Rhythm | None, hours: int) -> Rhythm | None:
    """The answer window stays open past the reminder (see :func:`_reminder`)."""
    if rhythm is None or hours not in WINDOW_HOURS or rhythm.reminder_after_minutes >= hours * 60:
        return None
    return replace(rhythm, answer_window_hours=hours)


def _toggled(rhythm: Rhythm | None, weekday: int) -> Rhythm | None:
    """A weekday added or removed; a rhythm without days would never ask anything."""
    if rhythm is None or not 0 <= weekday <= 6:
        return None
    days = rhythm.weekdays ^ {weekday}
    return replace(rhythm, weekdays=days) if days else None


class Screen(Enum):
    """What /schedule shows after a press."""

    SUMMARY = "summary"
    TIMES = "times"
    DAYS = "days"
    REMINDERS = "reminders"
    WINDOWS = "windows"
    AREAS = "areas"
    ZONES = "zones"  # a page of the places of an area
    REMINDER_IN_WINDOW = "reminder_in_window"  # why the reminder or window did not change
    ONE_DAY_AT_LEAST = "one_day_at_least"


_NOTE_SCREEN = {
    Note.REMINDER_IN_WINDOW: Screen.REMINDER_IN_WINDOW,
    Note.ONE_DAY_AT_LEAST: Screen.ONE_DAY_AT_LEAST,
}
_CHOICE_SCREEN = {
    Action.AREAS: Screen.AREAS,
    Action.REMINDERS: Screen.REMINDERS,
    Action.WINDOWS: Screen.WINDOWS,
}


def screen_after(press: SchedulePress, note: Note | None, has_rhythm: bool) -> Screen | None:
    """The screen after ``press`` was applied (``note``: the change was declined;
    ``has_rhythm``: the client has a rhythm). None when there is nothing to show (an area
    or page that is not one, days without a rhythm): the press is stale."""
    action = press.action
    if action is Action.TIMES:
        return Screen.TIMES
    if note is not None:
        return _NOTE_SCREEN[note]
    if action is Action.AREA:
        return Screen.ZONES if press.value in ZONE_AREAS and press.page.isdigit() else None
    if action in _CHOICE_SCREEN:
        return _CHOICE_SCREEN[action]
    if action in (Action.DAYS, Action.TOGGLE_DAY):
        return Screen.DAYS if has_rhythm else None
    return Screen.SUMMARY


def page_of(total: int, wanted: int, size: int = ZONES_PER_PAGE) -> Page:
    """:func:`paging.page_of`, a page of time zones by default."""
    return paging.page_of(total, wanted, size)


# ------------------------------------------------------------------ /pause

# The buttons of /pause that pause at once, in days (0: until /resume).
PAUSE_DAYS = ("7", "14", "0")
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
class PausePress:
    """``pau:dates`` (choose a date: ``choice`` None) or a pause to set."""

    choice: PauseChoice | None


def parse_pause(parts: tuple[str, ...]) -> PausePress | None:
    """The callback data's parts as a press; None for data that is no pause button (stale),
    an empty choice for a date that is no date (refused by the service like a date that is
    not on offer)."""
    if parts == ("dates",):
        return PausePress(None)
    if parts in {(days,) for days in PAUSE_DAYS}:
        return PausePress(PauseChoice(days=int(parts[0])))
    if len(parts) == 2 and parts[0] == "on" and parts[1].isdigit():
        try:
            day = datetime.strptime(parts[1], "%Y%m%d").date()
        except ValueError:
            return PausePress(PauseChoice())
        return PausePress(PauseChoice(on=day))
    return None


def pause_dates(today: date) -> tuple[date, ...]:
    """The dates "until a date" offers: the Mondays of the coming :data:`PAUSE_DATES` weeks."""
    return tuple(today + timedelta(days=7 * n - today.weekday()) for n in range(1, PAUSE_DATES + 1))
