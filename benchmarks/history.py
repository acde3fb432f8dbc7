"""Realistic answer history for benchmarks, inserted in bulk (Core inserts with explicit ids:
millions of rows in minutes). Not through the services on purpose: this fills throwaway
databases for measuring, while the demo builds its history through the services."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, text

from buddybot.metrics import week_of
from buddybot.network import Domain
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.storage import people
from buddybot.storage.columns import sealed_rows
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    Contact,
    ContactEvent,
    Mood,
    Participant,
    Professional,
    Satisfaction,
)

CONTACTS_PER_CLIENT = 8
BATCH = 20_000
DOMAINS = [domain.value for domain in Domain]


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def seed(
    database: Database, clients: int, weeks: int, today: date, *, seed: int = 1
) -> tuple[int, int]:
    """One organisation and professional with ``clients`` clients, each with eight contacts
    and ``weeks`` weeks of twice-weekly check-ins (80 % answered, 1–2 contacts each, a mood,
    satisfaction every fourth). Returns (professional id, contact events inserted)."""
    rng = random.Random(seed)
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, f"Bench {seed}")
        professional = Professional(
            organisation_id=organisation.id,
            display_name="Els",
            telegram_user_id=9_000_000 + seed,
            status=ProfessionalStatus.ACTIVE,
        )
        session.add(professional)
        await session.flush()
        professional_id = professional.id
    start_week = week_of(today) - timedelta(weeks=weeks)
    joined = datetime.combine(start_week, time(12), UTC)
    ids = iter(range(1, 10**9))
    participant_rows = []
    contact_rows = []
    client_ids = []
    base = 1_000_000 * seed
    for number in range(clients):
        client_id = base + number + 1
        client_ids.append(client_id)
        participant_rows.append(
            {
                "id": client_id,
                "organisation_id": organisation.id,
                "role": ParticipantRole.CLIENT,
                "first_name": f"Client {number}",
                "status": ParticipantStatus.ACTIVE,
                "professional_id": professional_id,
                "consent_given_at": joined,
                "time_zone": "Europe/Brussels",
                "created_at": joined,
                "updated_at": joined,
            }
        )
        for index in range(CONTACTS_PER_CLIENT):
            contact_rows.append(
                {
                    "id": client_id * 10 + index,
                    "client_id": client_id,
                    "kind": "person",
                    "label": f"Contact {index}",
                    "circle": 1 + index % 3,
                    "domain": DOMAINS[(number + index) % len(DOMAINS)],
                    "support_received": [],
                    "support_given": [],
                    "created_at": joined,
                }
            )
    counts = {"events": 0}

    def answers() -> Iterator[tuple[str, dict[str, Any]]]:
        for client_id in client_ids:
            answered = 0
            for week in range(weeks):
                for weekday in (0, 3):
                    day = start_week + timedelta(weeks=week, days=weekday)
                    moment = datetime.combine(day, time(17), UTC)
                    checkin_id = next(ids)
                    is_answered = rng.random() < 0.8
                    yield (
                        "checkin",
                        {
                            "id": checkin_id,
                            "participant_id": client_id,
                            "slot_at": moment,
                            "local_date": day,
                            "status": CheckinStatus.ANSWERED
                            if is_answered
                            else CheckinStatus.EXPIRED,
                            "sent_at": moment,
                            "answered_at": moment if is_answered else None,
                            "attempts": 1,
                            "data": {},
                        },
                    )
                    if not is_answered:
                        continue
                    for index in rng.sample(range(CONTACTS_PER_CLIENT), rng.choice((1, 1, 1, 2))):
                        counts["events"] += 1
                        yield (
                            "event",
                            {
                                "id": next(ids),
                                "client_id": client_id,
                                "contact_id": client_id * 10 + index,
                                "checkin_id": checkin_id,
                                "at": moment,
                                "local_date": day,
                                "mode": "in_person",
                                "reported_by": "client",
                            },
                        )
                    yield (
                        "mood",
                        {
                            "id": next(ids),
                            "participant_id": client_id,
                            "checkin_id": checkin_id,
                            "at": moment,
                            "local_date": day,
                            "score": rng.randint(2, 5),
                        },
                    )
                    if answered % 4 == 0:
                        yield (
                            "satisfaction",
                            {
                                "id": next(ids),
                                "participant_id": client_id,
                                "checkin_id": checkin_id,
                                "at": moment,
                                "local_date": day,
                                "score": rng.randint(2, 5),
                            },
                        )
                    answered += 1

    tables = {
        "checkin": Checkin,
        "event": ContactEvent,
        "mood": Mood,
        "satisfaction": Satisfaction,
    }
    async with database.transaction() as session:
        for batch in _batches(iter(participant_rows)):
            await session.execute(insert(Participant), sealed_rows(Participant, batch))
        for batch in _batches(iter(contact_rows)):
            await session.execute(insert(Contact), sealed_rows(Contact, batch))
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}

    async def flush(names: list[str]) -> None:
        async with database.transaction() as session:
            for name in names:  # check-ins first: the others point at them
                if pending[name]:
                    rows = pending[name]
                    if name == "checkin":  # its encrypted values are bound to their row
                        rows = sealed_rows(Checkin, rows)
                    await session.execute(insert(tables[name]), rows)
                    pending[name] = []

    for kind, row in answers():
        pending[kind].append(row)
        if len(pending[kind]) >= BATCH:
            await flush(["checkin", "event", "mood", "satisfaction"])
    await flush(["checkin", "event", "mood", "satisfaction"])
    # A database in use has its planner statistics (PostgreSQL's autovacuum keeps them);
    # a freshly filled one would be measured with blind query plans.
    async with database.begin() as connection:
        await connection.execute(text("ANALYZE"))
    return professional_id, counts["events"]
