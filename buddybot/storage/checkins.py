"""Queries and writes on check-ins and their answers (contact events, moods, satisfaction),
and on the rhythms the scheduler reads. No rules, no texts: just rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows.checkin import CheckinState, contact_chosen
from buddybot.network import Contact
from buddybot.roles import ParticipantStatus
from buddybot.storage import claims, models
from buddybot.storage.columns import sealed_rows
from buddybot.storage.contacts import as_contact
from buddybot.storage.database import rows_that_open, upsert_insert
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    ContactEvent,
    Meetup,
    Mood,
    Participant,
    Rhythm,
    Satisfaction,
)

OPEN = (CheckinStatus.SENT, CheckinStatus.REMINDED)
# Rows per INSERT when many slots are made at once.
BATCH = 500


async def due_rhythms(
    session: AsyncSession, now: datetime, may_be_prompted: ColumnElement[bool]
) -> list[tuple[Rhythm, Participant]]:
    """Rhythms not looked at since before ``now`` of people who take part and
    ``may_be_prompted``, locked for this process (others skip them on PostgreSQL)."""
    statement = (
        select(Rhythm, Participant)
        .join(Participant, Participant.id == Rhythm.participant_id)
        .where(
            Rhythm.checked_until < now,
            Participant.status == ParticipantStatus.ACTIVE,
            Participant.consent_given_at.is_not(None),
            Participant.consent_withdrawn_at.is_(None),
            may_be_prompted,
        )
        .with_for_update(of=Rhythm, skip_locked=True)
    )
    rows = await rows_that_open(session, statement, Participant.id, "participant")
    return [(record, participant) for record, participant in rows]


async def add_slots(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert check-in rows; a row for a (participant, slot) that exists is left out, so
    making the same slots twice (a restart, another replica) changes nothing."""
    insert = upsert_insert(session)
    for start in range(0, len(rows), BATCH):
        await session.execute(
            insert(Checkin)
            .values(sealed_rows(Checkin, rows[start : start + BATCH]))
            .on_conflict_do_nothing(index_elements=["participant_id", "slot_at"])
        )
    await session.flush()


async def candidates(
    session: AsyncSession, limit: int, *conditions: ColumnElement[bool]
) -> list[tuple[Checkin, Participant]]:
    """Check-ins meeting ``conditions`` with their participant, oldest slot first, locked for
    this process (other replicas skip them on PostgreSQL); one whose values do not open is
    left out (``database.rows_that_open``), the others go on."""
    statement = (
        select(Checkin, Participant)
        .join(Participant, Participant.id == Checkin.participant_id)
        .where(*conditions)
        .order_by(Checkin.slot_at, Checkin.id)
        .limit(limit)
        .with_for_update(of=Checkin, skip_locked=True)
    )
    rows = await rows_that_open(session, statement, Checkin.id, "check-in")
    return [(checkin, participant) for checkin, participant in rows]


async def release_stale_claims(session: AsyncSession, now: datetime) -> None:
    """Prompts whose sending was cut off (``claims.STALE_CLAIM``) are due again."""
    await session.execute(
        update(Checkin)
        .where(Checkin.status == CheckinStatus.SENDING, claims.stale(Checkin.claimed_at, now))
        .values(status=CheckinStatus.SCHEDULED)
    )


async def claim(session: AsyncSession, checkin_ids: list[int], now: datetime) -> set[int]:
    """Take the still-scheduled ones of ``checkin_ids`` for sending in one conditional
    update; returns the ids this process won."""
    won = await session.scalars(
        update(Checkin)
        .where(Checkin.id.in_(checkin_ids), Checkin.status == CheckinStatus.SCHEDULED)
        .values(
            status=CheckinStatus.SENDING,
            claimed_at=now,
            attempts=Checkin.attempts + 1,
            retry_at=None,
        )
        .returning(Checkin.id)
    )
    return set(won)


async def mark_sent(
    session: AsyncSession, checkin_id: int, message_id: int | None, now: datetime
) -> None:
    """The prompt being sent reached Telegram as ``message_id``."""
    await session.execute(
        update(Checkin)
        .where(Checkin.id == checkin_id, Checkin.status == CheckinStatus.SENDING)
        .values(status=CheckinStatus.SENT, sent_at=now, message_id=message_id)
    )


async def set_message(session: AsyncSession, checkin_id: int, message_id: int) -> None:
    """The message that now shows this check-in's question."""
    await session.execute(
        update(Checkin).where(Checkin.id == checkin_id).values(message_id=message_id)
    )


