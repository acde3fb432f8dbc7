"""`/meetup`: a buddy logs a meetup with their client in a few taps — which client (if
several), when, what, how long, how it went, an optional note. Back and Cancel on each step.
Callback data: ``mt:new:<client>`` and ``mt:<meetup>:<action>[:<value>]``."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply, faces_row
from buddybot.i18n import Translator, text_key
from buddybot.roles import ParticipantRole
from buddybot.schedule import local_date
from buddybot.services import access, meetups
from buddybot.services.people import Role
from buddybot.storage import people
from buddybot.storage.models import Meetup, Participant

MEETUP = "mt"
ACTIVITY_TEXT = {
    "walk": text_key("meetup.activity.walk"),
    "food": text_key("meetup.activity.food"),
    "sport": text_key("meetup.activity.sport"),
    "culture": text_key("meetup.activity.culture"),
    "home": text_key("meetup.activity.home"),
    "errands": text_key("meetup.activity.errands"),
    "other": text_key("meetup.activity.other"),
}
DURATION_TEXT = {
    30: text_key("meetup.duration.half_hour"),
    60: text_key("meetup.duration.hour"),
    120: text_key("meetup.duration.two_hours"),
    240: text_key("meetup.duration.half_day"),
}


def _button(text: str, *parts: str) -> InlineKeyboardButton:
    return button(text, MEETUP, *parts)


def _nav(tr: Translator, meetup: Meetup) -> list[InlineKeyboardButton]:
    return [
        _button(tr("button.back"), str(meetup.id), "back"),
        _button(tr("button.cancel"), str(meetup.id), "cancel"),
    ]


async def _step_reply(
    session: AsyncSession, tr: Translator, meetup: Meetup, buddy: Participant
) -> Reply:
    client = await people.participant_by_id(session, meetup.client_id)
    name = escape(client.first_name or "") if client else ""
    mid = str(meetup.id)
    step = meetup.step
    if step == "when":
        return Reply(
            tr("meetup.when", client=name),
            InlineKeyboardMarkup(
                [
                    [
                        _button(tr("meetup.today"), mid, "day", "0"),
                        _button(tr("meetup.yesterday"), mid, "day", "1"),
                    ],
                    [_button(tr("meetup.other_day"), mid, "days")],
                    [_button(tr("button.cancel"), mid, "cancel")],
                ]
            ),
        )
    if step == "days":
        today = local_date(meetup.started_at, buddy.time_zone)
        days = [
            _button(
                format_date(today - timedelta(days=n), "EEEE d MMM", locale=tr.language),
                mid,
                "day",
                str(n),
            )
            for n in range(2, 8)
        ]
        rows = [days[i : i + 2] for i in range(0, len(days), 2)]
        return Reply(
            tr("meetup.when", client=name), InlineKeyboardMarkup([*rows, _nav(tr, meetup)])
        )
    if step == "activity":
        choices = [_button(tr(key), mid, "act", value) for value, key in ACTIVITY_TEXT.items()]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        return Reply(tr("meetup.activity"), InlineKeyboardMarkup([*rows, _nav(tr, meetup)]))
    if step == "duration":
        choices = [_button(tr(key), mid, "dur", str(value)) for value, key in DURATION_TEXT.items()]
        return Reply(
            tr("meetup.duration"),
            InlineKeyboardMarkup([choices[:2], choices[2:], _nav(tr, meetup)]),
        )
    if step == "how":
        faces = faces_row(MEETUP, mid, "how")
        return Reply(tr("meetup.how"), InlineKeyboardMarkup([faces, _nav(tr, meetup)]))
    return Reply(
        tr("meetup.note"),
        InlineKeyboardMarkup([[_button(tr("button.skip"), mid, "skip")], _nav(tr, meetup)]),
    )


async def _buddy(session: AsyncSession, telegram_user_id: int) -> Participant | None:
    participant = await people.participant_by_telegram_id(session, telegram_user_id)
    if participant is None or participant.role is not ParticipantRole.BUDDY:
        return None
    return participant


async def start_reply(
    session: AsyncSession, tr: Translator, buddy: Participant, now: datetime
) -> Reply:
    """The first question of a new meetup: which client (if several), or when."""
    clients = await meetups.agreed_clients(session, buddy.id)
    if not clients:
        return Reply(tr("meetup.no_clients"))
    if len(clients) > 1:
        return Reply(
            tr("meetup.which_client"),
            InlineKeyboardMarkup(
                [[_button(c.first_name or "", "new", str(c.id))] for c in clients]
            ),
        )
    started = await meetups.start(session, buddy, clients[0].id, now)
    assert started is not None
    return await _step_reply(session, tr, started, buddy)


async def meetup_command(update: Update, context: BuddyContext) -> None:
    """Start logging a meetup (asking which client when there are several)."""
    user, message = update.effective_user, update.effective_message
    if context.person.role is not Role.BUDDY or user is None or message is None:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    async with context.runtime.database.transaction() as session:
        buddy = await _buddy(session, user.id)
        reply = (
            Reply(tr("meetup.no_clients"))
            if buddy is None
            else await start_reply(session, tr, buddy, context.runtime.clock())
        )
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def meetup_button(update: Update, context: BuddyContext) -> None:
    """Every button of the meetup flow."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or len(parsed.parts) < 2:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        buddy = await _buddy(session, query.from_user.id)
        reply = None if buddy is None else await _on_button(session, tr, buddy, parsed.parts, now)
        if buddy is not None and reply is None:
            await access.refuse(session, query.from_user.id, "meetup", "meetup", None)
    if reply is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    await query.edit_message_text(reply.text, reply_markup=reply.keyboard)


