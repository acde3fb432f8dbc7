"""A client's network map in the database: contacts, their history, and drafts being filled in.

Every change writes a ``contact_change`` row with the contact as it is afterwards, so
``buddybot.network.map_at`` can rebuild the map at any date. Who may edit which client is
checked here through ``services/access.py`` for the functions that take the ``Database``
(one transaction each, for the network conversation); the ones that take a session leave it
to their caller and check only that a contact belongs to the client it is edited for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import contact_draft as flow
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
    same_label,
)
from buddybot.services import access
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import contacts as stored
from buddybot.storage import models
from buddybot.storage import questions as stored_questions
from buddybot.storage.database import Database
from buddybot.storage.models import ContactChange


class NetworkFullError(Exception):
    """The client already has the maximum number of contacts."""


@dataclass(frozen=True)
class Editor:
    """Who changes the map: the client, or their professional (then the client is told)."""

    kind: str  # "client" or "professional"
    record_id: int


# Other modules read contacts straight from their columns through these names.
as_contact = stored.as_contact
contact_from_columns = stored.contact_from_columns


async def current_map(session: AsyncSession, client_id: int) -> list[Contact]:
    """The client's contacts as they are now."""
    return [
        stored.as_contact(record) for record in await stored.current_records(session, client_id)
    ]


async def history(session: AsyncSession, client_id: int) -> list[Change]:
    """Every change of the client's map, oldest first."""
    return (await histories(session, [client_id]))[client_id]


async def histories(session: AsyncSession, client_ids: list[int]) -> dict[int, list[Change]]:
    """Every change of each client's map, oldest first, in one query."""
    changes: dict[int, list[Change]] = {client_id: [] for client_id in client_ids}
    for row in await stored.changes_of(session, client_ids):
        changes[row.client_id].append(
            Change(
                row.at,
                row.contact_id,
                ChangeKind(row.change),
                None
                if row.snapshot is None
                else stored.from_snapshot(row.contact_id, row.snapshot),
            )
        )
    return changes


async def contact_of(
    session: AsyncSession, client_id: int, contact_id: int
) -> models.Contact | None:
    """A contact on this client's current map; None for anyone else's or a removed one."""
    record = await stored.record_by_id(session, contact_id)
    if record is None or record.client_id != client_id or record.removed_at is not None:
        return None
    return record


async def _record_change(
    session: AsyncSession,
    record: models.Contact,
    kind: ChangeKind,
    contact: Contact | None,
    by: Editor,
    now: datetime,
) -> None:
    await stored.add_change(
        session,
        ContactChange(
            contact_id=record.id,
            client_id=record.client_id,
            at=now,
            change=kind.value,
            snapshot=None if contact is None else stored.snapshot(contact),
            by_kind=by.kind,
            by_id=by.record_id,
        ),
    )


async def add_contact(
    session: AsyncSession, client_id: int, contact: Contact, *, by: Editor, now: datetime
) -> Contact:
    """Put a contact on the map (``contact.contact_id`` is ignored). Someone who was taken off
    the map earlier under the same name comes back as the same contact, so comparing dates
    shows them moved rather than gone and new. Raises NetworkFullError at MAX_CONTACTS."""
    await stored.lock_map(session, client_id)
    if await stored.count_current(session, client_id) >= MAX_CONTACTS:
        raise NetworkFullError
    record = await _removed_with_label(session, client_id, contact.label)
    if record is None:
        record = await stored.new_record(session, client_id, now)
    record.removed_at = None
    stored.apply(record, contact)
    await stored.flush(session)
    added = stored.as_contact(record)
    await _record_change(session, record, ChangeKind.ADDED, added, by, now)
    return added


async def _removed_with_label(
    session: AsyncSession, client_id: int, label: str
) -> models.Contact | None:
    wanted = label_key(label)
    removed = await stored.removed_records(session, client_id)
    return next((r for r in removed if label_key(r.label) == wanted), None)


async def update_contact(
    session: AsyncSession, record: models.Contact, changed: Contact, *, by: Editor, now: datetime
) -> Contact:
    """Change a contact (circle, label, domain, …); the history names the change."""
    before = stored.as_contact(record)
    stored.apply(record, changed)
    after = stored.as_contact(record)
    if after != before:
        await _record_change(session, record, change_kind(before, after), after, by, now)
    return after


async def remove_contact(
    session: AsyncSession, record: models.Contact, *, by: Editor, now: datetime
) -> Contact:
    """Take a contact off the map; the history keeps what it was."""
    removed = stored.as_contact(record)
    record.removed_at = now
    await _record_change(session, record, ChangeKind.REMOVED, None, by, now)
    return removed


