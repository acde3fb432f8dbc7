"""Messages the bot starts, posted to the outbox (``services/outbox.py``) and sent from there:
at once after posting, and again by the scheduler tick for what a passing Telegram problem
held back. Handlers and jobs post here instead of sending, so nothing is lost to a 502."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from buddybot import sender
from buddybot.context import BuddyContext
from buddybot.services import outbox
from buddybot.services.outbox import Buttons, Outgoing
from buddybot.storage.database import Database

log = logging.getLogger(__name__)


def buttons_of(keyboard: InlineKeyboardMarkup | None) -> Buttons:
    """Inline buttons as the outbox keeps them: rows of (label, callback data)."""
    if keyboard is None:
        return ()
    return tuple(
        tuple((button.text, str(button.callback_data)) for button in row)
        for row in keyboard.inline_keyboard
    )


async def send_due(
    bot: Bot,
    database: Database,
    clock: Callable[[], datetime],
    ids: Sequence[int] | None = None,
) -> int:
    """Send what is due in the outbox (only ``ids`` when given) and record each outcome as
    it comes; returns how many reached Telegram. One message failing in an unexpected way
    is logged and tried again later; the others go on."""
    async with database.transaction() as session:
        pending = await outbox.claim_due(session, clock(), ids)
    sent = 0
    for message in pending:
        delivery = await _send(bot, message)
        # Recorded one by one: cut off after the third of five, the first three are done
        # and only the other two are taken again.
        async with database.transaction() as session:
            await outbox.record(session, [(message, delivery)], clock())
        sent += delivery is sender.Delivery.SENT
    return sent


async def _send(bot: Bot, message: outbox.Pending) -> sender.Delivery:
    keyboard = (
        InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in message.buttons
            ]
        )
        if message.buttons
        else None
    )
    try:
        sent = await sender.send(
            bot, message.chat_id, message.text, keyboard=keyboard, what=message.what
        )
    except Exception as error:  # one broken message must not hold up the others
        log.error("%s: could not be sent (%s)", message.what, type(error).__qualname__)
        return sender.Delivery.LATER
    return sent.delivery


async def post_from(context: BuddyContext, *messages: Outgoing) -> None:
    """Keep ``messages`` in the outbox now, and send them beside what the handler does next
    (the person's answer does not wait for them; a hiccup answering the person does not
    lose them: the tick sends what was kept)."""
    if not messages:
        return
    runtime = context.runtime
    async with runtime.database.transaction() as session:
        ids = await outbox.post(session, messages, runtime.clock())
    send_soon(context, ids)


def send_soon(context: BuddyContext, ids: Sequence[int]) -> None:
    """Send the outbox messages ``ids`` (posted by a service in its own transaction, beside
    the change they tell about) beside what the handler does next; what a passing problem
    holds back, the tick sends later."""
    if not ids:
        return
    runtime = context.runtime
    context.application.create_task(send_due(context.bot, runtime.database, runtime.clock, ids))
