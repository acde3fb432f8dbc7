"""`/export` for a professional: their clients' weeks and answers as two CSV documents."""

from __future__ import annotations

from telegram import InputFile, Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.services import export


async def export_command(update: Update, context: BuddyContext) -> None:
    """Up to last week, with first names and labels as the professional sees them."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    made = await export.professional_export(
        context.runtime.database, user.id, context.runtime.clock()
    )
    tr = context.tr
    if made is None:
        await basics.not_for_role(update, tr)
        return
    await message.reply_document(
        InputFile(made.weeks, filename="buddybot-weeks.csv"),
        caption=tr.plural("export.weeks", made.clients),
    )
    await message.reply_document(
        InputFile(made.events, filename="buddybot-answers.csv"), caption=tr("export.events")
    )
