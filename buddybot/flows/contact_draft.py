"""Adding or changing a contact, one tap at a time, as a pure flow.

Adding asks kind → name → circle → domain, then the optional support received, support
given and frequency. Changing asks what to change, then that one thing. Back goes one step
back (out of the flow from the first step or a single change), Cancel leaves. The state is
what the draft row holds; :func:`advance` gives the next state and what to do with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from buddybot.network import CIRCLES, Contact, ContactKind, Domain, Frequency, Support


class Step(Enum):
    """Where the flow stands; the values are what the draft row stores."""

    KIND = "kind"
    LABEL = "label"
    DUPLICATE = "duplicate"  # the name is on the map already: add anyway?
    CIRCLE = "circle"
    DOMAIN = "domain"
    RECEIVED = "received"
    GIVEN = "given"
    FREQUENCY = "frequency"
    WHAT = "what"  # changing a contact: which thing
    EDIT_CIRCLE = "edit_circle"
    EDIT_DOMAIN = "edit_domain"
    EDIT_LABEL = "edit_label"


# The steps of adding a contact, in order; the last three can be skipped.
ADD_STEPS = (
    Step.KIND,
    Step.LABEL,
    Step.CIRCLE,
    Step.DOMAIN,
    Step.RECEIVED,
    Step.GIVEN,
    Step.FREQUENCY,
)
SUPPORT_STEPS = frozenset({Step.RECEIVED, Step.GIVEN})

# The support that fits a kind of contact, received from it and given to it: an animal
# comforts and keeps company but gives no advice; a place is where one finds company and
# help, and where one can help out (Inclusieweb: persons, animals and places).
_ALL_SUPPORT = tuple(Support)
_SUPPORT_FITS: dict[tuple[ContactKind, Step], tuple[Support, ...]] = {
    (ContactKind.ANIMAL, Step.RECEIVED): (Support.EMOTIONAL, Support.COMPANY),
    (ContactKind.ANIMAL, Step.GIVEN): (Support.COMPANY, Support.PRACTICAL),
    (ContactKind.PLACE, Step.RECEIVED): (Support.COMPANY, Support.PRACTICAL),
    (ContactKind.PLACE, Step.GIVEN): (Support.PRACTICAL,),
}


def supports_for(kind: ContactKind | None, step: Step) -> tuple[Support, ...]:
    """The kinds of support offered on a support ``step`` for a contact of ``kind``."""
    return _SUPPORT_FITS.get((kind or ContactKind.PERSON, step), _ALL_SUPPORT)


LABEL_STEPS = frozenset({Step.LABEL, Step.EDIT_LABEL})


class Field(Enum):
    """What of an existing contact can be changed."""

    CIRCLE = "circle"
    DOMAIN = "domain"
    LABEL = "label"


_EDIT_STEP = {
    Field.CIRCLE: Step.EDIT_CIRCLE,
    Field.DOMAIN: Step.EDIT_DOMAIN,
    Field.LABEL: Step.EDIT_LABEL,
}


@dataclass(frozen=True)
class State:
    """A contact being filled in: the step and what was chosen so far. ``checkin_id`` names
    the check-in an add started from ("Someone new"), to lead back to it."""

    step: Step
    kind: ContactKind | None = None
    label: str | None = None
    circle: int | None = None
    domain: Domain | None = None
    received: frozenset[Support] = frozenset()
    given: frozenset[Support] = frozenset()
    frequency: Frequency | None = None
    checkin_id: int | None = None

    def chosen(self, step: Step) -> frozenset[Support]:
        """The support ticked so far on a support step (empty on any other)."""
        return (
            self.received
            if step is Step.RECEIVED
            else self.given
            if step is Step.GIVEN
            else frozenset()
        )

    def contact(self, contact_id: int) -> Contact:
        """The contact as filled in; what was skipped takes its default."""
        return Contact(
            contact_id,
            self.kind or ContactKind.PERSON,
            self.label or "",
            self.circle if self.circle is not None else 1,
            self.domain or Domain.FAMILY,
            self.received,
            self.given,
            self.frequency,
        )


# ------------------------------------------------------------------ events


@dataclass(frozen=True)
class ChooseKind:
    """A kind of contact (person, group, animal, place) was chosen."""

    kind: ContactKind


@dataclass(frozen=True)
class TypeLabel:
    """A name typed (already cleaned); ``taken`` when the map holds that name already."""

    label: str
    taken: bool = False


@dataclass(frozen=True)
class AddAnyway:
    """Add the name although the map holds it already."""


@dataclass(frozen=True)
class ChooseCircle:
    """How close: circle 1 (closest) to 3."""

    circle: int


@dataclass(frozen=True)
class ChooseDomain:
    """Where the contact belongs in the client's life."""

    domain: Domain


