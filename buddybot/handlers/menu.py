"""The command menu Telegram shows next to the text field, in each person's language."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from buddybot.commands import commands_for
from buddybot.i18n import LANGUAGES, Translator, translator
from buddybot.services.people import Role


def menu(role: Role, tr: Translator) -> list[BotCommand]:
    """The menu entries for one role in one language."""
    return [BotCommand(command.name, tr(command.description_key)) for command in commands_for(role)]


async def set_default_menus(bot: Bot, default_language: str) -> None:
    """The menu for people the bot does not know yet: one per language, plus a default."""
    for language in LANGUAGES:
        await bot.set_my_commands(menu(Role.UNKNOWN, translator(language)), language_code=language)
    await bot.set_my_commands(menu(Role.UNKNOWN, translator(default_language)))


async def set_personal_menu(bot: Bot, chat_id: int, role: Role, tr: Translator) -> None:
    """The menu of one person: the commands of their role, in the language they chose."""
    await bot.set_my_commands(menu(role, tr), scope=BotCommandScopeChat(chat_id))
