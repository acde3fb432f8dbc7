"""Two bot processes on one database: every due prompt is made once and claimed once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from buddybot.clock import utcnow
from buddybot.services import checkins
from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin
from tests.journeys import clients_due_now

PEOPLE = 500


async def _replica(database: Database) -> list[int]:
    """One bot process: materialise and claim until nothing is left."""
    claimed: list[int] = []
    while True:
        now = utcnow()
        async with database.transaction() as session:
            await checkins.materialise(session, now)
        async with database.transaction() as session:
            batch = await checkins.claim_prompts(session, now, limit=50)
        if not batch:
            return claimed
        claimed += [prompt.checkin_id for prompt in batch]
        await asyncio.sleep(0)


async def test_two_processes_send_every_due_prompt_exactly_once(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        await migrate.upgrade(first)
        async with first.transaction() as session:
            await clients_due_now(session, list(range(10_000, 10_000 + PEOPLE)), utcnow())
        mine, theirs = await asyncio.gather(_replica(first), _replica(second))
        assert len(mine) + len(theirs) == PEOPLE
        assert len(set(mine) | set(theirs)) == PEOPLE
        async with first.transaction() as session:
            rows = await session.scalar(select(func.count()).select_from(Checkin))
        assert rows == PEOPLE  # materialised once each, though both processes tried
    finally:
        await first.dispose()
        await second.dispose()
