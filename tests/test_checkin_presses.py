"""A client taps through a whole check-in in the bot — who (two pages, a press delivered
twice), how for each contact, an old button, mood, satisfaction — on SQLite and on
PostgreSQL, and every answer is stored once."""

from __future__ import annotations

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage.models import Checkin, CheckinStatus, ContactEvent
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import joined_client


async def test_a_client_taps_who_and_how_on_each_database(
    clocked_bot_on_each_database: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
) -> None:
    bot = clocked_bot_on_each_database
    _, amira = await joined_client(bot, sandbox)
    client_id = await client_id_of(bot, amira)
    labels = [f"Buur {n}" for n in range(1, 12)]  # eleven: two pages of ten
    await with_network(bot, client_id, *labels)
    prompt = await prompted(bot, clock, amira)
    await amira.tap(prompt, "Buur 1")
    edits = prompt.edits
    press = await amira.press(prompt, "Buur 2")
    await amira.wait_for_edit(prompt, edits)
    await sandbox.deliver_again(press.update_id)  # would take Buur 2 off again
    await amira.tap(prompt, "Next ▶️")
    await amira.tap(prompt, "Buur 9")
    await amira.tap(prompt, "◀️ Previous")
    assert [b.text for b in prompt.buttons][:3] == ["✅ Buur 1", "✅ Buur 2", "Buur 10"]
    old_toggle = next(b.callback_data for b in prompt.buttons if b.text == "Buur 3")
    await amira.tap(prompt, "🔀 Different ways ➜")
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
    assert prompt.content.startswith("Thank you, Amira!")

    assert bot.database is not None
    async with bot.database.transaction() as session:
        checkin = await session.scalar(select(Checkin))
        assert checkin is not None
        events = list(await session.scalars(select(ContactEvent).order_by(ContactEvent.id)))
    assert checkin.status is CheckinStatus.ANSWERED
    assert [e.mode for e in events] == ["in_person", "call", "message"]
    assert checkin.data["chosen"] == [e.contact_id for e in events]  # Buur 1, 2 and 9
    assert checkin.data["modes"] == {str(e.contact_id): e.mode for e in events}
