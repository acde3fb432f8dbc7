"""A professional answers a client's message (issue 18, item 4): "↩️ Reply to Amira" under
the message passed on, the answer typed, delivered through the outbox in the client's
language and written to the audit log; the button is checked again on every press."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.storage.models import AuditLog
from tests.clocked import client_id_of, outbox_sent, prompted, with_network
from tests.journeys import joined_client, professional_invitation

STALE = "werkt niet meer"


async def _amira_writes(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, text: str
) -> tuple[SandboxUser, SandboxUser, list[ChatMessage]]:
    """Els (Dutch) and Amira (English); Amira answers a check-in and writes ``text`` to
    Els; returns the message(s) Els got."""
    els, amira = await joined_client(bot, sandbox)
    await with_network(bot, await client_id_of(bot, amira), "Mama")
    amira.catch_up()
    prompt = await prompted(bot, clock, amira)
    for tap in ("Nobody", "🙂", "🙂", "💬 Tell Els something"):
        await amira.tap(prompt, tap)
    els.catch_up()
    await amira.ask(text)
    await outbox_sent(bot)
    return els, amira, els.catch_up()


async def _audit(bot: BotProcess, action: str) -> list[AuditLog]:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        return list(await session.scalars(select(AuditLog).where(AuditLog.action == action)))


async def test_els_answers_amiras_message_and_amira_reads_it_in_her_own_language(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, (forwarded,) = await _amira_writes(
        clocked_bot, sandbox, clock, "Can we talk on Friday?"
    )
    assert forwarded.content == "💬 Amira schrijft: Can we talk on Friday?"
    assert [b.text for b in forwarded.buttons] == ["↩️ Antwoorden aan Amira"]

    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    asking = await els.next_message()
    assert asking.content.startswith("Typ hieronder je antwoord voor Amira.")
    assert [b.text for b in asking.buttons] == ["✖️ Annuleren"]
    amira.catch_up()
    sent = await els.ask("Ja hoor, vrijdag om 10 uur bel ik je. <Tot dan> & groetjes")
    assert sent.content == "Verstuurd naar Amira ✅"
    answer = await amira.next_message()
    assert answer.content == (
        "💬 Els answers you: Ja hoor, vrijdag om 10 uur bel ik je. <Tot dan> & groetjes"
    )
    await outbox_sent(clocked_bot)

    amira_id = await client_id_of(clocked_bot, amira)
    (line,) = await _audit(clocked_bot, "client.reply")
    assert (line.actor_kind, line.subject_kind, line.subject_id) == (
        "professional",
        "participant",
        amira_id,
    )
    assert "vrijdag" not in str(line.detail)  # ids and counts only, never the text
    # The answer was the answer: Els's next text is not sent to Amira again.
    await els.ask("nog iets")
    await asyncio.sleep(0.2)
    assert amira.catch_up() == []
    assert len(await _audit(clocked_bot, "client.reply")) == 1


async def test_a_long_answer_reaches_the_client_whole_in_numbered_parts(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    long_message = " ".join(f"word{n}" for n in range(700))  # two parts for Els
    els, amira, parts = await _amira_writes(clocked_bot, sandbox, clock, long_message)
    assert [len(part.buttons) for part in parts] == [0, 1]  # Reply under the last part
    await els.press(parts[-1], "↩️ Antwoorden aan Amira")
    await els.next_message()
    answer = " ".join(f"antwoord{n}" for n in range(400))  # 4,289 characters
    amira.catch_up()
    assert (await els.ask(answer)).content == "Verstuurd naar Amira ✅"
    first, second = await amira.next_message(), await amira.next_message()
    assert first.content.startswith("💬 Els answers you (1 of 2): antwoord0 ")
    assert second.content.startswith("💬 Els answers you (2 of 2): ")
    assert all(len(m.content) <= 4096 for m in (first, second))
    whole = (
        first.content.removeprefix("💬 Els answers you (1 of 2): ")
        + " "
        + second.content.removeprefix("💬 Els answers you (2 of 2): ")
    )
    assert whole == answer


async def test_a_forged_or_foreign_reply_button_is_refused_and_nothing_reaches_the_client(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, (forwarded,) = await _amira_writes(clocked_bot, sandbox, clock, "Hello Els")
    data = forwarded.buttons[0].callback_data
    assert data is not None
    # Piet, a professional of another organisation, presses Els's button.
    piet = sandbox.user("Piet", language_code="nl")
    await piet.ask(f"/start {await professional_invitation(clocked_bot, 'Kring Brugge')}")
    press = await piet.press_data(forwarded, data)
    assert STALE in str((await piet.answer_to(press)).text)
    # Amira herself, and Els with a client id that is not hers.
    for person, forged in ((amira, data), (els, "rp:999999"), (els, "rp:1:2")):
        press = await person.press_data(forwarded, forged)
        answer = await person.answer_to(press)
        assert "no longer works" in str(answer.text) or STALE in str(answer.text)
    # "rp:1:2" is no button the bot makes: stale before any look-up, so three refusals.
    assert len(await _audit(clocked_bot, "refused.client.reply")) == 3
    # Piet types: nothing is awaited from him, nothing reaches Amira.
    amira.catch_up()
    await piet.ask("Hallo Amira")
    await asyncio.sleep(0.2)
    assert amira.catch_up() == []
    assert await _audit(clocked_bot, "client.reply") == []


async def test_a_client_who_stopped_gets_no_answer_and_her_professional_is_told_plainly(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, (forwarded,) = await _amira_writes(clocked_bot, sandbox, clock, "Bye Els")
    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    await els.next_message()
    # Amira stops while Els is typing.
    await amira.press(await amira.ask("/stop"), "Yes, I'll stop")
    await sandbox.wait_for(lambda: any("gestopt" in m.content for m in els.unread()))
    els.catch_up()
    amira.catch_up()
    told = await els.ask("Jammer, het ga je goed!")
    assert told.content.startswith("Amira doet niet meer mee.")
    # And pressing Reply again says the same, before anything is typed.
    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    assert (await els.next_message()).content.startswith("Amira doet niet meer mee.")
    await asyncio.sleep(0.2)
    assert [m for m in amira.catch_up() if "Els" in m.content] == []
    assert await _audit(clocked_bot, "client.reply") == []


async def test_cancel_sends_nothing_and_the_next_text_is_no_answer(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, (forwarded,) = await _amira_writes(clocked_bot, sandbox, clock, "Hi")
    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    asking = await els.next_message()
    await els.tap(asking, "✖️ Annuleren")
    assert asking.content == "Oké, er is niets verstuurd."
    amira.catch_up()
    reply = await els.ask("Hallo Amira")
    assert "Verstuurd" not in reply.content
    await asyncio.sleep(0.2)
    assert amira.catch_up() == []
    assert await _audit(clocked_bot, "client.reply") == []


async def test_a_note_typed_after_moving_on_is_not_sent_to_the_client(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Found in review: Els tapped Reply, then looked at her clients and the digest, then
    typed a note for herself; it reached Amira as Els's answer."""
    els, amira, (forwarded,) = await _amira_writes(clocked_bot, sandbox, clock, "Hello Els")
    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    await els.next_message()
    await els.ask("/clients")
    els.catch_up()
    await els.tap_menu("📋 Weekoverzicht")
    await els.next_message()
    amira.catch_up()
    reply = await els.ask("notitie: bellen met de huisarts")
    assert "Verstuurd" not in reply.content
    await asyncio.sleep(0.3)
    assert amira.unread() == []
    assert await _audit(clocked_bot, "client.reply") == []


async def test_cancel_under_an_answer_to_another_client_leaves_this_one_open(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Found in review: Cancel under an older question (an answer to someone else) called
    off the answer now asked for."""
    els, amira, (forwarded,) = await _amira_writes(clocked_bot, sandbox, clock, "Hi Els")
    await els.press(forwarded, "↩️ Antwoorden aan Amira")
    asking = await els.next_message()
    amira_id = await client_id_of(clocked_bot, amira)
    await els.answer_to(await els.press_data(asking, f"rp:{amira_id + 1}:x"))
    amira.catch_up()
    sent = await els.ask("Tot morgen!")
    assert sent.content == "Verstuurd naar Amira ✅"
    assert (await amira.next_message()).content == "💬 Els answers you: Tot morgen!"
