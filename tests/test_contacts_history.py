"""The network map in the database, on SQLite and PostgreSQL: history, map at a date,
a contact removed and added again, and the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from buddybot.network import MAX_CONTACTS, Contact, ContactKind, Domain, compare_dates, map_at
from buddybot.roles import ParticipantRole
from buddybot.services import contacts
from buddybot.services.contacts import Editor, NetworkFullError
from buddybot.storage import people
from buddybot.storage.database import Database

T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)
DAY = timedelta(days=1)


async def _client(database: Database) -> int:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        client = await people.add_participant(
            session, organisation, ParticipantRole.CLIENT, first_name="Amira"
        )
        return client.id


def person(label: str, circle: int, domain: Domain = Domain.FAMILY) -> Contact:
    return Contact(0, ContactKind.PERSON, label, circle, domain)


async def test_history_rebuilds_every_date_and_a_returning_contact_is_the_same(
    database: Database,
) -> None:
    client_id = await _client(database)
    me = Editor("client", client_id)
    async with database.transaction() as session:
        mama = await contacts.add_contact(session, client_id, person("Mama", 1), by=me, now=T0)
        jan = await contacts.add_contact(
            session, client_id, person("Jan", 3, Domain.LEISURE), by=me, now=T0
        )
        record = await contacts.contact_of(session, client_id, jan.contact_id)
        assert record is not None
        await contacts.update_contact(
            session, record, person("Jan", 2, Domain.LEISURE), by=me, now=T0 + 7 * DAY
        )
        mama_record = await contacts.contact_of(session, client_id, mama.contact_id)
        assert mama_record is not None
        await contacts.remove_contact(session, mama_record, by=me, now=T0 + 10 * DAY)
        back = await contacts.add_contact(
            session, client_id, person(" mama", 2), by=Editor("professional", 1), now=T0 + 20 * DAY
        )
    assert back.contact_id == mama.contact_id
    async with database.transaction() as session:
        history = await contacts.history(session, client_id)
        now = await contacts.current_map(session, client_id)
    assert [change.kind.value for change in history] == [
        "added",
        "added",
        "moved",
        "removed",
        "added",
    ]
    assert set(map_at(history, T0 + 15 * DAY)) == {jan.contact_id}
    across = compare_dates(history, T0 + DAY, T0 + 30 * DAY)
    assert across.added == across.removed == ()
    assert {(m.contact.label, m.from_circle, m.to_circle) for m in across.further} == {
        ("mama", 1, 2)
    }
    assert {(m.contact.label, m.from_circle, m.to_circle) for m in across.closer} == {("Jan", 3, 2)}
    assert sorted(c.label for c in now) == ["Jan", "mama"]


async def test_a_network_holds_at_most_a_hundred_contacts(database: Database) -> None:
    client_id = await _client(database)
    me = Editor("client", client_id)
    async with database.transaction() as session:
        for number in range(MAX_CONTACTS):
            await contacts.add_contact(session, client_id, person(f"P{number}", 3), by=me, now=T0)
        with pytest.raises(NetworkFullError):
            await contacts.add_contact(session, client_id, person("One more", 3), by=me, now=T0)
