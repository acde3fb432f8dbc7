"""End to end, polling mode: the real bot against the sandbox, people talking to it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage import audit as stored_audit
from buddybot.storage import people
from buddybot.storage.models import AuditLog, Participant, Professional


async def _add_client(bot: BotProcess, telegram_user_id: int, first_name: str) -> None:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name=first_name,
            telegram_user_id=telegram_user_id,
            status=ParticipantStatus.ACTIVE,
        )


async def _count_rows(bot: BotProcess) -> int:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Participant, Professional, AuditLog)
        ]
    return sum(count or 0 for count in counts)


async def test_unknown_person_learns_what_the_bot_is_and_nothing_is_stored(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    amira = sandbox.user("Amira", language_code="nl")
    reply = await amira.ask("/start")
    assert "Ik ben BuddyBot" in reply.content
    assert "uitnodigingslink" in reply.content
    assert reply.buttons == []
    assert await _count_rows(bot) == 0


async def test_unknown_person_is_answered_in_their_app_language(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en-GB")
    reply = await sam.ask("/start")
    assert "I'm BuddyBot" in reply.content
    assert "invitation link" in reply.content


async def test_someone_from_elsewhere_gets_the_default_language(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    pierre = sandbox.user("Pierre", language_code="fr")
    assert "Ik ben BuddyBot" in (await pierre.ask("/start")).content


async def test_help_lists_the_commands_of_an_unknown_person(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en")
    reply = await sam.ask("/help")
    for command in ("/start", "/help", "/privacy", "/language"):
        assert command in reply.content
    assert "invitation link" in reply.content


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Jouw gegevens", "Wie ziet het?", "wissen", "24 maanden", "Telegram"]),
        ("en", ["Your data", "Who sees it?", "erase", "24 months", "Telegram"]),
    ],
)
async def test_privacy_notice_in_plain_language(
    bot: BotProcess, sandbox: TelegramSandbox, language: str, expected: list[str]
) -> None:
    """Short, with the rest a page at a time behind "Tell me more" (issue 17, item 4):
    everything the notice said is still there, over its pages."""
    person = sandbox.user("Noor", language_code=language)
    reply = await person.ask("/privacy")
    assert any(entity["type"] == "bold" for entity in reply.entities)
    pages = [reply.content]
    forward = ("ℹ️ Tell me more", "ℹ️ Vertel me meer", "Next ➜", "Verder ➜")
    while tapped := next((b.text for b in reply.buttons if b.text in forward), None):
        await person.tap(reply, tapped)
        pages.append(reply.content)
    notice = "\n".join(pages)
    for phrase in expected:
        assert phrase in notice


async def test_client_switches_language_and_it_is_remembered(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    amira = sandbox.user("Amira", language_code="nl")
    await _add_client(bot, amira.id, "Amira")
    assert "Hoi Amira" in (await amira.ask("/start")).content

    question = await amira.ask("/language")
    assert question.content == "Welke taal wil je?"
    assert [button.text for button in question.buttons] == ["Nederlands", "English"]
    press = await amira.press(question, "English")
    await amira.answer_to(press)
    await amira.wait_for_edit(question, 0)
    assert question.content == "Okay! From now on I'll speak English with you. ✅"
    assert question.buttons == []
    assert "now in English" in (await amira.next_message()).content
    assert amira.menu == ["💬 Check in", "👥 My network", "📅 My week", "❓ Help"]

    assert "Hi Amira" in (await amira.ask("/start")).content
    assert bot.database is not None
    async with bot.database.transaction() as session:
        client = await people.participant_by_telegram_id(session, amira.id)
        assert client is not None
        assert client.language == "en"
        audit = await stored_audit.audit_entries(session)
    assert [entry.action for entry in audit] == ["language.changed"]
    assert "Amira" not in str(audit[0].detail)
    personal_menu = sandbox.commands[(f"chat:{amira.id}", "")]
    assert personal_menu[0]["description"] == "Start, or greet me again"


async def test_unknown_person_choosing_a_language_stores_nothing(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="nl")
    question = await sam.ask("/language")
    await sam.press(question, "English")
    await sam.wait_for_edit(question, 0)
    assert "I can only remember this once you take part" in question.content
    assert await _count_rows(bot) == 0


async def test_command_menu_is_set_per_language(bot: BotProcess, sandbox: TelegramSandbox) -> None:
    assert sandbox.commands[("default", "nl")][2] == {
        "command": "privacy",
        "description": "Wat gebeurt er met mijn gegevens?",
    }
    assert sandbox.commands[("default", "en")][2]["description"] == "What happens to my data?"
    assert sandbox.commands[("default", "")] == sandbox.commands[("default", "nl")]


async def test_typed_text_gets_a_kind_pointer_to_help(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en")
    reply = await sam.ask("hello? what is this")
    assert "I don't understand" in reply.content
    assert "/help" in reply.content
    assert "don't understand" in (await sam.ask("/nonsense")).content


async def test_an_old_or_forged_button_gets_a_kind_note(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en")
    message = await sam.ask("/language")
    for data in ("lang:xx", "lang", "zz:1:2"):
        press = await sam.press_data(message, data)
        answer = await sam.answer_to(press)
        assert answer.text == "This button no longer works. Type /help to carry on."
        assert answer.show_alert
    assert message.edits == 0


async def test_a_429_from_telegram_is_waited_out_and_the_message_still_arrives(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sandbox.inject_fault("sendMessage", 429, retry_after=1)
    sam = sandbox.user("Sam", language_code="en")
    reply = await sam.ask("/start", timeout=15)
    assert "I'm BuddyBot" in reply.content
    statuses = [call.status for call in sandbox.calls_of("sendMessage")]
    assert statuses == [429, 200]
    assert len(sam.inbox) == 1


async def test_an_error_gets_a_kind_message_and_a_log_line_without_personal_data(
    bot: BotProcess,
    sandbox: TelegramSandbox,
    caplog: pytest.LogCaptureFixture,
    debug_logging: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "Amira Secretname"

    async def broken(*args: object) -> int:
        # A fault inside the bot, whose message quotes personal data (as a database's does).
        raise RuntimeError(f"no retention for {name}")

    monkeypatch.setattr("buddybot.handlers.basics.privacy_service.retention_of", broken)
    amira = sandbox.user(name, language_code="en")
    with caplog.at_level(logging.DEBUG):
        update_id = await amira.send("/privacy")
        reply = await amira.next_message()
    assert reply.content == (
        "Oops, something went wrong on my side. It's not your fault. "
        "Please try again in a moment. 🙏"
    )
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any(f"update {update_id} failed" in record.getMessage() for record in errors)
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Secretname" not in log_text
    assert "/privacy" not in log_text
    assert sandbox.token not in log_text


async def test_a_reply_lost_to_telegrams_server_error_is_not_called_our_fault(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.inject_fault("sendMessage", 500)
    amira = sandbox.user("Amira", language_code="en")
    update_id = await amira.send("/privacy")
    reply = await amira.next_message()
    assert reply.content.startswith("Sorry, my answer didn't reach you: Telegram had a short")
    lines = [r for r in caplog.records if f"update {update_id}" in r.getMessage()]
    assert [r.levelname for r in lines] == ["WARNING"]  # Telegram's trouble: no ERROR stack


async def test_many_people_at_once_never_trip_telegrams_flood_limit(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    crowd = [sandbox.user(f"Person {number}", language_code="en") for number in range(45)]
    for person in crowd:
        await person.send("/start")
    replies = [await person.next_message(timeout=20) for person in crowd]
    assert all("I'm BuddyBot" in reply.content for reply in replies)
    assert sandbox.flood_violations == 0
    assert [call.status for call in sandbox.calls_of("sendMessage")] == [200] * len(crowd)
