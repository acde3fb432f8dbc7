"""`/meetup`: a buddy logs a meetup with their client in a few taps — which client (if
several), when, what, how long, how it went, an optional note. Back and Cancel on each step.
Callback data: ``mt:new:<client>`` and ``mt:<meetup>:<action>[:<value>]``; the flow is
``flows/meetup.py``, applied by ``services/meetups.py``."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot.context import BuddyContext
from buddybot.flows.meetup import MeetupPress, parse_press
from buddybot.handlers import basics
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, show
from buddybot.handlers.common import Reply, faces_row
from buddybot.i18n import Translator, text_key
from buddybot.services import meetups
from buddybot.services.meetups import MeetupQuestion, MeetupSaved, MeetupStart
from buddybot.services.people import Role

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


def _nav(tr: Translator, mid: str) -> list[InlineKeyboardButton]:
    return [_button(tr("button.back"), mid, "back"), _button(tr("button.cancel"), mid, "cancel")]


def question_reply(tr: Translator, question: MeetupQuestion) -> Reply:
    """The question of the meetup's current step."""
    name, mid, step = escape(question.client_name), str(question.meetup_id), question.step
    if step == "when":
        rows = [
            [
                _button(tr("meetup.today"), mid, "day", "0"),
                _button(tr("meetup.yesterday"), mid, "day", "1"),
            ],
            [_button(tr("meetup.other_day"), mid, "days")],
            [_button(tr("button.cancel"), mid, "cancel")],
        ]
        return Reply(tr("meetup.when", client=name), InlineKeyboardMarkup(rows))
    if step == "days":
        today = question.started_on
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
        return Reply(tr("meetup.when", client=name), InlineKeyboardMarkup([*rows, _nav(tr, mid)]))
    if step == "activity":
        choices = [_button(tr(key), mid, "act", value) for value, key in ACTIVITY_TEXT.items()]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        return Reply(tr("meetup.activity"), InlineKeyboardMarkup([*rows, _nav(tr, mid)]))
    if step == "duration":
        choices = [_button(tr(key), mid, "dur", str(value)) for value, key in DURATION_TEXT.items()]
        return Reply(
            tr("meetup.duration"), InlineKeyboardMarkup([choices[:2], choices[2:], _nav(tr, mid)])
        )
    if step == "how":
        faces = faces_row(MEETUP, mid, "how")
        return Reply(tr("meetup.how"), InlineKeyboardMarkup([faces, _nav(tr, mid)]))
    return Reply(
        tr("meetup.note"),
        InlineKeyboardMarkup([[_button(tr("button.skip"), mid, "skip")], _nav(tr, mid)]),
    )


def start_reply(tr: Translator, start: MeetupStart) -> Reply:
    """The first question of a new meetup: which client (if several), or when."""
    if start.question is not None:
        return question_reply(tr, start.question)
    if not start.clients:
        return Reply(tr("meetup.no_clients"))
    rows = [[_button(name, "new", str(client_id))] for client_id, name in start.clients]
    return Reply(tr("meetup.which_client"), InlineKeyboardMarkup(rows))


def _saved_reply(tr: Translator, saved: MeetupSaved) -> Reply:
    return Reply(tr.plural("meetup.saved", saved.this_month))


async def meetup_command(update: Update, context: BuddyContext) -> None:
    """Start logging a meetup (asking which client when there are several)."""
    user, message = update.effective_user, update.effective_message
    if context.person.role is not Role.BUDDY or user is None or message is None:
        await basics.not_for_role(update, context.tr)
        return
    start = await meetups.begin_for(context.runtime.database, user.id, context.runtime.clock())
    reply = start_reply(context.tr, start)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def _pressed(pressed: Pressed, event: MeetupPress, context: BuddyContext) -> Stale | None:
    tr = context.tr
    outcome = await meetups.press(
        context.runtime.database, pressed.telegram_user_id, event, context.runtime.clock()
    )
    if outcome is None:
        return STALE
    if isinstance(outcome, meetups.MeetupAlreadySaved):
        await pressed.query.answer(tr("checkin.already_answered"))
        return None
    if isinstance(outcome, meetups.MeetupAgain):
        # Pressed twice, or an older question still on screen: the question where the buddy
        # is now, with a short note.
        reply = question_reply(tr, outcome.question)
        await asyncio.gather(
            pressed.query.answer(tr("checkin.already_answered")),
            show(pressed.query, reply.text, reply.keyboard),
        )
        return None
    if isinstance(outcome, MeetupQuestion):
        reply = question_reply(tr, outcome)
    elif isinstance(outcome, MeetupSaved):
        reply = _saved_reply(tr, outcome)
    else:
        reply = Reply(tr("flow.cancelled"))
    await asyncio.gather(pressed.query.answer(), show(pressed.query, reply.text, reply.keyboard))
    return None


meetup_button = on_press(parse_press, _pressed)


async def note_typed(update: Update, context: BuddyContext) -> bool:
    """Typed text while logging a meetup: the note (at that step), or a hint. False when the
    person is not logging a meetup."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    outcome = await meetups.note_typed(
        context.runtime.database, user.id, message.text, context.runtime.clock()
    )
    if outcome is None:
        return False
    if isinstance(outcome, MeetupSaved):
        reply = _saved_reply(context.tr, outcome)
    else:
        question = question_reply(context.tr, outcome)
        reply = Reply(context.tr("flow.use_buttons") + "\n\n" + question.text, question.keyboard)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
    return True
