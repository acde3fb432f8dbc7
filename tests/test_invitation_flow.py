"""The /invite conversation as a pure flow: no Telegram, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from buddybot.flows import invitation as flow
from buddybot.flows.invitation import Awaiting, Choice, Press


def test_a_client_is_invited_by_a_typed_first_name() -> None:
    asked = flow.press(Press(Choice.CLIENT))
    assert asked == flow.AskName(Awaiting())
    assert flow.to_question(asked.state) == (flow.TOPIC_CLIENT, {})
    assert flow.typed(asked.state, "  Amira\u0007 ") == flow.Invite(Awaiting(), "Amira")


def test_a_buddy_is_invited_for_the_client_chosen() -> None:
    assert isinstance(flow.press(Press(Choice.BUDDY)), flow.PickClient)
    asked = flow.press(Press(Choice.FOR_CLIENT, 12))
    assert asked == flow.AskName(Awaiting(12))
    topic, data = flow.to_question(Awaiting(12))
    assert (topic, data) == (flow.TOPIC_BUDDY, {"client_id": 12})
    assert flow.from_question(topic, data) == Awaiting(12)
    assert flow.typed(Awaiting(12), "Bram") == flow.Invite(Awaiting(12), "Bram")


def test_a_bad_name_is_asked_again_and_cancel_ends() -> None:
    assert flow.typed(Awaiting(), "x" * 41) == flow.BadName(Awaiting())
    assert flow.typed(Awaiting(3), " \u0007 ") == flow.BadName(Awaiting(3))
    assert flow.typed(Awaiting(), "x" * 40) == flow.Invite(Awaiting(), "x" * 40)
    assert isinstance(flow.press(Press(Choice.CANCEL)), flow.Cancelled)


def test_callback_data_is_parsed_into_a_typed_press() -> None:
    assert flow.parse_press(("client",)) == Press(Choice.CLIENT)
    assert flow.parse_press(("buddy",)) == Press(Choice.BUDDY)
    assert flow.parse_press(("cancel",)) == Press(Choice.CANCEL)
    assert flow.parse_press(("for", "7")) == Press(Choice.FOR_CLIENT, 7)
    assert flow.parse_press(("for",)) is None
    assert flow.parse_press(("for", "x")) is None
    assert flow.parse_press(("client", "7")) is None
    assert flow.parse_press(("fly",)) is None


def test_only_the_topics_of_invite_are_read() -> None:
    assert flow.from_question("invite.client", {}) == Awaiting()
    assert flow.from_question("invite.buddy", {}) is None
    assert flow.from_question("contact.label", {"client_id": 1}) is None


PRESSES = st.one_of(
    st.sampled_from([Press(Choice.CLIENT), Press(Choice.BUDDY), Press(Choice.CANCEL)]),
    st.builds(lambda client: Press(Choice.FOR_CLIENT, client), st.integers(1, 10**6)),
)
EVENTS = st.one_of(PRESSES, st.text(max_size=60))


def _clean(name: str) -> bool:
    """What an invitation's name always is: 1-40 visible characters, single spaces."""
    return (
        1 <= len(name) <= flow.NAME_MAX
        and name == " ".join(name.split())
        and name.isprintable()
        and flow.clean_name(name) == name
    )


@given(st.lists(EVENTS, max_size=30))
def test_any_presses_and_texts_invite_only_a_clean_name_for_the_client_chosen(
    events: list[Press | str],
) -> None:
    awaiting: Awaiting | None = None  # what the stored question holds, as the service keeps it
    chosen: int | None = None  # the client of the last "for" press
    for event in events:
        if isinstance(event, Press):
            outcome = flow.press(event)
            if isinstance(outcome, flow.AskName):
                awaiting = outcome.state
                topic, data = flow.to_question(awaiting)
                assert flow.from_question(topic, data) == awaiting
            elif isinstance(outcome, flow.Cancelled):
                awaiting = None
            chosen = event.client_id if event.choice is Choice.FOR_CLIENT else chosen
            continue
        if awaiting is None:
            continue  # no name asked: the text goes elsewhere
        typed = flow.typed(awaiting, event)
        assert typed.state == awaiting
        if isinstance(typed, flow.Invite):
            assert _clean(typed.name)
            assert typed.state.for_client in (None, chosen)
            awaiting = None
        else:
            assert flow.clean_name(event) is None
