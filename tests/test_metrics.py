"""The digest's metrics on small hand-made histories, with hand-checked expected values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from buddybot.metrics import (
    ClientHistory,
    Flag,
    WeekFigures,
    attention_order,
    client_week,
    fading_ties,
    map_changes,
    week_of,
    week_pictures,
)
from buddybot.network import Change, ChangeKind, Contact, ContactKind, Domain

MONDAY = date(2026, 11, 16)


def _history(weeks: dict[date, WeekFigures], **extra: object) -> ClientHistory:
    values: dict[object, object] = {
        "client_id": 1,
        "name": "Amira",
        "weeks": weeks,
        "mentions": {},
        "close_contacts": {},
        "answered_days": [],
    }
    values.update(extra)
    return ClientHistory(**values)  # type: ignore[arg-type]


def test_weeks_are_iso_weeks_named_by_their_monday() -> None:
    assert week_of(date(2026, 11, 22)) == MONDAY  # a Sunday
    assert week_of(MONDAY) == MONDAY
    assert week_of(date(2027, 1, 1)) == date(2026, 12, 28)  # across the new year


def test_a_week_compared_with_the_four_before_it() -> None:
    weeks = {
        MONDAY - timedelta(weeks=4): WeekFigures(sent=2, answered=2, events=4, mood=4.0),
        MONDAY - timedelta(weeks=3): WeekFigures(sent=2, answered=1, events=2, mood=3.0),
        # two weeks ago: missing (asked, never answered) – not a zero
        MONDAY - timedelta(weeks=2): WeekFigures(sent=2, answered=0),
        MONDAY - timedelta(weeks=1): WeekFigures(sent=2, answered=2, events=6, mood=5.0),
        MONDAY: WeekFigures(sent=2, answered=1, events=3, distinct_contacts=2, mood=3.0),
    }
    week = client_week(_history(weeks), MONDAY)
    assert week.compliance == 0.5
    assert (week.events, week.distinct_contacts) == (3, 2)
    assert week.events_before == 4.0  # (4 + 2 + 6) / 3: the missing week is left out
    assert week.mood_before == 4.0  # (4 + 3 + 5) / 3
    assert week.flags == (Flag.MOOD_DOWN,)  # 3.0 ≤ 4.0 − 1


def test_a_week_without_answers_is_missing_not_zero() -> None:
    week = client_week(_history({MONDAY: WeekFigures(sent=2, answered=0)}), MONDAY)
    assert week.events is None
    assert week.distinct_contacts is None
    assert week.compliance == 0.0
    assert week.mood is None
    assert client_week(_history({}), MONDAY).compliance is None  # nothing was asked


def test_no_answers_for_two_weeks_is_flagged_but_a_pause_is_not() -> None:
    silent = {
        MONDAY - timedelta(weeks=1): WeekFigures(sent=2),
        MONDAY: WeekFigures(sent=2),
    }
    assert client_week(_history(silent), MONDAY).flags == (Flag.NO_ANSWERS,)
    one_answer = {**silent, MONDAY - timedelta(weeks=1): WeekFigures(sent=2, answered=1)}
    assert client_week(_history(one_answer), MONDAY).flags == ()
    assert client_week(_history({}), MONDAY).flags == ()  # paused: nothing was sent


def test_no_contacts_in_the_last_two_answered_weeks_is_flagged() -> None:
    weeks = {
        MONDAY - timedelta(weeks=3): WeekFigures(sent=2, answered=2, events=0),
        MONDAY - timedelta(weeks=2): WeekFigures(sent=2, answered=0),  # missing, skipped
        MONDAY - timedelta(weeks=1): WeekFigures(sent=2, answered=0),
        MONDAY: WeekFigures(sent=2, answered=1, events=0),
    }
    assert Flag.NO_CONTACTS in client_week(_history(weeks), MONDAY).flags
    weeks[MONDAY - timedelta(weeks=3)] = WeekFigures(sent=2, answered=2, events=1)
    assert Flag.NO_CONTACTS not in client_week(_history(weeks), MONDAY).flags


def test_a_close_tie_fades_after_twice_its_usual_gap_while_the_client_answers() -> None:
    today = date(2026, 11, 22)
    mama = [today - timedelta(days=d) for d in (60, 53, 46, 39, 32)]  # weekly, then silent
    jan = [today - timedelta(days=d) for d in (40, 26)]  # every two weeks
    answered = [today - timedelta(days=d) for d in (25, 18, 11, 4)]
    ties = fading_ties({1: mama, 2: jan}, {1: "Mama", 2: "Jan", 3: "Fikkie"}, answered, today)
    # Mama: usual gap 7 days, limit max(14, 21) = 21 < 32 days silent, 4 answers since → fading.
    # Jan: usual gap 14 days, limit 28 > 26 days silent → not yet. Fikkie: never mentioned.
    assert [(tie.label, tie.usual_gap_days, tie.last_mentioned) for tie in ties] == [
        ("Mama", 7, today - timedelta(days=32))
    ]
    # The client did not answer since: their silence says nothing about Mama.
    assert fading_ties({1: mama}, {1: "Mama"}, answered[:1], today) == []


def test_unreachable_and_withdrawn_come_first_in_the_attention_order() -> None:
    calm = client_week(_history({}, client_id=1, name="Bram"), MONDAY)
    blocked = client_week(_history({}, client_id=2, name="Zoë", unreachable=True), MONDAY)
    sad = client_week(
        _history(
            {
                MONDAY - timedelta(weeks=1): WeekFigures(sent=1, answered=1, mood=5.0),
                MONDAY: WeekFigures(sent=1, answered=1, mood=2.0, events=1),
            },
            client_id=3,
            name="Amira",
        ),
        MONDAY,
    )
    assert blocked.flags == (Flag.UNREACHABLE,)
    assert [week.name for week in attention_order([calm, sad, blocked])] == [
        "Zoë",
        "Amira",
        "Bram",
    ]


def test_a_past_week_knows_nothing_of_later_mentions() -> None:
    today = date(2026, 11, 22)
    mama = [today - timedelta(days=d) for d in (60, 53, 46, 39, 5)]
    answered = [today - timedelta(days=d) for d in (32, 25, 18, 11, 4)]
    assert fading_ties({1: mama}, {1: "Mama"}, answered, today) == []  # mentioned 5 days ago
    week_before = today - timedelta(days=7)
    (tie,) = fading_ties({1: mama}, {1: "Mama"}, answered, week_before)
    assert tie.last_mentioned == today - timedelta(days=39)  # 32 days silent then, 4 answers


def test_map_changes_are_those_of_the_local_week() -> None:
    sofie = Contact(1, ContactKind.PERSON, "Sofie", 2, Domain.FRIENDS)
    # Sunday 22 November 23:30 in Brussels is 22:30 UTC: still the week of 16 November.
    added = Change(datetime(2026, 11, 22, 22, 30, tzinfo=UTC), 1, ChangeKind.ADDED, sofie)
    assert [c.label for c in map_changes([added], MONDAY, "Europe/Brussels").added] == ["Sofie"]
    assert map_changes([added], MONDAY + timedelta(weeks=1), "Europe/Brussels").unchanged


def test_the_week_the_clocks_go_back_keeps_its_sunday_evening() -> None:
    # 25 October 2026: summer time ends in Brussels. Sunday 23:30 local is 22:30 UTC.
    dst_monday = date(2026, 10, 19)
    nora = Contact(1, ContactKind.PERSON, "Nora", 1, Domain.FRIENDS)
    late_sunday = Change(datetime(2026, 10, 25, 22, 30, tzinfo=UTC), 1, ChangeKind.ADDED, nora)
    assert [c.label for c in map_changes([late_sunday], dst_monday, "Europe/Brussels").added] == [
        "Nora"
    ]
    next_week = dst_monday + timedelta(weeks=1)
    assert map_changes([late_sunday], next_week, "Europe/Brussels").unchanged
    # Monday 00:30 local (23:30 UTC on Sunday) already belongs to the next week.
    early_monday = Change(datetime(2026, 10, 25, 23, 30, tzinfo=UTC), 1, ChangeKind.ADDED, nora)
    assert map_changes([early_monday], dst_monday, "Europe/Brussels").unchanged
    assert map_changes([early_monday], next_week, "Europe/Brussels").added == (nora,)


def test_a_client_who_stopped_is_flagged_and_nothing_else_is_said() -> None:
    stopped = client_week(_history({}, consent_withdrawn=True), MONDAY)
    assert stopped.flags == (Flag.CONSENT_WITHDRAWN,)
    assert (stopped.events, stopped.mood, stopped.compliance) == (None, None, None)


def test_a_weeks_pictures_show_twelve_bars_and_the_ties_fading_that_week() -> None:
    today = date(2026, 11, 22)  # the Sunday that ends MONDAY's week
    mama = [today - timedelta(days=d) for d in (60, 53, 46, 39, 32)]
    answered = [today - timedelta(days=d) for d in (25, 18, 11, 4)]
    history = _history(
        {MONDAY: WeekFigures(sent=2, answered=2, events=1)},
        mentions={1: mama},
        close_contacts={1: "Mama"},
        answered_days=answered,
    )
    pictures = week_pictures(history, MONDAY, 12)
    assert pictures.weeks == (*(MONDAY - timedelta(weeks=n) for n in range(11, 0, -1)), MONDAY)
    assert pictures.fading == {1}
    assert pictures.changes is None  # no map history asked for


def test_a_week_with_only_a_buddys_meetup_leaves_the_clients_contacts_unknown() -> None:
    """0 of 2 check-ins answered, one meetup with the buddy: who the client saw is not
    known, so the week is missing, not a drop to one contact (issue 16, item 3)."""
    buddy_only = WeekFigures(sent=2, answered=0, events=1, distinct_contacts=1, meetups=1)
    week = client_week(_history({MONDAY: buddy_only}), MONDAY)
    assert (week.events, week.distinct_contacts) == (None, None)
    assert week.figures is not None
    assert week.figures.meetups == 1  # still told, as the buddy's meetup


def test_a_week_knows_whether_it_came_before_or_with_the_clients_joining() -> None:
    joined = MONDAY + timedelta(days=9)  # a Wednesday, the week after
    history = _history({}, joined=joined)
    before, during = client_week(history, MONDAY), client_week(history, MONDAY + timedelta(weeks=1))
    assert (before.joined_after, before.joined_during) == (True, False)
    assert (during.joined_after, during.joined_during) == (False, True)
