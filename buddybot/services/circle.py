"""A client's own circle, changed one whole step at a time (the Mini App): move, rename,
remove, add. The chat asks the same in several button steps (``services/contacts.py``'s
drafts); here each change comes complete, and goes through the same functions, so the
history, the checks on names and the limit of ``MAX_CONTACTS`` are the chat's.

Only the client changes their own circle here; their professional sees the changes in the
weekly digest, as after a change in the chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows.invitation import clean_name
from buddybot.network import CIRCLES, Contact, ContactKind, Domain, same_label
from buddybot.services import access, contacts, people
from buddybot.services.contacts import Editing, Editor, NetworkFullError
from buddybot.services.people import Role
from buddybot.storage import contacts as stored
from buddybot.storage import models
from buddybot.storage.database import Database

ACTION = "webapp.circle"


class Problem(StrEnum):
    """Why a change was not made; the person is told kindly and nothing changes."""

    BAD_LABEL = "bad_label"  # empty, or longer than a name may be
    TAKEN = "taken"  # a new contact with a name already on the circle
    FULL = "full"  # MAX_CONTACTS reached
    GONE = "gone"  # the contact is off the map already (changed on another screen)


@dataclass(frozen=True)
class Circle:
    """The client's circle now, for the client."""

    editing: Editing
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Done:
    """The change is made: ``contact`` as it is now (as it was, when removed), and the
    circle after it."""

    contact: Contact
    circle: Circle


@dataclass(frozen=True)
class NotDone:
    """The change was not made, and why."""

    problem: Problem
    label: str = ""  # the name concerned, for the kind answer


async def own_circle(database: Database, telegram_user_id: int) -> Circle | None:
    """The circle of the client behind this account; None (refusal written) for anyone
    else, or a client who said /stop."""
    async with database.transaction() as session:
        editing = await _own(session, telegram_user_id)
        return None if editing is None else await _circle(session, editing)


async def move(
    database: Database,
    telegram_user_id: int,
    contact_id: int,
    circle: int,
    domain: Domain,
    now: datetime,
) -> Done | NotDone | None:
    """Put a contact in another circle (1-3) and life domain; ValueError for a circle that
    does not exist. None when refused (not the client's own contact: written)."""
    if circle not in CIRCLES:
        raise ValueError(f"no circle {circle}")
    return await _change(
        database,
        telegram_user_id,
        contact_id,
        now,
        lambda contact: replace(contact, circle=circle, domain=domain),
    )


async def rename(
    database: Database, telegram_user_id: int, contact_id: int, label: str, now: datetime
) -> Done | NotDone | None:
    """Give a contact another name, cleaned as a typed name is (NotDone BAD_LABEL when
    nothing is left of it, or it is too long). None when refused."""
    cleaned = clean_name(label)
    if cleaned is None:
        return NotDone(Problem.BAD_LABEL)
    return await _change(
        database,
        telegram_user_id,
        contact_id,
        now,
        lambda contact: replace(contact, label=cleaned),
    )


async def remove(
    database: Database, telegram_user_id: int, contact_id: int, now: datetime
) -> Done | NotDone | None:
    """Take a contact off the circle (the history keeps it). None when refused."""

    async def take_off(session: AsyncSession, record: models.Contact, by: Editor) -> Contact:
        return await contacts.remove_contact(session, record, by=by, now=now)

    return await _on_contact(database, telegram_user_id, contact_id, take_off)


async def add(
    database: Database,
    telegram_user_id: int,
    label: str,
    kind: ContactKind,
    circle: int,
    domain: Domain,
    now: datetime,
    *,
    anyway: bool = False,
) -> Done | NotDone | None:
    """Put someone new on the circle. A name already there is NotDone TAKEN unless
    ``anyway`` (the chat asks "add anyway?" too); NotDone FULL at MAX_CONTACTS;
    ValueError for a circle that does not exist. None when refused."""
    if circle not in CIRCLES:
        raise ValueError(f"no circle {circle}")
    cleaned = clean_name(label)
    if cleaned is None:
        return NotDone(Problem.BAD_LABEL)
    async with database.transaction() as session:
        editing = await _own(session, telegram_user_id)
        if editing is None:
            return None
        await stored.lock_map(session, editing.client_id)  # two screens at once take turns
        current = await contacts.current_map(session, editing.client_id)
        there = same_label(cleaned, current)
        if there is not None and not anyway:
            return NotDone(Problem.TAKEN, there.label)
        contact = Contact(0, kind, cleaned, circle, domain)
        try:
            added = await contacts.add_contact(
                session, editing.client_id, contact, by=editing.editor, now=now
            )
        except NetworkFullError:
            return NotDone(Problem.FULL)
        return Done(added, await _circle(session, editing))


async def _own(session: AsyncSession, telegram_user_id: int) -> Editing | None:
    """The client editing their own circle; anyone else refused (written)."""
    person = await people.identify(session, telegram_user_id)
    if person.role is not Role.CLIENT or person.record_id is None:
        await access.refuse(session, telegram_user_id, ACTION, "participant", None)
        return None
    return await contacts.editing_of(session, telegram_user_id, person.record_id, ACTION)


async def _circle(session: AsyncSession, editing: Editing) -> Circle:
    return Circle(editing, tuple(await contacts.current_map(session, editing.client_id)))


async def _record(
    session: AsyncSession, telegram_user_id: int, editing: Editing, contact_id: int
) -> models.Contact | NotDone | None:
    """The contact to change: on this client's circle; GONE when it was taken off it
    already; None (written) for anyone else's or one that never existed."""
    record = await stored.record_by_id(session, contact_id)
    if record is None or record.client_id != editing.client_id:
        await access.refuse(session, telegram_user_id, f"{ACTION}.contact", "contact", contact_id)
        return None
    if record.removed_at is not None:
        return NotDone(Problem.GONE, record.label)
    return record


async def _change(
    database: Database,
    telegram_user_id: int,
    contact_id: int,
    now: datetime,
    changed: Callable[[Contact], Contact],
) -> Done | NotDone | None:
    async def update(session: AsyncSession, record: models.Contact, by: Editor) -> Contact:
        after = changed(contacts.as_contact(record))
        return await contacts.update_contact(session, record, after, by=by, now=now)

    return await _on_contact(database, telegram_user_id, contact_id, update)


async def _on_contact(
    database: Database,
    telegram_user_id: int,
    contact_id: int,
    act: Callable[[AsyncSession, models.Contact, Editor], Awaitable[Contact]],
) -> Done | NotDone | None:
    """``act`` on one of the client's own contacts, in one transaction."""
    async with database.transaction() as session:
        editing = await _own(session, telegram_user_id)
        if editing is None:
            return None
        record = await _record(session, telegram_user_id, editing, contact_id)
        if not isinstance(record, models.Contact):
            return record
        return Done(await act(session, record, editing.editor), await _circle(session, editing))
