"""Buddy meetups: what a buddy logs after meeting a client. Rules; the rows are in
``storage/meetups.py``.

A buddy logs meetups only with clients who agreed to that buddy (``buddy_link``). A saved
meetup also counts as a contact event for the client, with their buddy, reported by the buddy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import meetup as flow
from buddybot.flows.checkin import TEXT_LIMIT
from buddybot.flows.meetup import MeetupPress, MeetupState
from buddybot.roles import ParticipantRole
from buddybot.schedule import local_date
from buddybot.services import access, questions
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import meetups as stored
from buddybot.storage import people
from buddybot.storage.database import Database
from buddybot.storage.models import Meetup, Participant


async def agreed_clients(session: AsyncSession, buddy_id: int) -> list[Participant]:
    """The clients who agreed that this buddy logs their meetups, and still take part."""
    return await stored.agreed_clients(session, buddy_id)


async def start(
    session: AsyncSession, buddy: Participant, client_id: int, now: datetime
) -> Meetup | None:
    """A new meetup for one of the buddy's clients (any unfinished one is dropped); None
    for a client who did not agree to this buddy."""
    if client_id not in {c.id for c in await agreed_clients(session, buddy.id)}:
        return None
    return await stored.add_unfinished(session, buddy.id, client_id, now)


async def save(session: AsyncSession, meetup: Meetup, buddy: Participant, now: datetime) -> int:
    """Store the meetup and its contact event; returns the buddy's meetups this month."""
    meetup.step, meetup.saved_at = None, now
    day = meetup.local_date or local_date(now, buddy.time_zone)
    await stored.add_contact_event(session, meetup, now, day)
    return await stored.saved_between(session, buddy.id, day.replace(day=1), day)


async def of_participant(
    session: AsyncSession, participant: Participant
) -> list[dict[str, object]]:
    """Saved meetups the person logged (a buddy) or took part in (a client), as plain data."""
    as_buddy = participant.role is ParticipantRole.BUDDY
    rows = await stored.saved_of(session, participant.id, as_buddy=as_buddy)
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


@dataclass(frozen=True)
class MeetupQuestion:
    """Where a meetup being logged stands: its step, the client's first name, and the
    buddy's local date when it was begun (the days to choose from)."""

    meetup_id: int
    step: str
    client_name: str
    started_on: date


@dataclass(frozen=True)
class MeetupStart:
    """The first question of a new meetup: the clients to choose from (id, first name) when
    there are several, else the first question (None with no client at all)."""

    clients: tuple[tuple[int, str], ...] = ()
    question: MeetupQuestion | None = None


@dataclass(frozen=True)
class MeetupSaved:
    """The meetup is stored; the buddy's meetups this calendar month."""

    this_month: int


class MeetupCancelled:
    """The buddy cancelled: the unfinished meetup is forgotten."""


@dataclass(frozen=True)
class MeetupAgain:
    """A press not for this step (pressed twice, an older button of this flow): nothing
    changed; the question where the buddy is now."""

    question: MeetupQuestion


class MeetupAlreadySaved:
    """A button of a meetup this buddy saved already (tapped twice): nothing changes."""


MeetupOutcome = MeetupQuestion | MeetupSaved | MeetupCancelled | MeetupAgain | MeetupAlreadySaved


async def _question(session: AsyncSession, meetup: Meetup, buddy: Participant) -> MeetupQuestion:
    if meetup.step == "note" and buddy.telegram_user_id is not None:
        await questions.asking_in_text(session, buddy.telegram_user_id)
    client = await people.participant_by_id(session, meetup.client_id)
    return MeetupQuestion(
        meetup.id,
        meetup.step or "when",
        client.first_name or "" if client else "",
        local_date(meetup.started_at, buddy.time_zone),
    )


async def begin(session: AsyncSession, buddy: Participant, now: datetime) -> MeetupStart:
    """A new meetup: which client (if several), or the first question."""
    clients = await agreed_clients(session, buddy.id)
    if len(clients) != 1:
        return MeetupStart(tuple((c.id, c.first_name or "") for c in clients))
    started = await start(session, buddy, clients[0].id, now)
    assert started is not None  # the one agreed client
    return MeetupStart(question=await _question(session, started, buddy))


async def _buddy(session: AsyncSession, telegram_user_id: int) -> Participant | None:
    participant = await people.participant_by_telegram_id(session, telegram_user_id)
    if participant is None or participant.role is not ParticipantRole.BUDDY:
        return None
    return participant


async def begin_for(database: Database, telegram_user_id: int, now: datetime) -> MeetupStart:
    """`/meetup`: the first question of a new meetup of this buddy."""
    async with database.transaction() as session:
        buddy = await _buddy(session, telegram_user_id)
        return MeetupStart() if buddy is None else await begin(session, buddy, now)


async def press(
    database: Database, telegram_user_id: int, event: MeetupPress, now: datetime
) -> MeetupOutcome | None:
    """Apply one meetup button of this buddy; None when it is not theirs (refused and
    written to the audit log)."""
    async with database.transaction() as session:
        buddy = await _buddy(session, telegram_user_id)
        outcome = None if buddy is None else await _press(session, buddy, event, now)
        if buddy is not None and outcome is None:
            await access.refuse(session, telegram_user_id, "meetup", "meetup", None)
        return outcome


async def _press(
    session: AsyncSession, buddy: Participant, event: MeetupPress, now: datetime
) -> MeetupOutcome | None:
    if event.meetup_id is None:
        meetup = await start(session, buddy, int(event.value), now)
        return None if meetup is None else await _question(session, meetup, buddy)
    meetup = await stored.unfinished(session, buddy.id, event.meetup_id)
    if meetup is None:
        # Their own meetup, saved already (Skip tapped twice): done, not a forged press.
        saved = await stored.saved_by(session, buddy.id, event.meetup_id)
        return MeetupAlreadySaved() if saved else None
    if event.action == "cancel":
        await stored.remove(session, meetup)
        return MeetupCancelled()
    if event.action == "skip" and meetup.step == "note":
        return MeetupSaved(await save(session, meetup, buddy, now))
    state = MeetupState(
        meetup.step or "when",
        meetup.local_date,
        meetup.activity,
        meetup.duration_minutes,
        meetup.how_it_went,
    )
    moved = flow.press(state, event.action, event.value, local_date(now, buddy.time_zone))
    if moved is None:
        return MeetupAgain(await _question(session, meetup, buddy))
    meetup.step, meetup.local_date = moved.step, moved.local_date
    meetup.activity, meetup.duration_minutes = moved.activity, moved.duration_minutes
    meetup.how_it_went = moved.how_it_went
    if moved.step == "note":
        # The note is asked now: a weekly question still waiting for why they did not meet
        # would otherwise take it (typed text goes to the check-in first).
        await stored_checkins.leave_reason_unsaid(session, buddy.id, now)
    return await _question(session, meetup, buddy)


async def note_typed(
    database: Database, telegram_user_id: int, text: str, now: datetime
) -> MeetupQuestion | MeetupSaved | None:
    """Typed text while logging a meetup: the note (at that step; the meetup is saved), or
    else the question where they are. None when this person is not logging a meetup."""
    async with database.transaction() as session:
        buddy = await _buddy(session, telegram_user_id)
        meetup = None if buddy is None else await stored.unfinished(session, buddy.id)
        if buddy is None or meetup is None:
            return None
        if meetup.step == "note":
            meetup.note = text.strip()[:TEXT_LIMIT]
            return MeetupSaved(await save(session, meetup, buddy, now))
        return await _question(session, meetup, buddy)
