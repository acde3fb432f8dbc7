"""The client's check-in as a pure flow: where they are (:class:`CheckinState`) plus a
button press (:class:`Press`) gives where they are next, or None when the press is not for
this step (pressed twice, an old button): nothing changes then.

The steps, made to take at most 8 taps from the prompt to the thank-you with five people
seen, whatever the network's size (issue 17; ``docs/decisions.md``):

- **who** (the prompt itself is this question): the people most often seen lately come
  first, tapped on and off, paged; "Nobody" when no one was chosen. Once someone is chosen
  the question ends by saying **how** — together, a call, a message — once for all of
  them, or "different ways", which asks per person (skippable). Ending and saying how
  is one tap, so the check-in costs the people seen plus three taps at most.
- **mood** on five faces; **satisfaction** with one's contacts at the first check-in and
  every fourth.
- The thank-you ends it. A message for the professional is offered under it, not asked.

Every step after the first has Back (the earlier answer stays chosen and shown) and Stop
(nothing is lost; the check-in can be taken up again until it closes). Back on the
thank-you takes the last answer back while the check-in is still open.

A buddy's weekly question has its own first steps (met / not met, and why not). The state
is stored as the check-in row's ``step`` and ``data``, so a restart or another replica
continues where the person is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from buddybot.network import Contact, Frequency


class Step(StrEnum):
    """Where a check-in stands once begun (a prompt not yet begun has no step)."""

    WHO = "who"
    MODE = "mode"  # how, person by person (after "different ways")
    MOOD = "mood"
    SATISFACTION = "satisfaction"
    MESSAGE = "message"  # only in check-ins begun before the message moved under the thanks
    REASON = "reason"  # a buddy who did not meet their client: why (optional)
    DONE = "done"


# How the client was in touch with someone, in the order the buttons show.
MODES = ("in_person", "call", "message")
# The answer "different ways": how is then asked person by person.
EACH = "each"
# Typed texts are kept whole: this is what one Telegram message can hold ("Text of the
# message …, 1-4096 characters", Bot API sendMessage), so nobody's words are cut.
TEXT_LIMIT = 4096


class Action(StrEnum):
    """The check-in's buttons; the value is the short name in the callback data."""

    START = "start"  # the old prompt's button, still on screens of prompts sent before
    NOT_NOW = "skip"
    MET = "met"
    NOT_MET = "notmet"
    TOGGLE = "t"
    WHO = "who"  # show the question where the check-in is (after Stop or "Someone new")
    PAGE = "pg"
    NOBODY = "nobody"
    WHO_DONE = "who_done"  # the old "Done" under the who question: how, person by person
    HOW = "how"  # ends the who question: how, for everyone chosen (or EACH)
    SOMEONE_NEW = "new"
    MODE = "mode"
    MOOD = "mood"
    SATISFACTION = "sat"
    SKIP_MESSAGE = "msg_skip"
    BACK = "back"
    STOP = "stop"
    WRITE = "write"  # under the thank-you: a message for the professional
    UNWRITE = "unwrite"  # … not after all


@dataclass(frozen=True)
class Press:
    """A decoded check-in button: which check-in, which action, and its value ("" for
    none; a contact id, a page, a mode or "-" for skipped, a face 1–5)."""

    checkin_id: int
    action: Action
    value: str = ""


# The actions whose button carries a value (a contact, a page, a mode, a face).
WITH_VALUE = frozenset(
    {Action.TOGGLE, Action.PAGE, Action.MODE, Action.MOOD, Action.SATISFACTION, Action.HOW}
)


def parse_press(parts: tuple[str, ...]) -> Press | None:
    """Callback data ``ci:<check-in>:<action>[:<value>]`` as a press; None when malformed
    (an unknown action, a value missing or one too many)."""
    if len(parts) not in (2, 3) or not parts[0].isdigit():
        return None
    try:
        action = Action(parts[1])
    except ValueError:
        return None
    if (len(parts) == 3) != (action in WITH_VALUE):
        return None
    return Press(int(parts[0]), action, parts[2] if len(parts) == 3 else "")


