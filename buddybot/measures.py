"""The L.ink measures of a client's network, at one date and before and after: pure functions.

The L.ink research (Inclusieweb, people with a disability followed for 1.5 years) compared a
network twice, before and after network-strengthening actions, on: satisfaction with the
network, the number and frequency of contacts, and emotional closeness. BuddyBot measures the
same at any two dates of a client's history (``docs/measures.md`` gives every definition).
Two kinds of input:

- the **map** at the date: every change up to the end of that local day replayed
  (``network.map_at``); counts per circle and life domain, closeness, domains covered,
  informal against professional (care) contacts, support;
- the **answers** around the date: contact frequency (contact events per reported week) and
  satisfaction (the mean score) over a window of ``WINDOW_WEEKS`` ISO weeks ending with the
  date's week. Nothing is answered before joining, so a window that would begin before it
  is the first ``WINDOW_WEEKS`` weeks from joining instead (intake: "the first month").

A week without an answered check-in is missing, never zero (as in ``metrics``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from buddybot.metrics import Week, reported, week_of
from buddybot.network import Change, Comparison, Contact, Domain, compare, map_at

# The frequency and satisfaction of a date are read over this many weeks (L.ink's
# "the last month").
WINDOW_WEEKS = 4
# The closest circle: emotional closeness is the share of contacts in it.
CLOSEST = 1
# Contacts in this life domain are professional (services, care); all others informal.
PROFESSIONAL_DOMAIN = Domain.CARE


@dataclass(frozen=True)
class MapMeasures:
    """What a network map looks like at one moment (counts of contacts)."""

    contacts: int
    by_circle: Mapping[int, int]
    by_domain: Mapping[Domain, int]
    # Share of contacts in the closest circle, 0–1; None for an empty map.
    closeness: float | None
    domains_covered: int
    informal: int
    professional: int
    # Contacts the client receives any support from / gives any support to, and both.
    support_received: int
    support_given: int
    support_both: int


def map_measures(contacts: Iterable[Contact]) -> MapMeasures:
    """The map measures of ``contacts`` (a map at some moment, e.g. ``map_at(...).values()``)."""
    entries = list(contacts)
    by_circle = Counter(contact.circle for contact in entries)
    by_domain = Counter(contact.domain for contact in entries)
    professional = by_domain.get(PROFESSIONAL_DOMAIN, 0)
    return MapMeasures(
        contacts=len(entries),
        by_circle=dict(sorted(by_circle.items())),
        by_domain={domain: by_domain[domain] for domain in Domain if by_domain[domain]},
        closeness=by_circle.get(CLOSEST, 0) / len(entries) if entries else None,
        domains_covered=len(by_domain),
        informal=len(entries) - professional,
        professional=professional,
        support_received=sum(bool(c.support_received) for c in entries),
        support_given=sum(bool(c.support_given) for c in entries),
        support_both=sum(bool(c.support_received and c.support_given) for c in entries),
    )


@dataclass(frozen=True)
class Window:
    """The weeks (Mondays, oldest first) whose answers a date's frequency and satisfaction
    come from; ``from_joining`` when they start at the week of joining rather than end with
    the date's week."""

    weeks: tuple[date, ...]
    from_joining: bool = False


@dataclass(frozen=True)
class AnswerMeasures:
    """What the client's answers say around one date."""

    # Contact events per reported week (a contact mentioned in a check-in, or a buddy's
    # meetup) over the window; None when no week of it was reported.
    frequency: float | None
    # Distinct people in touch per reported week, over the window.
    people: float | None
    # Mean satisfaction with the network (1–5 faces) over the window; None: not asked.
    satisfaction: float | None
    weeks: tuple[date, ...]  # the window's Mondays
    reported_weeks: int  # how many of them had an answered check-in
    from_joining: bool = False


def _reported(weeks: Mapping[date, Week], mondays: Iterable[date]) -> list[Week]:
    return [weeks[monday] for monday in mondays if monday in weeks and reported(weeks[monday])]


def window(day: date, joined: date | None = None, until: date | None = None) -> Window:
    """The ``WINDOW_WEEKS`` weeks ending with ``day``'s week; shifted to start with the week
    of ``joined`` when they would begin before it (nothing is answered before joining), and
    then kept before ``until``'s week (the later date of a comparison)."""
    first = week_of(day) - timedelta(weeks=WINDOW_WEEKS - 1)
    if joined is None or first >= week_of(joined):
        return Window(tuple(first + timedelta(weeks=n) for n in range(WINDOW_WEEKS)))
    start = week_of(joined)
    mondays = (start + timedelta(weeks=n) for n in range(WINDOW_WEEKS))
    return Window(
        tuple(m for m in mondays if until is None or m < week_of(until) or m == start),
        from_joining=True,
    )


def answer_measures(
    weeks: Mapping[date, Week], day: date, *, joined: date | None = None, until: date | None = None
) -> AnswerMeasures:
    """Frequency, people and satisfaction from ``weeks`` (a client's figures by Monday) over
    the :func:`window` of ``day``."""
    span = window(day, joined, until)
    found = _reported(weeks, span.weeks)
    scores = [week.satisfaction for week in found if week.satisfaction is not None]
    return AnswerMeasures(
        frequency=_mean([week.events for week in found]),
        people=_mean([week.distinct_contacts for week in found]),
        satisfaction=_mean(scores),
        weeks=span.weeks,
        reported_weeks=len(found),
        from_joining=span.from_joining,
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Measures:
    """The L.ink measures of one client at one date."""

    day: date
    map: MapMeasures
    answers: AnswerMeasures


@dataclass(frozen=True)
class BeforeAfter:
    """A client's network at two dates: both measures and who came, went or moved."""

    before: Measures
    after: Measures
    changes: Comparison
    before_map: Mapping[int, Contact]
    after_map: Mapping[int, Contact]


def end_of_day(day: date, time_zone: str) -> datetime:
    """The last moment of ``day`` in ``time_zone`` (the map "on" a date includes its changes)."""
    return datetime.combine(day + timedelta(days=1), time.min, ZoneInfo(time_zone)) - timedelta(
        microseconds=1
    )


def before_after(
    changes: Sequence[Change],
    weeks: Mapping[date, Week],
    before: date,
    after: date,
    time_zone: str,
    *,
    joined: date | None = None,
) -> BeforeAfter:
    """The measures at ``before`` and at ``after`` (local dates, ``before`` ≤ ``after``) from
    the map's history ``changes`` and the weekly figures ``weeks`` of a client who joined on
    ``joined``. Raises ValueError when ``before`` is later than ``after``."""
    if before > after:
        raise ValueError(f"before ({before}) is later than after ({after})")
    first = map_at(changes, end_of_day(before, time_zone))
    second = map_at(changes, end_of_day(after, time_zone))
    return BeforeAfter(
        before=Measures(
            before,
            map_measures(first.values()),
            answer_measures(weeks, before, joined=joined, until=after),
        ),
        after=Measures(
            after, map_measures(second.values()), answer_measures(weeks, after, joined=joined)
        ),
        changes=compare(first, second),
        before_map=first,
        after_map=second,
    )


class Direction(StrEnum):
    """How a network went between two dates, by its number of contacts."""

    GREW = "grew"
    STAYED = "stayed"
    SHRANK = "shrank"


def direction(before: MapMeasures, after: MapMeasures) -> Direction:
    """GREW with more contacts at the second date, SHRANK with fewer, else STAYED."""
    if after.contacts > before.contacts:
        return Direction.GREW
    if after.contacts < before.contacts:
        return Direction.SHRANK
    return Direction.STAYED
