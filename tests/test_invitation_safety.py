"""Invitations and erasure (issue 16, item 8): a forwarded link tells a stranger as little
as possible and cannot be held for ever; the professional sees a held link and replaces it
in one tap; a client's erasure takes along what was made for them alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.services.invitations import PENDING_HOLD
from buddybot.storage.models import Invitation, Participant
from tests.journeys import code_in, invite, join, joined_client, professional_joins

TAKEN = "Someone else is already using this invitation"


async def test_a_forwarded_link_shows_no_name_and_its_hold_runs_out_whatever_the_reopening(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els = await professional_joins(clocked_bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Amira")
    stranger = sandbox.user("Stranger", language_code="en")
    welcome = await stranger.ask(f"/start {code}")
    assert "Amira" not in welcome.content  # who was invited is not for a stranger's eyes
    assert welcome.content.startswith("Hi! 👋 Els from Kring Gent invites you")
    amira = sandbox.user("Amira", language_code="en")
    for _ in range(5):  # the stranger opens it again and again
        clock.now += PENDING_HOLD / 5 - timedelta(minutes=1)
        await stranger.ask(f"/start {code}")
    assert TAKEN in (await amira.ask(f"/start {code}")).content  # still within the hold
    clock.now += timedelta(minutes=10)  # the hold from the first opening ran out
    joined = await join(amira, code, "English", "✅ I'll take part")
    assert "taking part" in joined.final.content


async def test_the_professional_sees_a_held_link_and_replaces_it_in_one_tap(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    old_code = await invite(els, "👤 Een cliënt", "Amira")
    stranger = sandbox.user("Stranger", language_code="en")
    await stranger.ask(f"/start {old_code}")
    listing = await els.ask("/invitations")
    assert "Iemand opende de link maar zei nog geen ja. Niet Amira?" in listing.content
    await els.press(listing, "🔁 Nieuwe link")
    await els.wait_for_edit(listing, 0)
    assert listing.content == "De oude link voor Amira werkt niet meer. Hier is een nieuwe."
    fresh = await els.next_message()
    assert fresh.photo is not None
    new_code = code_in(fresh)
    assert new_code != old_code
    assert "withdrawn" in (await stranger.ask(f"/start {old_code}")).content
    amira = sandbox.user("Amira", language_code="en")
    joined = await join(amira, new_code, "English", "✅ I'll take part")
    assert "taking part" in joined.final.content


async def test_a_clients_erasure_takes_the_buddy_invitation_made_for_them(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira = await joined_client(bot, sandbox)
    buddy_code = await invite(els, "🤝 Een buddy", "Bram", client="Amira")
    assert bot.database is not None
    async with bot.database.transaction() as session:
        before = await session.scalar(select(func.count()).select_from(Invitation))
    question = await amira.ask("/delete")
    await amira.press(question, "🗑️ Yes, erase everything")
    await amira.wait_for_edit(question, 0)
    async with bot.database.transaction() as session:
        people = list(await session.scalars(select(Participant.first_name)))
        after = await session.scalar(select(func.count()).select_from(Invitation))
    assert people == []  # Amira, and Bram who was invited for her alone
    assert before is not None
    assert after == before - 2
    bram = sandbox.user("Bram", language_code="en")
    assert "I don't know this link" in (await bram.ask(f"/start {buddy_code}")).content
