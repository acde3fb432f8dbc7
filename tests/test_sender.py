"""Every message to someone who did not just write goes through one sender with one error
policy: a note to a professional is retried after a server error like a prompt is, and
someone who blocked the bot is not retried in a loop."""

from __future__ import annotations

from telegram import Bot

from buddybot import sender
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from tests.test_privacy_rights import _client_and_buddy


async def test_a_note_to_a_professional_is_retried_after_a_server_error(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, _ = await _client_and_buddy(bot, sandbox)
    question = await amira.ask("/stop")
    # The next sendMessage is the note to Els (the answer to Amira is an edit): it fails
    # once with a server error, and the sender tries again.
    fault = sandbox.inject_fault("sendMessage", 502)
    await amira.press(question, "Yes, I'll stop")
    assert "na 30 dagen gewist" in (await els.next_message()).content
    assert fault.times == 0  # the fault was hit, and the note still arrived
    assert len(sandbox.calls_of("sendMessage")) >= 2


async def test_the_sender_gives_up_on_someone_who_blocked_the_bot(
    sandbox: TelegramSandbox,
) -> None:
    els = sandbox.user("Els", language_code="nl")
    await els.block()
    async with Bot(DEFAULT_TOKEN, base_url=sandbox.api_url) as bot:
        sent = await sender.send(bot, els.id, "Amira's data was erased.", what="test")
        assert sent.delivery is sender.Delivery.GONE
        # A temporary error that does not go away: kept for later, after a few tries.
        sandbox.inject_fault("sendMessage", 500, times=sender.SEND_ATTEMPTS)
        later = await sender.send(bot, 1, "x", what="test")
    assert later.delivery is sender.Delivery.LATER


async def test_a_message_telegram_refuses_is_not_taken_for_an_unreachable_person(
    sandbox: TelegramSandbox,
) -> None:
    els = sandbox.user("Els", language_code="nl")
    async with Bot(DEFAULT_TOKEN, base_url=sandbox.api_url) as bot:
        sandbox.inject_fault(
            "sendMessage", 400, description="Bad Request: can't parse entities: bad tag"
        )
        refused = await sender.send(bot, els.id, "<b>oops", what="test")
        gone = await sender.send(bot, 987654321, "hello", what="test")  # no such chat
        sent = await sender.send(bot, els.id, "hello", what="test")
    assert refused.delivery is sender.Delivery.REFUSED
    assert gone.delivery is sender.Delivery.GONE
    assert sent.ok
