"""The client's check-in as a pure flow: where they are (:class:`CheckinState`) plus a
button press (:class:`Press`) gives where they are next, or None when the press is not for
this step (pressed twice, an old button): nothing changes then.

The steps: who did you see (toggles of the network, paged; Nobody; Done) → how, for each
contact chosen (together / call / message, skippable) → mood on five faces → satisfaction
with one's contacts at the first check-in and every fourth → an optional message for the
professional → done. A buddy's weekly question has its own first steps (met / not met, and
why not). The state is stored as the check-in row's ``step`` and ``data``, so a restart or
another replica continues where the person is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any


class Step(StrEnum):
    """Where a check-in stands once begun (a prompt not yet begun has no step)."""

    WHO = "who"
    MODE = "mode"
    MOOD = "mood"
    SATISFACTION = "satisfaction"
    MESSAGE = "message"
    REASON = "reason"  # a buddy who did not meet their client: why (optional)
    DONE = "done"


# How the client was in touch with someone, in the order the buttons show.
MODES = ("in_person", "call", "message")
# Typed texts are kept whole: this is what one Telegram message can hold ("Text of the
# message …, 1-4096 characters", Bot API sendMessage), so nobody's words are cut.
TEXT_LIMIT = 4096


class Action(StrEnum):
    """The check-in's buttons; the value is the short name in the callback data."""

    START = "start"
    NOT_NOW = "skip"
    MET = "met"
    NOT_MET = "notmet"
    TOGGLE = "t"
    WHO = "who"  # back from "Someone new": the question again
    PAGE = "pg"
    NOBODY = "nobody"
    WHO_DONE = "who_done"
    SOMEONE_NEW = "new"
    MODE = "mode"
    MOOD = "mood"
    SATISFACTION = "sat"
    SKIP_MESSAGE = "msg_skip"


@dataclass(frozen=True)
class Press:
    """A decoded check-in button: which check-in, which action, and its value ("" for
    none; a contact id, a page, a mode or "-" for skipped, a face 1–5)."""

    checkin_id: int
    action: Action
    value: str = ""


# The actions whose button carries a value (a contact, a page, a mode, a face).
WITH_VALUE = frozenset({Action.TOGGLE, Action.PAGE, Action.MODE, Action.MOOD, Action.SATISFACTION})


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
    shown (``since_known``)."""

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
        )

    def row_data(self, stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` column for this state; keys of ``stored`` this flow does not own
        (none today) are kept."""
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
    be one of them); ``answered_before``: how many check-ins they answered (after the mood
    it decides whether satisfaction is asked); ``buddy``: a buddy's weekly question.
    Not-now, met and someone-new are decided by the service (they leave the flow)."""
    step, action, value = state.step, event.action, event.value
    if action is Action.START and step is None and not buddy:
        return replace(state, step=Step.WHO)
    if action is Action.NOT_MET and step is None and buddy:
        return replace(state, step=Step.REASON)
    if action is Action.SKIP_MESSAGE and step in (Step.MESSAGE, Step.REASON):
        return replace(state, step=Step.DONE)
    if step is Step.WHO:
        return _who(state, action, value, network)
    if step is Step.MODE and action is Action.MODE and value in (*MODES, "-"):
        return _mode(state, None if value == "-" else value)
    face = _face(value)
    if step is Step.MOOD and action is Action.MOOD and face is not None:
        due = satisfaction_due(answered_before)
        return replace(state, mood=face, step=Step.SATISFACTION if due else Step.MESSAGE)
    if step is Step.SATISFACTION and action is Action.SATISFACTION and face is not None:
        return replace(state, satisfaction=face, step=Step.MESSAGE)
    return None


def _who(
    state: CheckinState, action: Action, value: str, network: frozenset[int]
) -> CheckinState | None:
    if action is Action.TOGGLE and value.isdigit() and int(value) in network:
        contact = int(value)
        chosen = (
            tuple(c for c in state.chosen if c != contact)
            if contact in state.chosen
            else (*state.chosen, contact)
        )
        return replace(state, chosen=chosen)
    if action is Action.WHO:
        return state  # back from "Someone new": the question again
    if action is Action.PAGE and value.isdigit():
        return replace(state, page=int(value))
    if action is Action.NOBODY:
        return replace(state, chosen=(), step=Step.MOOD)
    if action is Action.WHO_DONE:
        return replace(state, step=Step.MODE if state.chosen else Step.MOOD, mode_index=0)
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


def typed(state: CheckinState, text: str) -> CheckinState | None:
    """Typed text: at the message (or a buddy's reason) step it is the answer and the
    check-in is done; anywhere else None (the person gets a hint and the same question)."""
    kept = text.strip()[:TEXT_LIMIT]
    if state.step is Step.MESSAGE:
        return replace(state, message=kept, step=Step.DONE)
    if state.step is Step.REASON:
        return replace(state, reason=kept, step=Step.DONE)
    return None


def contact_chosen(state: CheckinState, contact_id: int) -> CheckinState:
    """A contact added through "Someone new" during the who question counts as seen."""
    if contact_id in state.chosen:
        return state
    return replace(state, chosen=(*state.chosen, contact_id))
