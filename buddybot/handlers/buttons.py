"""Inline buttons: callback data decoded into a typed press in one place, stale presses
answered kindly in one place.

A feature gives a parser from the callback data's parts to its own typed press (or None for
data it does not know) and a handler for that press. The handler re-checks, through its
service, that the person may act on what the press names; when they may not (an old
button, a forged one, someone else's record) it returns :data:`STALE` and the person gets
the same short note as for any outdated button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from buddybot import callbacks
from buddybot.context import BuddyContext


class Stale(Enum):
    """The press names something the person cannot act on (any more)."""

    STALE = "stale"


STALE = Stale.STALE
T = TypeVar("T")


@dataclass(frozen=True)
class Pressed:
    """The Telegram side of a press: its query (to answer and edit), who pressed, and the
    message the button was on."""

    query: CallbackQuery
    telegram_user_id: int
    message_id: int | None


def button(text: str, *parts: str) -> InlineKeyboardButton:
    """An inline button whose callback data is ``parts`` joined (see ``callbacks.encode``)."""
    return InlineKeyboardButton(text, callback_data=callbacks.encode(*parts))


def keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """Rows of buttons as a keyboard; empty rows are left out."""
    return InlineKeyboardMarkup([row for row in rows if row])


async def answer_stale(update: Update, context: BuddyContext) -> None:
    """A button the bot no longer knows (old message, other version): say so kindly."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.tr("button.stale"), show_alert=True)


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Put ``text`` in place of the pressed message; an unchanged message (the same question
    already on screen, a button tapped twice) is fine."""
    if not on_screen(query):
        # The pressed message can no longer be edited (too old, deleted): the answer comes
        # as a new message, so the person still sees where they are.
        await query.get_bot().send_message(query.from_user.id, text, reply_markup=markup)
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        _unless_unchanged(error)


def on_screen(query: CallbackQuery) -> bool:
    """True when the bot can still edit the pressed message (Telegram sends an
    inaccessible message, or none, for one it no longer shows the bot)."""
    if query.inline_message_id is not None:
        return True
    return query.message is not None and query.message.is_accessible


async def take_buttons_off(query: CallbackQuery) -> None:
    """Remove the pressed message's buttons; already gone (a second tap, a message the bot
    no longer sees) is fine."""
    if not on_screen(query):
        return
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as error:
        _unless_unchanged(error)


def _unless_unchanged(error: BadRequest) -> None:
    # Telegram refuses an edit that changes nothing ("message is not modified"): the
    # person sees what they should, so only other refusals are errors.
    if "not modified" not in str(error).lower():
        raise error


def on_press(
    parse: Callable[[tuple[str, ...]], T | None],
    handle: Callable[[Pressed, T, BuddyContext], Awaitable[Stale | None]],
) -> Callable[[Update, BuddyContext], Awaitable[None]]:
    """A PTB callback for one feature's buttons: decode the data with ``parse`` (a press
    it does not know is stale), run ``handle``, and answer a stale press."""

    async def pressed(update: Update, context: BuddyContext) -> None:
        query = update.callback_query
        decoded = callbacks.decode(query.data if query else None)
        data = parse(decoded.parts) if decoded is not None and decoded.parts else None
        if query is None or data is None:
            await answer_stale(update, context)
            return
        message_id = query.message.message_id if query.message else None
        if await handle(Pressed(query, query.from_user.id, message_id), data, context) is STALE:
            await answer_stale(update, context)

    return pressed


def number(part: str) -> int | None:
    """A callback part as an id or count (``callbacks.decode`` let only plain ASCII digits of
    a database integer's size through), or None."""
    return int(part) if part.isdigit() else None