@dataclass
class Draft:
    """A contact being filled in: which client, which step, and what was chosen so far (the
    draft row; ``flows/contact_draft.py`` gives its meaning)."""

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

    def state(self) -> flow.State | None:
        """The flow's state this draft holds; None for one it cannot read."""
        return flow.from_row(self.step, self.data)


async def draft(session: AsyncSession, editor_telegram_id: int) -> Draft | None:
    """The draft this person is filling in, if any."""
    row = await stored.draft_row(session, editor_telegram_id)
    if row is None:
        return None
    return Draft(row.client_id, row.step, row.contact_id, dict(row.data))


async def save_draft(
    session: AsyncSession, editor_telegram_id: int, draft_: Draft, *, now: datetime
) -> None:
    """Start or update this person's draft (one at a time); an earlier typed question is
    let go: what they type now answers the draft."""
    await stored_questions.forget_awaited_answer(session, editor_telegram_id)
    await stored.put_draft(
        session,
        editor_telegram_id,
        client_id=draft_.client_id,
        contact_id=draft_.contact_id,
        step=draft_.step,
        data=draft_.data,
        now=now,
    )


async def drop_draft(session: AsyncSession, editor_telegram_id: int) -> None:
    """Forget this person's draft (done or cancelled)."""
    await stored.delete_draft(session, editor_telegram_id)


def next_step(step: str) -> str | None:
    """The step after this one while adding; None when the contact is complete."""
    following = flow.next_step(flow.Step(step))
    return None if following is None else following.value


def previous_step(step: str) -> str | None:
    """Where Back leads; None when Back leaves the flow (first step, or a single change)."""
    previous = flow.previous_step(flow.Step(step))
    return None if previous is None else previous.value


# ------------------------------------------------------------------ the network conversation


@dataclass(frozen=True)
class Editing:
    """Who edits whose map: the editor, and the client (to draw the map and to tell them
    about a change their professional made)."""

    editor: Editor
    client_id: int
    client_name: str
    client_telegram_id: int | None
    client_language: str | None

    @property
    def tells_client(self) -> bool:
        """A professional's change is told to the client (when they can be reached)."""
        return self.editor.kind == "professional" and self.client_telegram_id is not None


@dataclass(frozen=True)
class NetworkView:
    """A client's map now, for the person allowed to see and change it."""

    editing: Editing
    contacts: tuple[Contact, ...]


class MapEdit(Enum):
    """What an edit did to the map."""

    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


class EndReason(Enum):
    """Why a draft ended without saving."""

    CANCELLED = "cancelled"
    FULL = "full"


@dataclass(frozen=True)
class Asked:
    """The draft goes on: ask the question of ``state.step``."""

    state: flow.State


@dataclass(frozen=True)
class Ended:
    """The draft ended without a change; ``checkin_id`` leads back to its check-in."""

    reason: EndReason
    checkin_id: int | None


@dataclass(frozen=True)
class Saved:
    """The map changed: ``contact`` as it is now (or was, when removed)."""

    edit: MapEdit
    contact: Contact
    checkin_id: int | None = None


@dataclass(frozen=True)
class DraftAnswer:
    """What a step of the conversation led to, and for whom."""

    editing: Editing
    result: Asked | Ended | Saved


@dataclass(frozen=True)
class AlreadyRemoved:
    """ "Yes, remove" for a contact of this client that is off the map already (tapped twice,
    or removed from another message): nothing changes, it is done."""

    contact: Contact


class ContactAction(Enum):
    """What a button on one contact asks for."""

    CHANGE = "edit"
    ASK_REMOVE = "del"
    REMOVE = "delyes"


async def editing_of(
    session: AsyncSession, telegram_user_id: int, client_id: int, action: str = "network"
) -> Editing | None:
    """Who edits this client's map: the client, or their professional while consent stands
    (``access.client_or_professional``); None, with the refusal of ``action`` written, for
    anyone else."""
    allowed = await access.client_or_professional(session, telegram_user_id, client_id, action)
    if allowed is None:
        return None
    kind, record_id, client = allowed
    return Editing(
        Editor(kind, record_id),
        client.id,
        client.first_name or "",
        client.telegram_user_id,
        client.language,
    )


async def network_for(
    database: Database, telegram_user_id: int, client_id: int
) -> NetworkView | None:
    """The client's map for this person; None (refusal written) when they may not see it."""
    async with database.transaction() as session:
        editing = await editing_of(session, telegram_user_id, client_id)
        if editing is None:
            return None
        return NetworkView(editing, tuple(await current_map(session, client_id)))


