"""`/mydata`, `/stop`, `/delete` and the daily purge: people's rights over their data."""

from __future__ import annotations

import json
import logging
from enum import Enum
from html import escape

from telegram import InlineKeyboardMarkup, Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.basics import NO_MENU, send_menu
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, show
from buddybot.handlers.mini_app import set_menu_button
from buddybot.i18n import Translator
from buddybot.notes import tell_professional
from buddybot.services import privacy
from buddybot.services.people import Person, Role

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
    data = await privacy.data_of(
        context.runtime.database, update.effective_user.id, context.runtime.clock()
    )
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


class StopChoice(Enum):
    """``stop:yes`` withdraws consent, ``stop:no`` keeps going, ``stop:resume`` comes back."""

    YES = "yes"
    NO = "no"
    RESUME = "resume"


def _parse_stop(parts: tuple[str, ...]) -> StopChoice | None:
    return StopChoice(parts[0]) if parts in {("yes",), ("no",), ("resume",)} else None


async def _on_stop_press(
    pressed: Pressed, choice: StopChoice, context: BuddyContext
) -> Stale | None:
    """Stop, keep going, or come back; the professional hears about a stop or a return. An
    answer to a question asked before they stopped (a second /stop) says that they stopped
    and how to come back; after erasing, nobody is left to answer for: stale."""
    tr, query = context.tr, pressed.query
    if context.person.role not in _PARTICIPANTS:
        return STALE
    if context.person.consent_withdrawn and choice is not StopChoice.RESUME:
        await query.answer()
        await show(query, tr("stop.already"), None)
        return None
    if choice is StopChoice.NO:
        await query.answer()
        await show(query, tr("stop.kept"), None)
        return None
    database, now = context.runtime.database, context.runtime.clock()
    if choice is StopChoice.YES:
        told = await privacy.stop(database, pressed.telegram_user_id, now)
    else:
        told = await privacy.come_back(database, pressed.telegram_user_id, now)
    if told is None:
        return STALE
    days = context.runtime.settings.consent_grace_days
    # The professional's note is kept before the answer, which a hiccup may cost.
    if choice is StopChoice.YES:
        await tell_professional(
            context, told, lambda tr, name: tr.plural("notify.stopped", days, name=name)
        )
    else:
        await tell_professional(context, told, lambda tr, name: tr("notify.resumed", name=name))
    await query.answer()
    if choice is StopChoice.YES:
        await show(query, tr("stop.done"), None)
        await _take_menu_away(context, pressed.telegram_user_id)
    else:
        await show(query, tr("stop.resumed", name=escape(told.first_name)), None)
        back = Person(context.person.role, first_name=told.first_name)
        await send_menu(context, pressed.telegram_user_id, back, tr)
        settings = context.runtime.settings
        await set_menu_button(context.bot, pressed.telegram_user_id, back.role, tr, settings)
    return None


stop_button = on_press(_parse_stop, _on_stop_press)


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


def _parse_delete(parts: tuple[str, ...]) -> bool | None:
    """``del:yes`` (True) erases the person now; ``del:no`` (False) changes nothing."""
    answers: dict[tuple[str, ...], bool] = {("yes",): True, ("no",): False}
    return answers.get(parts)


async def _on_delete_press(pressed: Pressed, erase: bool, context: BuddyContext) -> Stale | None:
    """Erase now, or not; after erasing (a second /delete question) nobody is left to
    answer for: stale."""
    tr, query = context.tr, pressed.query
    if context.person.role not in _PARTICIPANTS:
        return STALE
    if not erase:
        await query.answer()
        await show(query, tr("delete.kept"), None)
        return None
    told = await privacy.erase_me(context.runtime.database, pressed.telegram_user_id)
    if told is None:
        return STALE
    await tell_professional(context, told, lambda tr, name: tr("notify.left", name=name))
    await query.answer()
    await show(query, tr("delete.done"), None)
    await _take_menu_away(context, pressed.telegram_user_id)
    return None


async def _take_menu_away(context: BuddyContext, chat_id: int) -> None:
    """Someone who stopped or was erased is asked nothing: their menu goes too (only a new
    message can take it away), and the chat's menu button no longer opens the Mini App."""
    await context.bot.send_message(chat_id, context.tr("menu.gone"), reply_markup=NO_MENU)
    await set_menu_button(context.bot, chat_id, Role.UNKNOWN, context.tr, context.runtime.settings)


delete_button = on_press(_parse_delete, _on_delete_press)
