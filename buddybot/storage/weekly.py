"""Weekly figures per client, counted by the database: one GROUP BY query per kind of
answer for a whole set of clients (never a query per client per week), so a caseload or a
whole region is one pass. Weeks are numbered from Monday 3 January 2000 in the local dates
stored on every answer; ``monday()`` turns a number back into a date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, distinct, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    ContactEvent,
    ContactRecord,
    Meetup,
    MoodAnswer,
    SatisfactionAnswer,
)

EPOCH = date(2000, 1, 3)  # a Monday
_EPOCH_JULIAN = 2451546.5  # SQLite's julianday('2000-01-03')
SENT = (CheckinStatus.SENT, CheckinStatus.REMINDED, CheckinStatus.ANSWERED, CheckinStatus.EXPIRED)


@lru_cache(maxsize=4096)
def monday(week_number: int) -> date:
    """The Monday of a week number."""
    return EPOCH + timedelta(weeks=week_number)


def week_number(day: date) -> int:
    """The number of the week ``day`` is in."""
    return (day - EPOCH).days // 7


def _week(session: AsyncSession, column: Any) -> ColumnElement[int]:
    # Date arithmetic is the one thing SQLite and PostgreSQL spell differently.
    table_column = f"{column.table.name}.{column.name}"
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(
            f"CAST((julianday({table_column}) - {_EPOCH_JULIAN}) / 7 AS INTEGER)", Integer
        )
    return literal_column(f"(({table_column} - DATE '{EPOCH.isoformat()}') / 7)", Integer)


@dataclass
class WeekCounts:
    """Raw counts of one client in one week (see ``metrics.WeekFigures``)."""

    sent: int = 0
    answered: int = 0
    events: int = 0
    distinct_contacts: int = 0
    by_domain: dict[str, int] = field(default_factory=dict)
    by_circle: dict[int, int] = field(default_factory=dict)
    mood: float | None = None
    satisfaction: float | None = None
    meetups: int = 0
    meetup_minutes: int = 0


Weekly = dict[int, dict[date, WeekCounts]]  # client id → Monday → counts


def _filter(column: Any, clients: Collection[int] | None) -> list[ColumnElement[bool]]:
    return [] if clients is None else [column.in_(clients)]


async def weekly_counts(
    session: AsyncSession, clients: Collection[int] | None, first: date, last: date
) -> Weekly:
    """Counts per client per week for local dates ``first``..``last`` (``clients`` None:
    everyone). Weeks nobody was asked and nothing was reported are simply absent."""
    result: Weekly = defaultdict(dict)

    def cell(client_id: int, number: int) -> WeekCounts:
        return result[client_id].setdefault(monday(number), WeekCounts())

    week = _week(session, Checkin.local_date)
    rows = await session.execute(
        select(
            Checkin.participant_id,
            week,
            func.sum(case((Checkin.status.in_(SENT), 1), else_=0)),
            func.sum(case((Checkin.status == CheckinStatus.ANSWERED, 1), else_=0)),
        )
        .where(Checkin.local_date.between(first, last), *_filter(Checkin.participant_id, clients))
        .group_by(Checkin.participant_id, week)
    )
    for client_id, number, sent, answered in rows:
        counts = cell(client_id, number)
        counts.sent, counts.answered = int(sent or 0), int(answered or 0)

    event_filter = and_(
        ContactEvent.local_date.between(first, last), *_filter(ContactEvent.client_id, clients)
    )
    week = _week(session, ContactEvent.local_date)
    rows = await session.execute(
        select(
            ContactEvent.client_id,
            week,
            func.count(),
            func.count(distinct(ContactEvent.contact_id))
            + func.count(distinct(ContactEvent.buddy_id)),
        )
        .where(event_filter)
        .group_by(ContactEvent.client_id, week)
    )
    for client_id, number, events, people in rows:
        counts = cell(client_id, number)
        counts.events, counts.distinct_contacts = int(events), int(people)

    # By life domain and circle of the contact as it is on the map now; a buddy's meetup
    # counts under "buddy" (the buddy is not necessarily on the map).
    domain = func.coalesce(ContactRecord.domain, "buddy")
    rows = await session.execute(
        select(ContactEvent.client_id, week, domain, ContactRecord.circle, func.count())
        .outerjoin(ContactRecord, ContactRecord.id == ContactEvent.contact_id)
        .where(event_filter)
        .group_by(ContactEvent.client_id, week, domain, ContactRecord.circle)
    )
    for client_id, number, domain_name, circle, events in rows:
        counts = cell(client_id, number)
        counts.by_domain[domain_name] = counts.by_domain.get(domain_name, 0) + int(events)
        if circle is not None:
            counts.by_circle[circle] = counts.by_circle.get(circle, 0) + int(events)

    for table, attribute in ((MoodAnswer, "mood"), (SatisfactionAnswer, "satisfaction")):
        week = _week(session, table.local_date)
        rows = await session.execute(
            select(table.participant_id, week, func.avg(table.score))
            .where(table.local_date.between(first, last), *_filter(table.participant_id, clients))
            .group_by(table.participant_id, week)
        )
        for client_id, number, average in rows:
            setattr(cell(client_id, number), attribute, float(average))

    week = _week(session, Meetup.local_date)
    rows = await session.execute(
        select(
            Meetup.client_id,
            week,
            func.count(),
            func.coalesce(func.sum(Meetup.duration_minutes), 0),
        )
        .where(
            Meetup.saved_at.is_not(None),
            Meetup.local_date.between(first, last),
            *_filter(Meetup.client_id, clients),
        )
        .group_by(Meetup.client_id, week)
    )
    for client_id, number, meetups, minutes in rows:
        counts = cell(client_id, number)
        counts.meetups, counts.meetup_minutes = int(meetups), int(minutes)
    return dict(result)


async def close_mentions(
    session: AsyncSession, clients: Collection[int] | None, first: date, last: date
) -> dict[int, dict[int, list[date]]]:
    """For each client, the days each contact now in circle 1 or 2 was mentioned."""
    rows = await session.execute(
        select(ContactEvent.client_id, ContactEvent.contact_id, ContactEvent.local_date)
        .distinct()
        .join(ContactRecord, ContactRecord.id == ContactEvent.contact_id)
        .where(
            ContactRecord.circle <= 2,
            ContactRecord.removed_at.is_(None),
            ContactEvent.local_date.between(first, last),
            *_filter(ContactEvent.client_id, clients),
        )
    )
    mentions: dict[int, dict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    for client_id, contact_id, day in rows:
        if contact_id is not None:
            mentions[client_id][contact_id].append(day)
    return {client: dict(days) for client, days in mentions.items()}


async def close_contacts(
    session: AsyncSession, clients: Collection[int] | None
) -> dict[int, dict[int, str]]:
    """For each client, their contacts now in circle 1 or 2, by id, with their labels."""
    rows = await session.execute(
        select(ContactRecord.client_id, ContactRecord.id, ContactRecord.label).where(
            ContactRecord.circle <= 2,
            ContactRecord.removed_at.is_(None),
            *_filter(ContactRecord.client_id, clients),
        )
    )
    contacts: dict[int, dict[int, str]] = defaultdict(dict)
    for client_id, contact_id, label in rows:
        contacts[client_id][contact_id] = label
    return dict(contacts)


async def answered_days(
    session: AsyncSession, clients: Collection[int] | None, first: date, last: date
) -> dict[int, list[date]]:
    """For each client, the local days on which they answered a check-in."""
    rows = await session.execute(
        select(Checkin.participant_id, Checkin.local_date).where(
            Checkin.status == CheckinStatus.ANSWERED,
            Checkin.local_date.between(first, last),
            *_filter(Checkin.participant_id, clients),
        )
    )
    days: dict[int, list[date]] = defaultdict(list)
    for client_id, day in rows:
        days[client_id].append(day)
    return dict(days)
