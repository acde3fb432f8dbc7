"""What the weekly digest says about a client, as pure functions over weekly figures.

The figures come from SQL aggregates (``services/digest.py``); nothing here touches a
database or Telegram. Weeks are ISO weeks, named by their Monday, in the client's own
local dates. A week without an answered check-in is *missing*: its contact figures are
``None``, never 0, and it is left out of every trend.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import pairwise
from statistics import median
from typing import Protocol
from zoneinfo import ZoneInfo

from buddybot.network import Change, Comparison, compare_dates

# How many earlier weeks a week is compared with.
TREND_WEEKS = 4
# A close tie fades when it is not mentioned for longer than max(2 × its usual gap, 3 weeks)
# while the client kept answering (at least two answered check-ins since the last mention).
FADING_FACTOR = 2
FADING_FLOOR = timedelta(weeks=3)
FADING_ANSWERS_SINCE = 2
# The usual gap is learnt from the last ten mentions: rhythms change over a year.
USUAL_GAP_MENTIONS = 10
# A fall of the weekly mood mean by this much (on five faces) against the earlier weeks.
MOOD_DROP = 1.0


def week_of(day: date) -> date:
    """The Monday of the ISO week ``day`` is in."""
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=8192)
def weeks_back(week: date, count: int) -> tuple[date, ...]:
    """The ``count`` Mondays before ``week``, oldest first."""
    return tuple(week - timedelta(weeks=n) for n in range(count, 0, -1))


class Week(Protocol):
    """One client's week as counted: ``WeekFigures`` below, or the storage's own counts
    (read as they are: a region's pass has a million of them). ``events`` and
    ``distinct_contacts`` count contact events (a contact mentioned in a check-in, or a
    meetup with the buddy)."""

    @property
    def sent(self) -> int: ...
    @property
    def answered(self) -> int: ...
    @property
    def events(self) -> int: ...
    @property
    def distinct_contacts(self) -> int: ...
    @property
    def by_domain(self) -> Mapping[str, int]: ...
    @property
    def by_circle(self) -> Mapping[int, int]: ...
    @property
    def mood(self) -> float | None: ...
    @property
    def satisfaction(self) -> float | None: ...
    @property
    def meetups(self) -> int: ...
    @property
    def meetup_minutes(self) -> int: ...


@dataclass(frozen=True)
class WeekFigures:
    """A week's figures as plain values (tests, and weeks made by hand)."""

    sent: int = 0
    answered: int = 0
    events: int = 0
    distinct_contacts: int = 0
    by_domain: Mapping[str, int] = field(default_factory=dict)
    by_circle: Mapping[int, int] = field(default_factory=dict)
    mood: float | None = None
    satisfaction: float | None = None
    meetups: int = 0
    meetup_minutes: int = 0


def reported(week: Week) -> bool:
    """True when the client told about their contacts that week: an answered check-in.
    Otherwise its contact figures are missing, not zero: a buddy's meetup alone says who
    the buddy saw, not how many people the client was in touch with (it would draw as a
    drop to one contact)."""
    return week.answered > 0


NOTHING = WeekFigures()  # a week in which nothing was sent or reported


@dataclass(frozen=True)
class ClientHistory:
    """Everything the digest needs about one client, already aggregated."""

    client_id: int
    name: str
    weeks: Mapping[date, Week]
    # Days each close contact (circle 1–2 now) was mentioned, and their labels.
    mentions: Mapping[int, Sequence[date]]
    close_contacts: Mapping[int, str]
    # Days on which a check-in was answered (to tell silence from not answering).
    answered_days: Sequence[date]
    # Every change of the map (oldest first) and the time zone its weeks are in; None when
    # the map is not needed (bulk metrics).
    changes: Sequence[Change] | None = None
    time_zone: str = "Europe/Brussels"
    unreachable: bool = False
    consent_withdrawn: bool = False
    # The client's local day of joining (None: not known); weeks before it say so.
    joined: date | None = None

    def __post_init__(self) -> None:
        # Sorted once here, so every week's look-ups can bisect.
        sorted_mentions = {key: sorted(set(days)) for key, days in self.mentions.items()}
        object.__setattr__(self, "mentions", sorted_mentions)
        object.__setattr__(self, "answered_days", sorted(self.answered_days))

    @cached_property
    def answered_weeks(self) -> list[date]:
        """The Mondays of weeks with an answered check-in, oldest first."""
        return sorted(monday for monday, figures in self.weeks.items() if figures.answered)


class Flag(StrEnum):
    """Why a client needs attention, most urgent first."""

    UNREACHABLE = "unreachable"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_ANSWERS = "no_answers"
    MOOD_DOWN = "mood_down"
    NO_CONTACTS = "no_contacts"


@dataclass(frozen=True)
class FadingTie:
    """A close contact not mentioned for clearly longer than usual."""

    contact_id: int
    label: str
    last_mentioned: date
    usual_gap_days: int | None  # None: mentioned once, no usual gap known yet


@dataclass(frozen=True)
class ClientWeek:
    """One client's week for the digest: the figures, the comparison with the weeks before,
    what changed in the circle, and why to look (``flags``)."""

    client_id: int
    name: str
    week: date
    figures: Week | None  # None: nothing was sent or reported this week
    compliance: float | None  # answered / sent
    events: int | None  # None: missing
    distinct_contacts: int | None
    events_before: float | None  # mean over the reported earlier weeks
    mood: float | None
    mood_before: float | None
    satisfaction: float | None
    fading: tuple[FadingTie, ...]
    map_changes: Comparison | None
    flags: tuple[Flag, ...]
    joined: date | None = None  # the client's local day of joining

    @property
    def joined_after(self) -> bool:
        """True for a week that ended before the client joined."""
        return self.joined is not None and self.joined > self.week + timedelta(days=6)

    @property
    def joined_during(self) -> bool:
        """True for the week in which the client joined."""
        return self.joined is not None and self.week <= self.joined <= self.week + timedelta(days=6)

    @property
    def needs_attention(self) -> bool:
        """True when any flag is raised."""
        return bool(self.flags)


def _mean(values: Iterable[float | None]) -> float | None:
    # Plain float arithmetic: statistics.mean's exact fractions cost ~20 µs a call, and this
    # runs for every client-week of a region's export.
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def usual_gap(days: Sequence[date], known: int) -> int | None:
    """The median gap in days between the last ten of the first ``known`` mentions (sorted
    days); None with fewer than two."""
    recent = days[max(0, known - USUAL_GAP_MENTIONS) : known]
    if len(recent) < 2:
        return None
    return int(median([(later - earlier).days for earlier, later in pairwise(recent)]))


def fading_ties(
    mentions: Mapping[int, Sequence[date]],
    labels: Mapping[int, str],
    answered_days: Sequence[date],
    today: date,
) -> list[FadingTie]:
    """Close contacts whose silence is clearly longer than their usual gap between mentions
    (> max(2 × median gap, 3 weeks)), counted only while the client kept answering: someone
    who stopped answering tells us nothing about their ties. ``mentions`` and
    ``answered_days`` are sorted, oldest first (``ClientHistory`` keeps them so)."""
    answered_until_today = bisect_right(answered_days, today)
    fading = []
    for contact_id, label in labels.items():
        days = mentions.get(contact_id, ())
        known = bisect_right(days, today)  # a past week knows nothing of later mentions
        if not known:
            continue  # never mentioned: no tie in the data that could fade
        last = days[known - 1]
        if today - last <= FADING_FLOOR:
            continue  # mentioned within three weeks: never fading, whatever the usual gap
        usual = usual_gap(days, known)
        limit = max(FADING_FLOOR, timedelta(days=FADING_FACTOR * (usual or 0)))
        answers_since = answered_until_today - bisect_right(answered_days, last)
        if today - last > limit and answers_since >= FADING_ANSWERS_SINCE:
            fading.append(FadingTie(contact_id, label, last, usual))
    return sorted(fading, key=lambda tie: (tie.last_mentioned, tie.label))


def flags_for(
    history: ClientHistory,
    week: date,
    mood: float | None,
    mood_before: float | None,
) -> tuple[Flag, ...]:
    """The attention flags for ``week``, most urgent first."""
    flags = []
    if history.unreachable:
        flags.append(Flag.UNREACHABLE)
    if history.consent_withdrawn:
        flags.append(Flag.CONSENT_WITHDRAWN)
    recent = [history.weeks.get(monday, NOTHING) for monday in (week - timedelta(7), week)]
    if sum(f.sent for f in recent) > 0 and sum(f.answered for f in recent) == 0:
        flags.append(Flag.NO_ANSWERS)
    if mood is not None and mood_before is not None and mood <= mood_before - MOOD_DROP:
        flags.append(Flag.MOOD_DOWN)
    until = bisect_right(history.answered_weeks, week)
    last_two = history.answered_weeks[max(0, until - 2) : until]
    if len(last_two) == 2 and all(history.weeks[monday].events == 0 for monday in last_two):
        flags.append(Flag.NO_CONTACTS)
    return tuple(flags)


def map_changes(changes: Sequence[Change], week: date, time_zone: str) -> Comparison:
    """What changed in the map during ``week`` (Monday 00:00 to the next, local time)."""
    if not changes:
        return NO_CHANGES
    zone = ZoneInfo(time_zone)
    start = datetime.combine(week, time.min, zone) - timedelta(microseconds=1)
    end = datetime.combine(week + timedelta(days=7), time.min, zone) - timedelta(microseconds=1)
    if not any(start < change.at <= end for change in changes):
        return NO_CHANGES  # most weeks: no need to replay the whole history twice
    return compare_dates(changes, start, end)


NO_CHANGES = Comparison(added=(), removed=(), closer=(), further=())


def client_week(history: ClientHistory, week: date) -> ClientWeek:
    """One client's ``week`` (a Monday), compared with the four weeks before it."""
    figures = history.weeks.get(week)
    earlier = [history.weeks.get(monday) for monday in weeks_back(week, TREND_WEEKS)]
    reported_earlier = [f for f in earlier if f is not None and reported(f)]
    mood = figures.mood if figures else None
    mood_before = _mean(f.mood for f in earlier if f is not None)
    known = figures is not None and reported(figures)
    last_day = week + timedelta(days=6)
    return ClientWeek(
        client_id=history.client_id,
        name=history.name,
        week=week,
        figures=figures,
        compliance=(figures.answered / figures.sent) if figures and figures.sent else None,
        events=figures.events if figures and known else None,
        distinct_contacts=figures.distinct_contacts if figures and known else None,
        events_before=_mean(f.events for f in reported_earlier),
        mood=mood,
        mood_before=mood_before,
        satisfaction=figures.satisfaction if figures else None,
        fading=tuple(
            fading_ties(history.mentions, history.close_contacts, history.answered_days, last_day)
        ),
        map_changes=(
            None
            if history.changes is None
            else map_changes(history.changes, week, history.time_zone)
        ),
        flags=flags_for(history, week, mood, mood_before),
        joined=history.joined,
    )


def attention_order(weeks: Iterable[ClientWeek]) -> list[ClientWeek]:
    """Clients who need attention first (by their most urgent flag, then how many flags),
    then everyone else by name."""
    order = list(Flag)

    def key(item: ClientWeek) -> tuple[int, int, str]:
        urgency = min((order.index(flag) for flag in item.flags), default=len(order))
        return (urgency, -len(item.flags), item.name.casefold())

    return sorted(weeks, key=key)


@dataclass(frozen=True)
class WeekPictures:
    """What a client's two pictures show for ``week``: the Mondays of the chart (oldest
    first) with their figures, and for the circle the map's changes that week (None without
    a map history) and the contacts fading then."""

    week: date
    weeks: tuple[date, ...]
    figures: Mapping[date, Week]
    changes: Comparison | None
    fading: frozenset[int]


def week_pictures(history: ClientHistory, week: date, chart_weeks: int) -> WeekPictures:
    """The pictures of ``week`` (a Monday): ``chart_weeks`` bars up to it, its changes and
    fading ties (:func:`fading_ties` through :func:`client_week`)."""
    changes = (
        None if history.changes is None else map_changes(history.changes, week, history.time_zone)
    )
    fading = frozenset(tie.contact_id for tie in client_week(history, week).fading)
    weeks = (*weeks_back(week, chart_weeks - 1), week)
    return WeekPictures(week, weeks, history.weeks, changes, fading)
