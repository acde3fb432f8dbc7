"""Queries and writes on meetups and the contact event a saved meetup adds. No rules, no
texts: just rows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ParticipantStatus
from buddybot.storage.database import saved
from buddybot.storage.models import BuddyLink, ContactEvent, Meetup, Participant


async def agreed_clients(session: AsyncSession, buddy_id: int) -> list[Participant]:
    """The clients who agreed that this buddy logs their meetups and still take part, by
    first name (sorted here: names are stored encrypted)."""
    rows = await session.scalars(
        select(Participant)
        .join(BuddyLink, BuddyLink.client_id == Participant.id)
        .where(
            BuddyLink.buddy_id == buddy_id,
            BuddyLink.client_agreed_at.is_not(None),
            Participant.status != ParticipantStatus.LEFT,
            Participant.consent_withdrawn_at.is_(None),
        )
    )
    return sorted(rows, key=lambda client: ((client.first_name or "").casefold(), client.id))


async def add_unfinished(
    session: AsyncSession, buddy_id: int, client_id: int, now: datetime
) -> Meetup:
    """A new meetup at its first step; the buddy's unfinished one, if any, is dropped."""
    await session.execute(
        delete(Meetup).where(Meetup.buddy_id == buddy_id, Meetup.saved_at.is_(None))
    )
    return await saved(
        session, Meetup(buddy_id=buddy_id, client_id=client_id, step="when", started_at=now)
    )


async def unfinished(
    session: AsyncSession, buddy_id: int, meetup_id: int | None = None
) -> Meetup | None:
    """The meetup this buddy is filling in (the given one, or the newest)."""
    query = select(Meetup).where(Meetup.buddy_id == buddy_id, Meetup.saved_at.is_(None))
    if meetup_id is not None:
        query = query.where(Meetup.id == meetup_id)
    return await session.scalar(query.order_by(Meetup.id.desc()).limit(1))


async def saved_by(session: AsyncSession, buddy_id: int, meetup_id: int) -> bool:
    """True when ``meetup_id`` is a meetup this buddy saved."""
    found = await session.scalar(
        select(Meetup.id).where(
            Meetup.id == meetup_id, Meetup.buddy_id == buddy_id, Meetup.saved_at.is_not(None)
        )
    )
    return found is not None


async def remove(session: AsyncSession, meetup: Meetup) -> None:
    """Delete a meetup row."""
    await session.delete(meetup)
    await session.flush()


async def add_contact_event(session: AsyncSession, meetup: Meetup, at: datetime, day: date) -> None:
    """The contact event of a saved meetup: the client met their buddy in person."""
    await saved(
        session,
        ContactEvent(
            client_id=meetup.client_id,
            buddy_id=meetup.buddy_id,
            meetup_id=meetup.id,
            at=at,
            local_date=day,
            mode="in_person",
            reported_by="buddy",
        ),
    )


async def saved_between(session: AsyncSession, buddy_id: int, first: date, last: date) -> int:
    """How many meetups the buddy saved for local days ``first`` to ``last``."""
    count = await session.scalar(
        select(func.count()).where(
            Meetup.buddy_id == buddy_id,
            Meetup.saved_at.is_not(None),
            Meetup.local_date >= first,
            Meetup.local_date <= last,
        )
    )
    return count or 0


async def saved_of(session: AsyncSession, participant_id: int, *, as_buddy: bool) -> list[Meetup]:
    """Saved meetups the person logged (``as_buddy``) or took part in, oldest first."""
    column = Meetup.buddy_id if as_buddy else Meetup.client_id
    return list(
        await session.scalars(
            select(Meetup)
            .where(column == participant_id, Meetup.saved_at.is_not(None))
            .order_by(Meetup.local_date, Meetup.id)
        )
    )
