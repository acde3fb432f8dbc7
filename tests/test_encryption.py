"""Encryption at rest (issue 7, point 1): names, labels, notes, messages and Telegram user ids
are unreadable in the database; a person is still found by their Telegram id; keys rotate
in resumable batches; existing plain data is encrypted by the migration."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from buddybot.admin import new_key
from buddybot.clock import utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole
from buddybot.services import checkin_answers, contacts
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import crypto, keys, migrate, people, questions
from buddybot.storage.database import Database
from buddybot.storage.models import Professional

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


async def _store_a_client(database: Database) -> int:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        professional = Professional(
            organisation_id=organisation.id, display_name="Els Peeters", telegram_user_id=11
        )
        session.add(professional)
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            telegram_user_id=TELEGRAM_ID,
        )
        await contacts.add_contact(
            session,
            client.id,
            Contact(0, ContactKind.PERSON, "Grootmoeder Fatma", 1, Domain.FAMILY),
            by=contacts.Editor("client", client.id),
            now=utcnow(),
        )
        checkin = await checkin_answers.start_now(session, client, utcnow())
        checkin.data = {"message": "Tot dinsdag!"}
        return client.id


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
