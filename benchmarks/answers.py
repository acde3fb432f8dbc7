"""How fast check-in button presses are handled: ``python -m benchmarks.answers [--presses N]``.

Side by side against the same sandbox, both in polling mode with the same rate limiter
(lifted to 1000/s so Telegram's 30/s does not hide the difference):
- baseline: a bare python-telegram-bot echo bot that answers a press and edits the message;
- BuddyBot: a client toggling a contact in an open check-in (look up the check-in and the
  network, check the press, store the choice, render the next question, edit the message).
The figure that matters is the ratio BuddyBot / echo (goal ≥ 0.6).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes

from buddybot.clock import utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkins, contacts
from buddybot.settings import load_settings
from buddybot.storage import repositories
from buddybot.storage.models import ParticipantRole, ParticipantStatus


async def _presses(person: SandboxUser, message: ChatMessage, button: str, count: int) -> float:
    """Press the same button ``count`` times, each time waiting for the edit; presses/s."""
    started = time.perf_counter()
    for _ in range(count):
        await person.tap(message, button, timeout=30)
        button = message.buttons[0].text  # its text changes (✅ on and off)
    return count / (time.perf_counter() - started)


async def _echo_bot(count: int) -> float:
    async with TelegramSandbox(flood_limit=0) as sandbox:
        limiter = AIORateLimiter(overall_max_rate=1, overall_time_period=1 / 1000, max_retries=3)
        application = (
            Application.builder()
            .token(DEFAULT_TOKEN)
            .base_url(sandbox.api_url)
            .rate_limiter(limiter)
            .build()
        )

        async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None
            await query.answer()
            text = "off" if query.message and getattr(query.message, "text", "") == "on" else "on"
            await query.edit_message_text(
                text,
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton(text, callback_data="x")]]
                ),
            )

        application.add_handler(CallbackQueryHandler(echo))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling()
            person = sandbox.user("Bench")
            await application.bot.send_message(
                person.id,
                "off",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("off", callback_data="x")]]
                ),
            )
            message = await person.next_message()
            rate = await _presses(person, message, "off", count)
            await application.updater.stop()
            await application.stop()
    return rate


async def _buddybot(count: int, folder: Path) -> float:
    async with TelegramSandbox(flood_limit=0) as sandbox:
        settings = load_settings(
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=sandbox.api_url,
            database_url=f"sqlite+aiosqlite:///{folder / 'answers.db'}",
            send_rate=1000,
            tick_seconds=600,
            log_level="WARNING",
        )
        bot = BotProcess(settings)
        await bot.start()
        try:
            person = sandbox.user("Amira", language_code="en")
            assert bot.database is not None
            async with bot.database.transaction() as session:
                organisation = await repositories.add_organisation(session, "Bench")
                client = await repositories.add_participant(
                    session,
                    organisation,
                    ParticipantRole.CLIENT,
                    first_name="Amira",
                    telegram_user_id=person.id,
                    status=ParticipantStatus.ACTIVE,
                    language="en",
                )
                client.consent_given_at = utcnow()
                for label in ("Mama", "Jan", "Fikkie", "Sofie"):
                    await contacts.add_contact(
                        session,
                        client.id,
                        Contact(0, ContactKind.PERSON, label, 1, Domain.FAMILY),
                        by=contacts.Editor("client", client.id),
                        now=utcnow(),
                    )
                await checkins.start_now(session, client, utcnow())
            question = await person.ask("/checkin")
            return await _presses(person, question, question.buttons[0].text, count)
        finally:
            await bot.stop()


async def main(count: int) -> None:
    """Measure both and print them side by side."""
    echo = await _echo_bot(count)
    with tempfile.TemporaryDirectory() as folder:
        ours = await _buddybot(count, Path(folder))
    print(f"button presses handled, {count} sequential each (sandbox on loopback):")
    print(f"  echo bot (baseline)  {echo:6.1f} presses/s   ×1.00")
    print(f"  BuddyBot check-in    {ours:6.1f} presses/s   ×{ours / echo:.2f}  (goal ≥ 0.6)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    asyncio.run(main(parser.parse_args().presses))
