"""What an export reads row by row: every stored answer of a set of clients (check-ins,
contact events with their contact, moods, satisfaction, saved meetups). One query per kind
for all the clients together, never one per client. No rules, no texts: just rows. The
weekly figures an export shows are counted in ``storage/weekly.py``."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.models import (
    Checkin,
    Contact,
    ContactEvent,
    Meetup,
    Mood,
    Satisfaction,
)


async def checkins(session: AsyncSession, client_ids: Collection[int]) -> list[Checkin]:
    """Every check-in of these clients, by slot."""
    return list(
        await session.scalars(
            select(Checkin).where(Checkin.participant_id.in_(client_ids)).order_by(Checkin.slot_at)
        )
    )


async def contact_events(
    session: AsyncSession, client_ids: Collection[int]
) -> list[tuple[ContactEvent, Contact | None]]:
    """Every contact event of these clients, by time, each with its contact on the map
    (None for time with their buddy, who need not be on it)."""
    rows = await session.execute(
        select(ContactEvent, Contact)
        .outerjoin(Contact, Contact.id == ContactEvent.contact_id)
        .where(ContactEvent.client_id.in_(client_ids))
        .order_by(ContactEvent.at)
    )
    return [(event, contact) for event, contact in rows]


async def moods(session: AsyncSession, client_ids: Collection[int]) -> list[Mood]:
    """Every mood these clients gave (in no particular order)."""
    return list(await session.scalars(select(Mood).where(Mood.participant_id.in_(client_ids))))


async def satisfaction(session: AsyncSession, client_ids: Collection[int]) -> list[Satisfaction]:
    """Every satisfaction score these clients gave (in no particular order)."""
    return list(
        await session.scalars(
            select(Satisfaction).where(Satisfaction.participant_id.in_(client_ids))
        )
    )


async def saved_meetups(session: AsyncSession, client_ids: Collection[int]) -> list[Meetup]:
    """The saved meetups of these clients, by local date."""
    return list(
        await session.scalars(
            select(Meetup)
            .where(Meetup.client_id.in_(client_ids), Meetup.saved_at.is_not(None))
            .order_by(Meetup.local_date)
        )
    )
