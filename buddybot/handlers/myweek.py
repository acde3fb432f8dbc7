"""`/myweek`: a client's own week, in their words, with the same figures and flags their
professional gets in the digest (nothing is shown to the professional that the client
cannot see), and two pictures made for them: who they were in touch with and how many
people per week, and their circle ("Your network") with the week's changes."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from babel.dates import format_date
from telegram import Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.common import replies, send_replies
from buddybot.handlers.digest import FLAG_TEXT, TO_CLIENT, week_lines
from buddybot.handlers.network import circle_texts
from buddybot.i18n import Translator
from buddybot.metrics import reported
from buddybot.pictures.circle import render_circle
from buddybot.pictures.ownweek import (
    OwnWeekTexts,
    Person,
    WeekCount,
    has_content,
    render_own_week,
)
from buddybot.services import digest
from buddybot.services.digest import MyWeek, OwnWeek
from buddybot.services.people import Role

# Weeks in the row at the bottom of the week picture (the one shown and those before).
PICTURE_WEEKS = 6


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
    tr = context.tr
    await send_replies(message, replies(own_week_blocks(tr, found.own)))
    # Nothing to show (no answers in any of its weeks): no picture; the text says it.
    week_picture = own_week_picture(tr, found)
    if week_picture is not None:
        await context.bot.send_photo(user.id, week_picture, caption=tr("myweek.picture_caption"))
    # An empty network has no picture: the text says so and how to add someone (/network).
    if found.contacts:
        pictures = found.pictures
        circle = render_circle(
            list(found.contacts),
            circle_texts(tr, found.first_name, own=True),
            changes=pictures.changes,
            fading=pictures.fading,
        )
        caption = tr("network.caption_own", name=escape(found.first_name))
        await context.bot.send_photo(user.id, circle, caption=caption)


def own_week_picture(tr: Translator, found: MyWeek) -> bytes | None:
    """The client's week as a simple picture: who they were in touch with, and how many
    people in each of the last weeks; None when it would show nothing
    (:func:`ownweek.has_content`: no answers in any of its weeks)."""
    shown = found.own.week.week
    people = None
    if found.seen is not None:
        people = [
            Person(seen.contact.label, seen.contact.kind)
            if seen.contact is not None
            else Person(seen.buddy_name or "", None)
            for seen in found.seen
        ]
    figures = found.pictures.figures
    weeks = [
        WeekCount(
            format_date(week, format="d MMM", locale=tr.language),
            figures[week].distinct_contacts
            if week in figures and reported(figures[week])
            else None,
            shown=week == shown,
        )
        for week in found.pictures.weeks[-PICTURE_WEEKS:]
    ]
    if not has_content(people, weeks):
        return None
    return render_own_week(people, weeks, own_week_texts(tr, shown))


def own_week_texts(tr: Translator, week: date) -> OwnWeekTexts:
    """Every word on the client's week picture of ``week`` (a Monday), in their language."""
    return OwnWeekTexts(
        title=tr(
            "myweek.picture_title",
            start=format_date(week, format="d MMM", locale=tr.language),
            end=format_date(week + timedelta(days=6), format="d MMM", locale=tr.language),
        ),
        seen=tr("myweek.picture_seen"),
        nobody=tr("myweek.picture_nobody"),
        not_known=tr("myweek.picture_not_known"),
        weeks=tr("myweek.picture_weeks"),
        more=lambda count: tr.plural("myweek.picture_more", count),
        buddy=lambda name: tr("myweek.picture_buddy_named", name=name),
        your_buddy=tr("myweek.picture_buddy"),
    )