async def start_adding(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> DraftAnswer | None:
    """Open a new draft (replacing any other) at its first step; None when refused."""
    async with database.transaction() as session:
        editing = await editing_of(session, telegram_user_id, client_id)
        if editing is None:
            return None
        state = flow.start_adding()
        await _keep(session, telegram_user_id, Draft(client_id, ""), state, now)
        return DraftAnswer(editing, Asked(state))


async def act_on_contact(
    database: Database,
    telegram_user_id: int,
    client_id: int,
    contact_id: int,
    action: ContactAction,
    now: datetime,
) -> tuple[Editing, Saved | Contact | AlreadyRemoved] | None:
    """Start changing a contact (a draft at "what"), or look at it before removing it (the
    contact), or remove it (Saved; AlreadyRemoved when it is off the map already). None when
    refused: not this person's client, or not a contact of the client (that refusal is
    written too); or stale: a contact of the client taken off the map earlier (not written:
    an old button of the client's own map, not a forged one)."""
    async with database.transaction() as session:
        editing = await editing_of(session, telegram_user_id, client_id)
        if editing is None:
            return None
        record = await stored.record_by_id(session, contact_id)
        if record is None or record.client_id != client_id:
            await access.refuse(session, telegram_user_id, "network.contact", "contact", contact_id)
            return None
        contact = stored.as_contact(record)
        if record.removed_at is not None:
            return (editing, AlreadyRemoved(contact)) if action is ContactAction.REMOVE else None
        if action is ContactAction.REMOVE:
            removed = await remove_contact(session, record, by=editing.editor, now=now)
            return editing, Saved(MapEdit.REMOVED, removed)
        if action is ContactAction.CHANGE:
            state = flow.start_changing(contact)
            await _keep(session, telegram_user_id, Draft(client_id, "", record.id), state, now)
        return editing, contact


async def press(
    database: Database, telegram_user_id: int, event: flow.Event, now: datetime
) -> DraftAnswer | None:
    """Apply a button of the open draft; None when there is no draft, the person may no
    longer edit its client, or the button belongs to another step."""
    async with database.transaction() as session:
        draft_ = await draft(session, telegram_user_id)
        return (
            None if draft_ is None else await _step(session, telegram_user_id, draft_, event, now)
        )


async def type_label(
    database: Database, telegram_user_id: int, draft_: Draft, label: str, now: datetime
) -> DraftAnswer | None:
    """A (cleaned) name typed for ``draft_``: the name of a new contact (a duplicate is asked
    about) or a changed name (saved). None when refused."""
    async with database.transaction() as session:
        taken = same_label(label, await current_map(session, draft_.client_id)) is not None
        event = flow.TypeLabel(label, taken)
        return await _step(session, telegram_user_id, draft_, event, now)


async def _step(
    session: AsyncSession, telegram_user_id: int, draft_: Draft, event: flow.Event, now: datetime
) -> DraftAnswer | None:
    editing = await editing_of(session, telegram_user_id, draft_.client_id)
    state = draft_.state()
    if editing is None or state is None:
        return None
    outcome = flow.advance(state, event)
    if isinstance(outcome, flow.Refused):
        return None
    if isinstance(outcome, flow.Ask):
        await _keep(session, telegram_user_id, draft_, outcome.state, now)
        return DraftAnswer(editing, Asked(outcome.state))
    await drop_draft(session, telegram_user_id)
    if isinstance(outcome, flow.Cancelled):
        return DraftAnswer(editing, Ended(EndReason.CANCELLED, state.checkin_id))
    if isinstance(outcome, flow.SaveNew):
        return DraftAnswer(editing, await _add(session, editing, outcome.state, now))
    record = await contact_of(session, draft_.client_id, draft_.contact_id or 0)
    if record is None:
        return None
    changed = outcome.state.contact(record.id)
    saved = await update_contact(session, record, changed, by=editing.editor, now=now)
    return DraftAnswer(editing, Saved(MapEdit.CHANGED, saved))


async def _add(
    session: AsyncSession, editing: Editing, state: flow.State, now: datetime
) -> Saved | Ended:
    try:
        added = await add_contact(
            session, editing.client_id, state.contact(0), by=editing.editor, now=now
        )
    except NetworkFullError:
        return Ended(EndReason.FULL, state.checkin_id)
    if state.checkin_id is not None:  # "Someone new" during a check-in: they were seen, too
        await stored_checkins.add_chosen_contact(
            session, state.checkin_id, editing.client_id, added.contact_id
        )
    return Saved(MapEdit.ADDED, added, state.checkin_id)


async def _keep(
    session: AsyncSession, telegram_user_id: int, draft_: Draft, state: flow.State, now: datetime
) -> None:
    kept = Draft(draft_.client_id, state.step.value, draft_.contact_id, flow.to_data(state))
    await save_draft(session, telegram_user_id, kept, now=now)
