"""`/myweek`: a client's own week, in their words, with the same figures, flags and pictures
their professional gets in the digest (nothing is shown to the professional that the
client cannot see)."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date
from telegram import Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.common import FACES, identify_sender
from buddybot.handlers.digest import FLAG_TEXT, arrow, number, send_pictures
from buddybot.i18n import Translator
from buddybot.network import Contact
from buddybot.services import access, contacts, digest
from buddybot.services.digest import OwnWeek
from buddybot.services.people import Role


def _names(people: tuple[Contact, ...]) -> str:
    return ", ".join(escape(contact.label) for contact in people)


def own_week_text(tr: Translator, own: OwnWeek) -> str:
    """The client's week in plain words."""
    week = own.week
    lines = [
        tr(
            "myweek.title",
            start=format_date(week.week, format="d MMM", locale=tr.language),
            end=format_date(week.week + timedelta(days=6), format="d MMM", locale=tr.language),
        ),
        "",
    ]
    figures = week.figures
    if figures is not None and figures.sent:
        lines.append(tr("myweek.checkins", answered=figures.answered, sent=figures.sent))
    if week.events is None:
        lines.append(tr("myweek.contacts_unknown"))
    else:
        lines.append(
            tr.plural(
                "myweek.contacts",
                week.events,
                people=tr.plural("digest.people", week.distinct_contacts or 0),
            )
            + arrow(week.events, week.events_before)
        )
    if week.mood is not None:
        face = FACES[min(4, max(0, round(week.mood) - 1))]
        lines.append(tr("myweek.mood", face=face, mood=number(tr, week.mood)))
    if week.satisfaction is not None:
        lines.append(tr("myweek.satisfaction", score=number(tr, week.satisfaction)))
    changes = week.map_changes
    if changes is not None:
        if changes.added:
            lines.append(tr("myweek.new", names=_names(changes.added)))
        if changes.closer:
            lines.append(
                tr("myweek.closer", names=_names(tuple(m.contact for m in changes.closer)))
            )
        if changes.further:
            lines.append(
                tr("myweek.further", names=_names(tuple(m.contact for m in changes.further)))
            )
        if changes.removed:
            lines.append(tr("myweek.removed", names=_names(changes.removed)))
    for tie in week.fading:
        lines.append(
            tr(
                "myweek.fading",
                name=escape(tie.label),
                date=format_date(tie.last_mentioned, format="d MMM", locale=tr.language),
            )
        )
    if figures is not None and figures.meetups:
        lines.append(tr.plural("myweek.meetups", figures.meetups, minutes=figures.meetup_minutes))
    professional = escape(own.professional_name or "")
    lines.append("")
    if week.flags and own.professional_name:
        flags = ", ".join(tr(FLAG_TEXT[flag]) for flag in week.flags)
        lines.append(tr("myweek.professional_note", professional=professional, flags=flags))
    elif own.professional_name:
        lines.append(tr("myweek.professional_sees", professional=professional))
    return "\n".join(lines)


async def myweek_command(update: Update, context: BuddyContext) -> None:
    """The client's week, then their chart and circle."""
    sender = await identify_sender(update, context)
    user, message = update.effective_user, update.effective_message
    if (
        sender.person.role is not Role.CLIENT
        or sender.person.record_id is None
        or sender.person.consent_withdrawn
        or user is None
        or message is None
    ):
        await basics.not_for_role(update, sender.tr)
        return
    async with context.runtime.database.transaction() as session:
        allowed = await access.client_or_professional(
            session, user.id, sender.person.record_id, "myweek"
        )
        if allowed is None:
            found = None
        else:
            client = allowed[2]
            today = context.runtime.clock().astimezone(ZoneInfo(client.time_zone)).date()
            own = await digest.own_week(session, client, today)
            found = (client.first_name or "", own, await contacts.current_map(session, client.id))
    if found is None:
        await basics.not_for_role(update, sender.tr)
        return
    name, own, current = found
    await message.reply_text(own_week_text(sender.tr, own))
    await send_pictures(context, user.id, sender.tr, name, own.history, current, own.week.week)
