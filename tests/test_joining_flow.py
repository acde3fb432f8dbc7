"""Joining by an invitation link as a pure flow: no Telegram, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from buddybot import callbacks
from buddybot.flows import joining as flow
from buddybot.flows.joining import Answer, JoinPress, Outcome, Screen
from buddybot.i18n import LANGUAGES


def test_opening_a_link_asks_consent_only_of_clients_and_buddies() -> None:
    assert flow.after_opening(Outcome.ASK_CONSENT) is Screen.CHOOSE_LANGUAGE
    assert flow.after_opening(Outcome.PROFESSIONAL_JOINED) is Screen.PROFESSIONAL_WELCOME
    for refused in set(Outcome) - {Outcome.ASK_CONSENT, Outcome.PROFESSIONAL_JOINED}:
        assert flow.after_opening(refused) is Screen.LINK_REFUSED


def test_language_then_consent_then_welcome() -> None:
    assert flow.after_press(JoinPress(4, "en"), found=True) is Screen.CONSENT
    assert flow.after_press(JoinPress(4, "en", Answer.AGREE), found=True) is Screen.WELCOME


def test_a_link_no_longer_theirs_says_so_and_not_now_always_declines() -> None:
    assert flow.after_press(JoinPress(4, "nl"), found=False) is Screen.NO_LONGER_VALID
    assert flow.after_press(JoinPress(4, "nl", Answer.AGREE), found=False) is (
        Screen.NO_LONGER_VALID
    )
    for found in (True, False):
        assert flow.after_press(JoinPress(4, "nl", Answer.NOT_NOW), found) is Screen.DECLINED


def test_join_buttons_are_parsed() -> None:
    assert flow.parse_press(("4", "en")) == JoinPress(4, "en")
    assert flow.parse_press(("4", "nl", "yes")) == JoinPress(4, "nl", Answer.AGREE)
    assert flow.parse_press(("4", "nl", "no")) == JoinPress(4, "nl", Answer.NOT_NOW)
    assert flow.parse_press(("4", "fr")) is None  # a language the bot does not speak
    assert flow.parse_press(("4", "en", "maybe")) is None
    assert flow.parse_press(("x", "en")) is None
    assert flow.parse_press(("4",)) is None
    assert flow.parse_press(("4", "en", "yes", "1")) is None


def test_a_page_of_the_consent_is_a_press_too() -> None:
    """ "Tell me more" and Back/Next on the consent's details (issue 17, item 4)."""
    assert flow.parse_press(("4", "en", "more", "2")) == JoinPress(4, "en", page=2)
    assert JoinPress(4, "en", page=2).parts() == ("4", "en", "more", "2")
    assert JoinPress(4, "en").parts() == ("4", "en")
    assert JoinPress(4, "nl", Answer.AGREE).parts() == ("4", "nl", "yes")
    last = flow.CONSENT_PAGES - 1
    assert flow.parse_press(("4", "en", "more", str(last))) == JoinPress(4, "en", page=last)
    assert flow.parse_press(("4", "en", "more", str(last + 1))) is None
    assert flow.parse_press(("4", "en", "less", "1")) is None
    assert flow.parse_press(("4", "en", "more", "x")) is None
    assert flow.after_press(JoinPress(4, "en", page=3), found=True) is Screen.CONSENT


def test_a_clients_answer_about_a_buddy_is_parsed() -> None:
    assert flow.parse_buddy_press(("9", "yes")) == flow.BuddyPress(9, True)
    assert flow.parse_buddy_press(("9", "no")) == flow.BuddyPress(9, False)
    assert flow.parse_buddy_press(("9", "maybe")) is None
    assert flow.parse_buddy_press(("9",)) is None
    assert flow.parse_buddy_press(("x", "yes")) is None


_PARTS = st.lists(
    st.one_of(
        st.sampled_from(["4", "17", "x", "en", "nl", "fr", "yes", "no", "maybe", ""]),
        st.text(alphabet="0123456789abcdefnlyos", min_size=1, max_size=4),
    ),
    max_size=4,
).map(tuple)


@given(_PARTS)
def test_any_callback_data_is_a_press_in_a_spoken_language_or_nothing(
    parts: tuple[str, ...],
) -> None:
    press = flow.parse_press(parts)
    if press is None:
        return
    assert press.language in LANGUAGES
    encoded = [str(press.invitation_id), press.language]
    if press.answer is not None:
        encoded.append(press.answer)
    decoded = callbacks.decode(callbacks.encode("join", *encoded))
    assert decoded is not None
    assert flow.parse_press(decoded.parts) == press


@given(st.lists(st.tuples(_PARTS, st.booleans()), max_size=20))
def test_only_an_agree_the_service_accepted_welcomes(
    presses: list[tuple[tuple[str, ...], bool]],
) -> None:
    for parts, found in presses:
        press = flow.parse_press(parts)
        if press is None:
            continue
        screen = flow.after_press(press, found)
        assert (screen is Screen.WELCOME) == (press.answer is Answer.AGREE and found)
        assert (screen is Screen.DECLINED) == (press.answer is Answer.NOT_NOW)
        assert (screen is Screen.CONSENT) == (press.answer is None and found)
