"""The durable schedule of check-ins: the rhythm of record is in the database; a short tick
turns due slots into check-in rows (idempotently), claims them, and the sender records what
happened. Rules and storage only; sending is in ``handlers/checkin.py``.

Claiming is a conditional update (``status = scheduled`` → ``sending``) checked by its row
count, so two bot processes can never both send the same prompt; on PostgreSQL the candidate
rows are also read with ``FOR UPDATE SKIP LOCKED`` so replicas take different rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows.checkin import CheckinState, contact_chosen
from buddybot.network import Contact
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.schedule import (
    due_slots,
    local_date,
)
from buddybot.services import guardians, meetups
from buddybot.services.contacts import as_contact
from buddybot.services.rhythms import rhythm_of
from buddybot.storage import database, people
from buddybot.storage.database import Database
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    ContactEvent,
    ContactRecord,
    Meetup,
    MoodAnswer,
    Participant,
    RhythmRecord,
    SatisfactionAnswer,
)

# A prompt that came due while the bot was down is still sent within this time.
CATCH_UP_GRACE = timedelta(hours=6)
# A claim older than this was cut off (the process died before recording): try again.
STALE_CLAIM = timedelta(minutes=5)
OPEN = (CheckinStatus.SENT, CheckinStatus.REMINDED)


async def materialise(session: AsyncSession, now: datetime) -> int:
    """Turn every rhythm's due slots into check-in rows; returns how many are to be sent.
    Older slots missed during downtime become expired rows: missing, never sent in a burst."""
    rows = await session.execute(
        select(RhythmRecord, Participant)
        .join(Participant, Participant.id == RhythmRecord.participant_id)
        .where(
            RhythmRecord.checked_until < now,
            Participant.status == ParticipantStatus.ACTIVE,
            Participant.consent_given_at.is_not(None),
            Participant.consent_withdrawn_at.is_(None),
            guardians.may_be_prompted(),
        )
        .with_for_update(of=RhythmRecord, skip_locked=True)
    )
    to_send = 0
    values = []
    for record, participant in rows.all():
        paused = record.paused and (record.paused_until is None or record.paused_until > now)
        due = due_slots(
            rhythm_of(record, participant.time_zone),
            record.checked_until,
            now,
            grace=CATCH_UP_GRACE,
        )
        slots = [(slot, CheckinStatus.EXPIRED) for slot in due.expire]
        if due.send is not None:
            slots.append((due.send, CheckinStatus.SKIPPED if paused else CheckinStatus.SCHEDULED))
        for slot, status in slots:
            values.append(
                {
                    "participant_id": participant.id,
                    "slot_at": slot,
                    "local_date": local_date(slot, participant.time_zone),
                    "status": status,
                    "closed_at": None if status is CheckinStatus.SCHEDULED else now,
                    "attempts": 0,
                    "data": {},
                }
            )
            to_send += status is CheckinStatus.SCHEDULED
        record.checked_until = now
        if record.paused and record.paused_until is not None and record.paused_until <= now:
            record.paused, record.paused_until = False, None
    insert = database.upsert_insert(session)
    for start in range(0, len(values), 500):  # one statement per 500 rows
        await session.execute(
            insert(Checkin)
            .values(values[start : start + 500])
            .on_conflict_do_nothing(index_elements=["participant_id", "slot_at"])
        )
    await session.flush()
    return to_send


@dataclass(frozen=True)
class Prompt:
    """A check-in to send (or remind about) now."""

    checkin_id: int
    participant_id: int
    telegram_user_id: int
    first_name: str
    language: str | None
    slot_at: datetime
    message_id: int | None = None
    role: ParticipantRole = ParticipantRole.CLIENT
    # For a buddy: the first names of the clients they may log meetups with.
    clients: str = ""


async def _candidates(
    session: AsyncSession, now: datetime, limit: int, *conditions: object
) -> list[tuple[Checkin, Participant]]:
    rows = await session.execute(
        select(Checkin, Participant)
        .join(Participant, Participant.id == Checkin.participant_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Checkin.slot_at, Checkin.id)
        .limit(limit)
        .with_for_update(of=Checkin, skip_locked=True)
    )
    return [(checkin, participant) for checkin, participant in rows.all()]


def _prompt(checkin: Checkin, participant: Participant) -> Prompt | None:
    if participant.telegram_user_id is None:
        return None
    return Prompt(
        checkin.id,
        participant.id,
        participant.telegram_user_id,
        participant.first_name or "",
        participant.language,
        checkin.slot_at,
        checkin.message_id,
        participant.role,
    )


async def _with_clients(session: AsyncSession, prompt: Prompt) -> Prompt:
    if prompt.role is not ParticipantRole.BUDDY:
        return prompt
    names = [
        c.first_name or "" for c in await meetups.agreed_clients(session, prompt.participant_id)
    ]
    return replace(prompt, clients=", ".join(names))


async def claim_prompts(session: AsyncSession, now: datetime, limit: int = 200) -> list[Prompt]:
    """Take due prompts for sending; each is taken by exactly one process."""
    await session.execute(  # a process that died while sending: its prompts are due again
        update(Checkin)
        .where(Checkin.status == CheckinStatus.SENDING, Checkin.claimed_at < now - STALE_CLAIM)
        .values(status=CheckinStatus.SCHEDULED)
    )
    candidates = await _candidates(
        session, now, limit, Checkin.status == CheckinStatus.SCHEDULED, Checkin.slot_at <= now
    )
    if not candidates:
        return []
    # One conditional update: only rows still "scheduled" are taken, and RETURNING says
    # which ones this process won.
    won = set(
        await session.scalars(
            update(Checkin)
            .where(
                Checkin.id.in_([checkin.id for checkin, _ in candidates]),
                Checkin.status == CheckinStatus.SCHEDULED,
            )
            .values(status=CheckinStatus.SENDING, claimed_at=now, attempts=Checkin.attempts + 1)
            .returning(Checkin.id)
        )
    )
    claimed = []
    for checkin, participant in candidates:
        prompt = _prompt(checkin, participant) if checkin.id in won else None
        if prompt is None:
            continue
        prompt = await _with_clients(session, prompt)
        if prompt.role is ParticipantRole.BUDDY and not prompt.clients:
            # No client has agreed to this buddy yet: nothing to ask about.
            checkin.status, checkin.closed_at = CheckinStatus.SKIPPED, now
            continue
        claimed.append(prompt)
    await session.flush()
    return claimed


async def record_sent(
    session: AsyncSession, checkin_id: int, message_id: int, now: datetime
) -> None:
    """The prompt reached Telegram."""
    await session.execute(
        update(Checkin)
        .where(Checkin.id == checkin_id, Checkin.status == CheckinStatus.SENDING)
        .values(status=CheckinStatus.SENT, sent_at=now, message_id=message_id)
    )


async def record_failed(
    session: AsyncSession, checkin_id: int, now: datetime, *, unreachable: bool
) -> None:
    """The prompt could not be sent; a blocked bot also makes the person unreachable (no
    more prompts until they write again; their professional hears it in the digest)."""
    checkin = await session.get(Checkin, checkin_id)
    if checkin is None:
        return
    checkin.status, checkin.closed_at = CheckinStatus.FAILED, now
    if unreachable:
        await mark_unreachable(session, checkin.participant_id)


async def mark_unreachable(session: AsyncSession, participant_id: int) -> None:
    """The person blocked the bot or their account is gone."""
    await session.execute(
        update(Participant)
        .where(Participant.id == participant_id, Participant.status == ParticipantStatus.ACTIVE)
        .values(status=ParticipantStatus.UNREACHABLE)
    )


async def reachability_changed(
    database: Database, telegram_user_id: int, *, reachable: bool
) -> None:
    """Telegram says this person blocked the bot (``reachable`` False) or unblocked it."""
    async with database.transaction() as session:
        participant = await people.participant_by_telegram_id(session, telegram_user_id)
        if participant is None:
            return
        if reachable:
            await mark_reachable(session, telegram_user_id)
        else:
            await mark_unreachable(session, participant.id)


async def mark_reachable(session: AsyncSession, telegram_user_id: int) -> bool:
    """Someone marked unreachable wrote again (or unblocked the bot): prompts resume."""
    result = await session.execute(
        update(Participant)
        .where(
            Participant.telegram_user_id == telegram_user_id,
            Participant.status == ParticipantStatus.UNREACHABLE,
        )
        .values(status=ParticipantStatus.ACTIVE)
    )
    return bool(getattr(result, "rowcount", 0))


# The shortest reminder delay and answer window a rhythm may have: prompts younger than this
# are not even looked at by the reminder and expiry passes (they run every tick).
SHORTEST_DELAY = timedelta(minutes=30)


async def _rhythms(session: AsyncSession, participant_ids: set[int]) -> dict[int, RhythmRecord]:
    if not participant_ids:
        return {}
    records = await session.scalars(
        select(RhythmRecord).where(RhythmRecord.participant_id.in_(participant_ids))
    )
    return {record.participant_id: record for record in records}


async def claim_reminders(session: AsyncSession, now: datetime, limit: int = 200) -> list[Prompt]:
    """Sent, unanswered prompts whose reminder time has come: each is reminded once."""
    reminders = []
    candidates = await _candidates(
        session,
        now,
        limit,
        Checkin.status == CheckinStatus.SENT,
        Checkin.sent_at <= now - SHORTEST_DELAY,
    )
    rhythms = await _rhythms(session, {participant.id for _, participant in candidates})
    for checkin, participant in candidates:
        record = rhythms.get(participant.id)
        delay = timedelta(minutes=record.reminder_after_minutes if record else 180)
        if checkin.sent_at is None or checkin.sent_at + delay > now:
            continue
        taken = await session.execute(
            update(Checkin)
            .where(Checkin.id == checkin.id, Checkin.status == CheckinStatus.SENT)
            .values(status=CheckinStatus.REMINDED, reminded_at=now)
        )
        if getattr(taken, "rowcount", 0) == 1:
            prompt = _prompt(checkin, participant)
            if prompt is not None:
                reminders.append(await _with_clients(session, prompt))
    return reminders


async def expire(session: AsyncSession, now: datetime) -> list[Prompt]:
    """Close prompts whose answer window passed; returns them (their buttons can be
    taken away). An unanswered check-in stays missing: nothing is filled in for it."""
    expired = []
    candidates = await _candidates(
        session, now, 1000, Checkin.status.in_(OPEN), Checkin.sent_at <= now - SHORTEST_DELAY
    )
    rhythms = await _rhythms(session, {participant.id for _, participant in candidates})
    for checkin, participant in candidates:
        record = rhythms.get(participant.id)
        window = timedelta(hours=record.answer_window_hours if record else 24)
        if checkin.sent_at is None or checkin.sent_at + window > now:
            continue
        checkin.status, checkin.closed_at = CheckinStatus.EXPIRED, now
        prompt = _prompt(checkin, participant)
        if prompt is not None:
            expired.append(prompt)
    await session.flush()
    return expired


def _checkin_with_map(*columns: Any) -> Select[Any]:
    """``columns`` of the check-in ``checkin_id`` of the person ``telegram_user_id``, with
    the client's current map: a row per contact (one row with empty contact columns when
    the map is empty)."""
    return (
        select(*columns)
        .join(Participant, Participant.id == Checkin.participant_id)
        .outerjoin(
            ContactRecord,
            (ContactRecord.client_id == Participant.id) & ContactRecord.removed_at.is_(None),
        )
        .where(
            Checkin.id == bindparam("checkin_id"),
            Participant.telegram_user_id == bindparam("telegram_user_id"),
        )
        .order_by(ContactRecord.id)
    )


# Built once: composing the statement took as long as running it (benchmarks.answers).
_CHECKIN_WITH_MAP = _checkin_with_map(Checkin, Participant, ContactRecord)


async def open_checkin_with_map(
    session: AsyncSession, telegram_user_id: int, checkin_id: int
) -> tuple[Checkin, Participant, list[Contact]] | None:
    """The check-in, if it belongs to this person (open or not: the caller decides), with
    the client's current map, all in one query: a button press then costs one read."""
    rows = (
        await session.execute(
            _CHECKIN_WITH_MAP, {"checkin_id": checkin_id, "telegram_user_id": telegram_user_id}
        )
    ).all()
    if not rows:
        return None
    checkin, participant = rows[0][0], rows[0][1]
    network = [as_contact(row[2]) for row in rows if row[2] is not None]
    return checkin, participant, network


