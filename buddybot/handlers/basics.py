"""/start, /help, /privacy, and the kind answers to anything the bot does not understand."""

from __future__ import annotations

from html import escape

from telegram import Update

from buddybot.commands import commands_for
from buddybot.context import BuddyContext
from buddybot.handlers.common import identify_sender
from buddybot.i18n import Translator
from buddybot.services import privacy as privacy_service


async def start(update: Update, context: BuddyContext) -> None:
    """Greet the person. Unknown people learn what the bot is; nothing about them is stored."""
    sender = await identify_sender(update, context)
    if sender.person.is_known:
        text = sender.tr("start.welcome_back", name=escape(sender.person.first_name or ""))
    else:
        text = sender.tr("start.unknown")
    await _reply(update, text)


async def help_command(update: Update, context: BuddyContext) -> None:
    """List the commands this person's role can use."""
    sender = await identify_sender(update, context)
    lines = [sender.tr("help.intro")]
    lines += [
        f"/{command.name} – {sender.tr(command.description_key)}"
        for command in commands_for(sender.person.role)
    ]
    if not sender.person.is_known:
        lines += ["", sender.tr("help.need_invitation")]
    await _reply(update, "\n".join(lines))


async def privacy(update: Update, context: BuddyContext) -> None:
    """The privacy notice in plain language."""
    sender = await identify_sender(update, context)
    default = context.runtime.settings.retention_months
    async with context.runtime.database.transaction() as session:
        months = await privacy_service.retention_months(session, sender.person, default)
    retention = sender.tr.plural("privacy.retention", months)
    await _reply(update, sender.tr("privacy.notice", retention=retention))


async def not_understood(update: Update, context: BuddyContext) -> None:
    """Typed text or an unknown command: a gentle pointer to /help, nothing changes."""
    sender = await identify_sender(update, context)
    await _reply(
        update, sender.tr("fallback.text" if sender.person.is_known else "fallback.unknown")
    )


async def not_for_role(update: Update, tr: Translator) -> None:
    """A command that exists, but not for this person's role."""
    await _reply(update, tr("command.not_for_you"))


async def stale_button(update: Update, context: BuddyContext) -> None:
    """A button the bot no longer knows (old message, other version): say so kindly."""
    sender = await identify_sender(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(sender.tr("button.stale"), show_alert=True)


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)
