"""The network map's history: the map at any date, and what changed between two dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from buddybot.network import (
    Change,
    ChangeKind,
    Contact,
    ContactKind,
    Domain,
    by_circle,
    compare,
    compare_dates,
    map_at,
    same_label,
)

DAY = timedelta(days=1)
START = datetime(2026, 1, 5, 12, tzinfo=UTC)


def contact(contact_id: int, label: str, circle: int, domain: Domain = Domain.FAMILY) -> Contact:
    return Contact(contact_id, ContactKind.PERSON, label, circle, domain)


def added(day: int, item: Contact) -> Change:
    return Change(START + day * DAY, item.contact_id, ChangeKind.ADDED, item)


def moved(day: int, item: Contact) -> Change:
    return Change(START + day * DAY, item.contact_id, ChangeKind.MOVED, item)


def removed(day: int, contact_id: int) -> Change:
    return Change(START + day * DAY, contact_id, ChangeKind.REMOVED, None)


MAMA = contact(1, "Mama", 1)
JAN = contact(2, "Jan van de voetbal", 2, Domain.LEISURE)
FIKKIE = Contact(3, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY)
HISTORY = [
    added(0, MAMA),
    added(0, JAN),
    added(1, FIKKIE),
    moved(7, contact(2, "Jan van de voetbal", 1, Domain.LEISURE)),  # Jan moves closer
    removed(10, 1),  # Mama is removed …
    added(20, contact(1, "Mama", 2)),  # … and added again, one circle further
]


def test_the_map_at_a_date_replays_the_changes_up_to_then() -> None:
    assert map_at(HISTORY, START - DAY) == {}
    assert set(map_at(HISTORY, START)) == {1, 2}
    assert map_at(HISTORY, START + 8 * DAY)[2].circle == 1
    assert set(map_at(HISTORY, START + 15 * DAY)) == {2, 3}  # Mama is gone in the gap
    assert map_at(HISTORY, START + 30 * DAY)[1] == contact(1, "Mama", 2)


def test_a_change_at_exactly_the_moment_counts() -> None:
    assert 3 in map_at(HISTORY, START + DAY)
    assert 3 not in map_at(HISTORY, START + DAY - timedelta(seconds=1))


def test_order_of_the_history_does_not_matter() -> None:
    assert map_at(reversed(HISTORY), START + 30 * DAY) == map_at(HISTORY, START + 30 * DAY)


def test_compare_two_dates() -> None:
    week = compare_dates(HISTORY, START, START + 8 * DAY)
    assert [c.label for c in week.added] == ["Fikkie"]
    assert week.removed == ()
    assert [(m.contact.label, m.from_circle, m.to_circle) for m in week.closer] == [
        ("Jan van de voetbal", 2, 1)
    ]
    assert week.further == ()

    gap = compare_dates(HISTORY, START + 8 * DAY, START + 15 * DAY)
    assert [c.label for c in gap.removed] == ["Mama"]

    # Removed and re-added: across the gap Mama is the same contact, one circle further.
    across = compare_dates(HISTORY, START + 8 * DAY, START + 30 * DAY)
    assert across.added == ()
    assert across.removed == ()
    assert [(m.contact.label, m.from_circle, m.to_circle) for m in across.further] == [
        ("Mama", 1, 2)
    ]
    back = compare_dates(HISTORY, START + 15 * DAY, START + 30 * DAY)
    assert [c.label for c in back.added] == ["Mama"]
    assert compare_dates(HISTORY, START + 30 * DAY, START + 30 * DAY).unchanged


def test_grouping_by_circle_and_finding_a_label() -> None:
    now = map_at(HISTORY, START + 30 * DAY)
    grouped = by_circle(now.values())
    assert [c.label for c in grouped[1]] == ["Fikkie", "Jan van de voetbal"]
    assert [c.label for c in grouped[2]] == ["Mama"]
    assert same_label("  mama ", now.values()) == now[1]
    assert same_label("Papa", now.values()) is None


circles = st.integers(min_value=1, max_value=4)
events = st.lists(
    st.tuples(st.integers(0, 5), st.one_of(st.none(), circles)), min_size=1, max_size=30
)


@given(events, st.integers(0, 31), st.integers(0, 31))
def test_compare_accounts_for_every_contact(
    steps: list[tuple[int, int | None]], first: int, second: int
) -> None:
    history = [
        Change(
            START + day * DAY,
            contact_id,
            ChangeKind.REMOVED if circle is None else ChangeKind.ADDED,
            None if circle is None else contact(contact_id, "x", circle),
        )
        for day, (contact_id, circle) in enumerate(steps)
    ]
    before = map_at(history, START + first * DAY)
    after = map_at(history, START + second * DAY)
    result = compare(before, after)
    kept = set(before) & set(after)
    assert {c.contact_id for c in result.added} == set(after) - set(before)
    assert {c.contact_id for c in result.removed} == set(before) - set(after)
    moved_ids = {m.contact.contact_id for m in (*result.closer, *result.further)}
    assert moved_ids == {i for i in kept if before[i].circle != after[i].circle}
    assert all(m.to_circle < m.from_circle for m in result.closer)
    assert all(m.to_circle > m.from_circle for m in result.further)


def test_the_add_steps_go_forward_and_back() -> None:
    from buddybot.services.contacts import next_step, previous_step

    step: str | None = "kind"
    seen = []
    while step is not None:
        seen.append(step)
        step = next_step(step)
    assert seen == ["kind", "label", "circle", "domain", "received", "given", "frequency"]
    assert previous_step("circle") == "label"
    assert previous_step("kind") is None
    assert next_step("duplicate") == "circle"
    assert previous_step("duplicate") == "label"
    assert next_step("edit_circle") is None
    assert previous_step("edit_circle") is None
