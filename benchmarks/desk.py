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
from dataclasses import replace

from sqlalchemy import select

from benchmarks.organisation import NOW, organisation
from benchmarks.side_by_side import databases, median, print_rows
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
            "baseline: the client's circle": await median(circle),
            "before and after": await median(figures),
            "before and after, whole press": await median(whole_press),
            "team report (PDF)": await median(team_report),
        }
    finally:
        await database.dispose()


async def main(backends: list[str]) -> None:
    """Run the measurements and print them."""
    print(f"the professional's desk: one client of {CLIENTS}, a year of answers, actions")
    print("  database     press                              median    × baseline   goal")
    async with databases(backends, "desk.db") as found:
        for backend, url in found:
            print_rows("desk", backend, await measure(url), GOALS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", default=["SQLite", "PostgreSQL"], choices=["SQLite", "PostgreSQL"]
    )
    asyncio.run(main(parser.parse_args().databases))