def is_open(checkin: Checkin) -> bool:
    """True while the check-in can still be answered."""
    return checkin.status in OPEN


def arrived(checkin: Checkin, message_id: int | None, now: datetime) -> None:
    """The person pressed a button of the prompt, so it reached them, even if its sender has
    not recorded that yet (a tap within moments, or on another replica): from now on it is
    open. Without this the press found it "closed" and their answer was never asked for."""
    if checkin.status == CheckinStatus.SENDING:
        checkin.status, checkin.sent_at = CheckinStatus.SENT, now
        checkin.message_id = checkin.message_id or message_id


async def current_open(session: AsyncSession, participant_id: int) -> Checkin | None:
    """The newest check-in this person can still answer."""
    return await session.scalar(
        select(Checkin)
        .where(Checkin.participant_id == participant_id, Checkin.status.in_(OPEN))
        .order_by(Checkin.slot_at.desc())
        .limit(1)
    )


async def start_now(session: AsyncSession, participant: Participant, now: datetime) -> Checkin:
    """`/checkin`: a check-in outside the rhythm, open at once."""
    checkin = Checkin(
        participant_id=participant.id,
        slot_at=now,
        local_date=local_date(now, participant.time_zone),
        status=CheckinStatus.SENT,
        sent_at=now,
        attempts=0,
        data={},
    )
    session.add(checkin)
    await session.flush()
    return checkin


