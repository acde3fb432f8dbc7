"""The durable schedule of check-ins: the rhythm of record is in the database; a short tick
(``jobs.py``) turns due slots into check-in rows (idempotently), claims them, and records
what the sender made of them. Rules only; the rows are in ``storage/checkins.py``.

Claiming is a conditional update (``status = scheduled`` → ``sending``) checked by its row
count, so two bot processes can never both send the same prompt; on PostgreSQL the candidate
rows are also read with ``FOR UPDATE SKIP LOCKED`` so replicas take different rows. A claim
cut off (``storage/claims.py``) is taken again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.retries import next_try
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.schedule import due_slots, local_date
from buddybot.services import checkin_answers, guardians, meetups
from buddybot.services.checkin_answers import Question
from buddybot.services.rhythms import answer_window, rhythm_of
from buddybot.storage import audit, people
from buddybot.storage import checkins as stored
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, CheckinStatus, Participant, Rhythm

# A prompt that came due while the bot was down is still sent within this time.
CATCH_UP_GRACE = timedelta(hours=6)
# The shortest reminder delay and answer window a rhythm may have: prompts younger than this
# are not even looked at by the reminder and expiry passes (they run every tick).
SHORTEST_DELAY = timedelta(minutes=30)
# Without a rhythm row (it was removed): the defaults a new rhythm gets.
DEFAULT_REMINDER = timedelta(hours=3)


@dataclass(frozen=True)
class Prompt:
    """A check-in to send (or remind about, or close) now."""

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
    # For a client: the check-in's question where it stands (the prompt is the question).
    question: Question | None = None


async def materialise(session: AsyncSession, now: datetime) -> int:
    """Turn every rhythm's due slots into check-in rows; returns how many are to be sent.
    Older slots missed during downtime become expired rows: missing, never sent in a burst."""
    to_send = 0
    rows: list[dict[str, Any]] = []
    for record, participant in await stored.due_rhythms(session, now, guardians.may_be_prompted()):
        for slot, status in _slots(record, participant, now):
            rows.append(
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
    await stored.add_slots(session, rows)
    return to_send


def _slots(
    record: Rhythm, participant: Participant, now: datetime
) -> list[tuple[datetime, CheckinStatus]]:
    """The slots of one rhythm due since it was last looked at: the latest to send (skipped
    while paused), older ones expired."""
    paused = record.paused and (record.paused_until is None or record.paused_until > now)
    due = due_slots(
        rhythm_of(record, participant.time_zone), record.checked_until, now, grace=CATCH_UP_GRACE
    )
    slots = [(slot, CheckinStatus.EXPIRED) for slot in due.expire]
    if due.send is not None:
        slots.append((due.send, CheckinStatus.SKIPPED if paused else CheckinStatus.SCHEDULED))
    return slots


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


async def _filled_in(
    session: AsyncSession, prompt: Prompt, checkin: Checkin, participant: Participant
) -> Prompt:
    """A buddy's prompt with the names of their clients; a client's with its question."""
    if prompt.role is not ParticipantRole.BUDDY:
        question = await checkin_answers.question_of(session, checkin, participant)
        return replace(prompt, question=question)
    names = [
        c.first_name or "" for c in await meetups.agreed_clients(session, prompt.participant_id)
    ]
    return replace(prompt, clients=", ".join(names))


async def claim_prompts(session: AsyncSession, now: datetime, limit: int = 200) -> list[Prompt]:
    """Take due prompts for sending; each is taken by exactly one process. A prompt whose
    catch-up window passed unsent (the bot was down, Telegram kept failing) is recorded as
    missed instead: asking now would be asking about another moment."""
    await stored.release_stale_claims(session, now)
    candidates = await stored.candidates(
        session,
        limit,
        Checkin.status == CheckinStatus.SCHEDULED,
        Checkin.slot_at <= now,
        or_(Checkin.retry_at.is_(None), Checkin.retry_at <= now),
    )
    late = [checkin for checkin, _ in candidates if checkin.slot_at + CATCH_UP_GRACE <= now]
    for checkin in late:
        checkin.status, checkin.closed_at = CheckinStatus.EXPIRED, now
    candidates = [(c, p) for c, p in candidates if c.status is CheckinStatus.SCHEDULED]
    if not candidates:
        await session.flush()
        return []
    won = await stored.claim(session, [checkin.id for checkin, _ in candidates], now)
    claimed = []
    for checkin, participant in candidates:
        prompt = _prompt(checkin, participant) if checkin.id in won else None
        if prompt is None:
            continue
        prompt = await _filled_in(session, prompt, checkin, participant)
        if prompt.role is ParticipantRole.BUDDY and not prompt.clients:
            # No client has agreed to this buddy yet: nothing to ask about.
            checkin.status, checkin.closed_at = CheckinStatus.SKIPPED, now
            continue
        claimed.append(prompt)
    await session.flush()
    return claimed


async def record_sent(
    session: AsyncSession, checkin_id: int, message_id: int | None, now: datetime
) -> None:
    """The prompt reached Telegram as ``message_id`` (None: Telegram did not answer in time,
    so it probably did, and its buttons cannot be taken off when it closes)."""
    await stored.mark_sent(session, checkin_id, message_id, now)


async def record_reminded(session: AsyncSession, checkin_id: int, message_id: int | None) -> None:
    """The reminder reached Telegram as ``message_id``: from now on it is the check-in's
    message (the prompt above it points down to it), whose buttons go when it closes."""
    if message_id is not None:
        await stored.set_message(session, checkin_id, message_id)


async def record_later(
    session: AsyncSession, checkin_id: int, now: datetime, *, reminder: bool
) -> None:
    """Telegram had a passing problem with this prompt (or its reminder): it is tried again
    after a growing pause (``sender.next_try``) while its moment lasts: a prompt within its
    catch-up window, a reminder within the answer window (``expire`` closes it after)."""
    checkin = await stored.by_id(session, checkin_id)
    if checkin is None:
        return
    retry_at = next_try(now, checkin.attempts)
    if reminder:
        if checkin.status is CheckinStatus.REMINDED:
            checkin.status, checkin.reminded_at, checkin.retry_at = (
                CheckinStatus.SENT,
                None,
                retry_at,
            )
    elif checkin.status is CheckinStatus.SENDING:
        if retry_at < checkin.slot_at + CATCH_UP_GRACE:
            checkin.status, checkin.retry_at = CheckinStatus.SCHEDULED, retry_at
        else:
            checkin.status, checkin.closed_at = CheckinStatus.FAILED, now


async def record_failed(
    session: AsyncSession, checkin_id: int, now: datetime, *, unreachable: bool
) -> None:
    """The prompt could not be sent; a blocked bot also makes the person unreachable (no
    more prompts until they write again; their professional hears it in the digest)."""
    checkin = await stored.by_id(session, checkin_id)
    if checkin is None:
        return
    checkin.status, checkin.closed_at = CheckinStatus.FAILED, now
    if unreachable:
        await stored.mark_unreachable(session, checkin.participant_id)


async def reachability_changed(
    database: Database, telegram_user_id: int, *, reachable: bool
) -> None:
    """Telegram says this person blocked the bot (``reachable`` False) or unblocked it:
    prompts stop until they write again, or resume."""
    async with database.transaction() as session:
        participant = await people.participant_by_telegram_id(session, telegram_user_id)
        if participant is None:
            return
        if reachable:
            await stored.mark_reachable(session, telegram_user_id)
        elif participant.status is ParticipantStatus.ACTIVE:
            await stored.mark_unreachable(session, participant.id)
            # When it happened, for the digest ("blocked the bot on …"): ids only.
            await audit.add_audit_entry(
                session,
                actor_kind="participant",
                actor_id=participant.id,
                action=audit.BLOCKED,
                subject_kind="participant",
                subject_id=participant.id,
            )


async def claim_reminders(session: AsyncSession, now: datetime, limit: int = 200) -> list[Prompt]:
    """Sent, unanswered prompts whose reminder time has come: each is reminded once."""
    reminders = []
    candidates = await stored.candidates(
        session,
        limit,
        Checkin.status == CheckinStatus.SENT,
        Checkin.sent_at <= now - SHORTEST_DELAY,
        or_(Checkin.retry_at.is_(None), Checkin.retry_at <= now),
    )
    rhythms = await stored.rhythms_of(session, {participant.id for _, participant in candidates})
    for checkin, participant in candidates:
        record = rhythms.get(participant.id)
        delay = timedelta(minutes=record.reminder_after_minutes) if record else DEFAULT_REMINDER
        window = answer_window(record)
        if checkin.sent_at is None or checkin.sent_at + delay > now:
            continue
        if checkin.sent_at + window <= now:
            continue  # too late to remind: the answer window passed (``expire`` closes it)
        if await stored.take_for_reminder(session, checkin.id, now):
            prompt = _prompt(checkin, participant)
            if prompt is not None:
                reminders.append(await _filled_in(session, prompt, checkin, participant))
    return reminders


async def expire(session: AsyncSession, now: datetime) -> list[Prompt]:
    """Close prompts whose answer window passed; returns them (their buttons can be
    taken away). An unanswered check-in stays missing: nothing is filled in for it."""
    expired = []
    candidates = await stored.candidates(
        session, 1000, Checkin.status.in_(stored.OPEN), Checkin.sent_at <= now - SHORTEST_DELAY
    )
    rhythms = await stored.rhythms_of(session, {participant.id for _, participant in candidates})
    for checkin, participant in candidates:
        record = rhythms.get(participant.id)
        window = answer_window(record)
        if checkin.sent_at is None or checkin.sent_at + window > now:
            continue
        if checkin.answered_at is not None:
            # Answered, then gone back into from its thank-you and left: the answers
            # stored the first time stand.
            checkin.status, checkin.closed_at, checkin.step = CheckinStatus.ANSWERED, now, "done"
            continue
        checkin.status, checkin.closed_at = CheckinStatus.EXPIRED, now
        prompt = _prompt(checkin, participant)
        if prompt is not None:
            expired.append(prompt)
    await session.flush()
    return expired
