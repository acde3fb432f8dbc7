"""Who is talking to the bot: roles, languages, and times stored in UTC (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.services import people
from buddybot.services.people import Role
from buddybot.storage import audit as stored_audit
from buddybot.storage import people as stored_people
from buddybot.storage.database import Database
from buddybot.storage.models import AuditLog


async def _seed(database: Database) -> None:
    async with database.transaction() as session:
        organisation = await stored_people.add_organisation(session, "Kring Gent")
        await stored_people.add_professional(
            session, organisation, "Els", telegram_user_id=1, status=ProfessionalStatus.ACTIVE
        )
        await stored_people.add_participant(
            session, organisation, ParticipantRole.CLIENT, first_name="Amira", telegram_user_id=2
        )
        await stored_people.add_participant(
            session, organisation, ParticipantRole.BUDDY, first_name="Bram", telegram_user_id=3
        )
        await stored_people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Karim",
            telegram_user_id=4,
            status=ParticipantStatus.LEFT,
        )


async def test_roles_are_recognised(database: Database) -> None:
    await _seed(database)
    async with database.transaction() as session:
        roles = {tid: (await people.identify(session, tid)).role for tid in (1, 2, 3, 4, 5)}
    assert roles == {
        1: Role.PROFESSIONAL,
        2: Role.CLIENT,
        3: Role.BUDDY,
        4: Role.UNKNOWN,  # left: treated as a stranger again
        5: Role.UNKNOWN,
    }


async def test_language_choice_is_stored_for_known_people_only(database: Database) -> None:
    await _seed(database)
    async with database.transaction() as session:
        client = await people.choose_language(session, 2, "en")
        assert client is not None
        assert client.role is Role.CLIENT
        assert await people.choose_language(session, 1, "en") is not None
        assert await people.choose_language(session, 5, "en") is None
        with pytest.raises(ValueError, match="unsupported language"):
            await people.choose_language(session, 2, "fr")
    async with database.transaction() as session:
        amira = await people.identify(session, 2)
        audit = await stored_audit.audit_entries(session)
    assert amira.language == "en"
    assert [(entry.actor_kind, entry.action) for entry in audit] == [
        ("client", "language.changed"),
        ("professional", "language.changed"),
    ]


def test_language_of_prefers_the_persons_choice() -> None:
    chose_english = people.Person(Role.CLIENT, 1, "Amira", "en")
    assert people.language_of(chose_english, "nl", "nl") == "en"
    assert people.language_of(people.UNKNOWN, "en-US", "nl") == "en"
    assert people.language_of(people.UNKNOWN, None, "en") == "en"


async def test_times_come_back_in_utc_and_aware(database: Database) -> None:
    brussels_evening = datetime(2026, 3, 29, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    async with database.transaction() as session:
        organisation = await stored_people.add_organisation(session, "Kring Gent")
        client = await stored_people.add_participant(
            session, organisation, ParticipantRole.CLIENT, first_name="Amira"
        )
        client.consent_given_at = brussels_evening
    async with database.transaction() as session:
        stored = await stored_people.participant_by_id(session, client.id)
    assert stored is not None
    assert stored.consent_given_at is not None
    assert stored.consent_given_at == brussels_evening
    assert stored.consent_given_at.tzinfo is not None
    assert stored.consent_given_at.utcoffset() == timedelta(0)
    assert stored.consent_given_at == datetime(2026, 3, 29, 16, 0, tzinfo=UTC)


async def test_naive_times_are_refused(database: Database) -> None:
    async with database.sessions() as session:
        session.add(AuditLog(actor_kind="system", action="t", at=datetime(2026, 1, 1, 12, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.flush()
