"""How long the Mini App makes people wait (issue 19): ``python -m benchmarks.mini_app
[--databases SQLite PostgreSQL]``.

One professional with 50 clients, a year of answers, ten contacts with history each and
actions (``benchmarks.organisation``'s data, the whole caseload given to one professional);
one client's circle grown to 40 contacts, some moved since. Served by the bot's own Mini App
on a local port and asked over HTTP with signed launch data, as the pages do; side by side:

- **baseline**: the same client's circle as the chat shows it (read, picture drawn);
- **the client's circle, page load** (goal < 300 ms server time): the page, its files and
  ``/api/circle``;
- **the dashboard** (goal < 500 ms): ``/api/dashboard``, the caseload with 12 weeks each;
- **one client through time**: ``/api/dashboard/client``, every day the circle changed.

Medians of five runs after a first one. PostgreSQL is measured when
``BUDDYBOT_TEST_POSTGRES_URL`` points at a server (a throw-away database is made there).
"""

from __future__ import annotations

import argparse
import asyncio
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select, text, update
from telegram import Bot

from benchmarks.organisation import NOW, organisation
from benchmarks.processes import free_port
from benchmarks.side_by_side import databases, median, print_rows
from buddybot.context import Runtime
from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.network import Contact, ContactKind, Domain
from buddybot.pictures.circle import render_circle
from buddybot.sandbox import DEFAULT_TOKEN
from buddybot.sandbox.webapps import launch_data
from buddybot.services import contacts
from buddybot.settings import load_settings
from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import Participant, Professional
from buddybot.webapp.app import build_mini_app

CLIENTS = 50
CONTACTS = 40
RUNS = 5
PROFESSIONAL_ID = 88_000_001
CLIENT_ID = 88_000_002
# The files a page asks for: its scripts and style sheets.
PAGE_FILE = re.compile(r'(?:src|href)="(/app/static/[^"]+)"')
GOALS = {"the client's circle, page load": 0.3, "the dashboard, 50 clients": 0.5}


async def _one_caseload(database: Database) -> int:
    """Every client given to one professional, who gets a Telegram account; one client with
    an account and a circle of ``CONTACTS``, a few moved a month ago. The client's id."""
    async with database.transaction() as session:
        if not database.is_sqlite:
            # The seed wrote its rows with their ids: move PostgreSQL's counters past them.
            for table in ("contact", "contact_change"):
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        professional = await session.scalar(select(Professional).order_by(Professional.id))
        assert professional is not None
        professional.telegram_user_id = PROFESSIONAL_ID
        await session.execute(update(Participant).values(professional_id=professional.id))
        client = await session.scalar(select(Participant).order_by(Participant.id))
        assert client is not None
        client.telegram_user_id = CLIENT_ID
        client_id = client.id
        editor = contacts.Editor("client", client_id)
        current = await contacts.current_map(session, client_id)
        domains = list(Domain)
        earlier = NOW - timedelta(days=60)
        for number in range(len(current), CONTACTS):
            contact = Contact(
                0, ContactKind.PERSON, f"Iemand {number}", 1 + number % 3, domains[number % 10]
            )
            await contacts.add_contact(session, client_id, contact, by=editor, now=earlier)
        for contact in (await contacts.current_map(session, client_id))[:8]:
            record = await contacts.contact_of(session, client_id, contact.contact_id)
            assert record is not None
            moved = replace(contact, circle=1 + contact.circle % 3)
            await contacts.update_contact(
                session, record, moved, by=editor, now=NOW - timedelta(days=30)
            )
        return client_id


async def measure(url: str) -> dict[str, float]:
    """Seconds (median) of each, by name."""
    database = Database(url)
    await migrate.upgrade(database)
    port = free_port()
    settings = load_settings(
        database_url=url, webapp_url=f"http://127.0.0.1:{port}", webapp_telegram_js=False
    )
    mini_app = build_mini_app(Runtime(settings, database, lambda: NOW), Bot(DEFAULT_TOKEN))
    app = web.Application()
    mini_app.add_to(app)
    runner = web.AppRunner(app, access_log=None)
    try:
        await organisation(database, CLIENTS)
        client_id = await _one_caseload(database)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        as_client = launch_data(DEFAULT_TOKEN, {"id": CLIENT_ID, "first_name": "A"}, NOW)
        as_professional = launch_data(
            DEFAULT_TOKEN, {"id": PROFESSIONAL_ID, "first_name": "E"}, NOW
        )
        tr = translator("nl")
        async with aiohttp.ClientSession() as http:

            async def api(path: str, signed: str, body: dict[str, Any]) -> dict[str, Any]:
                headers = {"Authorization": f"tma {signed}"}
                async with http.post(base + path, json=body, headers=headers) as response:
                    assert response.status == 200, await response.text()
                    answer: dict[str, Any] = await response.json()
                    return answer

            async def chat_picture() -> None:
                view = await contacts.network_for(database, CLIENT_ID, client_id)
                assert view is not None
                assert len(view.contacts) == CONTACTS
                render_circle(view.contacts, circle_texts(tr, "Amira", own=True))

            async def circle_page() -> None:
                async with http.get(base + "/app/circle") as response:
                    files = PAGE_FILE.findall(await response.text())
                assert files
                for path in files:
                    async with http.get(base + path) as response:
                        assert response.status == 200, path
                        await response.read()
                state = await api("/api/circle", as_client, {})
                assert len(state["contacts"]) == CONTACTS

            async def dashboard() -> None:
                found = await api("/api/dashboard", as_professional, {})
                assert len(found["clients"]) == CLIENTS

            async def through_time() -> None:
                found = await api("/api/dashboard/client", as_professional, {"client": client_id})
                assert found["frames"]

            return {
                "baseline: the circle in the chat": await median(chat_picture),
                "the client's circle, page load": await median(circle_page),
                "the dashboard, 50 clients": await median(dashboard),
                "one client through time": await median(through_time),
            }
    finally:
        await runner.cleanup()
        await database.dispose()


async def main(backends: list[str]) -> None:
    """Run the measurements and print them."""
    print(f"the Mini App: {CLIENTS} clients of one professional, a circle of {CONTACTS}")
    print("  database     what                                median    × baseline   goal")
    async with databases(backends, "mini_app.db") as found:
        for backend, url in found:
            print_rows("mini_app", backend, await measure(url), GOALS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", default=["SQLite", "PostgreSQL"], choices=["SQLite", "PostgreSQL"]
    )
    asyncio.run(main(parser.parse_args().databases))
