"""A client's network map after Inclusieweb: contacts by circle and life domain, and its history.

Pure values and functions, no database and no Telegram: every change to the map is a
``Change``; the map at any moment is the replay of the changes up to that moment, and two
moments can be compared. Circles are integers (1 = very close … 3 = further away, 4 =
acquaintances and services), never pixels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_CONTACTS = 100
CIRCLES = (1, 2, 3)
OPTIONAL_CIRCLE = 4


class ContactKind(StrEnum):
    """What a contact is: a person, a group, an animal or a place."""

    PERSON = "person"
    GROUP = "group"
    ANIMAL = "animal"
    PLACE = "place"


class Domain(StrEnum):
    """Inclusieweb's ten life domains (sectors of the circle), in the order they are drawn."""

    FAMILY = "family"
    FRIENDS = "friends"
    WORK = "work"
    EDUCATION = "education"
    LEISURE = "leisure"
    NEIGHBOURHOOD = "neighbourhood"
    HOUSING = "housing"
    CARE = "care"
    FAITH = "faith"
    ONLINE = "online"


class Support(StrEnum):
    """Kinds of support received from, or given to, a contact."""

    EMOTIONAL = "emotional"
    COMPANY = "company"
    PRACTICAL = "practical"
    ADVICE = "advice"


class Frequency(StrEnum):
    """How often the client usually has contact."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    RARELY = "rarely"


class ChangeKind(StrEnum):
    """What happened to a contact."""

    ADDED = "added"
    MOVED = "moved"
    RELABELLED = "relabelled"
    CHANGED = "changed"  # domain, kind, support or frequency
    REMOVED = "removed"


@dataclass(frozen=True)
class Contact:
    """One entry of the network map, as it stands at some moment."""

    contact_id: int
    kind: ContactKind
    label: str
    circle: int
    domain: Domain
    support_received: frozenset[Support] = frozenset()
    support_given: frozenset[Support] = frozenset()
    frequency: Frequency | None = None


@dataclass(frozen=True)
class Change:
    """One change of the map. ``after`` is the contact after the change (None when removed)."""

    at: datetime
    contact_id: int
    kind: ChangeKind
    after: Contact | None


def map_at(changes: Iterable[Change], moment: datetime) -> dict[int, Contact]:
    """The network map as it was at ``moment``: every change up to and including it replayed.
    A contact removed and added again is on the map only outside the gap."""
    contacts: dict[int, Contact] = {}
    for change in sorted(changes, key=lambda item: item.at):
        if change.at > moment:
            break
        if change.kind is ChangeKind.REMOVED or change.after is None:
            contacts.pop(change.contact_id, None)
        else:
            contacts[change.contact_id] = change.after
    return contacts


@dataclass(frozen=True)
class Move:
    """A contact in another circle at the second moment than at the first."""

    contact: Contact
    from_circle: int
    to_circle: int

    @property
    def closer(self) -> bool:
        """True when the contact moved inwards (a smaller circle number)."""
        return self.to_circle < self.from_circle


@dataclass(frozen=True)
class Comparison:
    """What changed in the map between two moments."""

    added: tuple[Contact, ...]
    removed: tuple[Contact, ...]
    closer: tuple[Move, ...]
    further: tuple[Move, ...]

    @property
    def unchanged(self) -> bool:
        """True when nobody came, went or moved."""
        return not (self.added or self.removed or self.closer or self.further)


def compare(before: dict[int, Contact], after: dict[int, Contact]) -> Comparison:
    """Compare two maps (e.g. ``map_at`` of two dates): who is new, who is gone, who moved."""
    moves = [
        Move(after[contact_id], before[contact_id].circle, after[contact_id].circle)
        for contact_id in sorted(before.keys() & after.keys())
        if before[contact_id].circle != after[contact_id].circle
    ]
    return Comparison(
        added=tuple(after[i] for i in sorted(after.keys() - before.keys())),
        removed=tuple(before[i] for i in sorted(before.keys() - after.keys())),
        closer=tuple(move for move in moves if move.closer),
        further=tuple(move for move in moves if not move.closer),
    )


def compare_dates(changes: Iterable[Change], first: datetime, second: datetime) -> Comparison:
    """What changed between two moments, from the history of changes."""
    history = list(changes)
    return compare(map_at(history, first), map_at(history, second))


def change_kind(before: Contact, after: Contact) -> ChangeKind:
    """Name a change of one contact by what matters most: a move, a new name, or details."""
    if before.circle != after.circle:
        return ChangeKind.MOVED
    if before.label != after.label:
        return ChangeKind.RELABELLED
    return ChangeKind.CHANGED


def by_circle(contacts: Iterable[Contact]) -> dict[int, list[Contact]]:
    """Contacts grouped by circle (closest first), each group sorted by domain then label."""
    grouped: dict[int, list[Contact]] = {}
    order = list(Domain)
    for contact in sorted(
        contacts, key=lambda c: (c.circle, order.index(c.domain), c.label.casefold())
    ):
        grouped.setdefault(contact.circle, []).append(contact)
    return grouped


def tidy_label(label: str) -> str:
    """A label as stored: runs of spaces made one, no spaces around it."""
    return " ".join(label.split())


def label_key(label: str) -> str:
    """What makes two labels the same name: spaces and case do not count."""
    return tidy_label(label).casefold()


def same_label(label: str, contacts: Iterable[Contact]) -> Contact | None:
    """A contact already on the map with this label (ignoring case and spaces), if any."""
    wanted = label_key(label)
    return next((c for c in contacts if label_key(c.label) == wanted), None)
