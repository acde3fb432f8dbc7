"""The check-in and meetup flows, pure: no Telegram, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from buddybot.flows import checkin, meetup
from buddybot.flows.checkin import Action, CheckinState, Press, Step
from buddybot.network import Contact, ContactKind, Domain, Frequency

NETWORK = frozenset({11, 12, 13})


def _press(state: CheckinState, action: Action, value: str = "", answered: int = 1):
    return checkin.press(state, Press(7, action, value), network=NETWORK, answered_before=answered)


def test_a_client_taps_through_a_whole_check_in() -> None:
    # The prompt is the who question: the first name tapped begins the check-in.
    state = _press(CheckinState(), Action.TOGGLE, "11")
    assert state is not None
    assert (state.step, state.chosen) == (Step.WHO, (11,))
    state = _press(state, Action.TOGGLE, "13")
    assert state is not None
    # Saying how ends the who question, for everyone chosen at once.
    state = _press(state, Action.HOW, "call")
    assert state is not None
    assert (state.step, state.modes) == (Step.MOOD, {"11": "call", "13": "call"})
    state = _press(state, Action.MOOD, "4", answered=4)  # the fifth check-in: satisfaction
    assert state is not None
    assert state.step is Step.SATISFACTION
    state = _press(state, Action.SATISFACTION, "5")
    assert state is not None
    assert (state.step, state.mood, state.satisfaction) == (Step.DONE, 4, 5)
    assert checkin.modes_of(state) == {11: "call", 13: "call"}


def test_different_ways_asks_how_person_by_person() -> None:
    state = CheckinState(step=Step.WHO, chosen=(11, 13))
    state = _press(state, Action.HOW, checkin.EACH)
    assert state is not None
    assert (state.step, state.current_contact) == (Step.MODE, 11)
    state = _press(state, Action.MODE, "call")
    assert state is not None
    state = _press(state, Action.MODE, "-")
    assert state is not None
    assert state.step is Step.MOOD
    assert checkin.modes_of(state) == {11: "call", 13: None}
    state = _press(state, Action.MOOD, "3")
    assert state is not None
    assert state.step is Step.DONE  # no satisfaction this time: the thank-you


def test_back_on_every_step_keeps_the_answers_given() -> None:
    done = CheckinState(
        Step.DONE, (11, 13), 0, 2, {"11": "call", "13": None}, 2, 4, how=checkin.EACH
    )
    satisfaction = _press(done, Action.BACK)
    assert satisfaction == replace(done, step=Step.SATISFACTION)
    mood = _press(satisfaction, Action.BACK)
    assert mood == replace(done, step=Step.MOOD)
    last_person = _press(mood, Action.BACK)
    assert last_person == replace(done, step=Step.MODE, mode_index=1)
    first_person = _press(last_person, Action.BACK)
    assert first_person == replace(done, step=Step.MODE, mode_index=0)
    who = _press(first_person, Action.BACK)
    assert who == replace(done, step=Step.WHO, mode_index=0)
    assert _press(who, Action.BACK) is None  # the first question has nothing before it
    # Once for all: back from the mood is the who question, how still marked.
    together = CheckinState(Step.MOOD, (11,), modes={"11": "in_person"}, how="in_person")
    assert _press(together, Action.BACK) == replace(together, step=Step.WHO)
    # Without satisfaction, back from the thank-you is the mood.
    assert _press(replace(done, satisfaction=None), Action.BACK) == replace(
        done, step=Step.MOOD, satisfaction=None
    )
    # A fixed face replaces the wrong one.
    fixed = _press(mood, Action.MOOD, "4")
    assert fixed is not None
    assert (fixed.mood, fixed.satisfaction) == (4, 4)


def _contact(contact_id: int, frequency: Frequency | None = None) -> Contact:
    return Contact(
        contact_id, ContactKind.PERSON, f"P{contact_id}", 2, Domain.FAMILY, frequency=frequency
    )


def ids(contacts: list[Contact]) -> list[int]:
    return [contact.contact_id for contact in contacts]


def test_the_people_seen_often_come_first() -> None:
    network = [_contact(1), _contact(2), _contact(3), _contact(4), _contact(5)]
    assert ids(checkin.who_order(network, [4, 9, 2])) == [4, 2, 1, 3, 5]
    assert ids(checkin.who_order(network, [])) == [1, 2, 3, 4, 5]
    # Without history (a first check-in): those the client sees often, as they said.
    said = [
        _contact(1, Frequency.YEARLY),
        _contact(2),
        _contact(3, Frequency.WEEKLY),
        _contact(4, Frequency.DAILY),
        _contact(5, Frequency.WEEKLY),
    ]
    assert ids(checkin.who_order(said, [])) == [4, 3, 5, 1, 2]
    assert ids(checkin.who_order(said, [2])) == [2, 4, 3, 5, 1]


def test_buttons_of_earlier_versions_still_work() -> None:
    # Prompts sent before this version have Start, Done and the message question.
    state = _press(CheckinState(), Action.START)
    assert state == CheckinState(step=Step.WHO)
    state = _press(CheckinState(step=Step.WHO, chosen=(12,)), Action.WHO_DONE)
    assert state is not None
    assert (state.step, state.current_contact) == (Step.MODE, 12)
    skipped = _press(CheckinState(step=Step.MESSAGE), Action.SKIP_MESSAGE)
    assert skipped == CheckinState(step=Step.DONE)
    done = checkin.typed(CheckinState(step=Step.MESSAGE), "  Thanks for Tuesday!  ")
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
    assert _press(who, Action.HOW, "call") is None  # nobody chosen: nothing to say how
    assert _press(CheckinState(step=Step.MOOD), Action.HOW, "call") is None
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
_values = st.sampled_from(
    ["", "11", "12", "13", "99", "1", "5", "6", "call", "in_person", checkin.EACH, "-", "0"]
)


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


def test_a_typed_name_chooses_the_contact_it_names() -> None:
    labels = {11: "Mama", 12: "Jan van de voetbal", 13: "Jana", 14: "Oom Jan"}
    prompt = CheckinState(likely=(13,))
    mama = checkin.named(prompt, "  mama ", labels)
    assert mama is not None
    assert (mama.step, mama.chosen, mama.likely) == (Step.WHO, (11,), (11, 13))
    # "jan" is a whole name (Oom Jan's second word, Jan van de voetbal's first) and begins
    # Jana's: all three come first, none is chosen for the client.
    several = checkin.named(prompt, "jan", labels)
    assert several is not None
    assert (several.chosen, set(several.likely)) == ((), {12, 13, 14})
    assert checkin.named(prompt, "Jan van de voetbal", labels).chosen == (12,)  # type: ignore[union-attr]
    assert checkin.named(prompt, "etbal", labels) is None  # the middle of a word is no name
    assert checkin.named(prompt, "voet", labels).chosen == (12,)  # type: ignore[union-attr]
    assert checkin.named(prompt, "Papa", labels) is None
    assert checkin.named(CheckinState(step=Step.MOOD), "Mama", labels) is None
    twice = checkin.named(mama, "Mama", labels)
    assert twice is not None
    assert twice.chosen == (11,)  # typed again: still chosen once
    # Several names at once; "ja" (yes) is too short to be the start of a name.
    both = checkin.named(prompt, "Mama en Oom Jan", labels)
    assert both is not None
    assert both.chosen == (11, 14)
    assert checkin.named(prompt, "Mama, Jana", labels).chosen == (11, 13)  # type: ignore[union-attr]
    assert checkin.named(prompt, "ja", labels) is None
    assert checkin.named(prompt, "Tom en Lies", {21: "Tom en Lies"}).chosen == (21,)  # type: ignore[union-attr]
