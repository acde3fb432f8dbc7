"""Check-ins: the scheduler tick that sends prompts, reminders and closes old ones, and the
client's check-in itself — who did you see (taps), how, mood, now and then satisfaction, an
optional message for the professional, and a thank-you.

The conversation's state is the check-in row (``step`` and ``data``), so a restart or another
replica continues where the person is. Callback data: ``ci:<check-in>:<action>[:<value>]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics, digest, meetup, network
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply, faces_row
from buddybot.i18n import Translator, text_key, translator
from buddybot.network import Contact, by_circle
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.services import access, checkins, contacts, guardians
from buddybot.services.checkins import Prompt
from buddybot.services.people import Role
from buddybot.storage import direct, people
from buddybot.storage.models import Checkin, Participant

log = logging.getLogger(__name__)

CHECKIN = "ci"
PAGE_SIZE = 8
MODES = ("in_person", "call", "message")
MODE_TEXT = {
    "in_person": text_key("checkin.mode.in_person"),
    "call": text_key("checkin.mode.call"),
    "message": text_key("checkin.mode.message"),
}
# 5xx and time-outs: a few tries with growing pauses; 429 is waited out by the rate limiter.
SEND_ATTEMPTS = 3
SENDERS = 4
BACKOFF_SECONDS = 0.5


def _button(text: str, checkin_id: int, *parts: str) -> InlineKeyboardButton:
    return button(text, CHECKIN, str(checkin_id), *parts)


def _tr(participant_language: str | None, context: BuddyContext) -> Translator:
    return translator(participant_language, context.runtime.settings.default_language)


# ------------------------------------------------------------------ sending


async def send_with_retries(coroutine_factory: Any) -> Message:
    """Send, retrying server errors and time-outs a few times with backoff."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await coroutine_factory()  # type: ignore[no-any-return]
        except RetryAfter:
            raise  # the rate limiter already waited and retried; give up for this tick
        except (TimedOut, NetworkError) as error:
            if isinstance(error, BadRequest | Forbidden) or attempt == SEND_ATTEMPTS:
                raise
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _prompt_reply(tr: Translator, prompt: Prompt, *, reminder: bool) -> Reply:
    if prompt.role is ParticipantRole.BUDDY:
        text = tr(
            "checkin.buddy_prompt", name=escape(prompt.first_name), clients=escape(prompt.clients)
        )
        return Reply(
            text,
            InlineKeyboardMarkup(
                [
                    [
                        _button(tr("checkin.buddy_met"), prompt.checkin_id, "met"),
                        _button(tr("checkin.buddy_not_met"), prompt.checkin_id, "notmet"),
                    ]
                ]
            ),
        )
    text = tr("checkin.reminder" if reminder else "checkin.prompt", name=escape(prompt.first_name))
    buttons = [
        [
            _button(tr("checkin.start"), prompt.checkin_id, "start"),
            _button(tr("checkin.not_now"), prompt.checkin_id, "skip"),
        ]
    ]
    return Reply(text, InlineKeyboardMarkup(buttons))


async def tick(context: BuddyContext) -> None:
    """Every few seconds: make due prompts, send them, remind once, close old ones."""
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        await checkins.materialise(session, now)
    async with database.transaction() as session:
        prompts = await checkins.claim_prompts(session, now)
    await _send_all(context, prompts, reminder=False)
    async with database.transaction() as session:
        reminders = await checkins.claim_reminders(session, now)
        closed = await checkins.expire(session, now)
    await _send_all(context, reminders, reminder=True)
    for prompt in closed:
        await _close_prompt(context, prompt)
    await digest.send_weekly(context)


@dataclass(frozen=True)
class _Outcome:
    """What happened to one send: the message id, or why it failed."""

    prompt: Prompt
    message_id: int | None = None
    unreachable: bool = False


