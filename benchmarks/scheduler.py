"""How fast due check-ins go out: ``python -m benchmarks.scheduler [--prompts N]``.

1. Against the sandbox with Telegram's limit (30 sends in any second): N due check-ins,
   sent by the real bot's scheduler tick. Reports messages/s (goal ≥ 27, i.e. ≥ 90 % of the
   limit), and 429s, duplicates and missed prompts (goal: zero each).
2. With the limit lifted (sandbox and the bot's rate limiter): the scheduler's own ceiling
   (materialise + claim + send + record) in prompts/s, on SQLite and, when
   BUDDYBOT_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.report import figure
from buddybot.clock import ManualClock
from buddybot.jobs import tick
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.settings import load_settings
from tests.journeys import clients_due_now


async def _run(database_url: str, count: int, *, limited: bool) -> dict[str, float]:
    """Seed ``count`` due check-ins and tick until they are all out; return the figures."""
    clock = ManualClock()
    async with TelegramSandbox(flood_limit=30 if limited else 0) as sandbox:
        settings = load_settings(
            telegram_token=DEFAULT_TOKEN,
            telegram_api_url=sandbox.api_url,
            database_url=database_url,
            tick_seconds=600,
            send_rate=30 if limited else 1000,
            log_level="WARNING",
        )
        bot = BotProcess(settings, clock=clock)
        await bot.start()
        try:
            assert bot.database is not None
            async with bot.database.transaction() as session:
                people = [sandbox.user(f"Client {number}").id for number in range(count)]
                await clients_due_now(session, people, clock.now)
            assert bot.application is not None
            context = bot.application.context_types.context.from_job(
                bot.application.job_queue.get_jobs_by_name("checkin-tick")[0],  # type: ignore[union-attr]
                bot.application,
            )
            started = time.perf_counter()
            for _ in range(count):  # each tick sends up to 200
                sends = len(sandbox.calls_of("sendMessage"))
                await tick(context)
                if len(sandbox.calls_of("sendMessage")) == sends:
                    break
            elapsed = time.perf_counter() - started
        finally:
            await bot.stop()
        delivered = Counter(
            int(call.params["chat_id"])
            for call in sandbox.calls_of("sendMessage")
            if call.status == 200
        )
        return {
            "rate": sum(delivered.values()) / elapsed,
            "seconds": elapsed,
            "429s": sandbox.flood_violations,
            "duplicates": sum(n - 1 for n in delivered.values() if n > 1),
            "missed": count - len(delivered),
        }


async def main(count: int) -> None:
    """Run the measurements and print them."""
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'limited.db'}"
        limited = await _run(sqlite, count, limited=True)
        print(f"{count} due check-ins, sandbox limit 30/s (SQLite):")
        print(
            f"  {limited['rate']:.1f} messages/s ({limited['rate'] / 30:.0%} of the limit), "
            f"{limited['seconds']:.1f} s; 429s {limited['429s']:.0f}, duplicates "
            f"{limited['duplicates']:.0f}, missed {limited['missed']:.0f}"
        )
        figure(
            "scheduler",
            f"{count} due check-ins at Telegram's 30/s",
            f"{limited['rate']:.1f} msg/s; 429s {limited['429s']:.0f}, "
            f"dup {limited['duplicates']:.0f}, missed {limited['missed']:.0f}",
            "≥ 27 msg/s, 0/0/0",
        )
        free = await _run(f"sqlite+aiosqlite:///{Path(folder) / 'free.db'}", count, limited=False)
    print("limit lifted (the scheduler's own ceiling):")
    print(
        f"  SQLite      {free['rate']:7.1f} prompts/s  (×{free['rate'] / 30:.1f} Telegram's limit)"
    )
    figure("scheduler", "scheduler ceiling, SQLite", f"{free['rate']:.0f} prompts/s")
    async with postgres_database() as postgres:
        if postgres is None:
            print(f"  {postgres_skipped()}")
            return
        on_postgres = await _run(postgres, count, limited=False)
    print(
        f"  PostgreSQL  {on_postgres['rate']:7.1f} prompts/s  "
        f"(×{on_postgres['rate'] / 30:.1f} Telegram's limit)"
    )
    figure("scheduler", "scheduler ceiling, PostgreSQL", f"{on_postgres['rate']:.0f} prompts/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2000)
    asyncio.run(main(parser.parse_args().prompts))