async def take_for_reminder(session: AsyncSession, checkin_id: int, now: datetime) -> bool:
    """Mark a sent prompt as reminded; False when another process did it first."""
    taken = await session.execute(
        update(Checkin)
        .where(Checkin.id == checkin_id, Checkin.status == CheckinStatus.SENT)
        .values(
            status=CheckinStatus.REMINDED,
            reminded_at=now,
            retry_at=None,
            attempts=Checkin.attempts + 1,
        )
    )
    return getattr(taken, "rowcount", 0) == 1


async def rhythms_of(session: AsyncSession, participant_ids: set[int]) -> dict[int, Rhythm]:
    """The rhythms of these participants, by participant id."""
    if not participant_ids:
        return {}
    records = await session.scalars(
        select(Rhythm).where(Rhythm.participant_id.in_(participant_ids))
    )
    return {record.participant_id: record for record in records}


async def mark_unreachable(session: AsyncSession, participant_id: int) -> None:
    """An active participant becomes unreachable (blocked the bot, account gone)."""
    await session.execute(
        update(Participant)
        .where(Participant.id == participant_id, Participant.status == ParticipantStatus.ACTIVE)
        .values(status=ParticipantStatus.UNREACHABLE)
    )


async def mark_reachable(session: AsyncSession, telegram_user_id: int) -> bool:
    """An unreachable participant is active again; False when they were not unreachable."""
    result = await session.execute(
        update(Participant)
        .where(
            Participant.telegram_user_id == telegram_user_id,
            Participant.status == ParticipantStatus.UNREACHABLE,
        )
        .values(status=ParticipantStatus.ACTIVE)
    )
    return bool(getattr(result, "rowcount", 0))


# Built once: composing the statement took as long as running it (benchmarks.answers).
_CHECKIN_WITH_MAP = (
    select(Checkin, Participant, models.Contact)
    .join(Participant, Participant.id == Checkin.participant_id)
    .outerjoin(
        models.Contact,
        (models.Contact.client_id == Participant.id) & models.Contact.removed_at.is_(None),
    )
    .where(
        Checkin.id == bindparam("checkin_id"),
        Participant.telegram_user_id == bindparam("telegram_user_id"),
    )
    .order_by(models.Contact.id)
)


async def with_map(
    session: AsyncSession, telegram_user_id: int, checkin_id: int
) -> tuple[Checkin, Participant, list[Contact]] | None:
    """Check-in ``checkin_id`` if it belongs to the person ``telegram_user_id`` (open or
    not), with the client's current map, in one query: a button press costs one read."""
    rows = (
        await session.execute(
            _CHECKIN_WITH_MAP, {"checkin_id": checkin_id, "telegram_user_id": telegram_user_id}
        )
    ).all()
    if not rows:
        return None
    checkin, participant = rows[0][0], rows[0][1]
    return checkin, participant, [as_contact(row[2]) for row in rows if row[2] is not None]


async def leave_reason_unsaid(session: AsyncSession, participant_id: int, now: datetime) -> None:
    """A buddy's open check-in waiting for why they did not meet (an optional text) is
    answered without it, as Skip would."""
    await session.execute(
        update(Checkin)
        .where(
            Checkin.participant_id == participant_id,
            Checkin.status.in_(OPEN),
            Checkin.step == "reason",
        )
        .values(status=CheckinStatus.ANSWERED, step="done", answered_at=now, closed_at=now)
    )


async def by_id(session: AsyncSession, checkin_id: int) -> Checkin | None:
    """The check-in with this id, if there is one."""
    return await session.get(Checkin, checkin_id)


async def current_open(session: AsyncSession, participant_id: int) -> Checkin | None:
    """The newest check-in this person can still answer."""
    return await session.scalar(
        select(Checkin)
        .where(Checkin.participant_id == participant_id, Checkin.status.in_(OPEN))
        .order_by(Checkin.slot_at.desc())
        .limit(1)
    )


async def add_open(session: AsyncSession, participant_id: int, now: datetime, day: date) -> Checkin:
    """A check-in outside the rhythm, open at once (sent ``now``, local day ``day``)."""
    checkin = Checkin(
        participant_id=participant_id,
        slot_at=now,
        local_date=day,
        status=CheckinStatus.SENT,
        sent_at=now,
        attempts=0,
        data={},
    )
    session.add(checkin)
    await session.flush()
    return checkin


async def answered_count(session: AsyncSession, participant_id: int) -> int:
    """How many check-ins this person answered."""
    count = await session.scalar(
        select(func.count()).where(
            Checkin.participant_id == participant_id, Checkin.status == CheckinStatus.ANSWERED
        )
    )
    return count or 0


async def previous_answer_day(
    session: AsyncSession, participant_id: int, before: datetime
) -> date | None:
    """The local day of the last answered check-in before ``before``."""
    return await session.scalar(
        select(Checkin.local_date)
        .where(
            Checkin.participant_id == participant_id,
            Checkin.status == CheckinStatus.ANSWERED,
            Checkin.slot_at < before,
        )
        .order_by(Checkin.slot_at.desc())
        .limit(1)
    )


