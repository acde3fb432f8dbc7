"""/start, /help, /privacy, and the kind answers to anything the bot does not understand."""

from __future__ import annotations

from html import escape

from telegram import Update

from buddybot.commands import commands_for
from buddybot.context import BuddyContext
from buddybot.i18n import Translator
from buddybot.services import privacy as privacy_service


async def start(update: Update, context: BuddyContext) -> None:
    """Greet the person. Unknown people learn what the bot is; nothing about them is stored."""
    if context.person.is_known:
        text = context.tr("start.welcome_back", name=escape(context.person.first_name or ""))
    else:
        text = context.tr("start.unknown")
    await _reply(update, text)


async def help_command(update: Update, context: BuddyContext) -> None:
    """List the commands this person's role can use."""
    lines = [context.tr("help.intro")]
    lines += [
        f"/{command.name} – {context.tr(command.description_key)}"
        for command in commands_for(context.person.role)
    ]
    if not context.person.is_known:
        lines += ["", context.tr("help.need_invitation")]
    await _reply(update, "\n".join(lines))


async def privacy(update: Update, context: BuddyContext) -> None:
    """The privacy notice in plain language."""
    default = context.runtime.settings.retention_months
    months = await privacy_service.retention_of(context.runtime.database, context.person, default)
    retention = context.tr.plural("privacy.retention", months)
    await _reply(update, context.tr("privacy.notice", retention=retention))


async def not_understood(update: Update, context: BuddyContext) -> None:
    """Typed text or an unknown command: a gentle pointer to /help, nothing changes."""
    await _reply(
        update, context.tr("fallback.text" if context.person.is_known else "fallback.unknown")
    )


async def not_for_role(update: Update, tr: Translator) -> None:
    """A command that exists, but not for this person's role."""
    await _reply(update, tr("command.not_for_you"))


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)
