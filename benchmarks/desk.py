"""How long the professional waits at their desk: ``python -m benchmarks.desk [--databases
SQLite PostgreSQL]``.

One caseload of 50 clients with a year of answers, ten contacts with history each and
actions (``benchmarks.organisation``'s data). For one client, side by side:

- **baseline**: the client's circle as the chat shows it (the map read, the picture drawn),
  a press the professional already makes;
- **before and after** (issue 18, goal < 200 ms for the figures): the map at intake and now
  with the L.ink measures (``services.before_after.compare_client``), then the same with the
  circle of the changes and the text, the whole press;
- **the team report** (goal < 2 s): everything in it read (``services.report``), its chart
  and two circles drawn, the PDF made.

Medians of five runs after a first one (fonts, caches). PostgreSQL is measured when
``BUDDYBOT_TEST_POSTGRES_URL`` points at a server (a throw-away database is made there).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.organisation import NOW, organisation
from benchmarks.report import figure
from buddybot.handlers.before_after import measure_lines
from buddybot.handlers.network import circle_texts
from buddybot.handlers.report import report_of
from buddybot.i18n import translator
from buddybot.pictures.circle import render_circle
from buddybot.pictures.report_pdf import render_pdf
from buddybot.services import before_after, contacts, report
from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import NetworkAction, Participant, Professional

CLIENTS = 50
RUNS = 5
TELEGRAM_ID = 77_000_001
GOALS = {"before and after": 0.2, "team report (PDF)": 2.0}


async def _median(work: Callable[[], Awaitable[Any]]) -> float:
    await work()  # fonts, caches, the database's first plans
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


async def _client_with_an_action(database: Database) -> int:
    """A client with an action, whose professional is given a Telegram account to ask as."""
    async with database.transaction() as session:
        client_id = await session.scalar(select(NetworkAction.client_id).limit(1))
        assert client_id is not None
        client = await session.get(Participant, client_id)
        assert client is not None
        professional = await session.get(Professional, client.professional_id)
        assert professional is not None
        professional.telegram_user_id = TELEGRAM_ID
        return client_id


async def measure(url: str) -> dict[str, float]:
    """Seconds (median) of each press, by name."""
    database = Database(url)
    await migrate.upgrade(database)
    tr = translator("nl")
    texts = circle_texts(tr, "Amira")
    try:
        await organisation(database, CLIENTS)
        client_id = await _client_with_an_action(database)

        async def circle() -> None:
            async with database.transaction() as session:
                current = await contacts.current_map(session, client_id)
            render_circle(current, texts)

        async def figures() -> before_after.Compared:
            found = await before_after.compare_client(database, TELEGRAM_ID, client_id, NOW)
            assert found is not None
            return found

        async def whole_press() -> None:
            found = await figures()
            result = found.result
            measure_lines(tr, result.before, result.after)
            shown = replace(texts, title="Amira")
            render_circle(list(result.after_map.values()), shown, changes=result.changes)

        async def team_report() -> None:
            found = await report.client_report(database, TELEGRAM_ID, client_id, NOW)
            assert found is not None
            render_pdf(report_of(tr, found))

        return {
            "baseline: the client's circle": await _median(circle),
            "before and after": await _median(figures),
            "before and after, whole press": await _median(whole_press),
            "team report (PDF)": await _median(team_report),
        }
    finally:
        await database.dispose()


async def main(backends: list[str]) -> None:
    """Run the measurements and print them."""
    print(f"the professional's desk: one client of {CLIENTS}, a year of answers, actions")
    print("  database     press                              median    × baseline   goal")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            async with AsyncExitStack() as cleanup:
                url = (
                    f"sqlite+aiosqlite:///{Path(folder) / 'desk.db'}"
                    if backend == "SQLite"
                    else await cleanup.enter_async_context(postgres_database())
                )
                if url is None:
                    print(f"  {postgres_skipped()}")
                    continue
                timings = await measure(url)
            baseline = timings["baseline: the client's circle"]
            for press, seconds in timings.items():
                goal = GOALS.get(press)
                verdict = (
                    ""
                    if goal is None
                    else f"< {goal * 1000:.0f} ms: " + ("ok" if seconds < goal else "over")
                )
                print(
                    f"  {backend:11s}  {press:32s} {seconds * 1000:7.0f} ms  "
                    f"×{seconds / baseline:5.2f}     {verdict}"
                )
                if goal is not None:
                    figure(
                        "desk",
                        f"{press}, {backend}",
                        f"{seconds * 1000:.0f} ms (×{seconds / baseline:.2f} the circle)",
                        f"< {goal * 1000:.0f} ms",
                    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", default=["SQLite", "PostgreSQL"], choices=["SQLite", "PostgreSQL"]
    )
    asyncio.run(main(parser.parse_args().databases))
