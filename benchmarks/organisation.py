"""How fast the organisation's view is: ``python -m benchmarks.organisation [--clients 2000]
[--databases SQLite PostgreSQL]``.

One organisation of 2,000 clients (issue 18, item 6; goal < 2 s on SQLite and PostgreSQL):
each client with a year of twice-weekly check-ins (``benchmarks.history``: 80 % answered,
1–2 contacts each, a mood, satisfaction every fourth), about ten contacts whose
history has changes (eight at intake, up to two added later, one moved, up to two removed:
networks that grew, stayed and shrank), an action
for two clients in three (one of the seven work models), spread over twenty professionals,
and a buddy for one client in four. Measured: the coordinator's figures as ``/organisation``
computes them (``organisation_view.figures_of``: every client's map at intake and now,
satisfaction and closeness before and after, compliance, per work model and per caseload),
without the picture; and the picture alone. PostgreSQL is measured when
``BUDDYBOT_TEST_POSTGRES_URL`` points at a server (a throw-away database is made there).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text, update

from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.history import CONTACTS_PER_CLIENT, seed
from benchmarks.report import figure
from buddybot.actions import WorkModel
from buddybot.metrics import week_of
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.services import organisation_view
from buddybot.storage import migrate, people
from buddybot.storage.columns import sealed_rows
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Contact,
    ContactChange,
    NetworkAction,
    Participant,
    Professional,
)

TODAY = date(2026, 11, 25)
NOW = datetime.combine(TODAY, clock_time(12), UTC)
WEEKS = 52
PROFESSIONALS = 20
GOAL_SECONDS = 2.0
BATCH = 20_000


def _snapshot(row: dict[str, Any], circle: int | None = None) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "label": row["label"],
        "circle": circle or row["circle"],
        "domain": row["domain"],
        "support_received": [],
        "support_given": [],
        "frequency": None,
    }


async def _insert(database: Database, model: Any, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []

    async def flush() -> None:
        async with database.transaction() as session:
            await session.execute(insert(model), sealed_rows(model, batch))
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            await flush()
    if batch:
        await flush()


async def organisation(database: Database, clients: int) -> int:
    """``benchmarks.history.seed``'s clients made into one organisation as described above;
    its id."""
    await seed(database, clients, WEEKS, TODAY)
    rng = random.Random(7)
    joined = datetime.combine(week_of(TODAY) - timedelta(weeks=WEEKS), clock_time(12), UTC)
    async with database.transaction() as session:
        client_ids = list(
            await session.scalars(
                select(Participant.id)
                .where(Participant.role == ParticipantRole.CLIENT)
                .order_by(Participant.id)
            )
        )
        organisation_id = await session.scalar(select(Participant.organisation_id).limit(1))
        assert organisation_id is not None
        organisation = await people.organisation_by_id(session, organisation_id)
        colleagues = [
            await people.add_professional(
                session, organisation, f"Professional {n}", status=ProfessionalStatus.ACTIVE
            )
            for n in range(PROFESSIONALS)
        ]
        for number, client_id in enumerate(client_ids):
            await session.execute(
                update(Participant)
                .where(Participant.id == client_id)
                .values(professional_id=colleagues[number % PROFESSIONALS].id)
            )
        contacts = list(
            await session.execute(
                select(
                    Contact.id,
                    Contact.client_id,
                    Contact.kind,
                    Contact.label,
                    Contact.circle,
                    Contact.domain,
                )
            )
        )
    by_client: dict[int, list[dict[str, Any]]] = {}
    for contact_id, client_id, kind, label, circle, domain in contacts:
        by_client.setdefault(client_id, []).append(
            {
                "id": contact_id,
                "kind": kind,
                "label": label,
                "circle": circle,
                "domain": domain,
            }
        )
    ids = iter(range(1, 10**9))
    new_contacts: list[dict[str, Any]] = []

    def changes() -> Iterator[dict[str, Any]]:
        for client_id, entries in by_client.items():
            for entry in entries:  # the intake map
                yield _change(next(ids), entry, client_id, joined, "added", _snapshot(entry))
            # Up to two added later (ids after the history's: client_id * 10 + 8, 9).
            for index in range(CONTACTS_PER_CLIENT, CONTACTS_PER_CLIENT + rng.randint(0, 2)):
                later = joined + timedelta(days=rng.randint(30, 300))
                entry = {
                    "id": client_id * 10 + index,
                    "kind": "person",
                    "label": f"Contact {index}",
                    "circle": 2,
                    "domain": "friends",
                }
                new_contacts.append({**entry, "client_id": client_id, "created_at": later})
                yield _change(next(ids), entry, client_id, later, "added", _snapshot(entry))
            moved = entries[rng.randrange(len(entries))]
            at = joined + timedelta(days=rng.randint(30, 300))
            yield _change(next(ids), moved, client_id, at, "moved", _snapshot(moved, 1))
            for gone in rng.sample(entries, rng.choice((0, 0, 1, 2))):
                at = joined + timedelta(days=rng.randint(30, 300))
                yield _change(next(ids), gone, client_id, at, "removed", None)

    change_rows = list(changes())
    await _insert(
        database,
        Contact,
        iter({**row, "support_received": [], "support_given": []} for row in new_contacts),
    )
    await _insert(database, ContactChange, iter(change_rows))
    models = [model.value for model in WorkModel]
    await _insert(
        database,
        NetworkAction,
        (
            {
                "id": number + 1,
                "client_id": client_id,
                "label": "Actie",
                "work_model": models[number % len(models)],
                "domain": "friends",
                "starts_on": TODAY - timedelta(weeks=rng.randint(4, 40)),
                "created_at": NOW,
            }
            for number, client_id in enumerate(client_ids)
            if number % 3
        ),
    )
    await _insert(
        database,
        Participant,
        (
            {
                "id": 900_000_000 + number,
                "organisation_id": organisation_id,
                "role": ParticipantRole.BUDDY,
                "first_name": f"Buddy {number}",
                "status": ParticipantStatus.ACTIVE,
                "consent_given_at": joined,
                "time_zone": "Europe/Brussels",
                "created_at": joined,
                "updated_at": joined,
            }
            for number in range(clients // 4)
        ),
    )
    async with database.begin() as connection:
        await connection.execute(text("ANALYZE"))
    return organisation_id


def _change(
    change_id: int,
    entry: dict[str, Any],
    client_id: int,
    at: datetime,
    kind: str,
    snapshot: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": change_id,
        "contact_id": entry["id"],
        "client_id": client_id,
        "at": at,
        "change": kind,
        "snapshot": snapshot,
        "by_kind": "client",
        "by_id": client_id,
    }


async def measure(url: str, clients: int) -> tuple[float, float, int]:
    """Seconds (median of five after a first run) for the figures, seconds for the picture,
    and the clients counted."""
    from buddybot.handlers.organisation import organisation_picture
    from buddybot.i18n import translator

    database = Database(url)
    await migrate.upgrade(database)
    try:
        organisation_id = await organisation(database, clients)
        timings = []
        for _ in range(6):
            started = time.perf_counter()
            async with database.transaction() as session:
                figures = await organisation_view.figures_of(session, organisation_id, NOW)
            timings.append(time.perf_counter() - started)
        assert figures.whole is not None
        view = organisation_view.OrganisationView("Bench", TODAY, figures)
        tr = translator("nl")
        organisation_picture(tr, view)  # warm-up: fonts
        started = time.perf_counter()
        organisation_picture(tr, view)
        picture = time.perf_counter() - started
        async with database.transaction() as session:
            professionals = len(list(await session.scalars(select(Professional.id))))
        assert professionals == PROFESSIONALS + 1
        return statistics.median(timings[1:]), picture, figures.whole.clients
    finally:
        await database.dispose()


async def main(clients: int, backends: list[str]) -> None:
    """Run the measurements and print them."""
    print(
        f"the organisation's view: {clients:,} clients × {WEEKS} weeks, ten contacts with "
        f"history each, {PROFESSIONALS} professionals"
    )
    print("  /organisation sends the figures first and the picture after them: the coordinator")
    print("  waits the figures' time for the numbers, and the picture's on top for the picture.")
    print("  database      figures (median)   picture   together   goal (figures)")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            async with AsyncExitStack() as cleanup:
                url = (
                    f"sqlite+aiosqlite:///{Path(folder) / 'organisation.db'}"
                    if backend == "SQLite"
                    else await cleanup.enter_async_context(postgres_database())
                )
                if url is None:
                    print(f"  {postgres_skipped()}")
                    continue
                seconds, picture, counted = await measure(url, clients)
            assert counted == clients
            verdict = "ok" if seconds < GOAL_SECONDS else "over"
            print(
                f"  {backend:11s} {seconds * 1000:12.0f} ms {picture * 1000:9.0f} ms"
                f" {(seconds + picture) * 1000:7.0f} ms   < {GOAL_SECONDS:.0f} s: {verdict}"
            )
            figure(
                "organisation",
                f"organisation view, {clients:,} clients, {backend}",
                f"{seconds * 1000:.0f} ms (picture {picture * 1000:.0f} ms)",
                f"< {GOAL_SECONDS:.0f} s",
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument(
        "--databases", nargs="+", default=["SQLite", "PostgreSQL"], choices=["SQLite", "PostgreSQL"]
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.clients, arguments.databases))
