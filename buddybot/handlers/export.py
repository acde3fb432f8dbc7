"""`/export` for a professional: their clients' weeks and answers as two CSV documents."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InputFile, Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.roles import ParticipantRole
from buddybot.services import access, digest, export
from buddybot.storage import people


async def export_command(update: Update, context: BuddyContext) -> None:
    """Up to last week, with first names and labels as the professional sees them."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with context.runtime.database.transaction() as session:
        professional = await access.acting_professional(session, user.id)
        made = None
        if professional is not None:
            clients = await people.participants_of_professional(
                session, professional.id, ParticipantRole.CLIENT
            )
            today = context.runtime.clock().astimezone(ZoneInfo(professional.time_zone)).date()
            made = await export.export_clients(
                session,
                clients,
                digest.last_full_week(today),
                export.Naming.by_name(),
                actor_kind="professional",
                actor_id=professional.id,
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
