"""The network buttons' callback data (``net:<action>[:…]``) decoded into typed presses: the
client's map (show, add, keep it as it is, pick a page), one contact (change, remove), or an
event of the open draft (``flows/contact_draft.py``). What a press names is re-checked by the
service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from buddybot.flows import contact_draft as flow
from buddybot.handlers.buttons import number
from buddybot.network import ContactKind, Domain, Frequency, Support
from buddybot.services.contacts import ContactAction

NET = "net"


class MapAction(Enum):
    """A button that names only the client."""

    SHOW = "show"
    ADD = "add"
    # "No" on removing a contact, Cancel under the list to pick one from: no draft is open
    # there, so this is not the draft's Cancel; nothing changes and the list comes back.
    KEEP = "keep"


class PickMode(Enum):
    """Picking a contact to change (c) or to remove (r)."""

    CHANGE = "c"
    REMOVE = "r"


@dataclass(frozen=True)
class NetworkPress:
    """A press of a network button, decoded (one of the kinds below)."""


@dataclass(frozen=True)
class MapPress(NetworkPress):
    """``net:show|add|keep:<client>``: the map again, start adding a contact, or leave the
    map as it is."""

    action: MapAction
    client_id: int


@dataclass(frozen=True)
class PickPress(NetworkPress):
    """``net:pick:<client>:c|r:<page>``: a page of contacts to change or remove one."""

    client_id: int
    mode: PickMode
    page: int


@dataclass(frozen=True)
class ContactPress(NetworkPress):
    """``net:edit|del|delyes:<client>:<contact>``: change, ask to remove, remove."""

    client_id: int
    contact_id: int
    action: ContactAction


@dataclass(frozen=True)
class DraftPress(NetworkPress):
    """A button of the open draft, as an event of the flow."""

    event: flow.Event


def parse_network(parts: tuple[str, ...]) -> NetworkPress | None:
    """``net:<action>[:…]`` as a typed press; None for data this feature does not know."""
    action, args = parts[0], parts[1:]
    if action in ("show", "add", "keep", "pick", "edit", "del", "delyes"):
        client_id = number(args[0]) if args else None
        return None if client_id is None else _client_press(action, client_id, args[1:])
    if len(args) > 1:
        return None  # every draft button carries one value at most
    event = _draft_event(action, args[0] if args else "")
    return None if event is None else DraftPress(event)


def _client_press(action: str, client_id: int, args: tuple[str, ...]) -> NetworkPress | None:
    if action in ("show", "add", "keep"):
        return None if args else MapPress(MapAction(action), client_id)
    if action == "pick":
        if len(args) != 2 or args[0] not in ("c", "r") or (page := number(args[1])) is None:
            return None
        mode = PickMode.CHANGE if args[0] == "c" else PickMode.REMOVE
        return PickPress(client_id, mode, page)
    if len(args) != 1 or (contact_id := number(args[0])) is None:
        return None
    return ContactPress(client_id, contact_id, ContactAction(action))


_SIMPLE_EVENTS: dict[str, flow.Event] = {
    "cancel": flow.Cancel(),
    "back": flow.Back(),
    "dup": flow.AddAnyway(),
    "next": flow.Next(),
}


def _draft_event(action: str, value: str) -> flow.Event | None:
    if action in _SIMPLE_EVENTS:
        return None if value else _SIMPLE_EVENTS[action]
    try:
        if action == "circle":
            return flow.ChooseCircle(int(value)) if value.isdigit() else None
        if action == "kind":
            return flow.ChooseKind(ContactKind(value))
        if action == "domain":
            return flow.ChooseDomain(Domain(value))
        if action == "sup":
            return flow.ToggleSupport(Support(value))
        if action == "freq":
            return flow.ChooseFrequency(Frequency(value))
        if action == "ch":
            return flow.ChangeField(flow.Field(value))
    except ValueError:
        pass  # a value this version does not know: the press is stale
    return None
