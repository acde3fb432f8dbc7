"""The digest rows in storage: who a digest may go to, one claim per (professional, week), a
claim taken again only once it went stale (``claims.STALE_CLAIM``), and never once sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from buddybot.roles import ProfessionalStatus
from buddybot.storage import claims, digests, people
from buddybot.storage.database import Database
from buddybot.storage.models import Digest

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = date(2026, 2, 23)
GRACE_END = NOW + timedelta(hours=48)


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
        won = await digests.claim(session, professional_id, WEEK, NOW, GRACE_END)
        assert won is not None
    async with database.transaction() as session:
        assert await digests.claim(session, professional_id, WEEK, NOW, GRACE_END) is None
        next_week = await digests.claim(
            session, professional_id, WEEK + timedelta(weeks=1), NOW, GRACE_END
        )
        assert next_week is not None
    async with database.transaction() as session:
        assert await digests.retake(session, NOW + claims.STALE_CLAIM) == []
    later = NOW + claims.STALE_CLAIM + timedelta(seconds=1)
    async with database.transaction() as session:
        retaken = await digests.retake(session, later)
        assert sorted(retaken) == [
            (won, professional_id, WEEK, 0),
            (next_week, professional_id, WEEK + timedelta(weeks=1), 0),
        ]
    async with database.transaction() as session:
        # Claimed again at ``later``: not stale for another STALE_CLAIM.
        assert await digests.retake(session, later + timedelta(seconds=1)) == []
        await digests.mark_settled(session, won, later, "sent")
        await digests.mark_settled(session, next_week, later, "sent")
    async with database.transaction() as session:
        assert await digests.retake(session, later + timedelta(days=1)) == []


async def test_a_digest_held_back_is_taken_again_after_its_pause_until_its_grace_ends(
    database: Database,
) -> None:
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Buurtteam")
        professional = await people.add_professional(
            session, organisation, "Anna", telegram_user_id=11, status=ProfessionalStatus.ACTIVE
        )
        won = await digests.claim(session, professional.id, WEEK, NOW, GRACE_END)
        assert won is not None
        # Two of its parts went out, then Telegram had a passing problem.
        await digests.mark_part_sent(session, won, 2)
        await digests.mark_later(session, won, NOW + timedelta(minutes=1))
    async with database.transaction() as session:
        assert await digests.retake(session, NOW + timedelta(seconds=59)) == []
        assert await digests.retake(session, NOW + timedelta(minutes=1)) == [
            (won, professional.id, WEEK, 2)
        ]
        assert await digests.attempts_of(session, won) == 2
        await digests.mark_later(session, won, GRACE_END)
    async with database.transaction() as session:
        # Its grace is over by the time its pause is: missed, never sent late.
        assert await digests.retake(session, GRACE_END) == []
        assert await digests.close_missed(session, GRACE_END) == 1
        row = await session.get(Digest, won)
        assert row is not None
        assert (row.outcome, row.sent_at) == ("missed", GRACE_END)
        assert await digests.close_missed(session, GRACE_END + timedelta(days=1)) == 0
