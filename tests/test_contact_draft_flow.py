"""The add/change-a-contact conversation as a pure flow: no Telegram, no database."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from buddybot.flows import contact_draft as flow
from buddybot.flows.contact_draft import Step
from buddybot.network import Contact, ContactKind, Domain, Frequency, Support


def _asked(outcome: flow.Outcome) -> flow.State:
    assert isinstance(outcome, flow.Ask), outcome
    return outcome.state


def test_adding_walks_every_step_and_saves() -> None:
    state = flow.start_adding(checkin_id=7)
    state = _asked(flow.advance(state, flow.ChooseKind(ContactKind.ANIMAL)))
    assert state.step is Step.LABEL
    state = _asked(flow.advance(state, flow.TypeLabel("Rex")))
    assert state.step is Step.CIRCLE
    state = _asked(flow.advance(state, flow.ChooseCircle(2)))
    state = _asked(flow.advance(state, flow.ChooseDomain(Domain.LEISURE)))
    assert state.step is Step.RECEIVED
    state = _asked(flow.advance(state, flow.ToggleSupport(Support.COMPANY)))
    state = _asked(flow.advance(state, flow.Next()))
    assert state.step is Step.GIVEN
    state = _asked(flow.advance(state, flow.Next()))
    saved = flow.advance(state, flow.ChooseFrequency(Frequency.DAILY))
    assert isinstance(saved, flow.SaveNew)
    assert saved.state.checkin_id == 7
    assert saved.state.contact(0) == Contact(
        0,
        ContactKind.ANIMAL,
        "Rex",
        2,
        Domain.LEISURE,
        frozenset({Support.COMPANY}),
        frozenset(),
        Frequency.DAILY,
    )


def test_skipping_the_frequency_saves_without_one() -> None:
    state = flow.State(Step.FREQUENCY, ContactKind.PERSON, "Jan", 1, Domain.WORK)
    saved = flow.advance(state, flow.Next())
    assert isinstance(saved, flow.SaveNew)
    assert saved.state.frequency is None


def test_a_name_on_the_map_already_is_asked_about() -> None:
    state = flow.State(Step.LABEL, ContactKind.PERSON)
    state = _asked(flow.advance(state, flow.TypeLabel("Mama", taken=True)))
    assert state.step is Step.DUPLICATE
    assert _asked(flow.advance(state, flow.AddAnyway())).step is Step.CIRCLE
    assert _asked(flow.advance(state, flow.Back())).step is Step.LABEL


def test_back_from_the_first_step_or_a_single_change_leaves() -> None:
    assert isinstance(flow.advance(flow.start_adding(), flow.Back()), flow.Cancelled)
    contact = Contact(3, ContactKind.PERSON, "Jan", 2, Domain.WORK, frozenset(), frozenset(), None)
    changing = flow.start_changing(contact)
    assert isinstance(flow.advance(changing, flow.Back()), flow.Cancelled)
    editing = _asked(flow.advance(changing, flow.ChangeField(flow.Field.CIRCLE)))
    assert isinstance(flow.advance(editing, flow.Back()), flow.Cancelled)


def test_changing_one_thing_saves_at_once() -> None:
    contact = Contact(3, ContactKind.PERSON, "Jan", 2, Domain.WORK, frozenset(), frozenset(), None)
    state = _asked(flow.advance(flow.start_changing(contact), flow.ChangeField(flow.Field.LABEL)))
    assert state.step is Step.EDIT_LABEL
    saved = flow.advance(state, flow.TypeLabel("Jan B.", taken=True))
    assert isinstance(saved, flow.SaveChange)
    assert saved.state.contact(3) == replace(contact, label="Jan B.")


def test_a_button_of_another_step_is_refused() -> None:
    assert isinstance(flow.advance(flow.start_adding(), flow.ChooseCircle(1)), flow.Refused)
    state = flow.State(Step.CIRCLE, ContactKind.PERSON, "Jan")
    assert isinstance(flow.advance(state, flow.ChooseCircle(4)), flow.Refused)
    assert isinstance(flow.advance(state, flow.TypeLabel("Piet")), flow.Refused)


def test_the_state_survives_the_draft_row() -> None:
    state = flow.State(
        Step.GIVEN,
        ContactKind.GROUP,
        "Koor",
        3,
        Domain.LEISURE,
        frozenset({Support.COMPANY}),
        frozenset({Support.ADVICE, Support.PRACTICAL}),
        None,
        12,
    )
    assert flow.from_row(state.step.value, flow.to_data(state)) == state
    assert flow.from_row("nonsense", {}) is None


EVENTS = st.one_of(
    st.builds(flow.ChooseKind, st.sampled_from(ContactKind)),
    st.builds(flow.TypeLabel, st.text(min_size=1, max_size=5), st.booleans()),
    st.just(flow.AddAnyway()),
    st.builds(flow.ChooseCircle, st.integers(0, 5)),
    st.builds(flow.ChooseDomain, st.sampled_from(Domain)),
    st.builds(flow.ToggleSupport, st.sampled_from(Support)),
    st.just(flow.Next()),
    st.builds(flow.ChooseFrequency, st.sampled_from(Frequency)),
    st.builds(flow.ChangeField, st.sampled_from(flow.Field)),
    st.just(flow.Back()),
    st.just(flow.Cancel()),
)
STARTS = st.one_of(
    st.builds(flow.start_adding, st.none() | st.integers(1, 99)),
    st.builds(
        lambda label, circle: flow.start_changing(
            Contact(
                1, ContactKind.PERSON, label, circle, Domain.CARE, frozenset(), frozenset(), None
            )
        ),
        st.text(min_size=1, max_size=5),
        st.integers(1, 3),
    ),
)


def _valid(state: flow.State) -> bool:
    """What a step needs was chosen before it is asked."""
    order = flow.ADD_STEPS
    needs = {
        Step.LABEL: state.kind is not None,
        Step.DUPLICATE: state.label is not None,
        Step.CIRCLE: state.label is not None,
        Step.DOMAIN: state.circle is not None,
    }
    if state.step in order[order.index(Step.RECEIVED) :]:
        return state.domain is not None and state.circle is not None and state.label is not None
    if state.step in (Step.WHAT, Step.EDIT_CIRCLE, Step.EDIT_DOMAIN, Step.EDIT_LABEL):
        return None not in (state.kind, state.label, state.circle, state.domain)
    return needs.get(state.step, True) and state.circle in (None, 1, 2, 3)


@given(STARTS, st.lists(EVENTS, max_size=30))
def test_any_events_keep_the_state_valid(start: flow.State, events: list[flow.Event]) -> None:
    state = start
    for event in events:
        outcome = flow.advance(state, event)
        if isinstance(outcome, flow.Refused):
            continue
        if not isinstance(outcome, flow.Ask):
            break  # saved or left: the draft is gone
        state = outcome.state
        assert _valid(state), state
        assert flow.from_row(state.step.value, flow.to_data(state)) == state


@given(STARTS, st.lists(EVENTS, max_size=20), EVENTS)
def test_back_then_the_same_choice_gives_the_same_state(
    start: flow.State, events: list[flow.Event], choice: flow.Event
) -> None:
    state = start
    for event in events:
        outcome = flow.advance(state, event)
        if isinstance(outcome, flow.Ask):
            state = outcome.state
    chosen = flow.advance(state, choice)
    if not isinstance(chosen, flow.Ask) or chosen.state.step == state.step:
        return  # no step forward (a toggle, a refusal, an end): nothing to go back over
    back = flow.advance(chosen.state, flow.Back())
    if isinstance(back, flow.Ask) and back.state.step is state.step:
        assert flow.advance(back.state, choice) == chosen


def test_support_offered_fits_the_kind_of_contact() -> None:
    """An animal gives no advice; a place is where one finds company and help (issue 17,
    item 3); a person or a group may do all of it."""
    animal, place = ContactKind.ANIMAL, ContactKind.PLACE
    assert flow.supports_for(animal, Step.RECEIVED) == (Support.EMOTIONAL, Support.COMPANY)
    assert flow.supports_for(place, Step.GIVEN) == (Support.PRACTICAL,)
    assert flow.supports_for(ContactKind.GROUP, Step.GIVEN) == tuple(Support)
    fikkie = flow.State(Step.RECEIVED, kind=animal, label="Fikkie")
    assert flow.advance(fikkie, flow.ToggleSupport(Support.ADVICE)) is flow.REFUSED
    assert _asked(flow.advance(fikkie, flow.ToggleSupport(Support.COMPANY))).received == {
        Support.COMPANY
    }