@dataclass(frozen=True)
class ToggleSupport:
    """Tick or untick a kind of support on a support step."""

    support: Support


@dataclass(frozen=True)
class Next:
    """Go on from a support step, or skip the frequency."""


@dataclass(frozen=True)
class ChooseFrequency:
    """How often they see each other; this completes a new contact."""

    frequency: Frequency


@dataclass(frozen=True)
class ChangeField:
    """Which one thing of an existing contact to change."""

    field: Field


@dataclass(frozen=True)
class Back:
    """One step back."""


@dataclass(frozen=True)
class Cancel:
    """Leave without saving."""


Event = (
    ChooseKind
    | TypeLabel
    | AddAnyway
    | ChooseCircle
    | ChooseDomain
    | ToggleSupport
    | Next
    | ChooseFrequency
    | ChangeField
    | Back
    | Cancel
)


# ------------------------------------------------------------------ outcomes


@dataclass(frozen=True)
class Ask:
    """Keep the draft as ``state`` and ask the question of its step."""

    state: State


@dataclass(frozen=True)
class SaveNew:
    """The new contact is complete: add it and end the draft."""

    state: State


@dataclass(frozen=True)
class SaveChange:
    """The one change is chosen: change the contact and end the draft."""

    state: State


@dataclass(frozen=True)
class Cancelled:
    """Leave without saving."""


@dataclass(frozen=True)
class Refused:
    """The event belongs to another step (an old button): nothing changes."""


Outcome = Ask | SaveNew | SaveChange | Cancelled | Refused

REFUSED = Refused()


def start_adding(checkin_id: int | None = None) -> State:
    """The first state of adding a contact."""
    return State(Step.KIND, checkin_id=checkin_id)


def start_changing(contact: Contact) -> State:
    """The first state of changing ``contact``: what to change."""
    return State(
        Step.WHAT,
        contact.kind,
        contact.label,
        contact.circle,
        contact.domain,
        contact.support_received,
        contact.support_given,
        contact.frequency,
    )


def previous_step(step: Step) -> Step | None:
    """Where Back leads; None when Back leaves the flow (first step, or a single change)."""
    if step is Step.DUPLICATE:
        return Step.LABEL
    if step not in ADD_STEPS or step is ADD_STEPS[0]:
        return None
    return ADD_STEPS[ADD_STEPS.index(step) - 1]


def next_step(step: Step) -> Step | None:
    """The step after this one while adding; None when the contact is complete."""
    if step is Step.DUPLICATE:
        return Step.CIRCLE
    if step not in ADD_STEPS:
        return None
    index = ADD_STEPS.index(step)
    return ADD_STEPS[index + 1] if index + 1 < len(ADD_STEPS) else None


def advance(state: State, event: Event) -> Outcome:
    """What ``event`` does to ``state``. An event that does not fit the step is
    :data:`REFUSED`; a typed name on a button step is refused too (the caller points to the
    buttons)."""
    if isinstance(event, Cancel):
        return Cancelled()
    if isinstance(event, Back):
        previous = previous_step(state.step)
        return Cancelled() if previous is None else Ask(replace(state, step=previous))
    return _choose(state, event)


