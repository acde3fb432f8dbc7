"""Answering a check-in: the pure flow (``flows/checkin.py``) applied to the check-in row
inside the update's transaction. Each function owns one transaction and returns a typed
outcome for the handler to render; no Telegram types.

Who may press: the check-in must belong to the person pressing (re-checked on every press,
whatever the callback data says); anything else is refused and written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import checkin as flow
from buddybot.flows.checkin import Action, CheckinState, Press, Step
from buddybot.flows.invitation import clean_name
from buddybot.network import Contact
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.schedule import local_date
from buddybot.services import access, contacts, digest, guardians, meetups, questions, rhythms
from buddybot.services.meetups import MeetupStart
from buddybot.storage import checkins as stored
from buddybot.storage import people
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, CheckinStatus, Participant


@dataclass(frozen=True)
class Question:
    """Where a check-in stands, with what its question needs: the client's first name,
    their current map, and (for the message question) their professional's name."""

    checkin_id: int
    state: CheckinState
    first_name: str
    network: tuple[Contact, ...]
    professional: str = ""


@dataclass(frozen=True)
class Asked:
    """The next question (``again``: the press was not for this step, e.g. pressed twice;
    nothing changed and the question where they are now is shown again)."""

    language: str | None
    question: Question
    again: bool = False
    # A name typed at the who question that fits nobody in the network.
    unknown_name: str | None = None


@dataclass(frozen=True)
class Finished:
    """The check-in is answered: a thank-you (clients hear how many people they saw this
    week), with Back and a message for ``professional`` under it while the check-in is
    still open (``may_change``); ``writing``: the client chose to write that message."""

    language: str | None
    first_name: str
    buddy: bool
    contacts_this_week: int
    # A client's message for their professional, to forward: (their Telegram id, language),
    # and the client's id (for "Reply to …" under it).
    forward_to: tuple[int, str | None] | None = None
    message: str | None = None
    client_id: int = 0
    checkin_id: int = 0
    professional: str = ""
    may_change: bool = False
    writing: bool = False
    # Back was pressed after the check-in closed: the answers stay as they are.
    too_late: bool = False
    # A press on a question already answered (a face tapped twice, an old reminder).
    again: bool = False


@dataclass(frozen=True)
class Paused:
    """Stop: nothing is lost, and the check-in can be taken up again while it is open."""

    language: str | None
    checkin_id: int


@dataclass(frozen=True)
class MessageKept:
    """The client's message under the thank-you, kept with the check-in and to be passed
    on to ``professional`` (their Telegram id and language in ``forward_to``; None when
    the professional is not reachable on Telegram); ``client_id``: the client's row (for
    "Reply to …" under the message)."""

    language: str | None
    first_name: str
    professional: str
    message: str
    forward_to: tuple[int, str | None] | None
    client_id: int = 0
    checkin_id: int = 0  # the check-in it is kept with (to share it with the team, or not)


@dataclass(frozen=True)
class Skipped:
    """The person said "not now": recorded as skipped."""

    language: str | None


@dataclass(frozen=True)
class Closed:
    """The answer window passed: nothing can be answered any more."""

    language: str | None


@dataclass(frozen=True)
class NotBegun:
    """An old press on a prompt not yet begun: nothing was stored, the prompt stays."""

    language: str | None


@dataclass(frozen=True)
class MeetupStarted:
    """A buddy met their client: the check-in is answered and the meetup log begins."""

    language: str | None
    start: MeetupStart


@dataclass(frozen=True)
class SomeoneNew:
    """The client chose "Someone new": the network's add flow begins, and leads back to
    this check-in."""

    language: str | None
    draft: contacts.Draft


@dataclass(frozen=True)
class Refused:
    """Not this person's check-in (an old or forged button)."""


PressOutcome = (
    Asked | Finished | Paused | Skipped | Closed | NotBegun | MeetupStarted | SomeoneNew | Refused
)

# The weeks whose contacts decide who heads the who question: about two months, so a
# friend seen every other week is there and one seen once last spring is not.
LATELY = timedelta(weeks=8)
# Typed text at the who question this short is taken for a name (most names on maps are
# one to three words: "Mama", "Oom Karim", "Jan van Dijk").
NAME_WORDS = 3
# In the data of a check-in gone back into from its thank-you: its stored answers are
# replaced when it is answered again.
REANSWER = "reanswer"
# How long after "Tell Els something" under the thank-you typed text is still that message
# (unless a newer question came): a day, to find the words; a check-in under way, a contact
# being added or any other question asked since takes the text instead.
WRITING_TIME = timedelta(days=1)