async def add_answers(
    session: AsyncSession,
    checkin: Checkin,
    at: datetime,
    day: date,
    *,
    modes: Mapping[int, str | None],
    mood: int | None,
    satisfaction: int | None,
) -> None:
    """The answers of a check-in as rows: a contact event per contact seen (with how),
    the mood and the satisfaction (when given), all at ``at`` on the local ``day``."""
    participant_id = checkin.participant_id
    for contact_id, mode in modes.items():
        session.add(
            ContactEvent(
                client_id=participant_id,
                contact_id=contact_id,
                checkin_id=checkin.id,
                at=at,
                local_date=day,
                mode=mode,
                reported_by="client",
            )
        )
    for table, score in ((Mood, mood), (Satisfaction, satisfaction)):
        if score is not None:
            session.add(
                table(
                    participant_id=participant_id,
                    checkin_id=checkin.id,
                    at=at,
                    local_date=day,
                    score=score,
                )
            )
    await session.flush()


async def answers_of(
    session: AsyncSession, participant_id: int
) -> dict[str, list[dict[str, object]]]:
    """Every check-in of a person and what they answered, as plain data (for /mydata)."""
    rows = await session.scalars(
        select(Checkin).where(Checkin.participant_id == participant_id).order_by(Checkin.slot_at)
    )
    moods = await session.scalars(
        select(Mood).where(Mood.participant_id == participant_id).order_by(Mood.at)
    )
    satisfaction = await session.scalars(
        select(Satisfaction)
        .where(Satisfaction.participant_id == participant_id)
        .order_by(Satisfaction.at)
    )
    events = await session.scalars(
        select(ContactEvent)
        .where(ContactEvent.client_id == participant_id)
        .order_by(ContactEvent.at)
    )
    return {
        "check_ins": [
            {
                "planned_for": row.slot_at.isoformat(timespec="minutes"),
                "status": row.status.value,
                "answered": row.answered_at.isoformat(timespec="minutes")
                if row.answered_at
                else None,
                "message_to_professional": (row.data or {}).get("message"),
            }
            for row in rows
        ],
        "moods": [{"day": m.local_date.isoformat(), "score_1_to_5": m.score} for m in moods],
        "satisfaction": [
            {"day": s.local_date.isoformat(), "score_1_to_5": s.score} for s in satisfaction
        ],
        "contact_events": [
            {
                "day": e.local_date.isoformat(),
                "contact": e.contact_id,
                "how": e.mode,
                "reported_by": e.reported_by,
            }
            for e in events
        ],
    }


async def delete_answers_before(
    session: AsyncSession, before: datetime, *, organisation_id: int
) -> int:
    """An organisation's check-ins, moods, satisfaction, contact events and meetups older
    than ``before`` are deleted; returns how many check-ins and meetups went."""
    people = select(Participant.id).where(Participant.organisation_id == organisation_id)
    for table, column, person in (
        (Mood, Mood.at, Mood.participant_id),
        (Satisfaction, Satisfaction.at, Satisfaction.participant_id),
        (ContactEvent, ContactEvent.at, ContactEvent.client_id),
    ):
        await session.execute(delete(table).where(column < before, person.in_(people)))
    old_checkins = await session.execute(
        delete(Checkin).where(Checkin.slot_at < before, Checkin.participant_id.in_(people))
    )
    old_meetups = await session.execute(
        delete(Meetup).where(Meetup.started_at < before, Meetup.client_id.in_(people))
    )
    return int(getattr(old_checkins, "rowcount", 0) or 0) + int(
        getattr(old_meetups, "rowcount", 0) or 0
    )


async def add_chosen_contact(
    session: AsyncSession, checkin_id: int, client_id: int, contact_id: int
) -> bool:
    """Count ``contact_id`` as seen in the open check-in ``checkin_id`` of this client (a
    contact added through "Someone new"); False when there is no such open check-in."""
    checkin = await by_id(session, checkin_id)
    if checkin is None or checkin.participant_id != client_id or checkin.status not in OPEN:
        return False
    state = CheckinState.from_row(checkin.step, checkin.data)
    checkin.data = contact_chosen(state, contact_id).row_data(checkin.data)
    return True


async def often_seen(
    session: AsyncSession, client_id: int, since: datetime, limit: int = 20
) -> list[int]:
    """The contacts of this client with contact events since ``since`` (answered in
    check-ins or logged by their buddy), most events first, at most ``limit``."""
    count = func.count(ContactEvent.id)
    rows = await session.execute(
        select(ContactEvent.contact_id, count)
        .where(ContactEvent.client_id == client_id, ContactEvent.at >= since)
        .group_by(ContactEvent.contact_id)
        .order_by(count.desc(), ContactEvent.contact_id)
        .limit(limit)
    )
    return [contact_id for contact_id, _ in rows.all() if contact_id is not None]