@dataclass(frozen=True)
class CheckinState:
    """Where a check-in is and what was answered so far. ``since``: the day of the last
    answered check-in ("Since Monday, …"), looked up once when the who question is first
    shown (``since_known``), with ``likely``: the client's contacts most often seen lately,
    most often first (they head the list). ``how``: the answer that ended the who question
    (a mode for everyone, or :data:`EACH`); ``modes``: how, per chosen contact (as text)."""

    step: Step | None = None
    chosen: tuple[int, ...] = ()
    page: int = 0
    mode_index: int = 0
    modes: Mapping[str, str | None] = field(default_factory=dict)
    mood: int | None = None
    satisfaction: int | None = None
    since: date | None = None
    since_known: bool = False
    message: str | None = None
    reason: str | None = None
    likely: tuple[int, ...] = ()
    how: str | None = None

    @classmethod
    def from_row(cls, step: str | None, data: Mapping[str, Any] | None) -> CheckinState:
        """The state of a stored check-in (its ``step`` and ``data`` columns)."""
        data = data or {}
        since = data.get("since")
        return cls(
            step=Step(step) if step else None,
            chosen=tuple(int(c) for c in data.get("chosen", [])),
            page=int(data.get("page", 0)),
            mode_index=int(data.get("mode_index", 0)),
            modes=dict(data.get("modes", {})),
            mood=data.get("mood"),
            satisfaction=data.get("satisfaction"),
            since=date.fromisoformat(since) if since else None,
            since_known="since" in data,
            message=data.get("message"),
            reason=data.get("reason"),
            likely=tuple(int(c) for c in data.get("likely", [])),
            how=data.get("how"),
        )

    def row_data(self, stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` column for this state; keys of ``stored`` this flow does not own
        (the moment a message was asked for) are kept."""
        data: dict[str, Any] = dict(stored or {})
        values: dict[str, Any] = {
            "chosen": list(self.chosen),
            "page": self.page,
            "mode_index": self.mode_index,
            "modes": dict(self.modes),
            "mood": self.mood,
            "satisfaction": self.satisfaction,
            "message": self.message,
            "reason": self.reason,
            "likely": list(self.likely),
            "how": self.how,
        }
        for key, value in values.items():
            # Kept as the conversation stored them: a key is written once it means something.
            if key in data or value not in (None, [], {}, 0):
                data[key] = value
        if self.since_known:
            data["since"] = self.since.isoformat() if self.since else None
        return data

    @property
    def current_contact(self) -> int | None:
        """At the how step: the contact being asked about."""
        if self.step is not Step.MODE or self.mode_index >= len(self.chosen):
            return None
        return self.chosen[self.mode_index]


def satisfaction_due(answered_before: int) -> bool:
    """Satisfaction with one's contacts is asked at the first check-in (a baseline) and then
    every fourth: often enough to see a trend, rare enough not to tire (the Inclusieweb
    measures satisfaction before and after; weekly would tire)."""
    return answered_before % 4 == 0


# How often the client said they see someone, as a rank for the who question's order.
USUALLY: dict[Frequency | None, int] = {
    Frequency.DAILY: 0,
    Frequency.WEEKLY: 1,
    Frequency.MONTHLY: 2,
}


def who_order(contacts: Sequence[Contact], likely: Sequence[int]) -> list[Contact]:
    """The order of the who question: the ``likely`` ones first (most often seen lately
    first), then those the client said they see daily, weekly or monthly, then the rest,
    each group as given (by circle, closest first). So the people someone sees often are
    on the first page, even at the first check-in: five of them take five taps in a
    network of a hundred."""
    by_id = {contact.contact_id: contact for contact in contacts}
    first = [by_id[c] for c in dict.fromkeys(likely) if c in by_id]
    rest = [contact for contact in contacts if contact not in first]
    return first + sorted(rest, key=lambda c: USUALLY.get(c.frequency, len(USUALLY)))


def _face(value: str) -> int | None:
    return int(value) if len(value) == 1 and value in "12345" else None


def press(
    state: CheckinState,
    event: Press,
    *,
    network: frozenset[int],
    answered_before: int,
    buddy: bool = False,
) -> CheckinState | None:
    """The state after ``event``; None when the press is not for this step (nothing
    changes). ``network``: the ids of the client's current contacts (a toggled contact must
    be one of them); ``answered_before``: how many check-ins they answered before this one
    (after the mood it decides whether satisfaction is asked); ``buddy``: a buddy's weekly
    question. Not-now, Stop, met, someone-new and the message under the thank-you are
    decided by the service (they leave the flow)."""
    step, action, value = state.step, event.action, event.value
    if buddy:
        return _buddy(state, action)
    if action is Action.START and step is None:
        return replace(state, step=Step.WHO)
    if step is None and action in (Action.TOGGLE, Action.PAGE, Action.NOBODY, Action.HOW):
        step, state = Step.WHO, replace(state, step=Step.WHO)  # the prompt is the question
    if action is Action.BACK:
        return back(state)
    if action is Action.WHO and step is not None:
        return state  # the question where the check-in is, again
    if action is Action.SKIP_MESSAGE and step is Step.MESSAGE:
        return replace(state, step=Step.DONE)
    if step is Step.WHO:
        return _who(state, action, value, network)
    if step is Step.MODE and action is Action.MODE and value in (*MODES, "-"):
        return _mode(state, None if value == "-" else value)
    face = _face(value)
    if step is Step.MOOD and action is Action.MOOD and face is not None:
        due = satisfaction_due(answered_before)
        return replace(state, mood=face, step=Step.SATISFACTION if due else Step.DONE)
    if step is Step.SATISFACTION and action is Action.SATISFACTION and face is not None:
        return replace(state, satisfaction=face, step=Step.DONE)
    return None


def _buddy(state: CheckinState, action: Action) -> CheckinState | None:
    if action is Action.NOT_MET and state.step is None:
        return replace(state, step=Step.REASON)
    if action is Action.SKIP_MESSAGE and state.step is Step.REASON:
        return replace(state, step=Step.DONE)
    return None


def back(state: CheckinState) -> CheckinState | None:
    """One step back, every answer kept (the earlier one is shown chosen): from a person's
    how to the one before, or to the who question; from the mood to where the who
    question ended; from satisfaction to the mood; from the thank-you to the last question
    (the service takes the stored answers back first). None on the first question."""
    step = state.step
    if step is Step.MODE:
        if state.mode_index == 0:
            return replace(state, step=Step.WHO)
        return replace(state, mode_index=state.mode_index - 1)
    if step is Step.MOOD:
        if state.chosen and state.how == EACH:
            return replace(state, step=Step.MODE, mode_index=len(state.chosen) - 1)
        return replace(state, step=Step.WHO)
    if step is Step.SATISFACTION:
        return replace(state, step=Step.MOOD)
    if step is Step.DONE and state.mood is not None:
        return replace(state, step=Step.MOOD if state.satisfaction is None else Step.SATISFACTION)
    return None


def _who(
    state: CheckinState, action: Action, value: str, network: frozenset[int]
) -> CheckinState | None:
    if action is Action.TOGGLE and value.isdigit() and int(value) in network:
        contact = int(value)
        if contact not in state.chosen:
            return replace(state, chosen=(*state.chosen, contact))
        chosen = tuple(c for c in state.chosen if c != contact)
        modes = {c: mode for c, mode in state.modes.items() if c != str(contact)}
        return replace(state, chosen=chosen, modes=modes)
    if action is Action.PAGE and value.isdigit():
        return replace(state, page=int(value))
    if action is Action.NOBODY:
        return replace(state, chosen=(), step=Step.MOOD)
    if action is Action.HOW and state.chosen and value in MODES:
        modes = {str(contact): value for contact in state.chosen}
        return replace(state, how=value, modes=modes, step=Step.MOOD)
    if action is Action.WHO_DONE or (action is Action.HOW and value == EACH):
        if not state.chosen:
            return replace(state, step=Step.MOOD)
        return replace(state, how=EACH, step=Step.MODE, mode_index=0)
    return None


def _mode(state: CheckinState, mode: str | None) -> CheckinState | None:
    contact = state.current_contact
    if contact is None:
        return None
    modes = {**state.modes, str(contact): mode}
    index = state.mode_index + 1
    return replace(
        state,
        modes=modes,
        mode_index=index,
        step=Step.MOOD if index >= len(state.chosen) else Step.MODE,
    )


def on_map(state: CheckinState, network: frozenset[int]) -> CheckinState:
    """``state`` without the chosen contacts no longer in ``network`` (taken off the map
    since, e.g. by the professional): they are not asked about nor stored. Asking how
    person by person goes on with the next one still there, or to the mood after the
    last; with nobody left, back to the who question."""
    if all(contact in network for contact in state.chosen):
        return state
    chosen = tuple(contact for contact in state.chosen if contact in network)
    modes = {contact: mode for contact, mode in state.modes.items() if int(contact) in network}
    index = sum(1 for contact in state.chosen[: state.mode_index] if contact in network)
    step = state.step
    if step is Step.MODE and index >= len(chosen):
        step = Step.MOOD if chosen else Step.WHO
    return replace(state, step=step, chosen=chosen, modes=modes, mode_index=index)


def modes_of(state: CheckinState) -> dict[int, str | None]:
    """How the client was in touch with each contact chosen (None: not said), as stored
    when the check-in is answered."""
    return {contact: state.modes.get(str(contact)) for contact in state.chosen}


def typed(state: CheckinState, text: str) -> CheckinState | None:
    """Typed text: at the message (or a buddy's reason) step it is the answer and the
    check-in is done; anywhere else None (the person gets a hint and the same question)."""
    kept = text.strip()[:TEXT_LIMIT]
    if state.step is Step.MESSAGE:
        return replace(state, message=kept, step=Step.DONE)
    if state.step is Step.REASON:
        return replace(state, reason=kept, step=Step.DONE)
    return None


# Typed names are told apart by these: "Mama, Jan", "Mama en Jan", "Mama and Jan".
_BETWEEN_NAMES = re.compile(r"\s*(?:,|&|\+|\ben\b|\band\b)\s*")
# The shortest start of a name that finds it: "ja" (yes) must not choose Jan.
NAME_START = 3


def named(state: CheckinState, text: str, labels: Mapping[int, str]) -> CheckinState | None:
    """Names typed at the who question (``labels``: the client's contacts by id; several
    names apart by commas or "en"/"and"): a contact called so, or the only one whose name
    or a word of it begins so (three letters at least), is chosen; when a name may be
    several, those are put first on the list, to tap. None when no name fits anyone. A
    network of a hundred is then one word away, not ten pages."""
    if state.step not in (None, Step.WHO):
        return None
    whole = _fitting(text, labels)
    parts = (
        [whole]
        if len(whole) == 1
        else [_fitting(part, labels) for part in _BETWEEN_NAMES.split(text)]
    )
    found = [fits for fits in parts if fits]
    if not found:
        return None
    sure = [fits[0] for fits in found if len(fits) == 1]
    first = [contact for fits in found for contact in fits]
    chosen = (*state.chosen, *(c for c in dict.fromkeys(sure) if c not in state.chosen))
    likely = (*dict.fromkeys(first), *(c for c in state.likely if c not in first))
    return replace(state, step=Step.WHO, page=0, chosen=chosen, likely=likely)


def _fitting(text: str, labels: Mapping[int, str]) -> list[int]:
    """The contacts ``text`` names: the one called exactly so, else those whose name or a
    word of it begins with it."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return []
    exact = [c for c, label in labels.items() if label.casefold() == wanted]
    if exact or len(wanted) < NAME_START:
        return exact
    return [
        c
        for c, label in labels.items()
        if any(word.startswith(wanted) for word in (label.casefold(), *label.casefold().split()))
    ]


def contact_chosen(state: CheckinState, contact_id: int) -> CheckinState:
    """A contact added through "Someone new" during the who question counts as seen."""
    if contact_id in state.chosen:
        return state
    return replace(state, chosen=(*state.chosen, contact_id))
