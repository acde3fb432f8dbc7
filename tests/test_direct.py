"""The check-in press path on the driver's own connection (``storage.direct``): it reads and
writes exactly what the ORM reads and writes, keeps "one change per Telegram update", rolls
back on errors, and carries a client through the who/how questions in the bot, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from buddybot.clock import ManualClock, utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.services import checkins, contacts
from buddybot.storage import deliveries, direct, people
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, CheckinStatus, ContactEvent
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import joined_client

TELEGRAM_ID = 4242


async def _client_with_checkin(database: Database) -> int:
    """A client with two contacts and a check-in open at the "who" question; its id."""
    now = utcnow()
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring")
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            telegram_user_id=TELEGRAM_ID,
            status=ParticipantStatus.ACTIVE,
            language="nl",
        )
        for label, circle in (("Mémé 👵", 1), ("Jan", 2)):
            await contacts.add_contact(
                session,
                client.id,
                Contact(0, ContactKind.PERSON, label, circle, Domain.FAMILY),
                by=contacts.Editor("client", client.id),
                now=now,
            )
        checkin = await checkins.start_now(session, client, now)
        checkin.step, checkin.data = "who", {"since": None}
        return checkin.id


async def _stored(database: Database, checkin_id: int) -> tuple[str | None, dict[str, object]]:
    async with database.transaction() as session:
        checkin = await session.get(Checkin, checkin_id)
        assert checkin is not None
        await session.refresh(checkin)
        return checkin.step, checkin.data


async def test_a_press_reads_and_writes_what_the_orm_reads_and_writes(database: Database) -> None:
    checkin_id = await _client_with_checkin(database)
    async with database.transaction() as session:
        found = await checkins.open_checkin_with_map(session, TELEGRAM_ID, checkin_id)
    assert found is not None
    orm_checkin, orm_client, orm_network = found

    async with direct.transaction(database) as work:
        read = await checkins.pressed_checkin(work, TELEGRAM_ID, checkin_id)
        assert await checkins.pressed_checkin(work, TELEGRAM_ID + 1, checkin_id) is None
        assert await checkins.pressed_checkin(work, TELEGRAM_ID, checkin_id + 1) is None
    assert read is not None
    checkin, client, network = read
    assert network == orm_network
    assert [c.label for c in network] == ["Mémé 👵", "Jan"]  # decrypted, in map order
    assert checkin.status is CheckinStatus.SENT  # an enum, as the ORM gives it
    assert (checkin.id, checkin.step, checkin.data) == (checkin_id, "who", {"since": None})
    assert checkin.slot_at == orm_checkin.slot_at
    assert checkin.slot_at.utcoffset() is not None  # aware, as UtcDateTime reads it
    for column in ("id", "first_name", "language", "role", "status", "professional_id"):
        assert getattr(client, column) == getattr(orm_client, column)

    async with direct.transaction(database) as work:
        assert await checkins.answered_count_directly(work, client.id) == 0
        assert await checkins.professional_name_directly(work, None) == ""
    async with database.transaction() as session:
        answered = await session.get(Checkin, checkin_id)
        assert answered is not None
        answered.status = CheckinStatus.ANSWERED
    async with direct.transaction(database) as work:  # ANSWERED is written into the statement
        assert await checkins.answered_count_directly(work, client.id) == 1
    async with database.transaction() as session:
        assert await checkins.answered_count(session, client.id) == 1

    chosen = {"since": None, "chosen": [network[1].contact_id], "page": 0}
    checkin.step, checkin.data = "who", chosen
    async with direct.transaction(database) as work:
        await checkins.save_choice(work, checkin)
    assert await _stored(database, checkin_id) == ("who", chosen)
    async with database.begin() as connection:
        stored = (
            await connection.execute(
                text("SELECT data FROM checkin WHERE id = :id"), {"id": checkin_id}
            )
        ).scalar_one()
    assert "chosen" not in stored  # encrypted as the model stores it


async def test_a_press_changes_the_database_once_per_update_and_not_at_all_on_error(
    database: Database,
) -> None:
    checkin_id = await _client_with_checkin(database)

    async def press(update_id: int, step: str, *, fail: bool = False) -> None:
        deliveries.handling(update_id)
        async with direct.transaction(database) as work:
            read = await checkins.pressed_checkin(work, TELEGRAM_ID, checkin_id)
            assert read is not None
            read[0].step = step
            await checkins.save_choice(work, read[0])
            if fail:
                raise RuntimeError("the handler failed after writing")

    async def look(update_id: int) -> None:
        deliveries.handling(update_id)
        async with direct.transaction(database) as work:
            await checkins.pressed_checkin(work, TELEGRAM_ID, checkin_id)

    await press(7, "mode")
    assert (await _stored(database, checkin_id))[0] == "mode"
    with pytest.raises(deliveries.AlreadyHandledError):
        await press(7, "mood")  # the same update, delivered again
    assert (await _stored(database, checkin_id))[0] == "mode"
    with pytest.raises(deliveries.AlreadyHandledError):
        await look(7)  # only reading: looked up, and refused as well
    with pytest.raises(RuntimeError):
        await press(8, "mood", fail=True)
    assert (await _stored(database, checkin_id))[0] == "mode"  # rolled back, claim too
    await press(8, "mood")  # so the update can still be handled
    assert (await _stored(database, checkin_id))[0] == "mood"
    await look(9)  # a new update that only reads: nothing claimed
    await press(9, "who")
    assert (await _stored(database, checkin_id))[0] == "who"


async def test_a_client_taps_who_and_how_on_each_database(
    clocked_bot_on_each_database: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = clocked_bot_on_each_database
    saved: list[int] = []
    save_choice = checkins.save_choice

    async def counted(work: direct.Transaction, checkin: Checkin) -> None:
        saved.append(checkin.id)
        await save_choice(work, checkin)

    monkeypatch.setattr(checkins, "save_choice", counted)
    _, amira = await joined_client(bot, sandbox)
    client_id = await client_id_of(bot, amira)
    labels = [f"Buur {n}" for n in range(1, 10)]  # nine: two pages of eight
    await with_network(bot, client_id, *labels)
    prompt = await prompted(bot, clock, amira)
    await amira.tap(prompt, "▶️ Start")
    await amira.tap(prompt, "Buur 1")
    edits = prompt.edits
    press = await amira.press(prompt, "Buur 2")
    await amira.wait_for_edit(prompt, edits)
    await sandbox.deliver_again(press.update_id)  # would take Buur 2 off again
    await amira.tap(prompt, "Next ▶️")
    await amira.tap(prompt, "Buur 9")
    await amira.tap(prompt, "◀️ Previous")
    assert [b.text for b in prompt.buttons][:3] == ["✅ Buur 1", "✅ Buur 2", "Buur 3"]
    old_toggle = next(b.callback_data for b in prompt.buttons if b.text == "Buur 3")
    await amira.tap(prompt, "Done ➜")
    assert prompt.content == "How were you in touch with Buur 1?"
    await amira.tap(prompt, "🤝 Together")
    await amira.tap(prompt, "📞 Call")
    assert prompt.content == "How were you in touch with Buur 9?"
    assert old_toggle is not None
    stale = await amira.press_data(prompt, old_toggle)  # a button of the "who" question
    assert "already" in str((await amira.answer_to(stale)).text)
    assert prompt.content == "How were you in touch with Buur 9?"  # still where she is
    await amira.tap(prompt, "💬 Message")
    assert prompt.content.startswith("How do you feel today?")
    await amira.tap(prompt, "🙂")
    assert prompt.content.startswith("How happy are you with your contacts")  # the first
    await amira.tap(prompt, "😄")
    assert prompt.content.startswith("Would you like to tell Els something?")
    await amira.tap(prompt, "Skip")
    assert prompt.content.startswith("Thank you, Amira!")
    # Every who, how, mood and satisfaction press went the direct way (the second delivery of
    # "Buur 2" too, and was refused there); Start, the stale button and Skip the full one.
    assert len(saved) == 12

    assert bot.database is not None
    async with bot.database.transaction() as session:
        checkin = await session.scalar(select(Checkin))
        assert checkin is not None
        events = list(await session.scalars(select(ContactEvent).order_by(ContactEvent.id)))
    assert checkin.status is CheckinStatus.ANSWERED
    assert [e.mode for e in events] == ["in_person", "call", "message"]
    assert checkin.data["chosen"] == [e.contact_id for e in events]  # Buur 1, 2 and 9
    assert checkin.data["modes"] == {str(e.contact_id): e.mode for e in events}