async def _on_button(
    session: AsyncSession,
    tr: Translator,
    buddy: Participant,
    parts: tuple[str, ...],
    now: datetime,
) -> Reply | None:
    if parts[0] == "new" and parts[1].isdigit():
        meetup = await meetups.start(session, buddy, int(parts[1]), now)
        return None if meetup is None else await _step_reply(session, tr, meetup, buddy)
    if not parts[0].isdigit():
        return None
    meetup = await meetups.unfinished(session, buddy.id, int(parts[0]))
    if meetup is None:
        return None
    action, value = parts[1], parts[2] if len(parts) > 2 else ""
    if action == "cancel":
        await meetups.cancel(session, meetup)
        return Reply(tr("flow.cancelled"))
    if action == "back":
        meetup.step = (
            "when"
            if meetup.step == "days"
            else meetups.previous_step(meetup.step or "when") or "when"
        )
    elif action == "days" and meetup.step == "when":
        meetup.step = "days"
    elif (
        action == "day" and meetup.step in ("when", "days") and value.isdigit() and int(value) <= 7
    ):
        meetup.local_date = local_date(now, buddy.time_zone) - timedelta(days=int(value))
        meetup.step = "activity"
    elif action == "act" and meetup.step == "activity" and value in ACTIVITY_TEXT:
        meetup.activity, meetup.step = value, "duration"
    elif (
        action == "dur"
        and meetup.step == "duration"
        and value.isdigit()
        and int(value) in DURATION_TEXT
    ):
        meetup.duration_minutes, meetup.step = int(value), "how"
    elif action == "how" and meetup.step == "how" and value in ("1", "2", "3", "4", "5"):
        meetup.how_it_went, meetup.step = int(value), "note"
    elif action == "skip" and meetup.step == "note":
        return Reply(await _saved(session, tr, meetup, buddy, now))
    else:
        return Reply(tr("checkin.already_answered"))  # an older button of this flow
    return await _step_reply(session, tr, meetup, buddy)


async def _saved(
    session: AsyncSession, tr: Translator, meetup: Meetup, buddy: Participant, now: datetime
) -> str:
    count = await meetups.save(session, meetup, buddy, now)
    return tr.plural("meetup.saved", count)


async def note_typed(update: Update, context: BuddyContext) -> bool:
    """Typed text while logging a meetup: the note (at that step), or a hint. False when the
    person is not logging a meetup."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    now = context.runtime.clock()
    tr = context.tr
    async with context.runtime.database.transaction() as session:
        buddy = await _buddy(session, user.id)
        meetup = None if buddy is None else await meetups.unfinished(session, buddy.id)
        if buddy is None or meetup is None:
            return False
        if meetup.step == "note":
            meetup.note = message.text.strip()[:1000]
            reply = Reply(await _saved(session, tr, meetup, buddy, now))
        else:
            question = await _step_reply(session, tr, meetup, buddy)
            reply = Reply(tr("flow.use_buttons") + "\n\n" + question.text, question.keyboard)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
    return True
