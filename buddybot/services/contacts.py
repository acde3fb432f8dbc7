"""A client's network map in the database: contacts, their history, and drafts being filled in.

Every change writes a ``contact_change`` row with the contact as it is afterwards, so
``buddybot.network.map_at`` can rebuild the map at any date. Who may edit which client is
checked by the caller (``services/access.py``); this module checks that a contact belongs to
the client it is edited for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.network import (
    MAX_CONTACTS,
    Change,
    ChangeKind,
    Contact,
    ContactKind,
    Domain,
    Frequency,
    Support,
    change_kind,
    label_key,
    tidy_label,
)
from buddybot.storage.models import ContactChange, ContactDraft, ContactRecord


class NetworkFullError(Exception):
    """The client already has the maximum number of contacts."""


@dataclass(frozen=True)
class Editor:
    """Who changes the map: the client, or their professional (then the client is told)."""

    kind: str  # "client" or "professional"
    record_id: int


def as_contact(record: ContactRecord) -> Contact:
    """A contact record as the network map's plain value."""
    return _contact(record)


def _contact(record: ContactRecord) -> Contact:
    return contact_from_columns(
        record.id,
        record.kind,
        record.label,
        record.circle,
        record.domain,
        record.support_received,
        record.support_given,
        record.frequency,
    )


def contact_from_columns(
    contact_id: int,
    kind: str,
    label: str,
    circle: int,
    domain: str,
    support_received: list[str],
    support_given: list[str],
    frequency: str | None,
) -> Contact:
    """A contact from the columns of its record (as read without the ORM, say)."""
    return Contact(
        contact_id,
        ContactKind(kind),
        label,
        circle,
        Domain(domain),
        frozenset(Support(s) for s in support_received),
        frozenset(Support(s) for s in support_given),
        Frequency(frequency) if frequency else None,
    )


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "kind": contact.kind.value,
        "label": contact.label,
        "circle": contact.circle,
        "domain": contact.domain.value,
        "support_received": sorted(s.value for s in contact.support_received),
        "support_given": sorted(s.value for s in contact.support_given),
        "frequency": contact.frequency.value if contact.frequency else None,
    }


def _from_snapshot(contact_id: int, data: dict[str, Any]) -> Contact:
    return Contact(
        contact_id,
        ContactKind(data["kind"]),
        data["label"],
        int(data["circle"]),
        Domain(data["domain"]),
        frozenset(Support(s) for s in data.get("support_received", [])),
        frozenset(Support(s) for s in data.get("support_given", [])),
        Frequency(data["frequency"]) if data.get("frequency") else None,
    )


def _apply(record: ContactRecord, contact: Contact) -> None:
    record.kind = contact.kind.value
    record.label = tidy_label(contact.label)
    record.circle = contact.circle
    record.domain = contact.domain.value
    record.support_received = sorted(s.value for s in contact.support_received)
    record.support_given = sorted(s.value for s in contact.support_given)
    record.frequency = contact.frequency.value if contact.frequency else None


async def current_map(session: AsyncSession, client_id: int) -> list[Contact]:
    """The client's contacts as they are now."""
    records = await session.scalars(
        select(ContactRecord)
        .where(ContactRecord.client_id == client_id, ContactRecord.removed_at.is_(None))
        .order_by(ContactRecord.id)
    )
    return [_contact(record) for record in records]


async def history(session: AsyncSession, client_id: int) -> list[Change]:
    """Every change of the client's map, oldest first."""
    return (await histories(session, [client_id]))[client_id]


async def histories(session: AsyncSession, client_ids: list[int]) -> dict[int, list[Change]]:
    """Every change of each client's map, oldest first, in one query."""
    rows = await session.scalars(
        select(ContactChange)
        .where(ContactChange.client_id.in_(client_ids))
        .order_by(ContactChange.at, ContactChange.id)
    )
    changes: dict[int, list[Change]] = {client_id: [] for client_id in client_ids}
    for row in rows:
        changes[row.client_id].append(
            Change(
                row.at,
                row.contact_id,
                ChangeKind(row.change),
                None if row.snapshot is None else _from_snapshot(row.contact_id, row.snapshot),
            )
        )
    return changes


async def contact_of(
    session: AsyncSession, client_id: int, contact_id: int
) -> ContactRecord | None:
    """A contact on this client's current map; None for anyone else's or a removed one."""
    record = await session.get(ContactRecord, contact_id)
    if record is None or record.client_id != client_id or record.removed_at is not None:
        return None
    return record


async def _record_change(
    session: AsyncSession,
    record: ContactRecord,
    kind: ChangeKind,
    contact: Contact | None,
    by: Editor,
    now: datetime,
) -> None:
    session.add(
        ContactChange(
            contact_id=record.id,
            client_id=record.client_id,
            at=now,
            change=kind.value,
            snapshot=None if contact is None else _snapshot(contact),
            by_kind=by.kind,
            by_id=by.record_id,
        )
    )
    await session.flush()


