"""The retention rule: answers older than BUDDYBOT_RETENTION_MONTHS go in the daily purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.clock import utcnow
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.services import organisations, privacy
from buddybot.services.organisations import AdminError
from buddybot.services.outbox import Outgoing
from buddybot.services.people import Person, Role
from buddybot.storage import audit, people
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    Mood,
    Organisation,
    OutgoingMessage,
    Participant,
)


async def test_answers_older_than_the_retention_period_are_purged(database: Database) -> None:
    now = utcnow()
    old, recent = now - timedelta(days=25 * 31), now - timedelta(days=30)
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        client = await people.add_participant(
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
                Mood(
                    participant_id=client.id,
                    checkin_id=checkin.id,
                    at=moment,
                    local_date=moment.date(),
                    score=3,
                )
            )
    report = await privacy.purge(database, now=now, grace_days=30, retention_months=24)
    assert report.old_answers == 1
    async with database.transaction() as session:
        checkins = list(await session.scalars(select(Checkin.slot_at)))
        moods = await session.scalar(select(func.count()).select_from(Mood))
    assert checkins == [recent]
    assert moods == 1


async def test_an_organisation_keeps_answers_for_its_own_time(database: Database) -> None:
    """Youth care keeps answers 3 months, the other organisation the default 24."""
    now = utcnow()
    four_months_ago = now - timedelta(days=4 * 31)
    clients = {}
    async with database.transaction() as session:
        for name in ("Jeugdhulp", "Kring Gent"):
            organisation = await people.add_organisation(session, name)
            client = await people.add_participant(
                session, organisation, ParticipantRole.CLIENT, status=ParticipantStatus.ACTIVE
            )
            clients[name] = client.id
            session.add(
                Checkin(
                    participant_id=client.id,
                    slot_at=four_months_ago,
                    local_date=four_months_ago.date(),
                    status=CheckinStatus.ANSWERED,
                    attempts=0,
                    data={},
                )
            )
        await organisations.set_retention(session, "Jeugdhulp", 3)
    async with database.transaction() as session:  # what /privacy and the consent tell
        for name, months in (("Jeugdhulp", 3), ("Kring Gent", 24)):
            person = Person(Role.CLIENT, record_id=clients[name])
            assert await privacy.retention_months(session, person, 24) == months
    report = await privacy.purge(database, now=now, grace_days=30, retention_months=24)
    assert report.old_answers == 1
    async with database.transaction() as session:
        left = await session.scalars(
            select(Organisation.name)
            .join(Participant, Participant.organisation_id == Organisation.id)
            .join(Checkin, Checkin.participant_id == Participant.id)
        )
        assert list(left) == ["Kring Gent"]
        with pytest.raises(AdminError, match="1 to 120"):
            await organisations.set_retention(session, "Jeugdhulp", 0)
        entries = await audit.audit_entries(session)
        assert [e.detail for e in entries if e.action == "organisation.retention"] == [
            {"months": 3}
        ]


async def test_one_erasure_that_fails_does_not_stop_the_purge(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        els = await people.add_professional(
            session, organisation, "Els", telegram_user_id=77, status=ProfessionalStatus.ACTIVE
        )
        for name in ("Amira", "Bram"):
            client = await people.add_participant(
                session,
                organisation,
                ParticipantRole.CLIENT,
                first_name=name,
                professional_id=els.id,
            )
            client.consent_withdrawn_at = now - timedelta(days=40)
    erase = privacy.erase

    async def erase_but_not_amira(
        session: AsyncSession, participant: Participant, *, reason: str
    ) -> privacy.Told:
        if participant.first_name == "Amira":
            raise RuntimeError("a fault in one person's data")
        return await erase(session, participant, reason=reason)

    monkeypatch.setattr(privacy, "erase", erase_but_not_amira)

    def note(told: privacy.Told) -> Outgoing:
        assert told.professional_telegram_id == 77
        return Outgoing(77, f"{told.first_name} erased", "note to a professional")

    report = await privacy.purge(database, now=now, grace_days=30, retention_months=24, note=note)
    assert (report.erased, report.failed) == (1, 1)
    async with database.transaction() as session:
        left = list(await session.scalars(select(Participant.first_name)))
        notes = list(await session.scalars(select(OutgoingMessage.text)))
    assert left == ["Amira"]  # rolled back alone; Bram's erasure and its note stand
    assert notes == ["Bram erased"]

    monkeypatch.setattr(privacy, "erase", erase)  # the fault is mended: the next run does it
    report = await privacy.purge(database, now=now, grace_days=30, retention_months=24)
    assert (report.erased, report.failed) == (1, 0)