async def _send_all(context: BuddyContext, prompts: list[Prompt], *, reminder: bool) -> None:
    """Send with a few in flight at once (the rate limiter keeps the total within Telegram's
    limit), while one recorder writes each outcome as soon as it is known: recording never
    holds up sending, and only one transaction of this process writes at a time."""
    if not prompts:
        return
    pending: asyncio.Queue[Prompt] = asyncio.Queue()
    for prompt in prompts:
        pending.put_nowait(prompt)
    outcomes: asyncio.Queue[_Outcome | None] = asyncio.Queue()

    async def sender() -> None:
        while not pending.empty():
            outcomes.put_nowait(
                await _send_prompt(context, pending.get_nowait(), reminder=reminder)
            )

    async def recorder() -> None:
        done = False
        while not done:
            batch = [await outcomes.get()]
            while not outcomes.empty():
                batch.append(outcomes.get_nowait())
            done = None in batch
            await _record(context, [o for o in batch if o is not None], reminder=reminder)

    recording = asyncio.create_task(recorder())
    await asyncio.gather(*(sender() for _ in range(min(SENDERS, len(prompts)))))
    outcomes.put_nowait(None)
    await recording


async def _record(context: BuddyContext, outcomes: list[_Outcome], *, reminder: bool) -> None:
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        for outcome in outcomes:
            if outcome.message_id is not None and not reminder:
                await checkins.record_sent(
                    session, outcome.prompt.checkin_id, outcome.message_id, now
                )
            elif outcome.message_id is None and (outcome.unreachable or not reminder):
                await checkins.record_failed(
                    session, outcome.prompt.checkin_id, now, unreachable=outcome.unreachable
                )


async def _send_prompt(context: BuddyContext, prompt: Prompt, *, reminder: bool) -> _Outcome:
    reply = _prompt_reply(_tr(prompt.language, context), prompt, reminder=reminder)
    try:
        sent = await send_with_retries(
            lambda: context.bot.send_message(
                prompt.telegram_user_id, reply.text, reply_markup=reply.keyboard
            )
        )
    except (Forbidden, BadRequest) as error:
        # Blocked, deactivated or gone: no more prompts until they write again.
        log.info("check-in %s: person unreachable (%s)", prompt.checkin_id, type(error).__name__)
        return _Outcome(prompt, unreachable=True)
    except (NetworkError, RetryAfter) as error:
        log.warning("check-in %s: not sent (%s)", prompt.checkin_id, type(error).__name__)
        return _Outcome(prompt)
    return _Outcome(prompt, sent.message_id)


async def _close_prompt(context: BuddyContext, prompt: Prompt) -> None:
    """Take the buttons off a prompt whose answer window passed."""
    if prompt.message_id is None:
        return
    tr = _tr(prompt.language, context)
    # Already changed, deleted or unreachable: the row is closed either way.
    with contextlib.suppress(BadRequest, Forbidden, NetworkError):
        await context.bot.edit_message_text(
            tr("checkin.closed"), chat_id=prompt.telegram_user_id, message_id=prompt.message_id
        )


# ------------------------------------------------------------------ the conversation


def _chosen(checkin: Checkin) -> list[int]:
    return [int(contact_id) for contact_id in (checkin.data or {}).get("chosen", [])]


