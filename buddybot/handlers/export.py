"""`/export` for a professional: their clients' weeks and answers as two CSV documents,
without names ("client-1", contacts "C1"); "👤 Include names" under them asks once, saying
that Telegram's chats are not end-to-end encrypted, before the same files come with first
names and labels. Callback data: ``exp:names`` (ask), ``exp:names:yes`` / ``exp:names:no``.
"""

from __future__ import annotations

from enum import Enum

from telegram import Bot, InlineKeyboardMarkup, InputFile, Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, show
from buddybot.i18n import Translator
from buddybot.services import export
from buddybot.services.export import Export

EXPORT = "exp"


async def send_export(bot: Bot, chat_id: int, tr: Translator, made: Export, *, names: bool) -> None:
    """The three files into the professional's chat (from /export, or the Mini App);
    without names, "Include names" under the last."""
    weeks = tr.plural("export.weeks", made.clients)
    weeks += "\n" + tr("export.with_names" if names else "export.without_names")
    await bot.send_document(
        chat_id, InputFile(made.weeks, filename="buddybot-weeks.csv"), caption=weeks
    )
    keyboard = (
        None
        if names
        else InlineKeyboardMarkup([[button(tr("export.names_button"), EXPORT, "names")]])
    )
    await bot.send_document(
        chat_id,
        InputFile(made.events, filename="buddybot-answers.csv"),
        caption=tr("export.events"),
    )
    await bot.send_document(
        chat_id,
        InputFile(made.actions, filename="buddybot-actions.csv"),
        caption=tr("export.actions"),
        reply_markup=keyboard,
    )


async def export_command(update: Update, context: BuddyContext) -> None:
    """Up to last week, without names (the professional can ask for them)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    made = await export.professional_export(
        context.runtime.database, user.id, context.runtime.clock()
    )
    if made is None:
        await basics.not_for_role(update, context.tr)
        return
    await send_export(context.bot, chat.id, context.tr, made, names=False)


class NamesPress(Enum):
    """``exp:names`` asks; ``exp:names:yes`` sends the files with names; ``…:no`` not."""

    ASK = "ask"
    YES = "yes"
    NO = "no"


def _parse(parts: tuple[str, ...]) -> NamesPress | None:
    if parts == ("names",):
        return NamesPress.ASK
    if len(parts) == 2 and parts[0] == "names" and parts[1] in ("yes", "no"):
        return NamesPress(parts[1])
    return None


async def _on_press(pressed: Pressed, data: NamesPress, context: BuddyContext) -> Stale | None:
    """Include names: one confirmation (a message of its own; the files without names stay
    as they are), then the files with names, made anew and checked again."""
    tr, database, user_id = context.tr, context.runtime.database, pressed.telegram_user_id
    if data is NamesPress.ASK:
        if not await export.may_export(database, user_id):
            return STALE
        await pressed.query.answer()
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(tr("export.names_yes"), EXPORT, "names", "yes"),
                    button(tr("button.cancel"), EXPORT, "names", "no"),
                ]
            ]
        )
        await context.bot.send_message(user_id, tr("export.names_confirm"), reply_markup=keyboard)
        return None
    if data is NamesPress.NO:
        await pressed.query.answer()
        await show(pressed.query, tr("export.names_cancelled"), None)
        return None
    made = await export.professional_export(database, user_id, context.runtime.clock(), names=True)
    if made is None:
        return STALE
    await pressed.query.answer()
    await show(pressed.query, tr("export.names_coming"), None)
    await send_export(context.bot, user_id, tr, made, names=True)
    return None


names_button = on_press(_parse, _on_press)