async def delete_answers(session: AsyncSession, checkin_id: int) -> None:
    """The rows a check-in's answers made (its contact events, mood and satisfaction) go:
    it is about to be answered anew."""
    for table, column in (
        (ContactEvent, ContactEvent.checkin_id),
        (Mood, Mood.checkin_id),
        (Satisfaction, Satisfaction.checkin_id),
    ):
        await session.execute(delete(table).where(column == checkin_id))


async def latest_answered(session: AsyncSession, participant_id: int) -> Checkin | None:
    """This person's check-in answered last, if any."""
    return await session.scalar(
        select(Checkin)
        .where(Checkin.participant_id == participant_id, Checkin.status == CheckinStatus.ANSWERED)
        .order_by(Checkin.answered_at.desc(), Checkin.id.desc())
        .limit(1)
    )


async def writing(session: AsyncSession, participant_id: int, recent: int = 5) -> Checkin | None:
    """Of this person's ``recent`` latest answered check-ins, the one where they asked last
    to write to their professional (``writing_at`` in its data), if any."""
    rows = await session.scalars(
        select(Checkin)
        .where(Checkin.participant_id == participant_id, Checkin.status == CheckinStatus.ANSWERED)
        .order_by(Checkin.answered_at.desc(), Checkin.id.desc())
        .limit(recent)
    )
    asked = [row for row in rows if (row.data or {}).get("writing_at")]
    return max(asked, key=lambda row: str(row.data["writing_at"]), default=None)


async def last_answers(
    session: AsyncSession, participant_ids: Sequence[int]
) -> dict[int, datetime]:
    """When each of these people last answered a check-in (those who never did are left
    out), in one query."""
    if not participant_ids:
        return {}
    rows = await session.execute(
        select(Checkin.participant_id, func.max(Checkin.answered_at))
        .where(
            Checkin.participant_id.in_(participant_ids),
            Checkin.status == CheckinStatus.ANSWERED,
        )
        .group_by(Checkin.participant_id)
    )
    return {participant: at for participant, at in rows.all() if at is not None}


async def last_failures(
    session: AsyncSession, participant_ids: Sequence[int]
) -> dict[int, datetime]:
    """When a prompt to each of these people last failed (closed as failed: blocked, gone,
    refused, or not sent within its window); those with none are left out. One query."""
    if not participant_ids:
        return {}
    rows = await session.execute(
        select(Checkin.participant_id, func.max(Checkin.closed_at))
        .where(
            Checkin.participant_id.in_(participant_ids),
            Checkin.status == CheckinStatus.FAILED,
        )
        .group_by(Checkin.participant_id)
    )
    return {participant: at for participant, at in rows.all() if at is not None}


async def messages_between(
    session: AsyncSession, participant_ids: Sequence[int], first: date, last: date
) -> list[tuple[int, date, str]]:
    """The messages for their professional kept with these people's answered check-ins of
    local dates ``first`` to ``last`` (both included), oldest first: (participant, the
    check-in's local date, the text). The text is inside the encrypted check-in data, so
    the rows of those days are read and the ones without a message left out here."""
    if not participant_ids:
        return []
    rows = await session.execute(
        select(Checkin.participant_id, Checkin.local_date, Checkin.data)
        .where(
            Checkin.participant_id.in_(participant_ids),
            Checkin.local_date >= first,
            Checkin.local_date <= last,
            Checkin.answered_at.is_not(None),
        )
        .order_by(Checkin.local_date, Checkin.answered_at, Checkin.id)
    )
    return [
        (participant, day, str(data["message"]))
        for participant, day, data in rows.all()
        if data and data.get("message")
    ]


async def shared_messages(
    session: AsyncSession, participant_id: int, first: date, last: date
) -> list[tuple[date, str]]:
    """The messages this client agreed to share with their professional's team (a report
    for the team meeting), from answered check-ins of local dates ``first`` to ``last``,
    oldest first: (the check-in's local date, the text)."""
    rows = await session.execute(
        select(Checkin.local_date, Checkin.data)
        .where(
            Checkin.participant_id == participant_id,
            Checkin.local_date >= first,
            Checkin.local_date <= last,
            Checkin.answered_at.is_not(None),
        )
        .order_by(Checkin.local_date, Checkin.answered_at, Checkin.id)
    )
    return [
        (day, str(data["message"]))
        for day, data in rows.all()
        if data and data.get("message") and data.get("shared")
    ]
