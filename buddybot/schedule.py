"""When check-ins are due: a person's rhythm (weekdays and a local time in their time zone)
turned into moments in UTC. Pure functions, no database.

Daylight saving time never shifts or duplicates a prompt: each local day gives exactly one
moment. A local time that does not exist that day (the clock jumps from 02:00 to 03:00) is
moved forward by the gap; a local time that happens twice (03:00 back to 02:00) is taken the
first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


@dataclass(frozen=True)
class Rhythm:
    """How often someone is asked: on these weekdays (0 = Monday), at this local time."""

    weekdays: frozenset[int]
    local_time: time
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        """The time zone as a ZoneInfo."""
        return ZoneInfo(self.time_zone)


CLIENT_DEFAULT = frozenset({MONDAY, THURSDAY})
BUDDY_DEFAULT = frozenset({FRIDAY})
DEFAULT_TIME = time(18, 0)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of ``at`` on ``day`` in ``zone`` (DST rules in the module docstring)."""
    # fold=0 means: in a gap, use the offset from before the jump (which lands the moment
    # after the gap, shifted by its length); when the hour repeats, take the first one.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def slots_between(rhythm: Rhythm, start: datetime, end: datetime) -> list[datetime]:
    """Every due moment (UTC) with ``start`` < moment <= ``end``, oldest first."""
    zone = rhythm.zone
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    slots = []
    day = first_day
    while day <= last_day:
        if day.weekday() in rhythm.weekdays:
            moment = local_moment(day, rhythm.local_time, zone)
            if start < moment <= end:
                slots.append(moment)
        day += timedelta(days=1)
    return slots


def next_slot(rhythm: Rhythm, after: datetime) -> datetime | None:
    """The first due moment strictly after ``after``; None when the rhythm has no weekdays."""
    if not rhythm.weekdays:
        return None
    found = slots_between(rhythm, after, after + timedelta(days=8))
    return found[0] if found else None


@dataclass(frozen=True)
class DueSlots:
    """What to do with the slots that came due since the last look: send at most one (the
    newest, if it is still fresh), record the older ones as expired."""

    send: datetime | None
    expire: tuple[datetime, ...]


def due_slots(rhythm: Rhythm, since: datetime, now: datetime, *, grace: timedelta) -> DueSlots:
    """The slots in (since, now]. After downtime only the newest may still be sent, and only
    within ``grace`` of its moment; no burst of old prompts."""
    slots = slots_between(rhythm, since, now)
    if not slots:
        return DueSlots(None, ())
    newest = slots[-1]
    if now - newest <= grace:
        return DueSlots(newest, tuple(slots[:-1]))
    return DueSlots(None, tuple(slots))


def local_date(moment: datetime, time_zone: str) -> date:
    """The participant's calendar day of a UTC moment."""
    return moment.astimezone(ZoneInfo(time_zone)).date()


def months_later(day: date, months: int) -> date:
    """The same day ``months`` months later (earlier when negative), or the last day of that
    month when it is shorter (31 May − 3 months = 28/29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")
