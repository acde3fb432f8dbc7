"""Load: many clients answering their check-ins at once: ``python -m benchmarks.load
[--clients 1000]``.

The bot runs as its own process (``buddybot run``, polling) against the sandbox. Every client
has a check-in due; once all prompts are out, all clients start tapping at the same moment
(Nobody, a face, a face). For each press two times are measured, both at the
sandbox (Telegram's side): until the bot answers the press (the button stops spinning) and
until the next question is shown (the bot's edit). At the end every client must have the
thank-you and an answered check-in with their mood in the database.

Two runs, each with a fresh database: at Telegram's pace (the sandbox refuses more than 30
messages/s and the bot keeps to 30 requests/s per its settings: what people would see) and
with that limit lifted (the bot's own capacity). On SQLite, and on PostgreSQL when
BUDDYBOT_TEST_POSTGRES_URL is set. ``tests/test_load.py`` runs it small (CI).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import processes
from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.report import figure
from benchmarks.tapping import Taps, answer_checkin, answered_with_mood, everyone_due, is_prompt
from buddybot.sandbox import TelegramSandbox

TELEGRAM_RATE = 30


@dataclass
class Load:
    """What one run saw."""

    clients: int
    limited: bool
    prompts_seconds: float = 0.0  # until every client had their prompt
    answer_seconds: float = 0.0  # from the first press until the last thank-you
    thanked: int = 0
    stored: int = 0  # answered check-ins with a mood in the database
    refused_429: int = 0
    taps: Taps = field(default_factory=Taps)

    @property
    def presses_per_second(self) -> float:
        """Presses handled per second while everyone answered."""
        return self.taps.presses / self.answer_seconds if self.answer_seconds else 0.0


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and the slowest, in seconds."""
    if len(seconds) < 2:
        only = seconds[0] if seconds else 0.0
        return only, only, only
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49], cuts[94], max(seconds)


async def run(clients: int, *, limited: bool, database_url: str, limit: float = 900) -> Load:
    """One run against an empty database at ``database_url`` (see the module's docstring)."""
    load = Load(clients, limited)
    async with TelegramSandbox(flood_limit=TELEGRAM_RATE if limited else 0) as sandbox:
        people = [sandbox.user(f"Client {number}") for number in range(clients)]
        await everyone_due(database_url, people)
        environment = processes.bot_environment(sandbox, database_url, tick_seconds=1)
        if limited:
            environment["BUDDYBOT_SEND_RATE"] = str(TELEGRAM_RATE)
        started = time.monotonic()
        bot = await processes.start_polling(sandbox, ["-m", "buddybot", "run"], environment)
        try:
            deadline = started + limit
            while not all(any(map(is_prompt, person.inbox)) for person in people):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)  # a coarse wait: the prompts are not what is measured
            load.prompts_seconds = time.monotonic() - started
            # The patience is long: under this load a slow answer is the figure, and a
            # second press would only add to the queue.
            started = time.monotonic()
            thanked = await asyncio.gather(
                *(
                    answer_checkin(person, load.taps, patience=limit, deadline=deadline)
                    for person in people
                )
            )
            load.answer_seconds = time.monotonic() - started
        finally:
            await processes.terminate(bot)
        load.refused_429 = sandbox.flood_violations
    load.thanked = sum(thanked)
    load.stored = len(await answered_with_mood(database_url))
    return load


def report(load: Load, database: str) -> None:
    """Print one run and note its headline figures."""
    pace = f"Telegram's {TELEGRAM_RATE}/s" if load.limited else "limit lifted"
    answer = percentiles(load.taps.to_answer)
    reply = percentiles(load.taps.to_reply)
    print(f"{load.clients} clients answering at once, {pace}, {database}:")
    print(f"  prompts out in      {load.prompts_seconds:.1f} s")
    print(
        f"  answering took      {load.answer_seconds:.1f} s, "
        f"{load.presses_per_second:.1f} presses/s ({load.taps.presses} presses, "
        f"{load.taps.repeated} pressed again)"
    )
    print("                      p50      p95      max")
    print("  press → answered  " + "".join(f"{value:8.2f}s" for value in answer))
    print("  press → next step " + "".join(f"{value:8.2f}s" for value in reply))
    print(
        f"  thanked {load.thanked} of {load.clients}, stored {load.stored} of {load.clients}, "
        f"429s {load.refused_429}"
    )
    for where in load.taps.stuck[:5]:
        print(f"  could not go on: {where}")
    figure(
        "load",
        f"{load.clients} clients at once, {pace}, {database}: press → next step",
        f"p50 {reply[0]:.2f} s, p95 {reply[1]:.2f} s; stored {load.stored}/{load.clients}",
        f"stored {load.clients}/{load.clients}",
    )


async def main(clients: int) -> None:
    """Both paces on SQLite, and limit lifted on PostgreSQL when a server is set."""
    with tempfile.TemporaryDirectory() as folder:
        for limited in (True, False):
            url = f"sqlite+aiosqlite:///{Path(folder) / f'load-{limited}.db'}"
            report(await run(clients, limited=limited, database_url=url), "SQLite")
    async with postgres_database() as postgres:
        if postgres is None:
            print(postgres_skipped())
            return
        report(await run(clients, limited=False, database_url=postgres), "PostgreSQL")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    asyncio.run(main(parser.parse_args().clients))