async def press(
    database: Database, telegram_user_id: int, event: Press, message_id: int | None, now: datetime
) -> PressOutcome:
    """Apply one button press of check-in ``event.checkin_id`` by ``telegram_user_id``.
    ``message_id``: the message the button was on (a prompt whose sending was not yet
    recorded is open from the first press on)."""
    async with database.transaction() as session:
        found = await stored.with_map(session, telegram_user_id, event.checkin_id)
        if found is None:
            await access.refuse(session, telegram_user_id, "checkin", "checkin", event.checkin_id)
            return Refused()
        checkin, participant, network = found
        pressing = _Pressing(telegram_user_id, message_id, now)
        return await _press(session, checkin, participant, network, event, pressing)


@dataclass(frozen=True)
class _Pressing:
    """Who pressed, on which message, when."""

    telegram_user_id: int
    message_id: int | None
    now: datetime


async def _press(
    session: AsyncSession,
    checkin: Checkin,
    participant: Participant,
    network: list[Contact],
    event: Press,
    pressing: _Pressing,
) -> PressOutcome:
    language, now = participant.language, pressing.now
    if participant.status is ParticipantStatus.UNREACHABLE:
        participant.status = ParticipantStatus.ACTIVE  # they tap, so they can be reached
    arrived(checkin, pressing.message_id, now)
    state = CheckinState.from_row(checkin.step, checkin.data)
    buddy = participant.role is ParticipantRole.BUDDY
    if checkin.status is CheckinStatus.ANSWERED and not buddy:
        after = await _under_thanks(session, checkin, participant, network, event, now)
        if after is not None:
            return after
    if not is_open(checkin):
        return Closed(language)
    if state.step is None and event.action is Action.NOT_NOW:
        await skip(session, checkin, now)
        return Skipped(language)
    if state.step is not None and event.action is Action.STOP:
        return Paused(language, checkin.id)  # everything stays as it is
    if state.step is None and event.action is Action.MET and buddy:
        # Yes: the check-in is answered, and the meetup is logged right away.
        checkin.answered_at = now
        await finish(session, checkin, participant, now)
        return MeetupStarted(language, await meetups.begin(session, participant, now))
    if state.step in (None, Step.WHO) and event.action is Action.SOMEONE_NEW and not buddy:
        _store(checkin, replace(state, step=Step.WHO))
        draft = contacts.Draft(participant.id, "kind", data={"checkin": checkin.id})
        await contacts.save_draft(session, pressing.telegram_user_id, draft, now=now)
        return SomeoneNew(language, draft)
    answered = (
        await stored.answered_count(session, participant.id) if event.action is Action.MOOD else 0
    )
    ids = frozenset(contact.contact_id for contact in network)
    state = _on_map(checkin, network)
    moved = flow.press(state, event, network=ids, answered_before=answered, buddy=buddy)
    if moved is None:
        if state.step is None:
            return NotBegun(language)
        return Asked(language, await _question(session, checkin, participant, network), True)
    _store(checkin, moved)
    if moved.step is Step.DONE:
        checkin.answered_at = now
        return await _finished(session, checkin, participant, now)
    return Asked(language, await _question(session, checkin, participant, network))


async def _under_thanks(
    session: AsyncSession,
    checkin: Checkin,
    participant: Participant,
    network: list[Contact],
    event: Press,
    now: datetime,
) -> PressOutcome | None:
    """The buttons under a client's thank-you: Back (the last question asked again, while
    the check-in could still be answered), a message for the professional, or not after
    all. Any other press (a face tapped twice, a reminder's old button) shows the
    thank-you again. None when the check-in cannot be gone back into."""
    state = CheckinState.from_row(checkin.step, checkin.data)
    if event.action is Action.BACK:
        earlier = flow.back(state)
        if earlier is None:
            return None
        if not await _may_change(session, checkin, participant, now):
            return replace(await _thank_you(session, checkin, participant, now), too_late=True)
        # Open again, the stored answers kept until it is answered anew (if it closes
        # first, they stand). Counted as reminded: no reminder for what was answered.
        checkin.status, checkin.closed_at = CheckinStatus.REMINDED, None
        _store(checkin, earlier)
        checkin.data = {**checkin.data, REANSWER: True}
        return Asked(participant.language, await _question(session, checkin, participant, network))
    if event.action in (Action.WRITE, Action.UNWRITE):
        writing = event.action is Action.WRITE
        data = dict(checkin.data or {})
        data.pop("writing_at", None)
        if writing and participant.telegram_user_id is not None:
            data["writing_at"] = now.isoformat()
            await questions.asking_in_text(session, participant.telegram_user_id)
        checkin.data = data
        return await _thank_you(session, checkin, participant, now, writing=writing)
    return replace(await _thank_you(session, checkin, participant, now), again=True)