_ANSWERED_COUNT = select(func.count()).where(
    Checkin.participant_id == bindparam("participant_id"),
    Checkin.status == CheckinStatus.ANSWERED,
)


async def answered_count(session: AsyncSession, participant_id: int) -> int:
    """How many check-ins this person answered."""
    count = await session.scalar(_ANSWERED_COUNT, {"participant_id": participant_id})
    return count or 0


async def previous_answer_day(
    session: AsyncSession, participant_id: int, before: datetime
) -> date | None:
    """The local day of the last answered check-in before this one ("Since Monday, …")."""
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


async def finish(
    session: AsyncSession, checkin: Checkin, participant: Participant, now: datetime
) -> None:
    """Store every answer of a completed check-in: contact events, mood, satisfaction."""
    data = checkin.data or {}
    day = local_date(now, participant.time_zone)
    modes: dict[str, str | None] = data.get("modes", {})
    for contact_id in data.get("chosen", []):
        session.add(
            ContactEvent(
                client_id=participant.id,
                contact_id=int(contact_id),
                checkin_id=checkin.id,
                at=now,
                local_date=day,
                mode=modes.get(str(contact_id)),
                reported_by="client",
            )
        )
    if data.get("mood") is not None:
        session.add(
            MoodAnswer(
                participant_id=participant.id,
                checkin_id=checkin.id,
                at=now,
                local_date=day,
                score=int(data["mood"]),
            )
        )
    if data.get("satisfaction") is not None:
        session.add(
            SatisfactionAnswer(
                participant_id=participant.id,
                checkin_id=checkin.id,
                at=now,
                local_date=day,
                score=int(data["satisfaction"]),
            )
        )
    checkin.status, checkin.answered_at, checkin.closed_at = CheckinStatus.ANSWERED, now, now
    checkin.step = "done"
    await session.flush()


