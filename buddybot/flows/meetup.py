"""A buddy logging a meetup as a pure flow: when → what → how long → how it went → an
optional note, with Back on each step (Cancel and saving are decided by the service). The
state is the meetup row while it is filled in (``step`` and the answers so far)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

ACTIVITIES = ("walk", "food", "sport", "culture", "home", "errands", "other")
DURATIONS = (30, 60, 120, 240)
# "when" may open a list of the week's other days ("days"); Back from there is "when".
STEPS = ("when", "activity", "duration", "how", "note")
# How far back a meetup may be logged, in days.
OLDEST_DAY = 7


@dataclass(frozen=True)
class MeetupState:
    """A meetup being logged: the step, and what was answered so far."""

    step: str
    local_date: date | None = None
    activity: str | None = None
    duration_minutes: int | None = None
    how_it_went: int | None = None


@dataclass(frozen=True)
class MeetupPress:
    """A decoded meetup button: ``mt:new:<client>`` (``meetup_id`` None, ``value`` the
    client) or ``mt:<meetup>:<action>[:<value>]``."""

    meetup_id: int | None
    action: str
    value: str = ""


ACTIONS = ("cancel", "back", "days", "day", "act", "dur", "how", "skip")
# The actions whose button carries a value (days back, an activity, minutes, a face).
WITH_VALUE = frozenset({"day", "act", "dur", "how"})


def parse_press(parts: tuple[str, ...]) -> MeetupPress | None:
    """The callback data's parts as a press; None when malformed."""
    if len(parts) == 2 and parts[0] == "new" and parts[1].isdigit():
        return MeetupPress(None, "new", parts[1])
    if len(parts) not in (2, 3) or not parts[0].isdigit() or parts[1] not in ACTIONS:
        return None
    if (len(parts) == 3) != (parts[1] in WITH_VALUE):
        return None  # a value missing, or one too many
    return MeetupPress(int(parts[0]), parts[1], parts[2] if len(parts) == 3 else "")


def previous_step(step: str) -> str:
    """Where Back leads from a step (the first step stays)."""
    if step == "days":
        return "when"
    index = STEPS.index(step) if step in STEPS else 0
    return STEPS[max(index - 1, 0)]


def press(state: MeetupState, action: str, value: str, today: date) -> MeetupState | None:
    """The state after a press of ``action`` with ``value``; None when the button is not
    for this step (an older button of this flow): nothing changes. ``today``: the buddy's
    local date (a meetup is logged for today or up to :data:`OLDEST_DAY` days back)."""
    step = state.step
    if action == "back":
        return replace(state, step=previous_step(step))
    if action == "days" and step == "when":
        return replace(state, step="days")
    if action == "day" and step in ("when", "days") and value.isdigit():
        if int(value) > OLDEST_DAY:
            return None
        return replace(state, local_date=today - timedelta(days=int(value)), step="activity")
    if action == "act" and step == "activity" and value in ACTIVITIES:
        return replace(state, activity=value, step="duration")
    if action == "dur" and step == "duration" and value.isdigit() and int(value) in DURATIONS:
        return replace(state, duration_minutes=int(value), step="how")
    if action == "how" and step == "how" and value in ("1", "2", "3", "4", "5"):
        return replace(state, how_it_went=int(value), step="note")
    return None
