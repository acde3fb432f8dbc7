"""Encryption at rest (issue 7, point 1): names, labels, notes, messages and Telegram user ids
are unreadable in the database; a person is still found by their Telegram id; keys rotate
in resumable batches; existing plain data is encrypted by the migration."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Table, Text, select, text, type_coerce
from sqlalchemy.dialects import sqlite

from buddybot.admin import new_key
from buddybot.clock import utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole
from buddybot.services import checkin_answers, contacts
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import crypto, keys, migrate, people, questions
from buddybot.storage.columns import SEAL, EncryptedValue
from buddybot.storage.database import Database
from buddybot.storage.models import Base, Checkin, CheckinStatus, Participant, Professional

TELEGRAM_ID = 7_310_442_981
PLAIN = ["Amira", "Els Peeters", "Grootmoeder Fatma", "Tot dinsdag!", str(TELEGRAM_ID)]


@pytest.fixture
def keyring() -> Iterator[crypto.Keyring]:
    """A keyring of this test's own, the run's keyring restored afterwards."""
    before = crypto.active()
    ring = crypto.Keyring.generate("k1")
    crypto.activate(ring)
    try:
        yield ring
    finally:
        crypto.activate(before)


def test_a_value_opens_only_with_its_key_and_for_its_column(keyring: crypto.Keyring) -> None:
    stored = keyring.encrypt("Mama", "contact.label")
    assert stored.startswith("k1:")
    assert "Mama" not in stored
    assert keyring.encrypt("Mama", "contact.label") != stored  # a fresh nonce each time
    assert keyring.decrypt(stored, "contact.label") == "Mama"
    with pytest.raises(crypto.EncryptionKeyError, match="does not decrypt"):
        keyring.decrypt(stored, "meetup.note")  # moved to another column
    with pytest.raises(crypto.EncryptionKeyError, match="not configured"):
        crypto.Keyring.generate("k9").decrypt(stored, "contact.label")
    again = crypto.Keyring.from_json(keyring.to_json())
    assert again.decrypt(stored, "contact.label") == "Mama"
    assert again.lookup(TELEGRAM_ID) == keyring.lookup(TELEGRAM_ID)
    assert crypto.Keyring.generate().lookup(TELEGRAM_ID) != keyring.lookup(TELEGRAM_ID)
    with pytest.raises(crypto.EncryptionKeyError, match="admin new-key"):
        crypto.Keyring.from_json('{"current": "k1"}')
    with pytest.raises(crypto.EncryptionKeyError, match="admin new-key"):
        crypto.load(None, None, ephemeral=False)


async def _store_a_client(
    database: Database,
    *,
    organisation_name: str = "Kring Gent",
    professional: tuple[str, int] = ("Els Peeters", 11),
    first_name: str = "Amira",
    telegram_user_id: int = TELEGRAM_ID,
    label: str = "Grootmoeder Fatma",
    message: str = "Tot dinsdag!",
) -> int:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, organisation_name)
        session.add(
            Professional(
                organisation_id=organisation.id,
                display_name=professional[0],
                telegram_user_id=professional[1],
            )
        )
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name=first_name,
            telegram_user_id=telegram_user_id,
        )
        await contacts.add_contact(
            session,
            client.id,
            Contact(0, ContactKind.PERSON, label, 1, Domain.FAMILY),
            by=contacts.Editor("client", client.id),
            now=utcnow(),
        )
        checkin = await checkin_answers.start_now(session, client, utcnow())
        checkin.data = {"message": message}
        return client.id


async def _store_two_clients(database: Database) -> tuple[int, int]:
    return await _store_a_client(database), await _store_a_client(
        database,
        organisation_name="Kring Brugge",
        professional=("Jan Claes", 12),
        first_name="Bram",
        telegram_user_id=TELEGRAM_ID + 1,
        label="Oom Karim",
        message="Tot vrijdag!",
    )


async def _swap(database: Database, table: str, column: str, key: str, rows: list[Any]) -> None:
    """Swap the stored values of ``column`` between two rows, as someone with access to the
    database could (plain SQL, no keys)."""
    select_one = text(f"SELECT {column} FROM {table} WHERE {key} = :key")
    update_one = text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key")
    async with database.begin() as connection:
        first, second = [
            (await connection.execute(select_one, {"key": row})).scalar_one() for row in rows
        ]
        await connection.execute(update_one, {"value": second, "key": rows[0]})
        await connection.execute(update_one, {"value": first, "key": rows[1]})


async def _every_stored_text(database: Database) -> str:
    """Every row of every table as the database holds it."""
    seen: list[str] = []
    async with database.begin() as connection:
        tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
        for table in tables:
            rows = await connection.execute(text(f'SELECT * FROM "{table}"'))
            seen += [repr(tuple(row)) for row in rows]
    return "\n".join(seen)


async def test_personal_content_is_unreadable_at_rest_and_people_are_still_found(
    database: Database, keyring: crypto.Keyring
) -> None:
    client_id = await _store_a_client(database)
    stored = await _every_stored_text(database)
    assert [plain for plain in PLAIN if plain in stored] == []
    async with database.transaction() as session:
        client = await people.participant_by_telegram_id(session, TELEGRAM_ID)
        assert client is not None
        assert client.id == client_id
        assert (client.first_name, client.telegram_user_id) == ("Amira", TELEGRAM_ID)
        assert [c.label for c in await contacts.current_map(session, client_id)] == [
            "Grootmoeder Fatma"
        ]
        assert await people.participant_by_telegram_id(session, TELEGRAM_ID + 1) is None


async def test_rotation_re_encrypts_in_batches_and_resumes_after_a_stop(
    database: Database, keyring: crypto.Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _store_a_client(database)
    rotated = keyring.with_new_key("k2")
    crypto.activate(rotated)
    real_encrypt = crypto.Keyring.encrypt
    calls = 0

    def failing_encrypt(self: crypto.Keyring, plaintext: str, purpose: str) -> str:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise RuntimeError("the machine stopped")
        return real_encrypt(self, plaintext, purpose)

    monkeypatch.setattr(crypto.Keyring, "encrypt", failing_encrypt)
    with pytest.raises(RuntimeError):
        await keys.rotate(database, batch=1)
    monkeypatch.setattr(crypto.Keyring, "encrypt", real_encrypt)
    counts = await keys.rotate(database, batch=1)
    # Seven values are encrypted (two names, two Telegram ids, a label, its history line,
    # the check-in's state); the first run finished three before it stopped.
    assert sum(counts.values()) == 7 - 3
    assert await keys.rotate(database, batch=1) == dict.fromkeys(counts, 0)
    # The old key can go: everything opens with the new one alone.
    crypto.activate(crypto.Keyring("k2", {"k2": rotated.keys["k2"]}, rotated.lookup_key))
    async with database.transaction() as session:
        client = await people.participant_by_telegram_id(session, TELEGRAM_ID)
        assert client is not None
        assert client.first_name == "Amira"
        checkin = await stored_checkins.current_open(session, client.id)
        assert checkin is not None
        assert checkin.data["message"] == "Tot dinsdag!"


async def test_the_migration_encrypts_what_was_stored_in_plain_text(
    database_url: str, keyring: crypto.Keyring
) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database, "0008")
        async with database.begin() as connection:
            await connection.execute(
                text("INSERT INTO organisation (id, name, created_at) VALUES (1, 'O', :now)"),
                {"now": utcnow()},
            )
            await connection.execute(
                text(
                    "INSERT INTO participant (id, organisation_id, role, telegram_user_id,"
                    " first_name, time_zone, status, created_at, updated_at) VALUES"
                    " (1, 1, 'client', :tid, 'Amira', 'Europe/Brussels', 'active', :now, :now)"
                ),
                {"tid": TELEGRAM_ID, "now": utcnow()},
            )
            # A row that points at the participant: rebuilding that table must not
            # delete it (SQLite's ON DELETE CASCADE during a table rebuild).
            await connection.execute(
                text(
                    "INSERT INTO contact (id, client_id, kind, label, circle, domain,"
                    " support_received, support_given, created_at) VALUES"
                    " (1, 1, 'person', 'Grootmoeder Fatma', 1, 'family', '[]', '[]', :now)"
                ),
                {"now": utcnow()},
            )
            await connection.execute(
                text(
                    "INSERT INTO awaited_answer (telegram_user_id, topic, data, asked_at)"
                    " VALUES (:tid, 'note', :data, :now)"
                ),
                {"tid": TELEGRAM_ID, "data": json.dumps({"typed": PLAIN[3]}), "now": utcnow()},
            )
        await migrate.upgrade(database)
        stored = await _every_stored_text(database)
        assert [plain for plain in PLAIN if plain in stored] == []
        async with database.transaction() as session:
            client = await people.participant_by_telegram_id(session, TELEGRAM_ID)
            assert client is not None
            assert client.first_name == "Amira"
            labels = [c.label for c in await contacts.current_map(session, client.id)]
            assert labels == ["Grootmoeder Fatma"]
            waiting: Any = await questions.awaited_answer(session, TELEGRAM_ID)
            assert waiting is not None
            assert waiting.data == {"typed": "Tot dinsdag!"}
        await migrate.downgrade(database, "0008")
        async with database.begin() as connection:
            query = text("SELECT telegram_user_id, first_name FROM participant")
            row = (await connection.execute(query)).one()
        assert (int(row[0]), row[1]) == (TELEGRAM_ID, "Amira")
    finally:
        await database.dispose()


def test_new_key_makes_a_private_key_file_and_adds_a_current_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    assert "BUDDYBOT_KEY_FILE" in new_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = crypto.Keyring.from_json(path.read_text())
    assert "rotate-key" in new_key(path)
    second = crypto.Keyring.from_json(path.read_text())
    assert (first.current, second.current) == ("k1", "k2")
    assert second.keys["k1"] == first.keys["k1"]
    assert second.lookup_key == first.lookup_key


def test_selecting_by_an_encrypted_column_is_not_possible_by_design() -> None:
    # Guard against a future "WHERE label = …", which would silently never match.
    statement = select(Professional).where(Professional.telegram_user_id == TELEGRAM_ID)
    assert "telegram_user_hash" in str(statement)


CHECKIN: Table = Base.metadata.tables["checkin"]
# Every encrypted column the two clients of `_store_two_clients` fill in two rows.
TWICE_STORED = {
    "professional.display_name",
    "professional.telegram_user_id",
    "participant.first_name",
    "participant.telegram_user_id",
    "contact.label",
    "contact_change.snapshot",
    "checkin.data",
}


async def _two_rows(database: Database, table: Table, column: Column[Any]) -> list[Any]:
    """The keys of the first two rows that hold a value in ``column``."""
    key = next(iter(table.primary_key.columns))
    async with database.begin() as connection:
        rows = await connection.execute(
            select(key).where(type_coerce(column, Text).is_not(None)).order_by(key).limit(2)
        )
        return list(rows.scalars())


async def _read(database: Database, table: Table, column: Column[Any], rows: list[Any]) -> None:
    key = next(iter(table.primary_key.columns))
    async with database.begin() as connection:
        values = list(await connection.scalars(select(column).where(key.in_(rows))))
    assert len(values) == len(rows)
    assert None not in values


async def test_a_value_swapped_between_two_rows_opens_in_neither(
    database: Database, keyring: crypto.Keyring
) -> None:
    await _store_two_clients(database)
    swapped = set()
    for table, column, purpose in keys.encrypted_columns():
        rows = await _two_rows(database, table, column)
        if len(rows) < 2:
            continue
        key = next(iter(table.primary_key.columns)).name
        await _swap(database, table.name, column.name, key, rows)
        for row in rows:
            with pytest.raises(crypto.EncryptionKeyError) as refused:
                await _read(database, table, column, [row])
            assert str(refused.value).startswith(f"A value of {purpose}@")
            assert "does not decrypt with key 'k1'" in str(refused.value)
        await _swap(database, table.name, column.name, key, rows)  # each back in its own row
        await _read(database, table, column, rows)
        swapped.add(purpose)
    assert swapped >= TWICE_STORED


async def test_a_client_whose_name_was_swapped_is_refused_without_naming_anyone(
    database: Database, keyring: crypto.Keyring
) -> None:
    amira, bram = await _store_two_clients(database)
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Oostende")
        await people.add_participant(
            session, organisation, ParticipantRole.CLIENT, first_name="Lotte"
        )
    await _swap(database, "participant", "first_name", "id", [amira, bram])
    # The keys still fit the data at start-up: Lotte's name opens.
    await keys.check_fits(database, "the test's keys")
    for telegram_user_id in (TELEGRAM_ID, TELEGRAM_ID + 1):
        async with database.transaction() as session:
            with pytest.raises(crypto.EncryptionKeyError) as refused:
                await people.participant_by_telegram_id(session, telegram_user_id)
        message = str(refused.value)
        assert "participant.first_name" in message
        assert "moved in the database" in message
        assert [name for name in ("Amira", "Bram", str(TELEGRAM_ID)) if name in message] == []
        assert "\n" not in message
    await _swap(database, "participant", "first_name", "id", [amira, bram])
    async with database.transaction() as session:
        client = await people.participant_by_telegram_id(session, TELEGRAM_ID)
        assert client is not None
        assert client.first_name == "Amira"


async def test_check_ins_inserted_in_bulk_are_bound_to_their_rows(
    database: Database, keyring: crypto.Keyring
) -> None:
    client_id = await _store_a_client(database)
    slots = [datetime(2026, 12, day, 9, tzinfo=UTC) for day in (7, 8)]
    async with database.transaction() as session:
        await stored_checkins.add_slots(
            session,
            [
                {
                    "participant_id": client_id,
                    "slot_at": slot,
                    "local_date": slot.date(),
                    "status": CheckinStatus.SCHEDULED,
                    "attempts": 0,
                    **({"data": {"message": "Tot dinsdag!"}} if slot.day == 7 else {}),
                }
                for slot in slots
            ],
        )
    async with database.transaction() as session:
        rows = list(
            await session.scalars(select(Checkin).where(Checkin.slot_at.in_(slots)).order_by("id"))
        )
        assert [row.data for row in rows] == [{"message": "Tot dinsdag!"}, {}]
        assert len({row.seal for row in rows}) == 2
        ids = [row.id for row in rows]
    await _swap(database, "checkin", "data", "id", ids)
    with pytest.raises(crypto.EncryptionKeyError):
        await _read(database, CHECKIN, CHECKIN.c.data, ids[:1])


def test_an_encrypted_value_is_not_written_without_its_row() -> None:
    label = CHECKIN.c.data.type
    assert isinstance(label, EncryptedValue)
    with pytest.raises(TypeError, match=r"checkin\.data is written without its row"):
        label.process_bind_param({"message": "Tot dinsdag!"}, sqlite.dialect())
    for table, _column, _purpose in keys.encrypted_columns():
        assert SEAL in table.c, table.name


async def test_rotation_keeps_each_value_bound_to_its_row(
    database: Database, keyring: crypto.Keyring
) -> None:
    amira, bram = await _store_two_clients(database)
    rotated = keyring.with_new_key("k2")
    crypto.activate(rotated)
    counts = await keys.rotate(database, batch=2)
    assert sum(counts.values()) == 2 * 7
    crypto.activate(crypto.Keyring("k2", {"k2": rotated.keys["k2"]}, rotated.lookup_key))
    async with database.transaction() as session:
        names = [
            client.first_name
            for client in await session.scalars(select(Participant).order_by(Participant.id))
        ]
        assert names == ["Amira", "Bram"]
    await _swap(database, "participant", "first_name", "id", [amira, bram])
    async with database.transaction() as session:
        with pytest.raises(crypto.EncryptionKeyError, match="with key 'k2'"):
            await people.participant_by_telegram_id(session, TELEGRAM_ID)


async def test_the_migration_binds_stored_values_to_their_rows(
    database_url: str, keyring: crypto.Keyring
) -> None:
    """From 0014 (values bound to their column only) to the head and back."""
    database = Database(database_url)
    now = utcnow()

    def sealed(value: str, purpose: str) -> str:
        return keyring.encrypt(value, purpose)  # as 0009 to 0014 stored values

    try:
        await migrate.upgrade(database, "0014")
        async with database.begin() as connection:
            await connection.execute(
                text("INSERT INTO organisation (id, name, created_at) VALUES (1, 'O', :now)"),
                {"now": now},
            )
            for number, name in ((1, "Amira"), (2, "Bram")):
                await connection.execute(
                    text(
                        "INSERT INTO participant (id, organisation_id, role, telegram_user_hash,"
                        " telegram_user_secret, first_name, time_zone, status, created_at,"
                        " updated_at) VALUES (:id, 1, 'client', :hash, :secret, :name,"
                        " 'Europe/Brussels', 'active', :now, :now)"
                    ),
                    {
                        "id": number,
                        "hash": keyring.lookup(TELEGRAM_ID + number - 1),
                        "secret": sealed(
                            str(TELEGRAM_ID + number - 1), "participant.telegram_user_id"
                        ),
                        "name": sealed(name, "participant.first_name"),
                        "now": now,
                    },
                )
            await connection.execute(
                text(
                    "INSERT INTO contact (id, client_id, kind, label, circle, domain,"
                    " support_received, support_given, created_at) VALUES"
                    " (1, 1, 'person', :label, 1, 'family', '[]', '[]', :now)"
                ),
                {"label": sealed("Grootmoeder Fatma", "contact.label"), "now": now},
            )
            await connection.execute(
                text(
                    "INSERT INTO awaited_answer (telegram_user_id, topic, data, asked_at)"
                    " VALUES (:hash, 'note', :data, :now)"
                ),
                {
                    "hash": keyring.lookup(TELEGRAM_ID),
                    "data": sealed(json.dumps({"typed": "Tot dinsdag!"}), "awaited_answer.data"),
                    "now": now,
                },
            )
        await migrate.upgrade(database)
        stored = await _every_stored_text(database)
        assert [plain for plain in PLAIN if plain in stored] == []
        async with database.transaction() as session:
            client = await people.participant_by_telegram_id(session, TELEGRAM_ID)
            assert client is not None
            assert (client.first_name, client.telegram_user_id) == ("Amira", TELEGRAM_ID)
            labels = [c.label for c in await contacts.current_map(session, client.id)]
            assert labels == ["Grootmoeder Fatma"]
            waiting: Any = await questions.awaited_answer(session, TELEGRAM_ID)
            assert waiting.data == {"typed": "Tot dinsdag!"}
        await _swap(database, "participant", "first_name", "id", [1, 2])
        async with database.transaction() as session:
            with pytest.raises(crypto.EncryptionKeyError, match=r"participant\.first_name@"):
                await people.participant_by_telegram_id(session, TELEGRAM_ID)
        await _swap(database, "participant", "first_name", "id", [1, 2])
        await migrate.downgrade(database, "0014")
        async with database.begin() as connection:
            query = text("SELECT first_name FROM participant ORDER BY id")
            names = [
                keyring.decrypt(name, "participant.first_name")
                for name in (await connection.execute(query)).scalars()
            ]
        assert names == ["Amira", "Bram"]
    finally:
        await database.dispose()
