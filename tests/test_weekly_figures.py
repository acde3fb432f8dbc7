"""The weekly aggregates on SQLite and PostgreSQL: the same weeks (Monday to Sunday, across
a new year), the same counts, and weeks without anything simply absent."""

from __future__ import annotations

from datetime import UTC, date, datetime

from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.storage import people as stored_people
from buddybot.storage import weekly
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    Contact,
    ContactEvent,
    Meetup,
    Mood,
    Satisfaction,
)

AT = datetime(2026, 12, 1, tzinfo=UTC)


def test_weeks_start_on_monday() -> None:
    assert weekly.monday(date(2027, 1, 3)) == date(2026, 12, 28)  # a Sunday, across new year
    assert weekly.monday(date(2027, 1, 4)) == date(2027, 1, 4)


async def test_counts_per_client_per_week_on_both_databases(database: Database) -> None:
    async with database.transaction() as session:
        organisation = await stored_people.add_organisation(session, "Kring Gent")
        people = {}
        for name, role in (
            ("Amira", ParticipantRole.CLIENT),
            ("Bram", ParticipantRole.BUDDY),
            ("Zoë", ParticipantRole.CLIENT),
        ):
            people[name] = await stored_people.add_participant(
                session, organisation, role, first_name=name, status=ParticipantStatus.ACTIVE
            )
        amira, bram, other = people["Amira"], people["Bram"], people["Zoë"]
        mama = Contact(client_id=amira.id, kind="person", label="Mama", circle=1, domain="family")
        jan = Contact(client_id=amira.id, kind="person", label="Jan", circle=3, domain="work")
        session.add_all([mama, jan])
        await session.flush()
        checkins = [
            Checkin(
                participant_id=amira.id,
                slot_at=AT.replace(day=day),
                local_date=local,
                status=status,
            )
            for day, local, status in (
                (1, date(2026, 12, 31), CheckinStatus.ANSWERED),  # Thursday, week of 28 Dec
                (2, date(2027, 1, 3), CheckinStatus.EXPIRED),  # Sunday, same week
                (5, date(2027, 1, 1), CheckinStatus.ANSWERED),  # Friday, same week
                (3, date(2027, 1, 4), CheckinStatus.SCHEDULED),  # Monday: not sent yet
            )
        ]
        checkins.append(
            Checkin(
                participant_id=other.id,
                slot_at=AT,
                local_date=date(2026, 12, 31),
                status=CheckinStatus.SENT,
            )
        )
        session.add_all(checkins)
        await session.flush()
        first = checkins[0]
        meetup = Meetup(
            buddy_id=bram.id,
            client_id=amira.id,
            local_date=date(2027, 1, 2),
            duration_minutes=90,
            started_at=AT,
            saved_at=AT,
        )
        session.add(meetup)
        await session.flush()
        for contact, day in ((mama, 31), (mama, 30), (jan, 31)):
            session.add(
                ContactEvent(
                    client_id=amira.id,
                    contact_id=contact.id,
                    checkin_id=first.id,
                    at=AT,
                    local_date=date(2026, 12, day),
                    reported_by="client",
                )
            )
        session.add(
            ContactEvent(
                client_id=amira.id,
                buddy_id=bram.id,
                meetup_id=meetup.id,
                at=AT,
                local_date=date(2027, 1, 2),
                reported_by="buddy",
            )
        )
        session.add_all(
            [
                Mood(
                    participant_id=amira.id,
                    checkin_id=first.id,
                    at=AT,
                    local_date=date(2026, 12, 31),
                    score=4,
                ),
                Mood(
                    participant_id=amira.id,
                    checkin_id=checkins[2].id,
                    at=AT,
                    local_date=date(2027, 1, 1),
                    score=1,
                ),
                Satisfaction(
                    participant_id=amira.id,
                    checkin_id=first.id,
                    at=AT,
                    local_date=date(2026, 12, 31),
                    score=5,
                ),
            ]
        )

    async with database.transaction() as session:
        found = await weekly.client_figures(
            session, [amira.id], date(2026, 12, 1), date(2027, 1, 31)
        )
        everyone = await weekly.client_figures(session, None, date(2026, 12, 1), date(2027, 1, 31))

    assert set(found) == {amira.id}
    assert set(everyone) == {amira.id, other.id}
    figures = found[amira.id]
    week = figures.weeks[date(2026, 12, 28)]
    assert (week.sent, week.answered) == (3, 2)
    assert (week.events, week.distinct_contacts) == (4, 3)  # Mama twice, Jan, Bram
    assert week.by_domain == {"family": 2, "work": 1, "buddy": 1}
    assert week.by_circle == {1: 2, 3: 1}
    assert week.mood == 2.5
    assert week.satisfaction == 5.0
    assert (week.meetups, week.meetup_minutes) == (1, 90)
    assert figures.weeks[date(2027, 1, 4)].sent == 0  # scheduled is not sent
    assert set(figures.weeks) == {date(2026, 12, 28), date(2027, 1, 4)}  # no empty weeks
    assert set(figures.mentions) == {mama.id}
    assert sorted(figures.mentions[mama.id]) == [date(2026, 12, 30), date(2026, 12, 31)]
    assert figures.close_contacts == {mama.id: "Mama"}  # Jan is in circle 3
    assert figures.answered_days == [date(2026, 12, 28)] * 2  # by the Monday of their week


async def test_mentions_and_answers_are_read_from_further_back_than_the_counts(
    database: Database,
) -> None:
    async with database.transaction() as session:
        organisation = await stored_people.add_organisation(session, "Kring Gent")
        amira = await stored_people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            status=ParticipantStatus.ACTIVE,
        )
        mama = Contact(client_id=amira.id, kind="person", label="Mama", circle=2, domain="family")
        session.add(mama)
        await session.flush()
        checkins = [
            Checkin(
                participant_id=amira.id,
                slot_at=AT.replace(day=day),
                local_date=local,
                status=CheckinStatus.ANSWERED,
            )
            for day, local in ((1, date(2026, 11, 4)), (2, date(2026, 12, 9)))
        ]
        session.add_all(checkins)
        await session.flush()
        for checkin in checkins:
            session.add(
                ContactEvent(
                    client_id=amira.id,
                    contact_id=mama.id,
                    checkin_id=checkin.id,
                    at=AT,
                    local_date=checkin.local_date,
                    reported_by="client",
                )
            )

    async with database.transaction() as session:
        found = await weekly.client_figures(
            session,
            [amira.id],
            date(2026, 12, 1),
            date(2026, 12, 31),
            mentions_since=date(2026, 10, 1),
        )

    figures = found[amira.id]
    assert set(figures.weeks) == {date(2026, 12, 7)}  # November is before ``first``
    week = figures.weeks[date(2026, 12, 7)]
    assert (week.sent, week.answered, week.events) == (1, 1, 1)
    assert sorted(figures.answered_days) == [date(2026, 11, 2), date(2026, 12, 7)]
    assert set(figures.mentions) == {mama.id}
    assert sorted(figures.mentions[mama.id]) == [date(2026, 11, 4), date(2026, 12, 9)]
    assert figures.close_contacts == {mama.id: "Mama"}
