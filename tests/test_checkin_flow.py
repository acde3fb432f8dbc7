"""The check-in and meetup flows, pure: no Telegram, no database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from buddybot.flows import checkin, meetup
from buddybot.flows.checkin import Action, CheckinState, Press, Step

NETWORK = frozenset({11, 12, 13})


def _press(state: CheckinState, action: Action, value: str = "", answered: int = 1):
    return checkin.press(state, Press(7, action, value), network=NETWORK, answered_before=answered)


def test_a_client_taps_through_a_whole_check_in() -> None:
    state = _press(CheckinState(), Action.START)
    assert state is not None
    assert state.step is Step.WHO
    for contact in ("11", "13"):
        state = _press(state, Action.TOGGLE, contact)
        assert state is not None
    assert state.chosen == (11, 13)
    state = _press(state, Action.WHO_DONE)
    assert state is not None
    assert (state.step, state.current_contact) == (Step.MODE, 11)
    state = _press(state, Action.MODE, "call")
    assert state is not None
    state = _press(state, Action.MODE, "-")
    assert state is not None
    assert state.step is Step.MOOD
    assert state.modes == {"11": "call", "13": None}
    state = _press(state, Action.MOOD, "4", answered=4)  # the fifth check-in: satisfaction
    assert state is not None
    assert state.step is Step.SATISFACTION
    state = _press(state, Action.SATISFACTION, "5")
    assert state is not None
    assert state.step is Step.MESSAGE
    done = checkin.typed(state, "  Thanks for Tuesday!  ")
    assert done is not None
    assert (done.step, done.message) == (Step.DONE, "Thanks for Tuesday!")


def test_satisfaction_is_asked_at_the_first_and_every_fourth_check_in() -> None:
    assert [checkin.satisfaction_due(n) for n in range(9)] == [
        True, False, False, False, True, False, False, False, True,
    ]  # fmt: skip


def test_presses_not_for_this_step_change_nothing() -> None:
    who = CheckinState(step=Step.WHO)
    assert _press(who, Action.TOGGLE, "99") is None  # not on the map
    assert _press(who, Action.MOOD, "3") is None
    assert _press(CheckinState(step=Step.MOOD), Action.MOOD, "6") is None
    assert _press(CheckinState(step=Step.MOOD), Action.START) is None
    assert checkin.typed(who, "hello") is None


def test_callback_data_is_parsed_into_a_typed_press() -> None:
    assert checkin.parse_press(("7", "mood", "3")) == Press(7, Action.MOOD, "3")
    assert checkin.parse_press(("7", "fly")) is None
    assert checkin.parse_press(("x", "mood", "3")) is None
    assert checkin.parse_press(("7",)) is None
    # A value where the button has none, or none where it needs one: not our button.
    assert checkin.parse_press(("7", "start", "1")) is None
    assert checkin.parse_press(("7", "nobody", "1")) is None
    assert checkin.parse_press(("7", "mood")) is None
    assert meetup.parse_press(("1", "cancel", "1")) is None
    assert meetup.parse_press(("1", "day")) is None
    assert meetup.parse_press(("1", "day", "2")) == meetup.MeetupPress(1, "day", "2")
    assert meetup.parse_press(("new", "4")) == meetup.MeetupPress(None, "new", "4")


def test_the_stored_row_gives_back_the_same_state() -> None:
    state = CheckinState(
        Step.MODE, (11, 12), 1, 1, {"11": "call"}, 4, None, date(2026, 11, 2), True
    )
    data = state.row_data()
    assert CheckinState.from_row(state.step, data) == state
    # A toggled-off last contact is stored as none chosen, not as the old choice.
    emptied = CheckinState(Step.WHO, ())
    assert emptied.row_data({"chosen": [11]})["chosen"] == []


_actions = st.sampled_from(list(Action))
_values = st.sampled_from(["", "11", "12", "13", "99", "1", "5", "6", "call", "-", "0"])


@given(st.lists(st.tuples(_actions, _values), max_size=40), st.integers(0, 12))
def test_any_presses_keep_the_check_in_valid(
    presses: list[tuple[Action, str]], answered: int
) -> None:
    state = CheckinState()
    for action, value in presses:
        moved = _press(state, action, value, answered)
        if moved is None:
            continue
        state = moved
        assert set(state.chosen) <= NETWORK
        assert len(set(state.chosen)) == len(state.chosen)
        assert state.mood in (None, 1, 2, 3, 4, 5)
        assert set(state.modes) <= {str(c) for c in state.chosen}
        if state.step is Step.MODE:
            assert state.current_contact in state.chosen
        assert CheckinState.from_row(state.step, state.row_data()).chosen == state.chosen


def test_a_buddy_logs_a_meetup_with_back() -> None:
    today = date(2026, 11, 30)
    state = meetup.MeetupState("when")
    state = meetup.press(state, "days", "", today) or state
    assert state.step == "days"
    assert meetup.press(state, "back", "", today) == meetup.MeetupState("when")
    state = meetup.press(state, "day", "3", today) or state
    assert (state.step, state.local_date) == ("activity", date(2026, 11, 27))
    assert meetup.press(state, "day", "8", today) is None  # older than a week
    state = meetup.press(state, "act", "walk", today) or state
    state = meetup.press(state, "dur", "60", today) or state
    state = meetup.press(state, "how", "5", today) or state
    assert state == meetup.MeetupState("note", date(2026, 11, 27), "walk", 60, 5)
    assert meetup.press(state, "act", "sport", today) is None  # an older button


@given(st.lists(st.tuples(st.sampled_from(meetup.ACTIONS), _values), max_size=30))
def test_any_meetup_presses_keep_a_known_step(presses: list[tuple[str, str]]) -> None:
    state = meetup.MeetupState("when")
    for action, value in presses:
        state = meetup.press(state, action, value, date(2026, 11, 30)) or state
        assert state.step in (*meetup.STEPS, "days")