def _who_reply(
    tr: Translator, checkin: Checkin, network: list[Contact], name: str, since: date | None
) -> Reply:
    ordered = [c for members in by_circle(network).values() for c in members]
    page = int((checkin.data or {}).get("page", 0))
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(page, pages - 1)
    chosen = set(_chosen(checkin))
    toggles = [
        _button(
            ("✅ " if c.contact_id in chosen else "") + c.label, checkin.id, "t", str(c.contact_id)
        )
        for c in ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    paging = []
    if page > 0:
        paging.append(_button(tr("page.previous"), checkin.id, "pg", str(page - 1)))
    if page + 1 < pages:
        paging.append(_button(tr("page.next"), checkin.id, "pg", str(page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_button(tr("checkin.someone_new"), checkin.id, "new")])
    rows.append(
        [
            _button(tr("checkin.nobody"), checkin.id, "nobody"),
            _button(tr("checkin.done"), checkin.id, "who_done"),
        ]
    )
    if since is None:
        text = tr("checkin.who_first", name=escape(name))
    else:
        day = format_date(since, format="EEEE", locale=tr.language)
        text = tr("checkin.who", name=escape(name), day=day)
    if not network:
        text += "\n\n" + tr("checkin.no_network")
    return Reply(text, InlineKeyboardMarkup(rows))


def _mode_reply(tr: Translator, checkin: Checkin, label: str) -> Reply:
    buttons = [_button(tr(MODE_TEXT[mode]), checkin.id, "mode", mode) for mode in MODES]
    return Reply(
        tr("checkin.how", label=escape(label)),
        InlineKeyboardMarkup([buttons, [_button(tr("button.skip"), checkin.id, "mode", "-")]]),
    )


def _faces_reply(checkin: Checkin, question: str, action: str) -> Reply:
    return Reply(question, InlineKeyboardMarkup([faces_row(CHECKIN, str(checkin.id), action)]))


def _reply_from_state(
    tr: Translator,
    checkin: Checkin,
    participant: Participant,
    network: list[Contact],
    professional: str | None = None,
) -> Reply | None:
    """The question for where the person is now, from the check-in, their map and (for the
    message question) their professional's name; None when it needs a look-up
    (:func:`_step_reply` does those)."""
    step = checkin.step or "who"
    data = checkin.data or {}
    if step == "who":
        if "since" not in data:
            return None
        since = data["since"]
        return _who_reply(
            tr,
            checkin,
            network,
            participant.first_name or "",
            date.fromisoformat(since) if since else None,
        )
    if step == "mode":
        contact_id = _chosen(checkin)[int(data.get("mode_index", 0))]
        label = next((c.label for c in network if c.contact_id == contact_id), None)
        return None if label is None else _mode_reply(tr, checkin, label)
    if step == "mood":
        return _faces_reply(checkin, tr("checkin.mood"), "mood")
    if step == "satisfaction":
        return _faces_reply(checkin, tr("checkin.satisfaction"), "sat")
    if professional is None:
        return None
    return Reply(
        tr("checkin.message", professional=escape(professional)),
        InlineKeyboardMarkup([[_button(tr("button.skip"), checkin.id, "msg_skip")]]),
    )


async def _step_reply(
    session: AsyncSession,
    tr: Translator,
    checkin: Checkin,
    participant: Participant,
    network: list[Contact] | None = None,
) -> Reply:
    """The question for where the person is now (``network``: their map, if already loaded)."""
    step = checkin.step or "who"
    if step == "who":
        if network is None:
            network = await contacts.current_map(session, participant.id)
        if "since" not in (checkin.data or {}):  # looked up once, kept for every toggle
            day = await checkins.previous_answer_day(session, participant.id, checkin.slot_at)
            _set(checkin, since=day.isoformat() if day else None)
    reply = _reply_from_state(tr, checkin, participant, network or [])
    if reply is not None:
        return reply
    if step == "mode":  # a contact taken off the map since it was chosen
        index = int(checkin.data.get("mode_index", 0))
        record = await contacts.contact_of(session, participant.id, _chosen(checkin)[index])
        return _mode_reply(tr, checkin, record.label if record else "")
    professional = await people.professional_by_id(session, participant.professional_id)
    name = professional.display_name if professional else ""
    reply = _reply_from_state(tr, checkin, participant, network or [], name)
    assert reply is not None  # every step is known once the professional is
    return reply


def _set(checkin: Checkin, **values: Any) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change.
    checkin.data = {**(checkin.data or {}), **values}


# Who, how, mood and satisfaction: presses that change only the check-in's own step and data
# (the answers are written out when it is finished), so the press path on the driver's
# connection (storage.direct) can take them.
CHOICES = ("t", "who", "pg", "nobody", "who_done", "mode", "mood", "sat")


def _face(value: str) -> bool:
    return len(value) == 1 and value in "12345"


def _choose(
    checkin: Checkin, action: str, value: str, network: list[Contact], answered_before: int
) -> bool:
    """Move the check-in on by one of the :data:`CHOICES`; False when the button is not for
    this step (pressed twice, or an old button): nothing changes then. ``network`` is the
    client's current map; ``answered_before``, how many check-ins they answered (it decides,
    after the mood, whether satisfaction is asked)."""
    step = checkin.step or "who"
    if action == "t" and step == "who" and value.isdigit():
        if int(value) not in {contact.contact_id for contact in network}:
            return False
        chosen = _chosen(checkin)
        chosen = (
            [c for c in chosen if c != int(value)]
            if int(value) in chosen
            else [*chosen, int(value)]
        )
        _set(checkin, chosen=chosen)
    elif action == "who" and step == "who":
        pass  # back from "Someone new": show the question again
    elif action == "pg" and step == "who" and value.isdigit():
        _set(checkin, page=int(value))
    elif action == "nobody" and step == "who":
        _set(checkin, chosen=[])
        checkin.step = "mood"
    elif action == "who_done" and step == "who":
        checkin.step = "mode" if _chosen(checkin) else "mood"
        _set(checkin, mode_index=0)
    elif action == "mode" and step == "mode" and value in (*MODES, "-"):
        index = int(checkin.data.get("mode_index", 0))
        modes = dict(checkin.data.get("modes", {}))
        modes[str(_chosen(checkin)[index])] = None if value == "-" else value
        _set(checkin, modes=modes, mode_index=index + 1)
        if index + 1 >= len(_chosen(checkin)):
            checkin.step = "mood"
    elif action == "mood" and step == "mood" and _face(value):
        _set(checkin, mood=int(value))
        due = checkins.satisfaction_due(answered_before)
        checkin.step = "satisfaction" if due else "message"
    elif action == "sat" and step == "satisfaction" and _face(value):
        _set(checkin, satisfaction=int(value))
        checkin.step = "message"
    else:
        return False
    return True


async def _apply(
    session: AsyncSession,
    checkin: Checkin,
    participant: Participant,
    action: str,
    value: str,
    network: list[Contact],
) -> bool:
    """Move the check-in on by one button press; False when the button is not for this step
    (pressed twice, or an old button): nothing changes then. ``network`` is the client's
    current map (read with the check-in)."""
    if action in CHOICES:
        answered = await checkins.answered_count(session, participant.id) if action == "mood" else 0
        return _choose(checkin, action, value, network, answered)
    if action == "start":
        if checkin.step is not None:
            return False
        checkin.step = "who"
    elif action == "msg_skip" and (checkin.step or "who") in ("message", "reason"):
        checkin.step = "done"
    else:
        return False
    return True


async def _choose_directly(
    context: BuddyContext, telegram_user_id: int, checkin_id: int, action: str, value: str
) -> Reply | None:
    """One of the :data:`CHOICES` on the driver's connection (``storage.direct``): one read,
    one write, and the next question. None when this press needs more than that (not the
    person's check-in, closed, not yet begun, pressed twice, someone who was unreachable,
    a look-up for the question): nothing was changed then, and the full path takes it."""
    async with direct.transaction(context.runtime.database) as work:
        found = await checkins.pressed_checkin(work, telegram_user_id, checkin_id)
        if found is None:
            return None
        checkin, participant, network = found
        if (
            not checkins.is_open(checkin)
            or checkin.step is None
            or participant.status is not ParticipantStatus.ACTIVE
        ):
            return None
        answered = 0
        if action == "mood":
            answered = await checkins.answered_count_directly(work, participant.id)
        if not _choose(checkin, action, value, network, answered):
            return None
        professional = None
        if checkin.step == "message":
            professional = await checkins.professional_name_directly(
                work, participant.professional_id
            )
        tr = _tr(participant.language, context)
        reply = _reply_from_state(tr, checkin, participant, network, professional)
        if reply is None:
            return None
        await checkins.save_choice(work, checkin)
    return reply


async def _thanks(
    session: AsyncSession, tr: Translator, checkin: Checkin, participant: Participant
) -> str:
    await checkins.finish(session, checkin, participant, checkin.answered_at or checkin.slot_at)
    if participant.role is ParticipantRole.BUDDY:
        return tr("checkin.buddy_thanks", name=escape(participant.first_name or ""))
    count = await checkins.contacts_this_week(session, participant.id, checkin.local_date)
    return tr.plural("checkin.thanks", count, name=escape(participant.first_name or ""))


async def checkin_button(update: Update, context: BuddyContext) -> None:
    """Every button of a check-in."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or len(parsed.parts) < 2 or not parsed.parts[0].isdigit():
        await basics.stale_button(update, context)
        return
    checkin_id, action = int(parsed.parts[0]), parsed.parts[1]
    value = parsed.parts[2] if len(parsed.parts) > 2 else ""
    if action in CHOICES:
        # Most presses of a check-in; half of their time went to the ORM (storage.direct).
        quick = await _choose_directly(context, query.from_user.id, checkin_id, action, value)
        if quick is not None:
            await asyncio.gather(
                query.answer(), query.edit_message_text(quick.text, reply_markup=quick.keyboard)
            )
            return
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        found = await checkins.open_checkin_with_map(session, query.from_user.id, checkin_id)
        if found is None:
            await access.refuse(session, query.from_user.id, "checkin", "checkin", checkin_id)
            reply, outcome = None, "forged"
        else:
            checkin, participant, network_now = found
            tr = _tr(participant.language, context)
            if participant.status is ParticipantStatus.UNREACHABLE:
                participant.status = ParticipantStatus.ACTIVE  # they tap, so they can be reached
            checkins.arrived(checkin, query.message.message_id if query.message else None, now)
            if not checkins.is_open(checkin):
                reply, outcome = None, "closed"
            elif action == "skip" and checkin.step is None:
                await checkins.skip(session, checkin, now)
                reply, outcome = Reply(tr("checkin.skipped")), "ok"
            elif (
                action == "met"
                and checkin.step is None
                and participant.role is (ParticipantRole.BUDDY)
            ):
                # Yes: the check-in is answered, and the meetup is logged right away.
                checkin.answered_at = now
                await checkins.finish(session, checkin, participant, now)
                reply, outcome = await meetup.start_reply(session, tr, participant, now), "ok"
            elif (
                action == "notmet"
                and checkin.step is None
                and participant.role is (ParticipantRole.BUDDY)
            ):
                checkin.step = "reason"
                reply = Reply(
                    tr("checkin.buddy_reason"),
                    InlineKeyboardMarkup([[_button(tr("button.skip"), checkin.id, "msg_skip")]]),
                )
                outcome = "ok"
            elif action == "new" and checkin.step == "who":
                # "Someone new": the network's add flow, which leads back here afterwards.
                draft = contacts.Draft(participant.id, "kind", data={"checkin": checkin.id})
                await contacts.save_draft(session, query.from_user.id, draft, now=now)
                reply, outcome = network.contact_step_reply(tr, draft), "ok"
            else:
                # The map came with the check-in (one read per press): it checks a toggled
                # contact and draws the next question.
                if not await _apply(session, checkin, participant, action, value, network_now):
                    # Pressed twice, or an old question is still on screen (the bot stopped
                    # after storing the answer, before showing the next question): nothing
                    # changes, and the question where they are now is shown again. Not yet
                    # begun, nothing was stored: the prompt or first question on screen stays.
                    reply = (
                        None
                        if checkin.step is None
                        else await _step_reply(session, tr, checkin, participant, network_now)
                    )
                    outcome = "again"
                elif checkin.step == "done":
                    checkin.answered_at = now
                    reply = Reply(await _thanks(session, tr, checkin, participant))
                    outcome = "ok"
                else:
                    reply = await _step_reply(session, tr, checkin, participant, network_now)
                    outcome = "ok"
    if outcome == "forged":
        await basics.stale_button(update, context)
        return
    if outcome == "closed":
        await query.answer(tr("checkin.already_closed"), show_alert=True)
        # Its buttons are stale: the bot may have stopped after storing the last answer,
        # before the thank-you replaced them. The message says it is closed instead.
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(tr("checkin.closed"))
        return
    if reply is None:
        await query.answer(tr("checkin.already_answered"))
        return
    if outcome == "again":
        await query.answer(tr("checkin.already_answered"))
        with contextlib.suppress(BadRequest):  # the current question is already on screen
            await query.edit_message_text(reply.text, reply_markup=reply.keyboard)
        return
    # Both at once: one round trip to Telegram per press instead of two.
    await asyncio.gather(
        query.answer(), query.edit_message_text(reply.text, reply_markup=reply.keyboard)
    )


async def checkin_command(update: Update, context: BuddyContext) -> None:
    """`/checkin`: start a check-in now (or continue the open one)."""
    user, message = update.effective_user, update.effective_message
    if (
        context.person.role is not Role.CLIENT
        or context.person.consent_withdrawn
        or (user is None or message is None or context.person.record_id is None)
    ):
        await basics.not_for_role(update, context.tr)
        return
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        participant = await people.participant_by_id(session, context.person.record_id)
        assert participant is not None
        if guardians.waiting_for_guardian(participant):
            reply = Reply(context.tr("checkin.waiting_for_guardian"))
        else:
            checkin = await checkins.current_open(session, participant.id)
            if checkin is None:
                checkin = await checkins.start_now(session, participant, now)
            if checkin.step is None:
                checkin.step = "who"
            reply = await _step_reply(session, context.tr, checkin, participant)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def member_changed(update: Update, context: BuddyContext) -> None:
    """Telegram tells us someone blocked (or unblocked) the bot."""
    member = update.my_chat_member
    if member is None:
        return
    async with context.runtime.database.transaction() as session:
        participant = await people.participant_by_telegram_id(session, member.from_user.id)
        if participant is None:
            return
        if member.new_chat_member.status in ("kicked", "left"):
            await checkins.mark_unreachable(session, participant.id)
        else:
            await checkins.mark_reachable(session, member.from_user.id)


async def message_typed(update: Update, context: BuddyContext) -> bool:
    """Typed text during a check-in: the message for the professional (at that step), or a
    kind hint and the same question again. False when no check-in is going on."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    now = context.runtime.clock()
    forward: tuple[int, str | None, str, str] | None = None
    async with context.runtime.database.transaction() as session:
        participant = await people.participant_by_telegram_id(session, user.id)
        checkin = (
            None if participant is None else await checkins.current_open(session, participant.id)
        )
        if participant is None or checkin is None or checkin.step is None:
            return False
        tr = _tr(participant.language, context)
        if checkin.step == "reason":
            _set(checkin, reason=message.text.strip()[:1000])
            checkin.step, checkin.answered_at = "done", now
            reply = Reply(await _thanks(session, tr, checkin, participant))
        elif checkin.step == "message":
            text = message.text.strip()[:1000]
            _set(checkin, message=text)
            checkin.step, checkin.answered_at = "done", now
            reply = Reply(await _thanks(session, tr, checkin, participant))
            professional = await people.professional_by_id(session, participant.professional_id)
            if professional is not None and professional.telegram_user_id is not None:
                forward = (
                    professional.telegram_user_id,
                    professional.language,
                    participant.first_name or "",
                    text,
                )
        else:
            question = await _step_reply(session, tr, checkin, participant)
            reply = Reply(tr("flow.use_buttons") + "\n\n" + question.text, question.keyboard)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
    if forward is not None:
        chat_id, language, name, text = forward
        professional_tr = _tr(language, context)
        await context.bot.send_message(
            chat_id, professional_tr("checkin.forwarded", name=escape(name), text=escape(text))
        )
    return True
