"""The digest rows in storage: who a digest may go to, one claim per (professional, week), a
claim taken again only once it went stale (``claims.STALE_CLAIM``), and never once sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from buddybot.roles import ProfessionalStatus
from buddybot.storage import claims, digests, people
from buddybot.storage.database import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = date(2026, 2, 23)


async def test_only_active_professionals_with_an_account_get_a_digest(database: Database) -> None:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Buurtteam")
        active = await people.add_professional(
            session, organisation, "Anna", telegram_user_id=11, status=ProfessionalStatus.ACTIVE
        )
        await people.add_professional(
            session, organisation, "Bram", telegram_user_id=12, status=ProfessionalStatus.LEFT
        )
        await people.add_professional(session, organisation, "Cor", telegram_user_id=13)
        await people.add_professional(
            session, organisation, "Dirk", status=ProfessionalStatus.ACTIVE
        )
        assert [found.id for found in await digests.recipients(session)] == [active.id]


async def test_a_week_is_claimed_once_and_taken_again_only_when_the_claim_went_stale(
    database: Database,
) -> None:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Buurtteam")
        professional = await people.add_professional(
            session, organisation, "Anna", telegram_user_id=11, status=ProfessionalStatus.ACTIVE
        )
        professional_id = professional.id
    async with database.transaction() as session:
        won = await digests.claim(session, professional_id, WEEK, NOW)
        assert won is not None
    async with database.transaction() as session:
        assert await digests.claim(session, professional_id, WEEK, NOW) is None
        next_week = await digests.claim(session, professional_id, WEEK + timedelta(weeks=1), NOW)
        assert next_week is not None
    async with database.transaction() as session:
        assert await digests.retake_stale(session, NOW + claims.STALE_CLAIM) == []
    later = NOW + claims.STALE_CLAIM + timedelta(seconds=1)
    async with database.transaction() as session:
        retaken = await digests.retake_stale(session, later)
        assert sorted(retaken) == [
            (won, professional_id, WEEK),
            (next_week, professional_id, WEEK + timedelta(weeks=1)),
        ]
    async with database.transaction() as session:
        # Claimed again at ``later``: not stale for another STALE_CLAIM.
        assert await digests.retake_stale(session, later + timedelta(seconds=1)) == []
        await digests.mark_sent(session, won, later)
        await digests.mark_sent(session, next_week, later)
    async with database.transaction() as session:
        assert await digests.retake_stale(session, later + timedelta(days=1)) == []
