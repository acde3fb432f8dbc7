"""End to end: the menu under the text field (issue 17, item 2). Each role sees the 2–4
things it does most, in its language; each button does what its command does; a tap in
the middle of a typed question still does the menu thing; the menu follows /language."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from buddybot.commands import MENUS
from buddybot.handlers import _menu_actions
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from tests.journeys import invite, join, joined_client, professional_invitation

CLIENT = {
    "nl": ["💬 Vertel hoe het gaat", "👥 Mijn netwerk", "📅 Mijn week", "❓ Hulp"],
    "en": ["💬 Check in", "👥 My network", "📅 My week", "❓ Help"],
}
BUDDY = {"nl": ["📝 Ontmoeting noteren", "❓ Hulp"], "en": ["📝 Log a meetup", "❓ Help"]}
PROFESSIONAL = {
    "nl": ["👥 Mijn cliënten", "➕ Iemand uitnodigen", "📋 Weekoverzicht", "❓ Hulp"],
    "en": ["👥 My clients", "➕ Invite someone", "📋 Weekly digest", "❓ Help"],
}
LANGUAGE = {"nl": "Nederlands", "en": "English"}
AGREE = {"nl": "✅ Ik doe mee", "en": "✅ I'll take part"}


def test_every_menu_button_has_an_action() -> None:
    assert {name for names in MENUS.values() for name in names} == set(_menu_actions())


async def _answer(person: SandboxUser, act: Awaitable[object]) -> list[ChatMessage]:
    """Everything the bot answers to ``act``, once it has been quiet for a moment."""
    person.catch_up()
    before = len(person.inbox)
    await act
    await person.sandbox.wait_in_chat(person.id, lambda: len(person.inbox) > before)
    seen = -1
    while seen != len(person.inbox):
        seen = len(person.inbox)
        await asyncio.sleep(0.4)
    return person.catch_up()


def _texts(messages: list[ChatMessage]) -> list[str]:
    return [message.content for message in messages]


async def _same_as_command(person: SandboxUser, button: str, command: str) -> None:
    """Tap ``button`` and type ``command``: the bot answers both the same way."""
    tapped = _texts(await _answer(person, person.tap_menu(button)))
    typed = _texts(await _answer(person, person.send(command)))
    assert tapped == typed, (button, command)
    assert not any("understand" in text or "begrijp ik niet" in text for text in tapped)


async def _each_button_does_its_command(
    person: SandboxUser, menu: list[str], commands: list[str]
) -> None:
    assert person.menu == menu
    keyboard = person.menu_keyboard
    assert keyboard is not None
    assert (keyboard.persistent, keyboard.resized) == (True, True)
    for button, command in zip(menu, commands, strict=True):
        await _same_as_command(person, button, command)


async def _client_in(bot: BotProcess, sandbox: TelegramSandbox, language: str) -> SandboxUser:
    _, amira = await joined_client(bot, sandbox, language=LANGUAGE[language])
    return amira


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_clients_menu_does_what_the_commands_do(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    amira = await _client_in(bot, sandbox, language)
    commands = ["/checkin", "/network", "/myweek", "/help"]
    await _each_button_does_its_command(amira, CLIENT[language], commands)


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_buddys_menu_does_what_the_commands_do(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    els, amira = await joined_client(bot, sandbox)
    bram = sandbox.user("Bram", language_code=language)
    code = await invite(els, "🤝 Een buddy", "Bram", client="Amira")
    joining = await join(bram, code, LANGUAGE[language], AGREE[language])
    assert joining.menu is not None
    assert "📝" in joining.menu.content  # the welcome names the button to tap
    ask = await amira.next_message()
    await amira.tap(ask, "👍 Yes, fine")
    await bram.next_message()
    await _each_button_does_its_command(bram, BUDDY[language], ["/meetup", "/help"])


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_professionals_menu_does_what_the_commands_do(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    els = sandbox.user("Els", language_code=language)
    welcome = await els.ask(f"/start {await professional_invitation(bot)}")
    assert "Els" in welcome.content
    commands = ["/clients", "/invite", "/digest", "/help"]
    await _each_button_does_its_command(els, PROFESSIONAL[language], commands)
    # The commands stay in Telegram's command list for who knows them.
    listed = [c["command"] for c in sandbox.commands[(f"chat:{els.id}", "")]]
    assert {"clients", "invite", "digest", "help", "export"} <= set(listed)


async def test_a_menu_tap_while_typing_a_contacts_name_does_the_menu_thing(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    amira = await _client_in(bot, sandbox, "en")
    listing = next(m for m in await _answer(amira, amira.tap_menu("👥 My network")) if m.buttons)
    await amira.tap(listing, "➕ Add")
    await amira.tap(listing, "🧑 Person")
    assert "Type the name" in listing.content

    week = _texts(await _answer(amira, amira.tap_menu("📅 My week")))
    assert week[0].startswith("📅 Your week"), week
    assert not any("📅 My week" in text for text in week)  # not taken as a name

    # What was chosen is kept: the name typed now goes on with the contact.
    step = await amira.ask("Mama")
    assert "Mama" in step.content
    assert "close" in step.content


async def test_after_language_the_menu_speaks_the_new_language(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    amira = await _client_in(bot, sandbox, "nl")
    assert amira.menu == CLIENT["nl"]
    question = await amira.ask("/language")
    await amira.tap(question, "English")
    changed = await amira.next_message()
    assert "English" in changed.content
    assert amira.menu == CLIENT["en"]
    # A button of the menu she had before still does its thing.
    await amira.send("📅 Mijn week")
    assert (await amira.next_message()).content.startswith("📅 Your week")


async def test_start_and_help_bring_the_menu_back_and_help_is_short(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    amira = await _client_in(bot, sandbox, "en")
    await amira.send("/start")
    assert "Tap a button below" in (await amira.next_message()).content
    assert amira.menu == CLIENT["en"]
    help_text = (await amira.ask("/help")).content
    assert "Tap a button below" in help_text
    for command in ("/checkin", "/network", "/myweek", "/privacy", "/language", "/stop"):
        assert command in help_text
    assert len(help_text.split()) <= 40
    stranger = sandbox.user("Sam", language_code="en")
    assert stranger.menu == []
    assert "Tap a button" not in (await stranger.ask("/help")).content
    assert stranger.menu == []


async def test_typing_a_menu_text_without_a_menu_is_answered_kindly(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en")
    await sam.send("📅 My week")
    assert "can't do that here" in (await sam.next_message()).content
