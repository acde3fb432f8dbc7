"""`/invite` as a pure flow: whom (a client or a buddy) → for which client (a buddy) → a
first name typed → the invitation (a one-time link and its QR code, made by the service).

The buttons carry all they need (``inv:client``, ``inv:buddy``, ``inv:for:<client>``,
``inv:cancel``), so a press is decided without a state: :func:`press`. Only the typed name
needs one: what the professional's next text answers (:class:`Awaiting`), stored as the
awaited question of ``services/questions.py`` (its topic and data) so a restart or another
replica knows it: :func:`typed`. Who may invite whom (an active professional, their own
client) is checked by ``services/invitations.py``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

# The awaited question's topics: a client's first name, or a buddy's for a client.
TOPIC_CLIENT = "invite.client"
TOPIC_BUDDY = "invite.buddy"
TOPIC_COORDINATOR = "invite.coordinator"
# A first name is short: it is shown in buttons and greetings.
NAME_MAX = 40


class Choice(Enum):
    """A button of /invite; the value is the callback data's part."""

    CLIENT = "client"
    BUDDY = "buddy"  # then: for which client
    FOR_CLIENT = "for"
    COORDINATOR = "coord"  # a coordinator of the professional's organisation
    CANCEL = "cancel"


@dataclass(frozen=True)
class Press:
    """A decoded /invite button: ``inv:client``, ``inv:buddy``, ``inv:coord``,
    ``inv:cancel`` or ``inv:for:<client>`` (``client_id`` set for FOR_CLIENT only)."""

    choice: Choice
    client_id: int | None = None


def parse_press(parts: tuple[str, ...]) -> Press | None:
    """The callback data's parts as a press; None when malformed."""
    if parts in {("client",), ("buddy",), ("cancel",), ("coord",)}:
        return Press(Choice(parts[0]))
    if len(parts) == 2 and parts[0] == Choice.FOR_CLIENT.value and parts[1].isdigit():
        return Press(Choice.FOR_CLIENT, int(parts[1]))
    return None


@dataclass(frozen=True)
class Awaiting:
    """A first name is awaited: a client's (``for_client`` None), a buddy's for client
    ``for_client``, or (``coordinator``) a coordinator's of the professional's organisation."""

    for_client: int | None = None
    coordinator: bool = False


def to_question(state: Awaiting) -> tuple[str, dict[str, Any]]:
    """The awaited question's topic and data for ``state``."""
    if state.coordinator:
        return TOPIC_COORDINATOR, {}
    if state.for_client is None:
        return TOPIC_CLIENT, {}
    return TOPIC_BUDDY, {"client_id": state.for_client}


def from_question(topic: str, data: Mapping[str, Any]) -> Awaiting | None:
    """The state an awaited question holds; None when it is not one of /invite's."""
    if topic == TOPIC_CLIENT:
        return Awaiting()
    if topic == TOPIC_COORDINATOR:
        return Awaiting(coordinator=True)
    if topic == TOPIC_BUDDY and "client_id" in data:
        return Awaiting(int(data["client_id"]))
    return None


def clean_name(text: str) -> str | None:
    """A first name as typed: trimmed, control characters removed, 1-40 characters; else None."""
    visible = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    name = " ".join(visible.split())
    return name if 1 <= len(name) <= NAME_MAX else None


# ------------------------------------------------------------------ outcomes


@dataclass(frozen=True)
class AskName:
    """Ask for a first name: the awaited question becomes ``state`` (replacing any)."""

    state: Awaiting


@dataclass(frozen=True)
class PickClient:
    """A buddy is for one of the professional's clients: list them. The awaited question
    is left as it is (a name asked for earlier is still what typed text answers)."""


@dataclass(frozen=True)
class Cancelled:
    """Nobody is invited: the awaited question is forgotten."""


@dataclass(frozen=True)
class BadName:
    """The typed text is no first name: ask again, the awaited question stays ``state``."""

    state: Awaiting


@dataclass(frozen=True)
class Invite:
    """Invite ``name`` as ``state`` says (a client, or a buddy for a client); the awaited
    question is then forgotten."""

    state: Awaiting
    name: str


PressOutcome = AskName | PickClient | Cancelled
TypedOutcome = BadName | Invite


def press(event: Press) -> PressOutcome:
    """What a button of /invite leads to."""
    if event.choice is Choice.CANCEL:
        return Cancelled()
    if event.choice is Choice.BUDDY:
        return PickClient()
    if event.choice is Choice.CLIENT:
        return AskName(Awaiting())
    if event.choice is Choice.COORDINATOR:
        return AskName(Awaiting(coordinator=True))
    # A FOR_CLIENT press always names its client (parse_press); 0 is nobody's client.
    return AskName(Awaiting(event.client_id or 0))


def typed(state: Awaiting, text: str) -> TypedOutcome:
    """A text typed while a first name is awaited: the invitation when it is a name
    (:func:`clean_name`), else the question again."""
    name = clean_name(text)
    return BadName(state) if name is None else Invite(state, name)
