"""Queries and writes on the network tables: contacts, their changes, and the drafts being
filled in. Records only; the rules (how many, who changed what) are in services/contacts.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.network import (
    Contact,
    ContactKind,
    Domain,
    Frequency,
    Support,
    tidy_label,
)
from buddybot.storage import models
from buddybot.storage.models import ContactChange, ContactDraft


def as_contact(record: models.Contact) -> Contact:
    """A contact record as the network map's plain value."""
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


def snapshot(contact: Contact) -> dict[str, Any]:
    """A contact as the JSON a change row keeps."""
    return {
        "kind": contact.kind.value,
        "label": contact.label,
        "circle": contact.circle,
        "domain": contact.domain.value,
        "support_received": sorted(s.value for s in contact.support_received),
        "support_given": sorted(s.value for s in contact.support_given),
        "frequency": contact.frequency.value if contact.frequency else None,
    }


def from_snapshot(contact_id: int, data: dict[str, Any]) -> Contact:
    """A contact from the JSON a change row keeps."""
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


def apply(record: models.Contact, contact: Contact) -> None:
    """Write a contact's values into its record (the label tidied)."""
    record.kind = contact.kind.value
    record.label = tidy_label(contact.label)
    record.circle = contact.circle
    record.domain = contact.domain.value
    record.support_received = sorted(s.value for s in contact.support_received)
    record.support_given = sorted(s.value for s in contact.support_given)
    record.frequency = contact.frequency.value if contact.frequency else None


async def current_records(session: AsyncSession, client_id: int) -> Sequence[models.Contact]:
    """The client's contacts on the map now, in the order they were first added."""
    records = await session.scalars(
        select(models.Contact)
        .where(models.Contact.client_id == client_id, models.Contact.removed_at.is_(None))
        .order_by(models.Contact.id)
    )
    return records.all()


async def lock_map(session: AsyncSession, client_id: int) -> None:
    """Hold the client's row until the transaction ends, so two changes of one map (two
    screens at once) take turns: the count and the names they check stay true. PostgreSQL
    only; SQLite lets one transaction write at a time anyway."""
    await session.execute(
        select(models.Participant.id).where(models.Participant.id == client_id).with_for_update()
    )


async def count_current(session: AsyncSession, client_id: int) -> int:
    """How many contacts the client's map holds now."""
    count = await session.scalar(
        select(func.count()).where(
            models.Contact.client_id == client_id, models.Contact.removed_at.is_(None)
        )
    )
    return count or 0


async def removed_records(session: AsyncSession, client_id: int) -> Sequence[models.Contact]:
    """The client's contacts taken off the map, the most recently removed first."""
    records = await session.scalars(
        select(models.Contact)
        .where(models.Contact.client_id == client_id, models.Contact.removed_at.is_not(None))
        .order_by(models.Contact.removed_at.desc())
    )
    return records.all()


async def record_by_id(session: AsyncSession, contact_id: int) -> models.Contact | None:
    """A contact record by id, whoever's and whether removed or not."""
    return await session.get(models.Contact, contact_id)


async def new_record(session: AsyncSession, client_id: int, now: datetime) -> models.Contact:
    """An empty contact record for the client, added to the session (the caller fills it)."""
    record = models.Contact(client_id=client_id, created_at=now)
    session.add(record)
    return record


async def flush(session: AsyncSession) -> None:
    """Write what changed so far (ids become known), inside the transaction."""
    await session.flush()


async def changes_of(session: AsyncSession, client_ids: list[int]) -> Sequence[ContactChange]:
    """Every change of these clients' maps, oldest first."""
    rows = await session.scalars(
        select(ContactChange)
        .where(ContactChange.client_id.in_(client_ids))
        .order_by(ContactChange.at, ContactChange.id)
    )
    return rows.all()


async def add_change(session: AsyncSession, change: ContactChange) -> None:
    """Write one change of a map."""
    session.add(change)
    await session.flush()


async def draft_row(session: AsyncSession, editor_telegram_id: int) -> ContactDraft | None:
    """The draft this Telegram account is filling in, if any."""
    return await session.get(ContactDraft, editor_telegram_id)


async def put_draft(
    session: AsyncSession,
    editor_telegram_id: int,
    *,
    client_id: int,
    contact_id: int | None,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Start or overwrite this account's draft (one at a time)."""
    row = await session.get(ContactDraft, editor_telegram_id)
    if row is None:
        row = ContactDraft(editor_telegram_id=editor_telegram_id)
        session.add(row)
    row.client_id = client_id
    row.contact_id = contact_id
    row.step = step
    row.data = dict(data)
    row.updated_at = now
    await session.flush()


async def delete_draft(session: AsyncSession, editor_telegram_id: int) -> None:
    """Forget this account's draft, if there is one."""
    row = await session.get(ContactDraft, editor_telegram_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
