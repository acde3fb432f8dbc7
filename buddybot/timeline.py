"""A client's circle through time, for the dashboard's slider: one frame per day the circle
changed, each the circle at the end of that day with what changed that day. Pure: no
database, no Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from buddybot.network import Change, Contact


@dataclass(frozen=True)
class Frame:
    """The circle at the end of ``day`` (the client's local date): ``contacts``; ``new``,
    the ids added that day; ``moved``, contacts whose circle or life domain changed that
    day, as they were before (their earlier place); ``removed``, contacts that left that
    day, as they were before."""

    day: date
    contacts: tuple[Contact, ...]
    new: tuple[int, ...] = ()
    moved: tuple[Contact, ...] = ()
    removed: tuple[Contact, ...] = ()


def _place(contact: Contact) -> tuple[int, str]:
    return contact.circle, contact.domain.value


def _frame(day: date, before: dict[int, Contact], after: dict[int, Contact]) -> Frame:
    # By contact id: the order they joined the circle, whatever order the history came in.
    now = sorted(after)
    return Frame(
        day,
        tuple(after[i] for i in now),
        new=tuple(i for i in now if i not in before),
        moved=tuple(
            before[i] for i in now if i in before and _place(before[i]) != _place(after[i])
        ),
        removed=tuple(before[i] for i in sorted(before) if i not in after),
    )


def frames(changes: Iterable[Change], time_zone: ZoneInfo, today: date) -> list[Frame]:
    """One frame per local day with changes, oldest first, and ``today`` last (without
    highlights when nothing changed today). A contact added and removed on the same day
    shows in no frame; one removed and added again the same day counts as moved when its
    place differs."""

    def local_day(change: Change) -> date:
        return change.at.astimezone(time_zone).date()

    ordered = sorted(changes, key=lambda change: change.at)
    shown: list[Frame] = []
    current: dict[int, Contact] = {}
    for day, changed in groupby(ordered, key=local_day):
        before = dict(current)
        for change in changed:
            if change.after is None:
                current.pop(change.contact_id, None)
            else:
                current[change.contact_id] = change.after
        shown.append(_frame(day, before, current))
    if not shown or shown[-1].day != today:
        shown.append(Frame(today, tuple(current[i] for i in sorted(current))))
    return shown


def at_noon(day: date, time_zone: ZoneInfo) -> datetime:
    """Midday of a local day (a moment safely inside it whatever the clocks do)."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=time_zone)
