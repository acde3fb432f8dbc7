"""`/mydata`, `/stop`, `/delete` and the daily purge: people's rights over their data."""

from __future__ import annotations

import json
import logging
from html import escape

from telegram import InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import button
from buddybot.i18n import Translator
from buddybot.notes import tell_professional
from buddybot.services import privacy
from buddybot.services.people import Role

log = logging.getLogger(__name__)

STOP = "stop"
DELETE = "del"
_PARTICIPANTS = {Role.CLIENT, Role.BUDDY}


def _buttons(*rows: list[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(text, feature, part) for text, feature, part in row] for row in rows]
    )


async def my_data(update: Update, context: BuddyContext) -> None:
    """Send the person a JSON document with everything kept about them."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    async with context.runtime.database.transaction() as session:
        data = await privacy.my_data(session, update.effective_user.id, now=context.runtime.clock())
    if data is None:
        await message.reply_text(context.tr("mydata.nothing"))
        return
    document = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await message.reply_document(
        document, filename=context.tr("mydata.filename"), caption=context.tr("mydata.caption")
    )


async def stop_command(update: Update, context: BuddyContext) -> None:
    """Ask a client or buddy to confirm that they want to stop."""
    if context.person.role not in _PARTICIPANTS:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    if update.effective_message is None:
        return
    if context.person.consent_withdrawn:
        await update.effective_message.reply_text(tr("stop.already"))
        return
    days = context.runtime.settings.consent_grace_days
    await update.effective_message.reply_text(
        tr.plural("stop.confirm", days),
        reply_markup=_buttons([(tr("stop.yes"), STOP, "yes"), (tr("stop.no"), STOP, "no")]),
    )


def resume_offer(tr: Translator, first_name: str) -> tuple[str, InlineKeyboardMarkup]:
    """What someone who said /stop sees on /start: the way back in."""
    return (
        tr("start.stopped", name=escape(first_name)),
        _buttons([(tr("stop.resume"), STOP, "resume")]),
    )


async def stop_button(update: Update, context: BuddyContext) -> None:
    """`stop:yes` withdraws consent, `stop:no` keeps going, `stop:resume` comes back."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or parsed.parts not in {("yes",), ("no",), ("resume",)}:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    choice = parsed.parts[0]
    if choice == "no":
        await query.answer()
        await query.edit_message_text(tr("stop.kept"))
        return
    async with context.runtime.database.transaction() as session:
        if choice == "yes":
            told = await privacy.withdraw_consent(
                session, query.from_user.id, now=context.runtime.clock()
            )
        else:
            told = await privacy.resume_consent(
                session, query.from_user.id, now=context.runtime.clock()
            )
    if told is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    days = context.runtime.settings.consent_grace_days
    if choice == "yes":
        await query.edit_message_text(tr("stop.done"))
        await tell_professional(
            context.bot,
            told,
            lambda tr, name: tr.plural("notify.stopped", days, name=name),
            default_language=context.runtime.settings.default_language,
        )
    else:
        await query.edit_message_text(tr("stop.resumed", name=escape(told.first_name)))
        await tell_professional(
            context.bot,
            told,
            lambda tr, name: tr("notify.resumed", name=name),
            default_language=context.runtime.settings.default_language,
        )


async def delete_command(update: Update, context: BuddyContext) -> None:
    """Ask a client or buddy to confirm erasing everything now."""
    if context.person.role not in _PARTICIPANTS:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            tr("delete.confirm"),
            reply_markup=_buttons(
                [(tr("delete.yes"), DELETE, "yes")], [(tr("delete.no"), DELETE, "no")]
            ),
        )


async def delete_button(update: Update, context: BuddyContext) -> None:
    """`del:yes` erases the person now; `del:no` changes nothing."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or parsed.parts not in {("yes",), ("no",)}:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    if parsed.parts == ("no",):
        await query.answer()
        await query.edit_message_text(tr("delete.kept"))
        return
    async with context.runtime.database.transaction() as session:
        told = await privacy.delete_me(session, query.from_user.id)
    if told is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    await query.edit_message_text(tr("delete.done"))
    await tell_professional(
        context.bot,
        told,
        lambda tr, name: tr("notify.left", name=name),
        default_language=context.runtime.settings.default_language,
    )