async def add_contact(
    session: AsyncSession, client_id: int, contact: Contact, *, by: Editor, now: datetime
) -> Contact:
    """Put a contact on the map (``contact.contact_id`` is ignored). Someone who was taken off
    the map earlier under the same name comes back as the same contact, so comparing dates
    shows them moved rather than gone and new."""
    count = await session.scalar(
        select(func.count()).where(
            ContactRecord.client_id == client_id, ContactRecord.removed_at.is_(None)
        )
    )
    if (count or 0) >= MAX_CONTACTS:
        raise NetworkFullError
    record = await _removed_with_label(session, client_id, contact.label)
    if record is None:
        record = ContactRecord(client_id=client_id, created_at=now)
        session.add(record)
    record.removed_at = None
    _apply(record, contact)
    await session.flush()
    added = _contact(record)
    await _record_change(session, record, ChangeKind.ADDED, added, by, now)
    return added


async def _removed_with_label(
    session: AsyncSession, client_id: int, label: str
) -> ContactRecord | None:
    removed = await session.scalars(
        select(ContactRecord)
        .where(ContactRecord.client_id == client_id, ContactRecord.removed_at.is_not(None))
        .order_by(ContactRecord.removed_at.desc())
    )
    wanted = label_key(label)
    return next((r for r in removed if label_key(r.label) == wanted), None)


async def update_contact(
    session: AsyncSession, record: ContactRecord, changed: Contact, *, by: Editor, now: datetime
) -> Contact:
    """Change a contact (circle, label, domain, …); the history names the change."""
    before = _contact(record)
    _apply(record, changed)
    after = _contact(record)
    if after != before:
        await _record_change(session, record, change_kind(before, after), after, by, now)
    return after


async def remove_contact(
    session: AsyncSession, record: ContactRecord, *, by: Editor, now: datetime
) -> Contact:
    """Take a contact off the map; the history keeps what it was."""
    removed = _contact(record)
    record.removed_at = now
    await _record_change(session, record, ChangeKind.REMOVED, None, by, now)
    return removed


@dataclass
class Draft:
    """A contact being filled in: which client, which step, and what was chosen so far."""

    client_id: int
    step: str
    contact_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def contact(self) -> Contact:
        """The contact as filled in (defaults for what was skipped)."""
        return Contact(
            self.contact_id or 0,
            ContactKind(self.data.get("kind", ContactKind.PERSON.value)),
            str(self.data.get("label", "")),
            int(self.data.get("circle", 1)),
            Domain(self.data.get("domain", Domain.FAMILY.value)),
            frozenset(Support(s) for s in self.data.get("support_received", [])),
            frozenset(Support(s) for s in self.data.get("support_given", [])),
            Frequency(self.data["frequency"]) if self.data.get("frequency") else None,
        )


def draft_data(record: ContactRecord) -> dict[str, Any]:
    """A draft's data filled with a contact as it is now (to change one thing of it)."""
    return _snapshot(_contact(record))


async def draft(session: AsyncSession, editor_telegram_id: int) -> Draft | None:
    """The draft this person is filling in, if any."""
    row = await session.get(ContactDraft, editor_telegram_id)
    if row is None:
        return None
    return Draft(row.client_id, row.step, row.contact_id, dict(row.data))


async def save_draft(
    session: AsyncSession, editor_telegram_id: int, draft_: Draft, *, now: datetime
) -> None:
    """Start or update this person's draft (one at a time)."""
    row = await session.get(ContactDraft, editor_telegram_id)
    if row is None:
        row = ContactDraft(editor_telegram_id=editor_telegram_id)
        session.add(row)
    row.client_id = draft_.client_id
    row.contact_id = draft_.contact_id
    row.step = draft_.step
    row.data = dict(draft_.data)
    row.updated_at = now
    await session.flush()


async def drop_draft(session: AsyncSession, editor_telegram_id: int) -> None:
    """Forget this person's draft (done or cancelled)."""
    row = await session.get(ContactDraft, editor_telegram_id)
    if row is not None:
        await session.delete(row)
        await session.flush()


# The steps of adding a contact, in order; the optional ones can be skipped.
ADD_STEPS = ("kind", "label", "circle", "domain", "received", "given", "frequency")
OPTIONAL_STEPS = frozenset({"received", "given", "frequency"})
# Changing one thing of an existing contact is a single step.
EDIT_STEPS = frozenset({"edit_circle", "edit_domain", "edit_label"})


def next_step(step: str) -> str | None:
    """The step after this one while adding; None when the contact is complete."""
    if step == "duplicate":
        return "circle"
    if step not in ADD_STEPS:
        return None
    index = ADD_STEPS.index(step)
    return ADD_STEPS[index + 1] if index + 1 < len(ADD_STEPS) else None


def previous_step(step: str) -> str | None:
    """Where Back leads; None when Back leaves the flow (first step, or a single change)."""
    if step == "duplicate":
        return "label"
    if step not in ADD_STEPS or step == ADD_STEPS[0]:
        return None
    return ADD_STEPS[ADD_STEPS.index(step) - 1]
