"""Typed text answers the question on screen: one typed question at a time, the newest
asker wins. A contact left half-added days ago does not take a check-in's message, and a
second /invite does not keep the first one's name question."""

from __future__ import annotations

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage.models import Checkin, CheckinStatus, Meetup
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import buddy_for, joined_client, professional_joins


async def test_a_draft_left_open_does_not_take_the_message_for_the_professional(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    await with_network(clocked_bot, await client_id_of(clocked_bot, amira), "Mama")
    amira.catch_up()
    await amira.send("/network")
    await amira.next_message()  # the circle
    menu = await amira.next_message()
    await amira.tap(menu, "➕ Add")  # and she walks away from it
    assert "Who or what" in menu.content
    prompt = await prompted(clocked_bot, clock, amira)
    await amira.tap(prompt, "Nobody")
    await amira.tap(prompt, "🙂")
    await amira.tap(prompt, "😄")
    await amira.tap(prompt, "💬 Tell Els something")
    els.catch_up()
    thanks = await amira.ask("Please call me tomorrow")
    assert thanks.content == (
        "✅ Thank you! I'll pass your message on to Els.\n\n"
        "May Els also let the team read your message?"
    )
    forwarded = await els.next_message()
    assert forwarded.content.endswith("Please call me tomorrow")
    # The half-added contact was let go: later text is not taken as its name.
    assert (await amira.ask("hello")).content == (
        "Sorry, I don't understand that. 🙂 Type /help to see what you can do."
    )


async def test_a_second_invite_does_not_keep_the_first_ones_name_question(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    first = await els.ask("/invite")
    await els.tap(first, "👤 Een cliënt")
    second = await els.ask("/invite")
    assert second.content == "Wie wil je uitnodigen?"
    typed = await els.ask("Xander")
    assert "Xander" not in typed.content
    assert "https://t.me/" not in typed.content
    await els.tap(second, "👤 Een cliënt")
    invitation = await els.ask("Xander")
    assert "Xander" in invitation.content


async def test_a_buddys_meetup_note_is_not_taken_as_why_they_did_not_meet(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    bram = await buddy_for(sandbox, els, amira)
    prompt = await prompted(clocked_bot, clock, bram)
    await bram.tap(prompt, "No")
    assert prompt.content.startswith("No problem! Would you like to say why?")
    # Instead of saying why, Bram logs a meetup after all and types its note.
    when = await bram.ask("/meetup")
    await bram.tap(when, "Today")
    await bram.tap(when, "🚶 Walk")
    await bram.tap(when, "Two hours")
    await bram.tap(when, "😄")
    assert when.content.startswith("Anything else to note?")
    saved = await bram.ask("We walked to the park.")
    assert saved.content == "Saved. ✅ That's 1 meetup this month. 💪"
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        meetup = await session.scalar(select(Meetup))
        checkin = await session.scalar(select(Checkin).order_by(Checkin.slot_at.desc()))
    assert meetup is not None
    assert meetup.note == "We walked to the park."
    assert checkin is not None
    assert checkin.status is CheckinStatus.ANSWERED
    assert "reason" not in checkin.data
