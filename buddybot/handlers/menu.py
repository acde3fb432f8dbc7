"""The command menu Telegram shows next to the text field, in each person's language."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from buddybot.commands import commands_for
from buddybot.handlers.mini_app import set_menu_button
from buddybot.i18n import LANGUAGES, Translator, translator
from buddybot.services.people import Role
from buddybot.settings import Settings


def menu(role: Role, tr: Translator) -> list[BotCommand]:
    """The menu entries for one role in one language."""
    return [BotCommand(command.name, tr(command.description_key)) for command in commands_for(role)]


async def set_default_menus(bot: Bot, default_language: str) -> None:
    """The menu for people the bot does not know yet: one per language, plus a default."""
    for language in LANGUAGES:
        await bot.set_my_commands(menu(Role.UNKNOWN, translator(language)), language_code=language)
    await bot.set_my_commands(menu(Role.UNKNOWN, translator(default_language)))


async def set_personal_menu(
    bot: Bot, chat_id: int, role: Role, tr: Translator, settings: Settings
) -> None:
    """The menu of one person: the commands of their role, in the language they chose, and
    the chat's menu button opening their Mini App page (when there is a Mini App)."""
    await bot.set_my_commands(menu(role, tr), scope=BotCommandScopeChat(chat_id))
    await set_menu_button(bot, chat_id, role, tr, settings)
