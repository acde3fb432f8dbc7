"""The L.ink measures before and after, checked against a fixture computed by hand
(the numbers in the comments are counted on paper from the history below)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from buddybot.measures import (
    Direction,
    before_after,
    direction,
    map_measures,
    window,
)
from buddybot.metrics import WeekFigures
from buddybot.network import (
    Change,
    ChangeKind,
    Contact,
    ContactKind,
    Domain,
    Support,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
JOINED = date(2026, 1, 5)  # a Monday

MAMA = Contact(
    1,
    ContactKind.PERSON,
    "Mama",
    1,
    Domain.FAMILY,
    support_received=frozenset({Support.EMOTIONAL}),
    support_given=frozenset({Support.COMPANY}),
)
JAN = Contact(2, ContactKind.PERSON, "Jan", 2, Domain.FRIENDS)
DOCTOR = Contact(
    3, ContactKind.PERSON, "Huisarts", 3, Domain.CARE, support_received=frozenset({Support.ADVICE})
)
FIKKIE = Contact(4, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY)
RITA = Contact(5, ContactKind.PERSON, "Rita", 2, Domain.NEIGHBOURHOOD)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)


HISTORY = [
    *(Change(_at(JOINED, 10), c.contact_id, ChangeKind.ADDED, c) for c in (MAMA, JAN, DOCTOR)),
    Change(_at(JOINED, 11), 4, ChangeKind.ADDED, FIKKIE),
    Change(_at(date(2026, 3, 1)), 5, ChangeKind.ADDED, RITA),
    Change(_at(date(2026, 3, 10)), 2, ChangeKind.MOVED, replace(JAN, circle=1)),
    Change(_at(date(2026, 4, 1)), 3, ChangeKind.REMOVED, None),
    # Late on the "after" day (23:30 local): still part of that day's map.
    Change(
        _at(date(2026, 4, 13), 23), 6, ChangeKind.ADDED, replace(RITA, contact_id=6, label="Ahmed")
    ),
]

WEEKS = {
    date(2026, 1, 5): WeekFigures(
        sent=2, answered=2, events=2, distinct_contacts=2, satisfaction=2.0
    ),
    date(2026, 1, 12): WeekFigures(sent=2, answered=1, events=4, distinct_contacts=3),
    date(2026, 1, 19): WeekFigures(sent=2, answered=0),  # missing, not zero
    date(2026, 1, 26): WeekFigures(
        sent=2, answered=2, events=3, distinct_contacts=2, satisfaction=3.0
    ),
    date(2026, 2, 2): WeekFigures(sent=2, answered=2, events=9, distinct_contacts=5),
    # The four weeks up to 13 April:
    date(2026, 3, 23): WeekFigures(
        sent=2, answered=2, events=6, distinct_contacts=4, satisfaction=4.0
    ),
    date(2026, 3, 30): WeekFigures(sent=2, answered=0),
    date(2026, 4, 6): WeekFigures(
        sent=2, answered=2, events=8, distinct_contacts=5, satisfaction=5.0
    ),
    date(2026, 4, 13): WeekFigures(sent=2, answered=1, events=7, distinct_contacts=3),
}


def test_intake_and_now_compared_on_every_l_ink_measure() -> None:
    result = before_after(
        HISTORY, WEEKS, JOINED, date(2026, 4, 13), "Europe/Brussels", joined=JOINED
    )
    before, after = result.before, result.after

    # At intake: Mama (1), Jan (2), Huisarts (3), Fikkie (1).
    assert before.map.contacts == 4
    assert before.map.by_circle == {1: 2, 2: 1, 3: 1}
    assert before.map.by_domain == {Domain.FAMILY: 2, Domain.FRIENDS: 1, Domain.CARE: 1}
    assert before.map.closeness == pytest.approx(0.5)  # 2 of 4 in the closest circle
    assert before.map.domains_covered == 3
    assert (before.map.informal, before.map.professional) == (3, 1)
    assert (before.map.support_received, before.map.support_given) == (2, 1)
    assert before.map.support_both == 1
    # The first four weeks from joining (5, 12, 19, 26 Jan): 19 Jan unanswered, left out.
    assert before.answers.from_joining
    assert before.answers.weeks == (
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    )
    assert before.answers.reported_weeks == 3
    assert before.answers.frequency == pytest.approx((2 + 4 + 3) / 3)
    assert before.answers.people == pytest.approx((2 + 3 + 2) / 3)
    assert before.answers.satisfaction == pytest.approx((2 + 3) / 2)

    # On 13 April: Mama (1), Jan moved to 1, Fikkie (1), Rita (2), Ahmed (2); Huisarts gone.
    assert after.map.contacts == 5
    assert after.map.by_circle == {1: 3, 2: 2}
    assert after.map.by_domain == {Domain.FAMILY: 2, Domain.FRIENDS: 1, Domain.NEIGHBOURHOOD: 2}
    assert after.map.closeness == pytest.approx(0.6)  # 3 of 5
    assert after.map.domains_covered == 3
    assert (after.map.informal, after.map.professional) == (5, 0)
    assert (after.map.support_received, after.map.support_given, after.map.support_both) == (
        1,
        1,
        1,
    )
    # 23 March – 13 April; 30 March unanswered.
    assert not after.answers.from_joining
    assert after.answers.reported_weeks == 3
    assert after.answers.frequency == pytest.approx((6 + 8 + 7) / 3)
    assert after.answers.satisfaction == pytest.approx((4 + 5) / 2)

    assert [c.label for c in result.changes.added] == ["Rita", "Ahmed"]
    assert [c.label for c in result.changes.removed] == ["Huisarts"]
    assert [(m.contact.label, m.from_circle, m.to_circle) for m in result.changes.closer] == [
        ("Jan", 2, 1)
    ]
    assert result.changes.further == ()
    assert direction(before.map, after.map) is Direction.GREW


def test_a_date_before_the_first_change_is_an_empty_map_without_closeness() -> None:
    empty = map_measures([])
    assert (empty.contacts, empty.closeness, empty.domains_covered) == (0, None, 0)
    result = before_after(HISTORY, WEEKS, date(2025, 12, 1), JOINED, "Europe/Brussels")
    assert result.before.map.contacts == 0
    assert result.before.answers.frequency is None  # nothing answered: missing, not zero
    assert direction(result.before.map, result.after.map) is Direction.GREW


def test_a_network_that_lost_contacts_shrank_and_one_unchanged_stayed() -> None:
    at_march = before_after(HISTORY, WEEKS, date(2026, 3, 31), date(2026, 4, 2), "Europe/Brussels")
    assert direction(at_march.before.map, at_march.after.map) is Direction.SHRANK
    same = before_after(HISTORY, WEEKS, date(2026, 3, 11), date(2026, 3, 20), "Europe/Brussels")
    assert direction(same.before.map, same.after.map) is Direction.STAYED


def test_the_window_never_begins_before_joining_nor_reaches_the_later_date() -> None:
    assert window(date(2026, 3, 4)).weeks[0] == date(2026, 2, 9)
    soon = window(JOINED, joined=JOINED, until=date(2026, 1, 20))
    assert soon.from_joining
    assert soon.weeks == (date(2026, 1, 5), date(2026, 1, 12))


def test_before_must_not_be_after_after() -> None:
    with pytest.raises(ValueError, match="later than"):
        before_after(HISTORY, WEEKS, date(2026, 4, 13), JOINED, "Europe/Brussels")
