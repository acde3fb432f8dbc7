"""Each Telegram update changes the database at most once: Telegram delivers an update again
after a restart (polling) or an unanswered webhook call, and that second delivery must have
no effect (issue 7, point 2)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buddybot.clock import ManualClock, utcnow
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.services import privacy
from buddybot.storage import deliveries, migrate, people
from buddybot.storage.database import Database
from buddybot.storage.models import HandledUpdate, Organisation
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import joined_client


async def _organisations(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Organisation)) or 0)


async def test_the_first_change_claims_the_update_and_a_second_delivery_changes_nothing(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database)

        async def handle(update_id: int) -> None:
            deliveries.handling(update_id)
            async with database.transaction() as session:  # a look-up claims nothing
                await session.scalar(select(func.count()).select_from(Organisation))
            async with database.transaction() as session:
                await people.add_organisation(session, f"Org {update_id}")

        await asyncio.create_task(handle(41))
        assert await _organisations(database) == 1
        with pytest.raises(deliveries.AlreadyHandledError):
            await asyncio.create_task(handle(41))
        assert await _organisations(database) == 1  # rolled back
        await asyncio.create_task(handle(42))
        assert await _organisations(database) == 2
        # Outside an update (a scheduled job) nothing is claimed.
        async with database.transaction() as session:
            await people.add_organisation(session, "By the scheduler")
        async with database.transaction() as session:
            handled = list(await session.scalars(select(HandledUpdate.update_id)))
            assert sorted(handled) == [41, 42]
            old = utcnow() + privacy.HANDLED_UPDATE_HOLD + timedelta(minutes=1)
            assert await deliveries.forget_before(session, old) == 2
    finally:
        await database.dispose()


async def test_a_button_press_and_a_typed_answer_delivered_twice_count_once(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    await with_network(clocked_bot, await client_id_of(clocked_bot, amira), "Mama", "Jan")
    prompt = await prompted(clocked_bot, clock, amira)
    edits = prompt.edits
    press = await amira.press(prompt, "Mama")
    await amira.wait_for_edit(prompt, edits)
    await sandbox.deliver_again(press.update_id)  # would toggle Mama off again
    await amira.tap(prompt, "Jan")  # handled after the second delivery of Mama
    assert [b.text for b in prompt.buttons][:2] == ["✅ Mama", "✅ Jan"]
    await amira.tap(prompt, "🔀 Different ways ➜")
    await amira.tap(prompt, "🤝 Together")
    await amira.tap(prompt, "📞 Call")
    await amira.tap(prompt, "🙂")
    await amira.tap(prompt, "😄")
    assert prompt.content.startswith("Thank you, Amira!")
    await amira.tap(prompt, "💬 Tell Els something")
    els.catch_up()
    update_id = await amira.send("See you Tuesday!")
    thanks = await amira.next_message()
    assert thanks.content.startswith("✅ Thank you!")
    forwarded = await els.next_message()
    assert forwarded.content.endswith("See you Tuesday!")
    await sandbox.deliver_again(update_id)
    # The second delivery is handled before this command, and tells no one anything.
    await amira.ask("/help")
    assert els.catch_up() == []
    assert amira.catch_up() == []
