"""Two bot processes on one database: every due prompt is made once and claimed once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from buddybot.clock import utcnow
from buddybot.services import checkins
from buddybot.storage import migrate, repositories
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    ParticipantRole,
    ParticipantStatus,
    RhythmRecord,
)

PEOPLE = 500


async def _people_due_now(database: Database) -> None:
    """500 clients whose rhythm has a slot a minute ago (every day at that local time)."""
    now = utcnow()
    async with database.transaction() as session:
        organisation = await repositories.add_organisation(session, "Kring Gent")
        for number in range(PEOPLE):
            client = await repositories.add_participant(
                session,
                organisation,
                ParticipantRole.CLIENT,
                first_name=f"Client {number}",
                telegram_user_id=10_000 + number,
                status=ParticipantStatus.ACTIVE,
                time_zone="UTC",
            )
            client.consent_given_at = now - timedelta(days=1)
            session.add(
                RhythmRecord(
                    participant_id=client.id,
                    weekdays="0,1,2,3,4,5,6",
                    local_time=(now - timedelta(minutes=1)).strftime("%H:%M"),
                    checked_until=now - timedelta(minutes=30),
                )
            )


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
        await _people_due_now(first)
        mine, theirs = await asyncio.gather(_replica(first), _replica(second))
        assert len(mine) + len(theirs) == PEOPLE
        assert len(set(mine) | set(theirs)) == PEOPLE
        async with first.transaction() as session:
            rows = await session.scalar(select(func.count()).select_from(Checkin))
        assert rows == PEOPLE  # materialised once each, though both processes tried
    finally:
        await first.dispose()
        await second.dispose()