async def answer_all(
    session: AsyncSession,
    checkin: Checkin,
    participant: Participant,
    *,
    contacts: dict[int, str | None],
    mood: int | None,
    satisfaction: int | None,
    now: datetime,
) -> None:
    """A whole check-in answered at once (contact id → mode, mood, satisfaction), stored
    exactly as the tapped conversation stores it. The demo's history is made with this."""
    checkin.data = {
        **(checkin.data or {}),
        "chosen": list(contacts),
        "modes": {str(contact_id): mode for contact_id, mode in contacts.items()},
        "mood": mood,
        "satisfaction": satisfaction,
    }
    await finish(session, checkin, participant, now)


async def skip(session: AsyncSession, checkin: Checkin, now: datetime) -> None:
    """The person said "not now": recorded as skipped, nothing filled in."""
    checkin.status, checkin.closed_at, checkin.step = CheckinStatus.SKIPPED, now, "done"
    await session.flush()


async def contacts_this_week(session: AsyncSession, client_id: int, today: date) -> int:
    """How many different contacts the client was in touch with in the last seven days."""
    count = await session.scalar(
        select(func.count(func.distinct(ContactEvent.contact_id))).where(
            ContactEvent.client_id == client_id,
            ContactEvent.local_date > today - timedelta(days=7),
        )
    )
    return count or 0


async def answers_of(
    session: AsyncSession, participant_id: int
) -> dict[str, list[dict[str, object]]]:
    """Every check-in of a person and what they answered, as plain data (for /mydata)."""
    rows = await session.scalars(
        select(Checkin).where(Checkin.participant_id == participant_id).order_by(Checkin.slot_at)
    )
    moods = await session.scalars(
        select(MoodAnswer)
        .where(MoodAnswer.participant_id == participant_id)
        .order_by(MoodAnswer.at)
    )
    satisfaction = await session.scalars(
        select(SatisfactionAnswer)
        .where(SatisfactionAnswer.participant_id == participant_id)
        .order_by(SatisfactionAnswer.at)
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
    """The retention rule: an organisation's check-ins, moods, satisfaction, contact events
    and meetups older than ``before`` are deleted; returns how many check-ins and meetups
    went."""
    people = select(Participant.id).where(Participant.organisation_id == organisation_id)
    for table, column, person in (
        (MoodAnswer, MoodAnswer.at, MoodAnswer.participant_id),
        (SatisfactionAnswer, SatisfactionAnswer.at, SatisfactionAnswer.participant_id),
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


async def choose_contact(
    session: AsyncSession, checkin_id: int, client_id: int, contact_id: int
) -> bool:
    """Mark a contact as seen in an open check-in of this client (after "Someone new")."""
    checkin = await session.get(Checkin, checkin_id)
    if checkin is None or checkin.participant_id != client_id or not is_open(checkin):
        return False
    state = CheckinState.from_row(checkin.step, checkin.data)
    checkin.data = contact_chosen(state, contact_id).row_data(checkin.data)
    return True