async def _may_change(
    session: AsyncSession, checkin: Checkin, participant: Participant, now: datetime
) -> bool:
    """An answered check-in can be taken back while its prompt could still be answered and
    no check-in came after it."""
    rhythm = (await stored.rhythms_of(session, {participant.id})).get(participant.id)
    if checkin.sent_at is None or checkin.sent_at + rhythms.answer_window(rhythm) <= now:
        return False
    latest = await stored.latest_answered(session, participant.id)
    return (
        latest is not None
        and latest.id == checkin.id
        and await stored.current_open(session, participant.id) is None
    )


async def question_of(
    session: AsyncSession, checkin: Checkin, participant: Participant
) -> Question:
    """The question where ``checkin`` stands, for a prompt or its reminder."""
    network = await contacts.current_map(session, participant.id)
    return await _question(session, checkin, participant, network)


def _store(checkin: Checkin, state: CheckinState) -> None:
    checkin.step = state.step.value if state.step else None
    checkin.data = state.row_data(checkin.data)  # a new dict: SQLAlchemy sees the change


def _on_map(checkin: Checkin, network: list[Contact]) -> CheckinState:
    """The check-in's state without the contacts taken off the map since they were chosen
    (stored so, when any were)."""
    state = CheckinState.from_row(checkin.step, checkin.data)
    kept = flow.on_map(state, frozenset(contact.contact_id for contact in network))
    if kept != state:
        _store(checkin, kept)
    return kept


async def _question(
    session: AsyncSession, checkin: Checkin, participant: Participant, network: list[Contact]
) -> Question:
    """The question where the check-in is now, with the look-ups it needs (the day of the
    last answer once, the professional's name for the message question)."""
    state = _on_map(checkin, network)
    if state.step in (None, Step.WHO) and not state.since_known:  # once, kept for toggles
        day = await stored.previous_answer_day(session, participant.id, checkin.slot_at)
        likely = await stored.often_seen(session, participant.id, checkin.slot_at - LATELY)
        state = replace(state, since=day, since_known=True, likely=tuple(likely))
        _store(checkin, state)
    if state.step in (Step.MESSAGE, Step.REASON) and participant.telegram_user_id is not None:
        await questions.asking_in_text(session, participant.telegram_user_id)
    professional = ""
    if state.step is Step.MESSAGE:
        found = await people.professional_by_id(session, participant.professional_id)
        professional = found.display_name if found else ""
    return Question(checkin.id, state, participant.first_name or "", tuple(network), professional)


async def _finished(
    session: AsyncSession, checkin: Checkin, participant: Participant, now: datetime
) -> Finished:
    await finish(session, checkin, participant, checkin.answered_at or checkin.slot_at)
    return await _thank_you(session, checkin, participant, now)


async def _thank_you(
    session: AsyncSession,
    checkin: Checkin,
    participant: Participant,
    now: datetime,
    *,
    writing: bool = False,
) -> Finished:
    """The thank-you of an answered check-in, with what its buttons need."""
    buddy = participant.role is ParticipantRole.BUDDY
    today = local_date(checkin.answered_at or checkin.slot_at, participant.time_zone)
    if buddy:
        return Finished(participant.language, participant.first_name or "", True, 0)
    count = await digest.people_this_week(session, participant, today)
    professional = await people.professional_by_id(session, participant.professional_id)
    return Finished(
        participant.language,
        participant.first_name or "",
        False,
        count,
        checkin_id=checkin.id,
        professional=professional.display_name if professional else "",
        may_change=await _may_change(session, checkin, participant, now),
        writing=writing,
    )


