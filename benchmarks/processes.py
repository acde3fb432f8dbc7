"""Bots as child processes against a sandbox in the benchmark's process (as Telegram is
apart from the bot in production): their settings, starting them, stopping them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
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
    return await _start(sandbox, arguments, environment, ready_after="getUpdates")


def free_port() -> int:
    """A local TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_environment(public_url: str, port: int) -> dict[str, str]:
    """Settings for a replica in webhook mode behind ``public_url`` (the load balancer)."""
    return {
        "BUDDYBOT_MODE": "webhook",
        "BUDDYBOT_WEBHOOK_URL": public_url,
        "BUDDYBOT_WEBHOOK_SECRET": "bench-webhook-secret",
        "BUDDYBOT_LISTEN_HOST": "127.0.0.1",
        "BUDDYBOT_LISTEN_PORT": str(port),
    }


async def start_webhook(
    sandbox: TelegramSandbox, environment: dict[str, str]
) -> asyncio.subprocess.Process:
    """``buddybot run`` in webhook mode as a child process, once it set its webhook."""
    arguments = ["-m", "buddybot", "run"]
    return await _start(sandbox, arguments, environment, ready_after="setWebhook")


async def _start(
    sandbox: TelegramSandbox, arguments: list[str], environment: dict[str, str], ready_after: str
) -> asyncio.subprocess.Process:
    before = len(sandbox.calls_of(ready_after))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *arguments,
        env={**os.environ, **environment},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await sandbox.wait_for(lambda: len(sandbox.calls_of(ready_after)) > before, timeout=60)
    return process


async def terminate(process: asyncio.subprocess.Process) -> None:
    """Stop a child bot as systemd or Docker would (SIGTERM), if it still runs."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
