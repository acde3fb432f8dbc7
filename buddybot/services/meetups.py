"""Buddy meetups: what a buddy logs after meeting a client. Rules and storage only.

A buddy logs meetups only with clients who agreed to that buddy (``buddy_link``). A saved
meetup also counts as a contact event for the client, with their buddy, reported by the buddy.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.schedule import local_date
from buddybot.storage.models import BuddyLink, ContactEvent, Meetup, Participant

ACTIVITIES = ("walk", "food", "sport", "culture", "home", "errands", "other")
DURATIONS = (30, 60, 120, 240)
STEPS = ("when", "activity", "duration", "how", "note")


async def agreed_clients(session: AsyncSession, buddy_id: int) -> list[Participant]:
    """The clients who agreed that this buddy logs their meetups, and still take part."""
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
    # By name, sorted here: names are stored encrypted.
    return sorted(rows, key=lambda client: ((client.first_name or "").casefold(), client.id))


async def start(
    session: AsyncSession, buddy: Participant, client_id: int, now: datetime
) -> Meetup | None:
    """A new meetup for one of the buddy's clients (any unfinished one is dropped)."""
    if client_id not in {c.id for c in await agreed_clients(session, buddy.id)}:
        return None
    await session.execute(
        delete(Meetup).where(Meetup.buddy_id == buddy.id, Meetup.saved_at.is_(None))
    )
    meetup = Meetup(buddy_id=buddy.id, client_id=client_id, step="when", started_at=now)
    session.add(meetup)
    await session.flush()
    return meetup


async def unfinished(
    session: AsyncSession, buddy_id: int, meetup_id: int | None = None
) -> Meetup | None:
    """The meetup this buddy is filling in (the given one, or any)."""
    query = select(Meetup).where(Meetup.buddy_id == buddy_id, Meetup.saved_at.is_(None))
    if meetup_id is not None:
        query = query.where(Meetup.id == meetup_id)
    return await session.scalar(query.order_by(Meetup.id.desc()).limit(1))


async def cancel(session: AsyncSession, meetup: Meetup) -> None:
    """Forget an unfinished meetup."""
    await session.delete(meetup)
    await session.flush()


def previous_step(step: str) -> str | None:
    """Where Back leads from a step; None from the first."""
    index = STEPS.index(step) if step in STEPS else 0
    return STEPS[index - 1] if index > 0 else None


async def save(session: AsyncSession, meetup: Meetup, buddy: Participant, now: datetime) -> int:
    """Store the meetup and its contact event; returns the buddy's meetups this month."""
    meetup.step, meetup.saved_at = None, now
    day = meetup.local_date or local_date(now, buddy.time_zone)
    session.add(
        ContactEvent(
            client_id=meetup.client_id,
            buddy_id=buddy.id,
            meetup_id=meetup.id,
            at=now,
            local_date=day,
            mode="in_person",
            reported_by="buddy",
        )
    )
    await session.flush()
    return await this_month(session, buddy.id, day)


async def this_month(session: AsyncSession, buddy_id: int, day: date) -> int:
    """How many meetups the buddy saved in the calendar month of ``day``."""
    first = day.replace(day=1)
    count = await session.scalar(
        select(func.count()).where(
            Meetup.buddy_id == buddy_id,
            Meetup.saved_at.is_not(None),
            Meetup.local_date >= first,
            Meetup.local_date <= day,
        )
    )
    return count or 0


async def of_participant(
    session: AsyncSession, participant: Participant
) -> list[dict[str, object]]:
    """Saved meetups the person logged (a buddy) or took part in (a client), as plain data."""
    column = Meetup.buddy_id if participant.role is ParticipantRole.BUDDY else Meetup.client_id
    rows = await session.scalars(
        select(Meetup)
        .where(column == participant.id, Meetup.saved_at.is_not(None))
        .order_by(Meetup.local_date, Meetup.id)
    )
    return [
        {
            "day": row.local_date.isoformat() if row.local_date else None,
            "activity": row.activity,
            "minutes": row.duration_minutes,
            "how_it_went_1_to_5": row.how_it_went,
            "note": row.note,
        }
        for row in rows
    ]