def is_open(checkin: Checkin) -> bool:
    """True while the check-in can still be answered."""
    return checkin.status in stored.OPEN


def arrived(checkin: Checkin, message_id: int | None, now: datetime) -> None:
    """The person pressed a button of the prompt, so it reached them, even if its sender has
    not recorded that yet (a tap within moments, or on another replica): from now on it is
    open. Without this the press found it "closed" and their answer was never asked for."""
    if checkin.status == CheckinStatus.SENDING:
        checkin.status, checkin.sent_at = CheckinStatus.SENT, now
        checkin.message_id = checkin.message_id or message_id


async def start_now(session: AsyncSession, participant: Participant, now: datetime) -> Checkin:
    """`/checkin`: a check-in outside the rhythm, open at once."""
    return await stored.add_open(
        session, participant.id, now, local_date(now, participant.time_zone)
    )


async def finish(
    session: AsyncSession, checkin: Checkin, participant: Participant, now: datetime
) -> None:
    """Store every answer of a completed check-in: contact events, mood, satisfaction
    (in place of those stored before, when the client went back from its thank-you)."""
    state = CheckinState.from_row(checkin.step, checkin.data)
    if (checkin.data or {}).get(REANSWER):
        await stored.delete_answers(session, checkin.id)
        checkin.data = {k: v for k, v in checkin.data.items() if k != REANSWER}
    await stored.add_answers(
        session,
        checkin,
        now,
        local_date(now, participant.time_zone),
        modes=flow.modes_of(state),
        mood=state.mood,
        satisfaction=state.satisfaction,
    )
    checkin.status, checkin.answered_at, checkin.closed_at = CheckinStatus.ANSWERED, now, now
    checkin.step = Step.DONE.value


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
    state = CheckinState.from_row(checkin.step, checkin.data)
    answered = replace(
        state,
        chosen=tuple(contacts),
        modes={str(contact_id): mode for contact_id, mode in contacts.items()},
        mood=mood,
        satisfaction=satisfaction,
    )
    checkin.data = answered.row_data(checkin.data)
    await finish(session, checkin, participant, now)


async def skip(session: AsyncSession, checkin: Checkin, now: datetime) -> None:
    """The person said "not now": recorded as skipped, nothing filled in."""
    checkin.status, checkin.closed_at, checkin.step = CheckinStatus.SKIPPED, now, Step.DONE.value
    await session.flush()


@dataclass(frozen=True)
class Opened:
    """`/checkin`: the question of the check-in now open."""

    language: str | None
    question: Question


@dataclass(frozen=True)
class WaitingForGuardian:
    """A child's check-ins wait until a parent or guardian agreed."""


async def open_now(
    database: Database, client_id: int, now: datetime
) -> Opened | WaitingForGuardian | None:
    """`/checkin` of client ``client_id``: continue the open check-in, or start one now.
    None when the client is not there (any more)."""
    async with database.transaction() as session:
        participant = await people.participant_by_id(session, client_id)
        if participant is None:
            return None
        if guardians.waiting_for_guardian(participant):
            return WaitingForGuardian()
        checkin = await stored.current_open(session, participant.id)
        if checkin is None:
            checkin = await start_now(session, participant, now)
        if checkin.step is None:
            checkin.step = Step.WHO.value
        network = await contacts.current_map(session, participant.id)
        question = await _question(session, checkin, participant, network)
        return Opened(participant.language, question)


async def text_typed(
    database: Database, telegram_user_id: int, text: str, now: datetime
) -> Asked | Finished | MessageKept | None:
    """Typed text, for the question asked last: a check-in under way (a name at the who
    question, a buddy's reason, else the question again with a hint), the message asked
    for under a thank-you (within :data:`WRITING_TIME`), or a name on a prompt not yet
    begun (before that message only when the prompt came after it was asked for). None
    when none of these is going on."""
    async with database.transaction() as session:
        participant = await people.participant_by_telegram_id(session, telegram_user_id)
        if participant is None:
            return None
        checkin = await stored.current_open(session, participant.id)
        if checkin is not None and checkin.step is not None:
            return await _answer_typed(session, checkin, participant, text, now)
        writing = await _writing(session, participant, now)
        client = participant.role is ParticipantRole.CLIENT
        if checkin is not None and client and (writing is None or _newer(checkin, writing)):
            named = await _name_typed(session, checkin, participant, text)
            if named is not None:
                return named
        if writing is not None:
            return await _keep_message(session, participant, writing, text)
        return None


