"""How fast check-in button presses are handled: ``python -m benchmarks.answers [--presses N]``.

Side by side against the same sandbox, both in polling mode with the same rate limiter
(lifted to 1000/s so Telegram's 30/s does not hide the difference), measured twice: with the
bots in the benchmark's own event loop, and with each bot in its own process (the sandbox and
the simulated person apart, as Telegram is in production):
- baseline: a bare python-telegram-bot echo bot that answers a press and edits the message;
- BuddyBot: a client toggling a contact in an open check-in (look up the check-in and the
  network, check the press, store the choice, render the next question, edit the message).
The figure that matters is the ratio BuddyBot / echo (goal ≥ 0.6).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import echo_bot
from buddybot.clock import utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkins, contacts
from buddybot.settings import load_settings
from buddybot.storage import migrate, repositories
from buddybot.storage.database import Database
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
        application = echo_bot.build(sandbox.api_url)
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling()
            person = sandbox.user("Bench")
            message = await person.ask("/start")
            rate = await _presses(person, message, "off", count)
            await application.updater.stop()
            await application.stop()
    return rate


async def _buddybot(count: int, folder: Path) -> float:
    async with TelegramSandbox(flood_limit=0) as sandbox:
        person = sandbox.user("Amira", language_code="en")
        url = f"sqlite+aiosqlite:///{folder / 'answers.db'}"
        await _seed(url, person.id)
        settings = load_settings(
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=sandbox.api_url,
            database_url=url,
            send_rate=1000,
            tick_seconds=600,
            log_level="WARNING",
        )
        bot = BotProcess(settings)
        await bot.start()
        try:
            question = await person.ask("/checkin")
            return await _presses(person, question, question.buttons[0].text, count)
        finally:
            await bot.stop()


async def _seed(url: str, telegram_user_id: int) -> None:
    """Amira with four contacts and an open check-in, in a fresh database."""
    database = Database(url)
    try:
        await migrate.upgrade(database)
        async with database.transaction() as session:
            organisation = await repositories.add_organisation(session, "Bench")
            client = await repositories.add_participant(
                session,
                organisation,
                ParticipantRole.CLIENT,
                first_name="Amira",
                telegram_user_id=telegram_user_id,
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
    finally:
        await database.dispose()


async def _in_own_process(
    sandbox: TelegramSandbox, arguments: list[str], environment: dict[str, str]
) -> asyncio.subprocess.Process:
    """Start a bot process and wait until it polls the sandbox."""
    polls = len(sandbox.calls_of("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *arguments,
        env={**os.environ, **environment},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await sandbox.wait_for(lambda: len(sandbox.calls_of("getUpdates")) > polls, timeout=60)
    return process


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), timeout=30)


async def separate_processes(count: int, folder: Path) -> tuple[float, float]:
    """Both bots each in their own process (as in production, where Telegram is not in the
    bot's event loop), against one sandbox in this process: presses/s of each."""
    async with TelegramSandbox(flood_limit=0) as sandbox:
        bench = sandbox.user("Bench")
        echo = await _in_own_process(sandbox, ["-m", "benchmarks.echo_bot", sandbox.api_url], {})
        try:
            message = await bench.ask("/start", timeout=30)
            echo_rate = await _presses(bench, message, "off", count)
        finally:
            await _stop(echo)
        amira = sandbox.user("Amira", language_code="en")
        url = f"sqlite+aiosqlite:///{folder / 'separate.db'}"
        await _seed(url, amira.id)
        environment = {
            "BUDDYBOT_TELEGRAM_TOKEN": DEFAULT_TOKEN,
            "BUDDYBOT_TELEGRAM_API_URL": sandbox.api_url,
            "BUDDYBOT_DATABASE_URL": url,
            "BUDDYBOT_SEND_RATE": "1000",
            "BUDDYBOT_TICK_SECONDS": "600",
            "BUDDYBOT_LOG_LEVEL": "WARNING",
            "BUDDYBOT_CONFIG_FILE": os.devnull,
        }
        bot = await _in_own_process(sandbox, ["-m", "buddybot", "run"], environment)
        try:
            question = await amira.ask("/checkin", timeout=30)
            ours = await _presses(amira, question, question.buttons[0].text, count)
        finally:
            await _stop(bot)
    return echo_rate, ours


async def main(count: int) -> None:
    """Measure both ways and print them side by side."""
    echo = await _echo_bot(count)
    with tempfile.TemporaryDirectory() as folder:
        ours = await _buddybot(count, Path(folder))
        echo_apart, ours_apart = await separate_processes(count, Path(folder))
    print(f"button presses handled, {count} sequential each (sandbox on loopback):")
    print("  bots in the benchmark's own event loop (with the sandbox):")
    print(f"    echo bot (baseline)  {echo:6.1f} presses/s   ×1.00")
    print(f"    BuddyBot check-in    {ours:6.1f} presses/s   ×{ours / echo:.2f}  (goal ≥ 0.6)")
    print("  each bot in its own process (the sandbox apart, as Telegram is):")
    print(f"    echo bot (baseline)  {echo_apart:6.1f} presses/s   ×1.00")
    print(
        f"    BuddyBot check-in    {ours_apart:6.1f} presses/s   "
        f"×{ours_apart / echo_apart:.2f}  (goal ≥ 0.6)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    asyncio.run(main(parser.parse_args().presses))
