"""`/myweek`: a client's own week, in their words, with the same figures, flags and pictures
their professional gets in the digest (nothing is shown to the professional that the
client cannot see)."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from babel.dates import format_date
from telegram import Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.common import replies, send_replies
from buddybot.handlers.digest import FLAG_TEXT, TO_CLIENT, send_pictures, week_lines
from buddybot.i18n import Translator
from buddybot.services import digest
from buddybot.services.digest import OwnWeek
from buddybot.services.people import Role


def own_week_blocks(tr: Translator, own: OwnWeek) -> list[str]:
    """The client's week in plain words: the title, the facts, who sees them. The facts
    grow with the week (everyone added to the map is named), so they are blocks to split
    (:func:`common.replies`), not one text."""
    week = own.week
    title = tr(
        "myweek.title",
        start=format_date(week.week, format="d MMM", locale=tr.language),
        end=format_date(week.week + timedelta(days=6), format="d MMM", locale=tr.language),
    )
    blocks = [title, "\n".join(week_lines(tr, week, TO_CLIENT))]
    professional = escape(own.professional_name or "")
    if week.flags and own.professional_name:
        flags = ", ".join(tr(FLAG_TEXT[flag]) for flag in week.flags)
        blocks.append(tr("myweek.professional_note", professional=professional, flags=flags))
    elif own.professional_name:
        blocks.append(tr("myweek.professional_sees", professional=professional))
    return blocks


async def myweek_command(update: Update, context: BuddyContext) -> None:
    """The client's week, then their chart and circle."""
    user, message = update.effective_user, update.effective_message
    if (
        context.person.role is not Role.CLIENT
        or context.person.record_id is None
        or context.person.consent_withdrawn
        or user is None
        or message is None
    ):
        await basics.not_for_role(update, context.tr)
        return
    found = await digest.my_week(
        context.runtime.database, user.id, context.person.record_id, context.runtime.clock()
    )
    if found is None:
        await basics.not_for_role(update, context.tr)
        return
    await send_replies(message, replies(own_week_blocks(context.tr, found.own)))
    await send_pictures(
        context, user.id, context.tr, found.first_name, found.pictures, found.contacts
    )
