"""Bots as child processes against a sandbox in the benchmark's process (as Telegram is
apart from the bot in production): their settings, starting them, stopping them."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.storage import crypto


def bot_environment(
    sandbox: TelegramSandbox, database_url: str, *, tick_seconds: int
) -> dict[str, str]:
    """Settings for ``buddybot run`` against ``sandbox``, reading the data this process
    seeded (the same encryption keys), without Telegram's 30 messages/s."""
    return {
        "BUDDYBOT_TELEGRAM_TOKEN": DEFAULT_TOKEN,
        "BUDDYBOT_TELEGRAM_API_URL": sandbox.api_url,
        "BUDDYBOT_DATABASE_URL": database_url,
        "BUDDYBOT_SEND_RATE": "1000",
        "BUDDYBOT_TICK_SECONDS": str(tick_seconds),
        "BUDDYBOT_LOG_LEVEL": "WARNING",
        "BUDDYBOT_CONFIG_FILE": os.devnull,
        "BUDDYBOT_ENCRYPTION_KEYS": crypto.active().to_json(),
    }


async def start_polling(
    sandbox: TelegramSandbox, arguments: list[str], environment: dict[str, str]
) -> asyncio.subprocess.Process:
    """``python <arguments>`` as a child process, once it polls the sandbox."""
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


async def terminate(process: asyncio.subprocess.Process) -> None:
    """Stop a child bot as systemd or Docker would (SIGTERM), if it still runs."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
