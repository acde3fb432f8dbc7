"""Joining by an invitation link as a pure flow: opening the link (``/start <code>``) →
choose a language → read the consent text in it (short, its details a page at a time behind
"Tell me more") → Agree / Not now; and, for a buddy who
joined, their client's answer whether the buddy may log their meetups.

No step is stored for this conversation: until Agree, all that is kept is that the account
holds the link open (the pending link on the invitation, ``services/joining.py``), and the
language chosen travels in the buttons (``join:<invitation>:<language>[:yes|no]``, and
``…:more:<page>`` for a page of the consent's details). So the
flow says, for what the service found, what the newcomer sees next: :func:`after_opening`
and :func:`after_press`. The rules about codes, expiry, wrong-code limits and who holds a
link stay in the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from buddybot.i18n import LANGUAGES


class Outcome(StrEnum):
    """What opening an invitation link led to (decided by ``services/joining.py``)."""

    PROFESSIONAL_JOINED = "professional_joined"
    ASK_CONSENT = "ask_consent"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    TAKEN = "taken"
    ALREADY_JOINED = "already_joined"
    TOO_MANY_TRIES = "too_many_tries"


class Screen(Enum):
    """What the newcomer sees next."""

    PROFESSIONAL_WELCOME = "professional_welcome"  # a professional is in at once
    CHOOSE_LANGUAGE = "choose_language"  # who invites them, and the languages
    LINK_REFUSED = "link_refused"  # why the link does not work (the outcome says)
    CONSENT = "consent"  # the consent text (or a page of it) in the chosen language
    NO_LONGER_VALID = "no_longer_valid"  # the link is not theirs to answer any more
    DECLINED = "declined"  # Not now: nothing about them is kept
    WELCOME = "welcome"  # they agreed and take part


def after_opening(outcome: Outcome) -> Screen:
    """The screen after a link was opened. Only clients and buddies are asked for consent:
    a professional works with the bot, they do not answer check-ins."""
    if outcome is Outcome.PROFESSIONAL_JOINED:
        return Screen.PROFESSIONAL_WELCOME
    if outcome is Outcome.ASK_CONSENT:
        return Screen.CHOOSE_LANGUAGE
    return Screen.LINK_REFUSED


class Answer(StrEnum):
    """The consent buttons; the value is the callback data's part."""

    AGREE = "yes"
    NOT_NOW = "no"


# The consent is told in steps, so that no message asks more than ~40 words of reading:
# page 0 is the short text with the answer buttons, pages 1.. its details. All of it stays
# one tap away; none of it is left out.
CONSENT_PAGES = 5
MORE = "more"


@dataclass(frozen=True)
class JoinPress:
    """``join:<invitation>:<language>`` (show the consent text in that language), with
    ``:more:<page>`` (a page of its details), or with ``:yes`` / ``:no`` (the answer;
    ``answer`` None until then)."""

    invitation_id: int
    language: str
    answer: Answer | None = None
    page: int = 0

    def parts(self) -> tuple[str, ...]:
        """The callback data's parts of this press (what :func:`parse_press` reads)."""
        head = (str(self.invitation_id), self.language)
        if self.answer is not None:
            return (*head, self.answer.value)
        return (*head, MORE, str(self.page)) if self.page else head


def parse_press(parts: tuple[str, ...]) -> JoinPress | None:
    """The callback data's parts as a press; None when malformed, in a language the bot
    does not speak, or for a page the consent does not have."""
    if len(parts) not in (2, 3, 4) or not parts[0].isdigit() or parts[1] not in LANGUAGES:
        return None
    invitation_id, language = int(parts[0]), parts[1]
    if len(parts) == 2:
        return JoinPress(invitation_id, language)
    if len(parts) == 4:
        if parts[2] != MORE or not parts[3].isdigit() or int(parts[3]) >= CONSENT_PAGES:
            return None
        return JoinPress(invitation_id, language, page=int(parts[3]))
    try:
        return JoinPress(invitation_id, language, Answer(parts[2]))
    except ValueError:
        return None


def after_press(press: JoinPress, found: bool) -> Screen:
    """The screen after ``press`` by someone who does not take part (a press of someone
    who does is stale, ``services/joining.press``). ``found``: the service found the link
    still theirs to answer (for a language: the consent notice; for Agree: they joined).
    Not now always declines: whether or not the link was still theirs, nothing about them
    is kept."""
    if press.answer is Answer.NOT_NOW:
        return Screen.DECLINED
    if not found:
        return Screen.NO_LONGER_VALID
    return Screen.CONSENT if press.answer is None else Screen.WELCOME


@dataclass(frozen=True)
class BuddyPress:
    """``bud:<link>:yes|no``: a client's answer whether a new buddy may log their meetups."""

    link_id: int
    agree: bool


def parse_buddy_press(parts: tuple[str, ...]) -> BuddyPress | None:
    """The callback data's parts as a client's answer; None when malformed."""
    if len(parts) != 2 or not parts[0].isdigit() or parts[1] not in tuple(Answer):
        return None
    return BuddyPress(int(parts[0]), parts[1] == Answer.AGREE)
