"""How long a person waits for an answer: /start → reply, through the real bot and the sandbox.

Run: ``make bench`` or ``.venv/bin/python -m benchmarks.round_trip [--messages N]``.

Three runs side by side on the same machine:
- baseline: PTB's Bot sending one message to the sandbox (one HTTP request, no bot logic);
- polling: a person sends /start, the bot fetches it with getUpdates, looks the person up in
  SQLite, answers with sendMessage;
- webhook: the same, with the sandbox posting the update to the bot's webhook server.
The figures that matter are the ratios to the baseline: what the bot adds to one API call.

The bot's rate limiter lets one message out every 1/30 s (Telegram's broadcast limit), so
latency is measured with a pause of 50 ms between requests (the limiter never waits), and the
sustained rate is measured separately: it must come out just under 30/s, with no 429 from
the sandbox, which enforces 30 sends in any one-second window.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import time
from pathlib import Path

from telegram import Bot

from benchmarks.report import figure
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.settings import load_settings

PAUSE = 0.05
SUSTAINED = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _baseline(count: int) -> list[float]:
    async with TelegramSandbox(flood_limit=0) as sandbox:
        person = sandbox.user("Bench")
        async with Bot(DEFAULT_TOKEN, base_url=sandbox.api_url) as bot:
            timings: list[float] = []
            for _ in range(count):
                started = time.perf_counter()
                await bot.send_message(person.id, "hi")
                timings.append(time.perf_counter() - started)
    return timings


async def _through_bot(count: int, mode: str, folder: Path) -> tuple[list[float], float, int]:
    # The sandbox enforces Telegram's 30 sends/s in any one-second window and counts breaches.
    async with TelegramSandbox(flood_limit=30) as sandbox:
        port = _free_port()
        extra = (
            {
                "mode": "webhook",
                "webhook_url": f"http://127.0.0.1:{port}/telegram",
                "webhook_secret": "bench-secret",
                "listen_host": "127.0.0.1",
                "listen_port": port,
            }
            if mode == "webhook"
            else {}
        )
        settings = load_settings(
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=sandbox.api_url,
            database_url=f"sqlite+aiosqlite:///{folder / f'{mode}.db'}",
            log_level="WARNING",
            **extra,
        )
        bot = BotProcess(settings)
        await bot.start()
        try:
            person = sandbox.user("Bench", language_code="en")
            await person.ask("/start")  # warm-up
            timings: list[float] = []
            for _ in range(count):
                await asyncio.sleep(PAUSE)
                started = time.perf_counter()
                await person.ask("/start")
                timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            for _ in range(SUSTAINED):
                await person.ask("/start")
            sustained = SUSTAINED / (time.perf_counter() - started)
        finally:
            await bot.stop()
    return timings, sustained, sandbox.flood_violations


def _row(name: str, timings: list[float], baseline: float) -> str:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return (
        f"{name:<10} median {median * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   "
        f"×{median / baseline:5.1f} baseline"
    )


async def main(count: int) -> None:
    """Run the three measurements and print them side by side."""
    with tempfile.TemporaryDirectory() as folder:
        baseline = await _baseline(count)
        polling = await _through_bot(count, "polling", Path(folder))
        webhook = await _through_bot(count, "webhook", Path(folder))
    reference = statistics.median(baseline)
    print(f"/start round trips, {count} each, {PAUSE * 1000:.0f} ms apart (loopback, SQLite):")
    print(_row("baseline", baseline, reference))
    print(_row("polling", polling[0], reference))
    print(_row("webhook", webhook[0], reference))
    print(
        f"sustained, {SUSTAINED} back to back: polling {polling[1]:.1f}/s, "
        f"webhook {webhook[1]:.1f}/s (rate limiter: one per 1/30 s)"
    )
    print(
        f"429s from the sandbox's 30-per-second window: polling {polling[2]}, webhook {webhook[2]}"
    )
    for mode, (timings, _, _) in (("polling", polling), ("webhook", webhook)):
        ratio = statistics.median(timings) / reference
        figure("round_trip", f"/start round trip, {mode}", f"×{ratio:.1f} of bare HTTP")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    asyncio.run(main(parser.parse_args().messages))
