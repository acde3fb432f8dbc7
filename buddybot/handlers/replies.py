"""A professional answers a client's message: "↩️ Reply to Amira" under the message passed
on (``checkin._passed_on``), the answer typed, "Sent to Amira ✅". The rules are in
``services/replies.py``; this module renders. Callback data: ``rp:<client>`` (reply) and
``rp:<client>:x`` (cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from buddybot import callbacks, outgoing
from buddybot.context import BuddyContext
from buddybot.handlers.buttons import (
    STALE,
    Pressed,
    Stale,
    button,
    number,
    on_press,
    show,
    take_buttons_off,
)
from buddybot.handlers.pages import pieces_of
from buddybot.i18n import Translator
from buddybot.services import replies
from buddybot.services.outbox import Buttons
from buddybot.services.replies import Addressee, NotTakingPart, Sent, Unreachable

REPLY = "rp"
TOPIC = replies.TOPIC
CANCEL = "x"
# The professional's words in one message to the client, with room for the line around
# them (Telegram takes 4096 characters a message).
ANSWER_PIECE = 3500


def reply_buttons(tr: Translator, client_id: int, first_name: str) -> Buttons:
    """The button "↩️ Reply to Amira" as the outbox keeps buttons, for under a client's message."""
    return (((tr("reply.button", name=first_name), callbacks.encode(REPLY, str(client_id))),),)


def to_client(tr: Translator, addressee: Addressee) -> list[str]:
    """The answer in the client's chat: framed in a few kind words, whole, in numbered
    parts when it is longer than one message holds."""
    professional = escape(addressee.professional)
    pieces = pieces_of(addressee.text.strip(), ANSWER_PIECE)
    if len(pieces) == 1:
        return [tr("reply.to_client", professional=professional, text=escape(pieces[0]))]
    return [
        tr(
            "reply.to_client_part",
            professional=professional,
            part=n,
            parts=len(pieces),
            text=escape(piece),
        )
        for n, piece in enumerate(pieces, start=1)
    ]


@dataclass(frozen=True)
class ReplyPress:
    """``rp:<client>`` (answer them) or ``rp:<client>:x`` (``cancel`` the answer)."""

    client_id: int
    cancel: bool = False


def _parse(parts: tuple[str, ...]) -> ReplyPress | None:
    client_id = number(parts[0]) if parts else None
    if client_id is None or len(parts) > 2 or (len(parts) == 2 and parts[1] != CANCEL):
        return None
    return ReplyPress(client_id, cancel=len(parts) == 2)


def _refusal(tr: Translator, outcome: NotTakingPart | Unreachable) -> str:
    name = escape(outcome.client_name)
    if isinstance(outcome, NotTakingPart):
        return tr("reply.stopped", name=name)
    return tr("reply.unreachable", name=name)


async def _on_press(pressed: Pressed, data: ReplyPress, context: BuddyContext) -> Stale | None:
    """Reply: ask for the answer in a new message (the client's words stay on screen, and
    so does the button, for a later answer). Cancel: the answer is no longer awaited."""
    tr, database = context.tr, context.runtime.database
    if data.cancel:
        cancelled = await replies.cancel(database, pressed.telegram_user_id, data.client_id)
        await pressed.query.answer()
        if cancelled:
            await show(pressed.query, tr("reply.cancelled"), None)
        else:  # already sent or called off: only the button goes
            await take_buttons_off(pressed.query)
        return None
    outcome = await replies.ask(
        database, pressed.telegram_user_id, data.client_id, context.runtime.clock()
    )
    if outcome is None:
        return STALE
    await pressed.query.answer()
    if isinstance(outcome, NotTakingPart | Unreachable):
        text, keyboard = _refusal(tr, outcome), None
    else:
        cancel = button(tr("button.cancel"), REPLY, str(data.client_id), CANCEL)
        text = tr("reply.ask", name=escape(outcome.client_name))
        keyboard = InlineKeyboardMarkup([[cancel]])
    await context.bot.send_message(pressed.telegram_user_id, text, reply_markup=keyboard)
    return None


reply_button = on_press(_parse, _on_press)


async def answer_typed(
    update: Update, context: BuddyContext, topic: str, data: dict[str, Any]
) -> None:
    """The answer was typed (the awaited question ``topic``, ``data`` naming the client):
    checked again, posted to the client, and the professional told it went."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    runtime, tr = context.runtime, context.tr
    client_id = data.get("client")
    outcome = (
        await replies.send(
            runtime.database,
            user.id,
            client_id,
            message.text,
            runtime.clock(),
            lambda addressee: to_client(runtime.translator_in(addressee.language), addressee),
        )
        if isinstance(client_id, int)
        else None
    )
    if outcome is None:
        await message.reply_text(tr("button.stale"))
        return
    if isinstance(outcome, Sent):
        outgoing.send_soon(context, outcome.message_ids)
        await message.reply_text(tr("reply.sent", name=escape(outcome.client_name)))
        return
    await message.reply_text(_refusal(tr, outcome))
