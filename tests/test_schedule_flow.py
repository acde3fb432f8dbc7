"""The /schedule and /pause conversations as pure flows: no Telegram, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from buddybot.flows import schedule as flow
from buddybot.flows.schedule import Action, Note, PauseChoice, Rhythm, Schedule, Screen

# What someone who just joined has: Monday and Thursday at 18:00, a reminder after three
# hours, a day to answer.
RHYTHM = Rhythm(frozenset({0, 3}), "18:00", 180, 24)
JOINED = Schedule("Europe/Brussels", RHYTHM)


def _press(action: Action, value: str = "", page: str = "0") -> flow.SchedulePress:
    return flow.SchedulePress(7, action, value, page)


def _changed(schedule: Schedule, action: Action, value: str) -> Schedule:
    changed = flow.change(schedule, action, value)
    assert isinstance(changed, Schedule), changed
    return changed


def test_the_time_is_one_of_the_times_on_offer() -> None:
    assert _changed(JOINED, Action.SET_TIME, "2000").rhythm == Rhythm(
        frozenset({0, 3}), "20:00", 180, 24
    )
    for refused in ("2030", "20:0", "abcd", "200", ""):
        assert flow.change(JOINED, Action.SET_TIME, refused) is None
    assert flow.change(Schedule("UTC", None), Action.SET_TIME, "2000") is None


def test_the_reminder_comes_before_the_window_closes() -> None:
    window = _changed(JOINED, Action.SET_WINDOW, "12")
    assert window.rhythm is not None
    assert window.rhythm.answer_window_hours == 12
    assert flow.change(window, Action.SET_REMINDER, "12") is Note.REMINDER_IN_WINDOW
    assert flow.change(window, Action.SET_REMINDER, "5") is Note.REMINDER_IN_WINDOW  # not offered
    assert flow.change(window, Action.SET_REMINDER, "x") is None
    reminder = _changed(window, Action.SET_REMINDER, "1")
    assert reminder.rhythm is not None
    assert reminder.rhythm.reminder_after_minutes == 60
    late = replace(JOINED, rhythm=replace(RHYTHM, reminder_after_minutes=720))
    assert flow.change(late, Action.SET_WINDOW, "12") is Note.REMINDER_IN_WINDOW


def test_days_toggle_and_one_stays() -> None:
    wednesday = _changed(JOINED, Action.TOGGLE_DAY, "2")
    assert wednesday.rhythm is not None
    assert wednesday.rhythm.weekdays == {0, 2, 3}
    only_monday = replace(JOINED, rhythm=replace(RHYTHM, weekdays=frozenset({0})))
    assert flow.change(only_monday, Action.TOGGLE_DAY, "0") is Note.ONE_DAY_AT_LEAST
    assert flow.change(JOINED, Action.TOGGLE_DAY, "7") is Note.ONE_DAY_AT_LEAST
    assert flow.change(JOINED, Action.TOGGLE_DAY, "x") == JOINED  # the days screen again


def test_a_time_zone_is_a_place_of_an_area() -> None:
    assert _changed(JOINED, Action.SET_ZONE, "America/New_York").time_zone == "America/New_York"
    for refused in ("Mars/Olympus", "Europe/Atlantis", "Etc/UTC", "UTC"):
        assert flow.change(JOINED, Action.SET_ZONE, refused) is None
    assert _changed(Schedule("UTC", None), Action.SET_ZONE, "Asia/Tokyo").rhythm is None
    assert "Europe/Brussels" in flow.zones_in("Europe")


def test_each_press_leads_to_its_screen() -> None:
    assert flow.screen_after(_press(Action.TIMES), None, True) is Screen.TIMES
    assert flow.screen_after(_press(Action.SHOW), None, False) is Screen.SUMMARY
    assert flow.screen_after(_press(Action.SET_TIME, "2000"), None, True) is Screen.SUMMARY
    assert flow.screen_after(_press(Action.DAYS), None, True) is Screen.DAYS
    assert flow.screen_after(_press(Action.TOGGLE_DAY, "2"), None, False) is None
    assert flow.screen_after(_press(Action.REMINDERS), None, True) is Screen.REMINDERS
    assert flow.screen_after(_press(Action.WINDOWS), None, True) is Screen.WINDOWS
    assert (
        flow.screen_after(_press(Action.SET_REMINDER, "12"), Note.REMINDER_IN_WINDOW, True)
        is Screen.REMINDER_IN_WINDOW
    )
    assert (
        flow.screen_after(_press(Action.TOGGLE_DAY, "0"), Note.ONE_DAY_AT_LEAST, True)
        is Screen.ONE_DAY_AT_LEAST
    )
    assert flow.screen_after(_press(Action.AREAS), None, True) is Screen.AREAS
    assert flow.screen_after(_press(Action.AREA, "America", "2"), None, True) is Screen.ZONES
    assert flow.screen_after(_press(Action.AREA, "Etc"), None, True) is None
    assert flow.screen_after(_press(Action.AREA, "Europe", "x"), None, True) is None


def test_callback_data_is_parsed_into_a_typed_press() -> None:
    assert flow.parse_press(("7", "area", "Europe", "2")) == _press(Action.AREA, "Europe", "2")
    assert flow.parse_press(("7", "times")) == _press(Action.TIMES)
    assert flow.parse_press(("7",)) is None
    assert flow.parse_press(("x", "times")) is None
    assert flow.parse_press(("7", "fly")) is None
    # A value where the button has none, none where it needs one, or one too many: stale.
    assert flow.parse_press(("7", "area", "Europe")) == _press(Action.AREA, "Europe", "0")
    assert flow.parse_press(("7", "time", "1900", "0", "junk")) is None
    assert flow.parse_press(("7", "time", "1900", "0")) is None
    assert flow.parse_press(("7", "day")) is None
    assert flow.parse_press(("7", "times", "1")) is None


def test_paging_stays_within_the_pages() -> None:
    page = flow.page_of(30, 1)
    assert (page.number, page.count, page.has_previous, page.has_next) == (1, 3, True, True)
    assert list(range(30))[page.items] == list(range(12, 24))
    last = flow.page_of(30, 9)  # an old button after the list got shorter
    assert (last.number, last.has_next) == (2, False)
    assert flow.page_of(0, 0).count == 1


def test_a_pause_lasts_days_until_resume_or_until_a_coming_monday() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    assert PauseChoice(days=7).until(now, "Europe/Brussels") == (True, now + timedelta(days=7))
    assert PauseChoice(days=0).until(now, "Europe/Brussels") == (True, None)
    assert PauseChoice().until(now, "Europe/Brussels") == (False, None)
    mondays = flow.pause_dates(date(2026, 11, 25))
    assert mondays[:2] == (date(2026, 11, 30), date(2026, 12, 7))
    assert len(mondays) == flow.PAUSE_DATES
    valid, until = PauseChoice(on=mondays[-1]).until(now, "Europe/Brussels")
    assert valid
    assert until is not None
    assert until.isoformat() == "2027-01-18T00:00:00+01:00"
    assert PauseChoice(on=date(2099, 12, 31)).until(now, "Europe/Brussels") == (False, None)
    assert PauseChoice(on=date(2026, 11, 25)).until(now, "Europe/Brussels") == (False, None)


def test_pause_buttons_are_parsed() -> None:
    assert flow.parse_pause(("dates",)) == flow.PausePress(None)
    assert flow.parse_pause(("14",)) == flow.PausePress(PauseChoice(days=14))
    assert flow.parse_pause(("on", "20261130")) == flow.PausePress(
        PauseChoice(on=date(2026, 11, 30))
    )
    # A date that is no date is an empty choice, which the service refuses; data that is
    # no pause button at all (a length never offered, a word) is stale.
    assert flow.parse_pause(("on", "20261350")) == flow.PausePress(PauseChoice())
    for parts in (("3",), ("on", "x"), ("later",), ("14", "1")):
        assert flow.parse_pause(parts) is None


_ZONES = ["Europe/Brussels", "America/New_York", "Mars/Olympus", "Etc/UTC", "Asia/Tokyo"]
_VALUES = st.one_of(
    st.sampled_from(["", "x", "0900", "2000", "2030", "0", "1", "3", "6", "7", "12", "24", "72"]),
    st.sampled_from(_ZONES),
    st.integers(0, 100).map(str),
)
_PRESSES = st.tuples(st.sampled_from(list(Action)), _VALUES)


def _valid(schedule: Schedule) -> bool:
    rhythm = schedule.rhythm
    assert rhythm is not None
    return (
        flow.valid_zone(schedule.time_zone)
        and bool(rhythm.weekdays)
        and rhythm.weekdays <= set(range(7))
        and rhythm.local_time in flow.CHOOSABLE_TIMES
        and rhythm.reminder_after_minutes // 60 in flow.REMINDER_HOURS
        and rhythm.reminder_after_minutes % 60 == 0
        and rhythm.answer_window_hours in flow.WINDOW_HOURS
        and rhythm.reminder_after_minutes < rhythm.answer_window_hours * 60
    )


@given(st.lists(_PRESSES, max_size=40))
def test_any_presses_keep_the_schedule_within_what_is_on_offer(
    presses: list[tuple[Action, str]],
) -> None:
    schedule = JOINED
    assert _valid(schedule)
    for action, value in presses:
        changed = flow.change(schedule, action, value)
        if isinstance(changed, Schedule):
            schedule = changed
        assert _valid(schedule), (action, value, schedule)
        screen = flow.screen_after(
            flow.SchedulePress(1, action, value),
            changed if isinstance(changed, Note) else None,
            True,
        )
        if action in (Action.SHOW, Action.SUMMARY) or action.name.startswith("SET_"):
            assert screen in (Screen.SUMMARY, Screen.REMINDER_IN_WINDOW)


@given(st.integers(0, 500), st.integers(0, 50), st.integers(1, 20))
def test_the_pages_show_every_item_once(total: int, wanted: int, size: int) -> None:
    page = flow.page_of(total, wanted, size)
    assert 0 <= page.number < page.count
    pages = [list(range(total))[flow.page_of(total, n, size).items] for n in range(page.count)]
    assert [item for shown in pages for item in shown] == list(range(total))
    assert page.has_next == (page.number + 1 < page.count)


@given(st.dates(date(2020, 1, 1), date(2040, 1, 1)), st.integers(0, 23))
def test_every_date_on_offer_is_a_coming_monday_that_pauses(today: date, hour: int) -> None:
    now = datetime(today.year, today.month, today.day, hour, tzinfo=UTC)
    local_today = now.astimezone(ZoneInfo("Europe/Brussels")).date()
    for monday in flow.pause_dates(local_today):
        assert monday.weekday() == 0
        assert monday > local_today
        valid, until = PauseChoice(on=monday).until(now, "Europe/Brussels")
        assert valid
        assert until is not None
        assert until > now
