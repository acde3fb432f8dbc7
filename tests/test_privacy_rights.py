"""End to end: a copy of one's data, stopping with a way back, erasing everything, the purge."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import select, update

from buddybot.clock import utcnow
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.storage.models import AuditLog, Base, Participant
from tests.clocked import outbox_sent
from tests.journeys import add_contact, invite, join, professional_joins


async def _client_and_buddy(
    bot: BotProcess, sandbox: TelegramSandbox
) -> tuple[SandboxUser, SandboxUser, SandboxUser]:
    els = await professional_joins(bot, sandbox)
    amira = sandbox.user("Amira", language_code="en")
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), "English", "✅ I'll take part")
    assert "Amira" in (await els.next_message()).content
    bram = sandbox.user("Bram", language_code="nl")
    buddy_code = await invite(els, "🤝 Een buddy", "Bram", client="Amira")
    await join(bram, buddy_code, "Nederlands", "✅ Ik doe mee")
    assert "Bram" in (await els.next_message()).content
    ask = await amira.next_message()
    await amira.press(ask, "👍 Yes, fine")
    await amira.wait_for_edit(ask, 0)
    assert "Amira" in (await bram.next_message()).content
    assert "Bram" in (await els.next_message()).content
    return els, amira, bram


async def _everything_stored(bot: BotProcess) -> str:
    """Every row of every table, as text (times as ISO text: their microseconds, written
    as six digits, never pass for an id)."""
    assert bot.database is not None
    rows = []
    async with bot.database.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                values = [v.isoformat() if isinstance(v, datetime) else v for v in row]
                rows.append(repr(tuple(values)))
    return "\n".join(rows)


def _holds_number(stored: str, number: int) -> bool:
    """``number`` appears in ``stored`` as a number of its own, not inside a longer one."""
    return re.search(rf"(?<!\d){number}(?!\d)", stored) is not None


async def test_mydata_sends_everything_about_the_person_and_only_them(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, _ = await _client_and_buddy(bot, sandbox)
    caseload = await els.ask("/clients")
    await els.press(caseload, "Amira")
    await els.wait_for_edit(caseload, 0)

    reply = await amira.ask("/mydata")
    assert reply.document is not None
    assert reply.document.file_name == "buddybot-my-data.json"
    assert "all your data" in reply.content
    data = json.loads(reply.document.data)
    assert data["you"]["first_name"] == "Amira"
    assert data["you"]["telegram_user_id"] == amira.id
    assert data["you"]["language"] == "en"
    assert data["you"]["consent_given_on"] is not None
    assert data["your_professional"] == "Els"
    assert data["organisation"] == "Kring Gent"
    assert data["buddies"][0]["buddy"] == "Bram"
    assert data["buddies"][0]["you_agreed_on"] is not None
    assert {"who": "professional Els", "what": "client.viewed"}.items() <= (
        data["who_looked_at_or_changed_your_data"][-1].items()
    )
    assert "Noor" not in reply.document.data.decode()

    professional_copy = json.loads((await els.ask("/mydata")).document.data)  # type: ignore[union-attr]
    assert professional_copy["you"]["display_name"] == "Els"
    assert professional_copy["caseload"] == {"clients": 1, "buddies": 1}
    assert "Amira" not in json.dumps(professional_copy)

    stranger = sandbox.user("Stranger", language_code="en")
    assert (await stranger.ask("/mydata")).content == "I don't keep anything about you. 🙂"


async def test_delete_erases_every_trace_and_tells_the_professional(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, bram = await _client_and_buddy(bot, sandbox)
    amira.catch_up()
    await add_contact(
        amira,
        await amira.ask("/network"),  # an empty network: the list, no picture
        "🧑 Person",
        "Oma Secretname",
        "❤️ Very close: very important to me",
        "👪 Family",
    )
    assert "Oma Secretname" in await _everything_stored(bot)
    exported = json.loads((await amira.ask("/mydata")).document.data)  # type: ignore[union-attr]
    assert exported["network"][0]["name"] == "Oma Secretname"
    assert exported["network_changes"][0]["change"] == "added"

    question = await amira.ask("/delete")
    assert "erase everything about you" in question.content
    await amira.press(question, "No, don't erase anything")
    await amira.wait_for_edit(question, 0)
    assert question.content == "Okay, I didn't erase anything."
    assert "Amira" in await _everything_stored(bot)

    question = await amira.ask("/delete")
    await amira.press(question, "🗑️ Yes, erase everything")
    await amira.wait_for_edit(question, 0)
    assert question.content == "Everything is erased. All the best! 🌱"
    assert "buttons below are gone" in (await amira.next_message()).content
    assert amira.menu == []
    assert (await els.next_message()).content == "👋 Amira is gestopt en heeft alles laten wissen."
    await outbox_sent(bot)  # the note itself named her until it was sent

    stored = await _everything_stored(bot)
    assert "Amira" not in stored
    assert "Oma Secretname" not in stored
    assert not _holds_number(stored, amira.id)
    assert "Bram" in stored  # the buddy is a person of their own and stays
    assert "I'm BuddyBot" in (await amira.ask("/start")).content  # a stranger again
    assert bot.database is not None
    async with bot.database.transaction() as session:
        erased = await session.scalar(
            select(AuditLog).where(AuditLog.action == "participant.erased.delete")
        )
    assert erased is not None
    assert erased.detail is None
    assert "buddy: Bram" not in (await els.ask("/clients")).content
    assert bram.catch_up() == []


async def test_stop_then_come_back_then_stop_until_the_purge(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, _ = await _client_and_buddy(bot, sandbox)
    question = await amira.ask("/stop")
    assert "After 30 days I erase everything" in question.content
    await amira.press(question, "Yes, I'll stop")
    await amira.wait_for_edit(question, 0)
    assert "you've stopped" in question.content
    assert "buttons below are gone" in (await amira.next_message()).content
    assert amira.menu == []
    assert "na 30 dagen gewist" in (await els.next_message()).content
    assert (await amira.ask("/stop")).content.startswith("You've already stopped")
    assert "Amira: gestopt" in (await els.ask("/clients")).content

    offer = await amira.ask("/start")
    assert "You stopped using BuddyBot" in offer.content
    await amira.press(offer, "✅ Yes, I'll take part again")
    await amira.wait_for_edit(offer, 0)
    assert offer.content == "Welcome back, Amira! ✅ You're taking part again."
    assert "buttons are below" in (await amira.next_message()).content
    assert "💬 Check in" in amira.menu
    assert (await els.next_message()).content == "▶️ Amira doet weer mee."

    question = await amira.ask("/stop")
    await amira.press(question, "Yes, I'll stop")
    await amira.wait_for_edit(question, 0)
    els.catch_up()
    assert bot.database is not None
    assert bot.application is not None
    async with bot.database.transaction() as session:
        await session.execute(
            update(Participant)
            .where(Participant.telegram_user_id == amira.id)
            .values(consent_withdrawn_at=utcnow() - timedelta(days=31))
        )
    (purge_job,) = bot.application.job_queue.get_jobs_by_name("daily-purge")  # type: ignore[union-attr]
    await purge_job.run(bot.application)
    assert "Amira" in (await els.next_message()).content
    stored = await _everything_stored(bot)
    assert "Amira" not in stored
    assert not _holds_number(stored, amira.id)


async def test_an_older_stop_question_answers_from_what_is_true_now(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, _ = await _client_and_buddy(bot, sandbox)
    first = await amira.ask("/stop")
    second = await amira.ask("/stop")
    third = await amira.ask("/stop")
    await amira.tap(first, "Yes, I'll stop")
    assert "you've stopped" in first.content
    assert "na 30 dagen gewist" in (await els.next_message()).content

    # No (and Yes) on a question asked before: they stopped, and that is what they hear.
    await amira.tap(second, "No, I'll carry on")
    assert second.content == "You've already stopped. Want to come back? Type /start."
    await amira.tap(third, "Yes, I'll stop")
    assert third.content == "You've already stopped. Want to come back? Type /start."
    assert bot.database is not None
    async with bot.database.transaction() as session:
        stopped = await session.scalar(
            select(Participant.consent_withdrawn_at).where(Participant.telegram_user_id == amira.id)
        )
        withdrawn = list(
            await session.scalars(select(AuditLog.id).where(AuditLog.action == "consent.withdrawn"))
        )
    assert stopped is not None
    assert len(withdrawn) == 1
    assert els.unread() == []
    assert "Amira: gestopt" in (await els.ask("/clients")).content


async def test_questions_left_open_after_erasing_are_stale(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, _ = await _client_and_buddy(bot, sandbox)
    stop = await amira.ask("/stop")
    first = await amira.ask("/delete")
    second = await amira.ask("/delete")
    await amira.tap(first, "🗑️ Yes, erase everything")
    assert first.content == "Everything is erased. All the best! 🌱"
    assert "Amira" in (await els.next_message()).content

    # No on the other questions: everything is erased, so that is not "nothing erased".
    for question, button in (
        (second, "No, don't erase anything"),
        (second, "🗑️ Yes, erase everything"),
        (stop, "No, I'll carry on"),
    ):
        answer = await amira.answer_to(await amira.press(question, button))
        assert answer.text == "This button no longer works. Type /help to carry on."
    assert "erase everything about you" in second.content
    assert "After 30 days I erase everything" in stop.content
    assert "Amira" not in await _everything_stored(bot)
    assert els.unread() == []