async def _answer_typed(
    session: AsyncSession, checkin: Checkin, participant: Participant, text: str, now: datetime
) -> Asked | Finished:
    """Typed text in a check-in under way: a name at the who question, a buddy's reason (or
    the message of a check-in begun when that was its last question); else the question
    where it is, with a hint."""
    state = CheckinState.from_row(checkin.step, checkin.data)
    if state.step is Step.WHO and participant.role is ParticipantRole.CLIENT:
        named = await _name_typed(session, checkin, participant, text)
        assert named is not None  # under way, a name that fits nobody is told so
        return named
    answered = flow.typed(state, text)
    if answered is None:
        network = await contacts.current_map(session, participant.id)
        question = await _question(session, checkin, participant, network)
        return Asked(participant.language, question, again=True)
    _store(checkin, answered)
    checkin.answered_at = now
    finished = await _finished(session, checkin, participant, now)
    if answered.message is None or state.step is not Step.MESSAGE:
        return finished
    kept = await _passed_on(session, participant, answered.message)
    if kept is None or kept.forward_to is None:
        return finished
    return replace(
        finished, forward_to=kept.forward_to, message=kept.message, client_id=kept.client_id
    )


async def _name_typed(
    session: AsyncSession, checkin: Checkin, participant: Participant, text: str
) -> Asked | None:
    """A name typed at the who question (or on the prompt): the contact it names is
    chosen, or those it may name come first. A prompt not yet begun takes only a name
    that fits: other text is not meant for it (None)."""
    network = await contacts.current_map(session, participant.id)
    state = CheckinState.from_row(checkin.step, checkin.data)
    moved = flow.named(state, text, {c.contact_id: c.label for c in network})
    if moved is not None:
        _store(checkin, moved)
        return Asked(participant.language, await _question(session, checkin, participant, network))
    if state.step is None:
        return None
    question = await _question(session, checkin, participant, network)
    # Short text was meant as a name ("Tante Zoë"): say it is not on the map. A sentence
    # ("I saw my sister") gets the usual hint to tap.
    name = clean_name(text)
    letters = sum(character.isalpha() for character in name or "")
    if name is not None and (len(name.split()) > NAME_WORDS or letters < flow.NAME_START):
        name = None  # "I saw my sister", "ok", "😀"
    return Asked(participant.language, question, again=True, unknown_name=name)


async def _writing(
    session: AsyncSession, participant: Participant, now: datetime
) -> Checkin | None:
    """The answered check-in under whose thank-you the client asked to write to their
    professional, while that still holds (:data:`WRITING_TIME`)."""
    checkin = await stored.writing(session, participant.id)
    asked = _writing_at(checkin)
    return checkin if asked is not None and asked + WRITING_TIME > now else None


def _writing_at(checkin: Checkin | None) -> datetime | None:
    asked = (checkin.data or {}).get("writing_at") if checkin is not None else None
    return datetime.fromisoformat(asked) if asked else None


def _newer(prompt: Checkin, writing: Checkin) -> bool:
    """The prompt came after the client asked to write: it is the newer question."""
    asked = _writing_at(writing)
    return prompt.sent_at is not None and asked is not None and prompt.sent_at > asked


async def _keep_message(
    session: AsyncSession, participant: Participant, checkin: Checkin, text: str
) -> MessageKept | None:
    """``text`` is the message for the professional asked for under ``checkin``'s
    thank-you: kept with the check-in, to be passed on."""
    data = dict(checkin.data or {})
    data.pop("writing_at", None)
    data["message"] = text.strip()[: flow.TEXT_LIMIT]
    checkin.data = data
    kept = await _passed_on(session, participant, data["message"])
    return None if kept is None else replace(kept, checkin_id=checkin.id)


async def _passed_on(
    session: AsyncSession, participant: Participant, message: str
) -> MessageKept | None:
    professional = await people.professional_by_id(session, participant.professional_id)
    if professional is None:
        return None
    reachable = professional.telegram_user_id is not None
    return MessageKept(
        participant.language,
        participant.first_name or "",
        professional.display_name,
        message,
        (professional.telegram_user_id, professional.language) if reachable else None,
        participant.id,
    )
