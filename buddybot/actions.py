"""Network-strengthening actions and their effect: pure values and functions.

An action (netwerkversterkende actie) is what a professional set up for a client: a short
label, a work model, the life domain it aims at, a start and maybe an end. The work models
default to the seven of the poverty research "Van buddy tot community" (from a personal
friend to community building); an organisation may keep its own list instead.

Its **effect** is read as the change over the span since it started (to its end, or today)
against the same number of days just before it: new contacts in the aimed domain, contact
frequency, satisfaction, and emotional closeness. An indication for the professional, not a
causal claim: other things happen in a life at the same time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from buddybot.measures import CLOSEST, end_of_day
from buddybot.metrics import Week, reported
from buddybot.network import Change, ChangeKind, Domain, map_at, tidy_label
from buddybot.schedule import months_later

# What a professional types as an action's label: short, like a contact's.
LABEL_LIMIT = 60
# An organisation's own list of work models: a keyboard's worth of short names.
WORK_MODELS_LIMIT = 12
WORK_MODEL_NAME_LIMIT = 40


class WorkModel(StrEnum):
    """The seven work models of network strengthening, from one buddy to a community
    ("Van buddy tot community", the poverty research BuddyBot grew from)."""

    COMPETENCE = "competence"  # personal competences of the client
    BUDDY = "buddy"  # a personal friend / buddy
    NETWORK_MEETING = "network_meeting"  # a meeting of the personal network
    GROUP = "group"  # group work and peer contact
    VOLUNTEERING = "volunteering"  # volunteering and participation
    NEIGHBOURHOOD = "neighbourhood"  # the neighbourhood
    COMMUNITY = "community"  # community building


def work_models(own: Sequence[str] | None) -> tuple[str, ...]:
    """The work models an organisation chooses from: its ``own`` names, or the seven
    defaults (their keys) when it has none."""
    return tuple(own) if own else tuple(model.value for model in WorkModel)


# When an action ends, chosen with one tap: months after its start (None: not known yet).
END_MONTHS = (None, 3, 6, 12)
# When it started, chosen with one tap: days before today.
START_DAYS_AGO = (0, 7, 30, 91)


def checked_label(text: str) -> str | None:
    """An action's label as typed, tidied (runs of spaces made one); None when it has no
    letter or is longer than ``LABEL_LIMIT``."""
    label = tidy_label(text)
    if not any(ch.isalpha() for ch in label) or len(label) > LABEL_LIMIT:
        return None
    return label


@dataclass(frozen=True)
class ActionDraft:
    """What the professional chose before typing the label: the work model (an index in
    the organisation's list), the life domain, the start, and months until its end."""

    work_model: int
    domain: Domain
    starts_on: date
    end_months: int | None

    def offered(self, today: date, models: int) -> bool:
        """True when every choice is one the buttons offered on ``today`` (a day either side,
        for a press across midnight) among ``models`` work models: callback data can be
        made up."""
        earliest = today - timedelta(days=max(START_DAYS_AGO) + 1)
        return (
            0 <= self.work_model < models
            and earliest <= self.starts_on <= today + timedelta(days=1)
            and self.end_months in END_MONTHS
        )

    @property
    def ends_on(self) -> date | None:
        """The end date, or None while not known."""
        if self.end_months is None:
            return None
        return months_later(self.starts_on, self.end_months)


@dataclass(frozen=True)
class Action:
    """An action as the rules see it."""

    action_id: int
    label: str
    work_model: str  # a WorkModel key, or the organisation's own name
    domain: Domain
    starts_on: date
    ends_on: date | None = None

    def running(self, today: date) -> bool:
        """True from its start until its end day (an action ended today no longer runs)."""
        return self.starts_on <= today and (self.ends_on is None or today < self.ends_on)


@dataclass(frozen=True)
class Span:
    """What happened in one span of days (``first``..``last``, local dates)."""

    first: date
    last: date
    new_in_domain: int  # contacts added in the aimed life domain
    frequency: float | None  # contact events per answered week
    satisfaction: float | None  # mean of the satisfaction answers
    closeness_start: float | None  # share in the closest circle at the start and end
    closeness_end: float | None

    @property
    def closeness_change(self) -> float | None:
        """How the share in the closest circle changed over the span (−1..1)."""
        if self.closeness_start is None or self.closeness_end is None:
            return None
        return self.closeness_end - self.closeness_start


@dataclass(frozen=True)
class Effect:
    """An action's span since it started (``since``) against the same span before it."""

    action: Action
    since: Span
    before: Span

    @property
    def days(self) -> int:
        """How many days each span has."""
        return (self.since.last - self.since.first).days + 1


def _closeness(changes: Sequence[Change], day: date, time_zone: str) -> float | None:
    contacts = map_at(changes, end_of_day(day, time_zone))
    if not contacts:
        return None
    return sum(c.circle == CLOSEST for c in contacts.values()) / len(contacts)


def _span(
    changes: Sequence[Change],
    weeks: Mapping[date, Week],
    first: date,
    last: date,
    domain: Domain,
    time_zone: str,
) -> Span:
    start, end = end_of_day(first - timedelta(days=1), time_zone), end_of_day(last, time_zone)
    added = sum(
        1
        for change in changes
        if change.kind is ChangeKind.ADDED
        and change.after is not None
        and change.after.domain is domain
        and start < change.at <= end
    )
    # Whole weeks that begin inside the span: a week shared with the span before would be
    # counted on both sides.
    mondays = [m for m in weeks if first <= m and m + timedelta(days=6) <= last]
    answered = [weeks[m] for m in mondays if reported(weeks[m])]
    scores = [w.satisfaction for w in answered if w.satisfaction is not None]
    return Span(
        first=first,
        last=last,
        new_in_domain=added,
        frequency=sum(w.events for w in answered) / len(answered) if answered else None,
        satisfaction=sum(scores) / len(scores) if scores else None,
        closeness_start=_closeness(changes, first - timedelta(days=1), time_zone),
        closeness_end=_closeness(changes, last, time_zone),
    )


def effect(
    action: Action,
    changes: Sequence[Change],
    weeks: Mapping[date, Week],
    today: date,
    time_zone: str,
) -> Effect | None:
    """The effect of ``action`` on ``today`` (a local date): the span from its start to its
    end (or yesterday: today is not over) against the same number of days before the
    start; None before it has run a whole day. ``changes`` is the client's map history,
    ``weeks`` their weekly figures by Monday (weeks that lie wholly in a span count)."""
    last = min(action.ends_on or today - timedelta(days=1), today - timedelta(days=1))
    if last < action.starts_on:
        return None
    days = (last - action.starts_on).days + 1
    before_first = action.starts_on - timedelta(days=days)
    before_last = action.starts_on - timedelta(days=1)
    return Effect(
        action=action,
        since=_span(changes, weeks, action.starts_on, last, action.domain, time_zone),
        before=_span(changes, weeks, before_first, before_last, action.domain, time_zone),
    )
