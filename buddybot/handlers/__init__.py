"""Telegram in, Telegram out. Every handler of the bot is registered in the list below."""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from buddybot import callbacks
from buddybot.handlers import basics, language

# Only private chats: the bot handles care data and is not meant for groups.
_PRIVATE = filters.ChatType.PRIVATE


def build_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers in the order PTB tries them; the first that matches answers."""
    return [
        CommandHandler("start", basics.start, filters=_PRIVATE),
        CommandHandler("help", basics.help_command, filters=_PRIVATE),
        CommandHandler("privacy", basics.privacy, filters=_PRIVATE),
        CommandHandler("language", language.ask_language, filters=_PRIVATE),
        CallbackQueryHandler(language.language_chosen, pattern=callbacks.pattern(language.FEATURE)),
        # Last: anything nobody else took.
        MessageHandler(_PRIVATE & (filters.TEXT | filters.COMMAND), basics.not_understood),
        CallbackQueryHandler(basics.stale_button),
    ]