def _choose(state: State, event: Event) -> Outcome:
    step = state.step
    if isinstance(event, ChooseKind) and step is Step.KIND:
        return Ask(replace(state, kind=event.kind, step=Step.LABEL))
    if isinstance(event, TypeLabel) and step in LABEL_STEPS:
        return _labelled(replace(state, label=event.label), event.taken)
    if isinstance(event, AddAnyway) and step is Step.DUPLICATE:
        return Ask(replace(state, step=Step.CIRCLE))
    if isinstance(event, ChooseCircle) and event.circle in CIRCLES:
        return _one_of(state, replace(state, circle=event.circle), Step.CIRCLE, Step.EDIT_CIRCLE)
    if isinstance(event, ChooseDomain):
        return _one_of(state, replace(state, domain=event.domain), Step.DOMAIN, Step.EDIT_DOMAIN)
    if (
        isinstance(event, ToggleSupport)
        and step in SUPPORT_STEPS
        and event.support in supports_for(state.kind, step)
    ):
        return Ask(_toggled(state, event.support))
    if isinstance(event, Next) and (step in SUPPORT_STEPS or step is Step.FREQUENCY):
        following = next_step(step)
        return SaveNew(state) if following is None else Ask(replace(state, step=following))
    if isinstance(event, ChooseFrequency) and step is Step.FREQUENCY:
        return SaveNew(replace(state, frequency=event.frequency))
    if isinstance(event, ChangeField) and step is Step.WHAT:
        return Ask(replace(state, step=_EDIT_STEP[event.field]))
    return REFUSED


def _labelled(state: State, taken: bool) -> Outcome:
    if state.step is Step.EDIT_LABEL:
        return SaveChange(state)
    return Ask(replace(state, step=Step.DUPLICATE if taken else Step.CIRCLE))


def _one_of(before: State, chosen: State, adding: Step, changing: Step) -> Outcome:
    """A circle or domain: on its add step the flow goes on, on its change step it saves."""
    if before.step is changing:
        return SaveChange(chosen)
    if before.step is adding:
        following = next_step(adding)
        assert following is not None  # circle and domain are never the last step
        return Ask(replace(chosen, step=following))
    return REFUSED


def _toggled(state: State, support: Support) -> State:
    if state.step is Step.RECEIVED:
        return replace(state, received=state.received ^ {support})
    return replace(state, given=state.given ^ {support})


# ------------------------------------------------------------------ the draft row's data


def to_data(state: State) -> dict[str, Any]:
    """The state as the draft row's JSON data (the step is a column of its own)."""
    data: dict[str, Any] = {}
    if state.kind is not None:
        data["kind"] = state.kind.value
    if state.label is not None:
        data["label"] = state.label
    if state.circle is not None:
        data["circle"] = state.circle
    if state.domain is not None:
        data["domain"] = state.domain.value
    if state.received:
        data["support_received"] = sorted(s.value for s in state.received)
    if state.given:
        data["support_given"] = sorted(s.value for s in state.given)
    if state.frequency is not None:
        data["frequency"] = state.frequency.value
    if state.checkin_id is not None:
        data["checkin"] = state.checkin_id
    return data


def from_row(step: str, data: dict[str, Any]) -> State | None:
    """The state a draft row holds; None for a row this flow cannot read (an older version)."""
    try:
        return State(
            Step(step),
            ContactKind(data["kind"]) if data.get("kind") else None,
            str(data["label"]) if data.get("label") is not None else None,
            int(data["circle"]) if data.get("circle") is not None else None,
            Domain(data["domain"]) if data.get("domain") else None,
            frozenset(Support(s) for s in data.get("support_received", [])),
            frozenset(Support(s) for s in data.get("support_given", [])),
            Frequency(data["frequency"]) if data.get("frequency") else None,
            int(data["checkin"]) if data.get("checkin") is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        return None
