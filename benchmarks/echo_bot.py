"""The baseline of ``benchmarks.answers``: a bare python-telegram-bot bot that answers a
button press and edits the message, nothing else. ``python -m benchmarks.echo_bot API_URL``
runs it in its own process (as the benchmark does with BuddyBot) until SIGTERM."""

from __future__ import annotations

import sys

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from buddybot.sandbox import DEFAULT_TOKEN


def _keyboard(text: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data="x")]])


async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message with one button to press."""
    if update.effective_message is not None:
        await update.effective_message.reply_text("off", reply_markup=_keyboard("off"))


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and flip the button's text."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    text = "off" if query.message and getattr(query.message, "text", "") == "on" else "on"
    await query.edit_message_text(text, reply_markup=_keyboard(text))


def build(api_url: str) -> Application:  # type: ignore[type-arg]
    """The echo bot against ``api_url``, with the same rate limiter settings as BuddyBot's
    benchmark run (1000 messages/s)."""
    limiter = AIORateLimiter(overall_max_rate=1, overall_time_period=1 / 1000, max_retries=3)
    application = (
        Application.builder().token(DEFAULT_TOKEN).base_url(api_url).rate_limiter(limiter).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(echo))
    return application


if __name__ == "__main__":
    build(sys.argv[1]).run_polling()  # stops on SIGTERM
