"""The retention rule: answers older than BUDDYBOT_RETENTION_MONTHS go in the daily purge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from buddybot.clock import utcnow
from buddybot.services import privacy
from buddybot.storage import repositories
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    MoodAnswer,
    ParticipantRole,
    ParticipantStatus,
)


async def test_answers_older_than_the_retention_period_are_purged(database: Database) -> None:
    now = utcnow()
    old, recent = now - timedelta(days=25 * 31), now - timedelta(days=30)
    async with database.transaction() as session:
        organisation = await repositories.add_organisation(session, "Kring Gent")
        client = await repositories.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            status=ParticipantStatus.ACTIVE,
        )
        for moment in (old, recent):
            checkin = Checkin(
                participant_id=client.id,
                slot_at=moment,
                local_date=moment.date(),
                status=CheckinStatus.ANSWERED,
                attempts=0,
                data={},
            )
            session.add(checkin)
            await session.flush()
            session.add(
                MoodAnswer(
                    participant_id=client.id,
                    checkin_id=checkin.id,
                    at=moment,
                    local_date=moment.date(),
                    score=3,
                )
            )
    async with database.transaction() as session:
        report = await privacy.purge(session, now=now, grace_days=30, retention_months=24)
    assert report.old_answers == 1
    async with database.transaction() as session:
        checkins = list(await session.scalars(select(Checkin.slot_at)))
        moods = await session.scalar(select(func.count()).select_from(MoodAnswer))
    assert checkins == [recent]
    assert moods == 1
