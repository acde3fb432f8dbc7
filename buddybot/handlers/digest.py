"""The weekly digest for professionals: `/digest` on demand (last week or this week so far),
the weekly one from the scheduler tick, and a client's pictures from its buttons.
Callback data: ``dg:<when>`` (``last``/``now``) and ``dgc:<client>:<monday>``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from babel.dates import format_date, get_day_names
from telegram import Bot, InlineKeyboardMarkup, Message, Update

from buddybot import metrics
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.actions import effect_summary
from buddybot.handlers.buttons import (
    STALE,
    Pressed,
    Stale,
    button,
    on_press,
    show,
    take_buttons_off,
)
from buddybot.handlers.buttons import number as part_number
from buddybot.handlers.common import FACES
from buddybot.handlers.figures import arrow, number
from buddybot.handlers.network import DOMAIN_TEXT, circle_texts
from buddybot.handlers.pages import split_for_telegram
from buddybot.i18n import Translator, text_key
from buddybot.metrics import TREND_WEEKS, ClientWeek, Flag, WeekPictures
from buddybot.network import Contact
from buddybot.paging import BUTTONS_LIMIT
from buddybot.pictures.caseload import CaseloadRow, CaseloadTexts, render_caseload
from buddybot.pictures.circle import render_circle
from buddybot.pictures.lettering import isolate
from buddybot.pictures.weeks import WeeksTexts, render_weeks
from buddybot.services import digest
from buddybot.services.digest import CaseloadWeek, ClientNotes, DigestMoment

log = logging.getLogger(__name__)

DIGEST = "dg"
CLIENT = "dgc"
MOMENT = "dgm"

FLAG_TEXT = {
    Flag.UNREACHABLE: text_key("digest.flag.unreachable"),
    Flag.CONSENT_WITHDRAWN: text_key("digest.flag.consent_withdrawn"),
    Flag.NO_ANSWERS: text_key("digest.flag.no_answers"),
    Flag.MOOD_DOWN: text_key("digest.flag.mood_down"),
    Flag.NO_CONTACTS: text_key("digest.flag.no_contacts"),
}
# For each flag, one concrete next step for the professional, in plain words.
NEXT_STEP = {
    Flag.UNREACHABLE: text_key("digest.next.unreachable"),
    Flag.CONSENT_WITHDRAWN: text_key("digest.next.consent_withdrawn"),
    Flag.NO_ANSWERS: text_key("digest.next.no_answers"),
    Flag.MOOD_DOWN: text_key("digest.next.mood_down"),
    Flag.NO_CONTACTS: text_key("digest.next.no_contacts"),
}
# A client's message in the digest is shown up to this many characters (a few lines); the
# whole text is in the professional's chat, where it arrived when it was written.
MESSAGE_SHOWN = 280


# The name tests and callers used before the splitting moved to one place (pages.py).
split_message = split_for_telegram

# Names in one line of a week ("New: …"): a client may add up to 100 contacts in a week,
# which on one line would be longer than a message (100 × 40 characters); a line is never
# cut, so long lists go on several lines.
NAMES_PER_LINE = 20


def _names(people: Iterable[Contact]) -> str:
    return ", ".join(escape(contact.label) for contact in people)


@dataclass(frozen=True)
class Voice:
    """The texts for telling a week: to the professional, or to the client about themself."""

    checkins: str
    contacts: str
    contacts_unknown: str
    mood: str
    satisfaction: str
    new: str
    closer: str
    further: str
    removed: str
    fading: str
    meetups: str


TO_PROFESSIONAL = Voice(
    checkins=text_key("digest.checkins"),
    contacts=text_key("digest.contacts"),
    contacts_unknown=text_key("digest.contacts_unknown"),
    mood=text_key("digest.mood"),
    satisfaction=text_key("digest.satisfaction"),
    new=text_key("digest.new"),
    closer=text_key("digest.closer"),
    further=text_key("digest.further"),
    removed=text_key("digest.removed"),
    fading=text_key("digest.fading"),
    meetups=text_key("digest.meetups"),
)
TO_CLIENT = Voice(
    checkins=text_key("myweek.checkins"),
    contacts=text_key("myweek.contacts"),
    contacts_unknown=text_key("myweek.contacts_unknown"),
    mood=text_key("myweek.mood"),
    satisfaction=text_key("myweek.satisfaction"),
    new=text_key("myweek.new"),
    closer=text_key("myweek.closer"),
    further=text_key("myweek.further"),
    removed=text_key("myweek.removed"),
    fading=text_key("myweek.fading"),
    meetups=text_key("myweek.meetups"),
)


def week_lines(tr: Translator, week: ClientWeek, voice: Voice) -> list[str]:
    """The facts of one client's week, a line each, in the given voice. The client reads
    exactly the facts their professional reads."""
    lines = []
    figures = week.figures
    if figures is not None and figures.sent:
        lines.append(tr(voice.checkins, answered=figures.answered, sent=figures.sent))
    if week.events is None:
        lines.append(tr(voice.contacts_unknown))
    else:
        people = tr.plural("digest.people", week.distinct_contacts or 0)
        lines.append(
            tr.plural(voice.contacts, week.events, people=people)
            + arrow(week.events, week.events_before)
        )
    if week.mood is not None:
        face = FACES[min(4, max(0, round(week.mood) - 1))]
        lines.append(
            tr(voice.mood, mood=number(tr, week.mood), face=face)
            + arrow(week.mood, week.mood_before)
        )
    if week.satisfaction is not None:
        lines.append(tr(voice.satisfaction, score=number(tr, week.satisfaction)))
    changes = week.map_changes
    if changes is not None:
        for key, contacts_ in (
            (voice.new, changes.added),
            (voice.closer, tuple(move.contact for move in changes.closer)),
            (voice.further, tuple(move.contact for move in changes.further)),
            (voice.removed, changes.removed),
        ):
            for start in range(0, len(contacts_), NAMES_PER_LINE):
                lines.append(tr(key, names=_names(contacts_[start : start + NAMES_PER_LINE])))
    for tie in week.fading:
        day = format_date(tie.last_mentioned, format="d MMM", locale=tr.language)
        lines.append(tr(voice.fading, name=escape(tie.label), date=day))
    if figures is not None and figures.meetups:
        lines.append(tr.plural(voice.meetups, figures.meetups, minutes=figures.meetup_minutes))
    return lines


def excerpt(text: str, limit: int = MESSAGE_SHOWN) -> tuple[str, bool]:
    """Typed ``text`` on one line (its line breaks and runs of spaces as single spaces),
    cut at the last space before ``limit`` characters when it is longer (in one long word,
    at the limit); and whether it was cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat, False
    cut = flat.rfind(" ", 0, limit + 1)
    return flat[: cut if cut > 0 else limit].rstrip(), True


def _note_lines(tr: Translator, week: ClientWeek, notes: ClientNotes) -> list[str]:
    """When the client last answered, and when they blocked the bot."""
    lines = []
    if notes.last_answer is not None:
        lines.append(tr("digest.last_answer", date=tr.date(notes.last_answer)))
    elif not week.joined_after:
        lines.append(tr("digest.never_answered"))
    if notes.blocked_on is not None:
        lines.append(tr("digest.blocked_on", date=tr.date(notes.blocked_on)))
    return lines


def _message_lines(tr: Translator, name: str, notes: ClientNotes) -> list[str]:
    """The week's messages from the client, each on a line, long ones shortened."""
    lines = []
    for day, text in notes.messages:
        shown, cut = excerpt(text)
        key = text_key("digest.message_cut" if cut else "digest.message")
        when = format_date(day, format="EEE d MMM", locale=tr.language)
        lines.append(tr(key, name=name, date=when, text=escape(shown)))
    return lines


def client_section(tr: Translator, week: ClientWeek, notes: ClientNotes | None = None) -> str:
    """A few plain lines about one client's week, for their professional: the flags, each
    with a next step, when they last answered (or blocked the bot), the week's figures and
    the messages they wrote that week."""
    notes = notes or ClientNotes()
    name = escape(week.name)
    lines = [f"<b>{name}</b>"]
    for flag in week.flags:
        lines += [f"⚠️ {tr(FLAG_TEXT[flag])}", f"👉 {tr(NEXT_STEP[flag], name=name)}"]
    lines += _note_lines(tr, week, notes)
    if week.joined is not None and week.joined_after:
        # Nothing to tell about a week before they joined: not "no check-ins were sent".
        return "\n".join([*lines, tr("digest.joined_after", date=tr.date(week.joined))])
    if week.figures is None or week.figures.sent == 0:
        if week.joined is not None and week.joined_during:
            lines.append(tr("digest.joined_during", date=tr.date(week.joined)))
        else:
            lines.append(tr("digest.no_checkins"))
    elif week.joined is not None and week.joined_during:
        lines.append(tr("digest.joined_on", date=tr.date(week.joined)))
    lines += week_lines(tr, week, TO_PROFESSIONAL)
    lines += _message_lines(tr, name, notes)
    return "\n".join(lines + [effect_summary(tr, item) for item in notes.actions])


def digest_messages(tr: Translator, caseload: CaseloadWeek, *, so_far: bool = False) -> list[str]:
    """The digest as message texts: who needs attention first, then each client."""
    first, last = caseload.week, caseload.week + timedelta(days=6)
    title = tr(
        "digest.title_so_far" if so_far else "digest.title",
        start=format_date(first, format="d MMM", locale=tr.language),
        end=format_date(last, format="d MMM", locale=tr.language),
    )
    if not caseload.clients:
        return [title + "\n\n" + tr("digest.no_clients")]
    attention = caseload.attention
    if attention:
        summary = [tr.plural("digest.attention", len(attention))]
        summary += [
            f"• {escape(week.name)}: " + ", ".join(tr(FLAG_TEXT[flag]) for flag in week.flags)
            for week in attention
        ]
    else:
        summary = [tr("digest.all_well")]
    # What ▲▼ mean, once at the top: a professional should not have to guess.
    blocks = [title + "\n" + tr("digest.legend", weeks=TREND_WEEKS) + "\n\n" + "\n".join(summary)]
    blocks += [
        client_section(tr, week, caseload.notes.get(week.client_id)) for week in caseload.clients
    ]
    return split_for_telegram(blocks)


def _client_keyboards(tr: Translator, caseload: CaseloadWeek) -> list[InlineKeyboardMarkup]:
    """A pictures button per client, most urgent first, in keyboards of at most the 100
    buttons one holds (pages.BUTTONS_LIMIT): a larger caseload gets more than one."""
    buttons = [
        button(f"📈 {week.name}", CLIENT, str(week.client_id), caseload.week.isoformat())
        for week in caseload.clients
        if not week.flags or Flag.CONSENT_WITHDRAWN not in week.flags
    ]
    return [
        InlineKeyboardMarkup([chunk[i : i + 2] for i in range(0, len(chunk), 2)])
        for chunk in (
            buttons[start : start + BUTTONS_LIMIT]
            for start in range(0, len(buttons), BUTTONS_LIMIT)
        )
    ]


def caseload_picture(tr: Translator, caseload: CaseloadWeek) -> bytes:
    """The whole caseload's week in one picture, in the digest's order."""
    rows = [
        CaseloadRow(week.name, week.events, week.mood, week.needs_attention)
        for week in caseload.clients
    ]
    texts = CaseloadTexts(
        title=tr(
            "digest.overview_title",
            start=format_date(caseload.week, format="d MMM", locale=tr.language),
        ),
        contacts=tr("digest.chart_contacts"),
        mood=tr("digest.chart_mood"),
        not_known=tr("digest.chart_not_known"),
        attention=tr("digest.overview_attention"),
    )
    return render_caseload(rows, texts)


@dataclass(frozen=True)
class DigestPart:
    """One message of a digest: the caseload ``picture`` with ``text`` as its caption, or a
    text with optional buttons."""

    text: str
    picture: bytes | None = None
    keyboard: InlineKeyboardMarkup | None = None


def digest_parts(tr: Translator, caseload: CaseloadWeek, *, so_far: bool) -> list[DigestPart]:
    """The caseload picture, then the digest texts; the client buttons go under the last
    one (more than a keyboard holds: the rest under short messages after it). Made again
    the same way on a retry, so the parts already sent can be skipped."""
    parts = []
    if caseload.clients:
        parts.append(DigestPart(tr("digest.overview_caption"), caseload_picture(tr, caseload)))
    texts = digest_messages(tr, caseload, so_far=so_far)
    keyboards = _client_keyboards(tr, caseload)
    for count, text in enumerate(texts, start=1):
        keyboard = keyboards[0] if count == len(texts) and keyboards else None
        parts.append(DigestPart(text, keyboard=keyboard))
    parts += [DigestPart(tr("digest.more_clients"), keyboard=more) for more in keyboards[1:]]
    return parts


async def send_part(bot: Bot, chat_id: int, part: DigestPart) -> Message:
    """Send one part of a digest."""
    if part.picture is not None:
        return await bot.send_photo(chat_id, part.picture, caption=part.text)
    return await bot.send_message(chat_id, part.text, reply_markup=part.keyboard)


async def send_digest(
    context: BuddyContext, chat_id: int, tr: Translator, caseload: CaseloadWeek, *, so_far: bool
) -> None:
    """Send a whole digest to someone who asked for it (``/digest``)."""
    for part in digest_parts(tr, caseload, so_far=so_far):
        await send_part(context.bot, chat_id, part)


async def digest_command(update: Update, context: BuddyContext) -> None:
    """`/digest`: which week?"""
    tr = context.tr
    if update.effective_user is None or update.effective_message is None:
        return
    moment = await digest.moment_of(context.runtime.database, update.effective_user.id)
    if moment is None:
        await basics.not_for_role(update, tr)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(tr("digest.last_week"), DIGEST, "last"),
                button(tr("digest.this_week"), DIGEST, "now"),
            ],
            [button(tr("digest.when_button"), MOMENT, "days")],
        ]
    )
    text = tr("digest.which_week") + "\n\n" + _moment_text(tr, moment)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


def _moment_text(tr: Translator, moment: DigestMoment) -> str:
    day = get_day_names("wide", locale=tr.language)[moment.weekday]
    return tr("digest.when", day=day, time=moment.local_time)


@dataclass(frozen=True)
class MomentPress:
    """``dgm:days`` (both None), ``dgm:day:<n>`` (``weekday``) or ``dgm:at:<n>:<HHMM>``."""

    weekday: int | None = None
    local_time: str | None = None


def _parse_moment(parts: tuple[str, ...]) -> MomentPress | None:
    if parts == ("days",):
        return MomentPress()
    if len(parts) == 2 and parts[0] == "day" and (weekday := part_number(parts[1])) is not None:
        return MomentPress(weekday)
    if len(parts) == 3 and parts[0] == "at" and (weekday := part_number(parts[1])) is not None:
        # Four characters; whether they make an offered time is the service's rule.
        return (
            MomentPress(weekday, f"{parts[2][:2]}:{parts[2][2:]}") if len(parts[2]) == 4 else None
        )
    return None


async def _on_moment_press(
    pressed: Pressed, data: MomentPress, context: BuddyContext
) -> Stale | None:
    """Choose the weekday, then the time, of the weekly digest."""
    tr, database, user_id = context.tr, context.runtime.database, pressed.telegram_user_id
    markup: InlineKeyboardMarkup | None = None
    if data.local_time is not None and data.weekday is not None:
        moment = await digest.move_moment(database, user_id, data.weekday, data.local_time)
        text = None if moment is None else _moment_text(tr, moment)
    elif await digest.moment_of(database, user_id) is None:
        text = None
    elif data.weekday is None:
        names = get_day_names("wide", locale=tr.language)
        days = [button(names[d], MOMENT, "day", str(d)) for d in digest.DIGEST_DAYS]
        text, markup = tr("digest.pick_day"), InlineKeyboardMarkup([[d] for d in days])
    else:
        day = str(data.weekday)
        times = [button(t, MOMENT, "at", day, t.replace(":", "")) for t in digest.DIGEST_TIMES]
        text, markup = tr("digest.pick_time"), InlineKeyboardMarkup([times])
    if text is None:
        return STALE
    await pressed.query.answer()
    await show(pressed.query, text, markup)
    return None


moment_button = on_press(_parse_moment, _on_moment_press)


def _parse_digest(parts: tuple[str, ...]) -> bool | None:
    """``dg:now`` (True: this week so far) or ``dg:last`` (False)."""
    answers: dict[tuple[str, ...], bool] = {("now",): True, ("last",): False}
    return answers.get(parts)


async def _on_digest_press(pressed: Pressed, so_far: bool, context: BuddyContext) -> Stale | None:
    """Last week's or this week's digest, on demand."""
    caseload = await digest.on_demand(
        context.runtime.database,
        pressed.telegram_user_id,
        so_far=so_far,
        now=context.runtime.clock(),
    )
    if caseload is None:
        return STALE
    await pressed.query.answer()
    await take_buttons_off(pressed.query)  # a second tap finds them gone: fine
    await send_digest(context, pressed.telegram_user_id, context.tr, caseload, so_far=so_far)
    return None


digest_button = on_press(_parse_digest, _on_digest_press)


def weeks_texts(tr: Translator, name: str, weeks: Sequence[date]) -> WeeksTexts:
    """Every word on the weekly chart, in the viewer's language."""
    return WeeksTexts(
        title=tr.plural("digest.chart_title", len(weeks), name=isolate(name)),
        contacts=tr("digest.chart_contacts"),
        mood=tr("digest.chart_mood"),
        not_known=tr("digest.chart_not_known"),
        domains={
            **{d.value: tr(key) for d, key in DOMAIN_TEXT.items()},
            "buddy": tr("digest.buddy"),
        },
        other=tr("digest.chart_other"),
        week_label={week: format_date(week, format="d/M", locale=tr.language) for week in weeks},
    )


@dataclass(frozen=True)
class PicturesPress:
    """``dgc:<client>:<monday>``: a client's pictures for a week."""

    client_id: int
    week: date


def parse_pictures(parts: tuple[str, ...]) -> PicturesPress | None:
    """``dgc:<client>:<monday>`` as a press; None for anything the bot does not write."""
    if len(parts) != 2 or (client_id := part_number(parts[0])) is None:
        return None
    try:
        week = date.fromisoformat(parts[1])
    except ValueError:
        return None
    # Exactly what the bot writes: a Monday as YYYY-MM-DD (fromisoformat also reads
    # "20261130" and "2026-W48-1").
    if parts[1] != week.isoformat() or metrics.week_of(week) != week:
        return None
    return PicturesPress(client_id, week)


async def _on_client_press(
    pressed: Pressed, data: PicturesPress, context: BuddyContext
) -> Stale | None:
    """A client's twelve weeks and their circle with the week's changes, for their own
    professional only (checked again, and the view is in the audit log)."""
    found = await digest.client_pictures(
        context.runtime.database, pressed.telegram_user_id, data.client_id, data.week
    )
    if found is None:
        return STALE
    await pressed.query.answer()
    await send_pictures(
        context,
        pressed.telegram_user_id,
        context.tr,
        found.first_name,
        found.pictures,
        found.contacts,
    )
    return None


client_button = on_press(parse_pictures, _on_client_press)


async def send_pictures(
    context: BuddyContext,
    chat_id: int,
    tr: Translator,
    name: str,
    pictures: WeekPictures,
    current: Sequence[Contact],
) -> None:
    """A client's twelve weeks up to the pictures' week and, when their network has anyone
    in it, their circle with that week's changes and fading ties (for their professional:
    "The network of Amira")."""
    chart = render_weeks(pictures.weeks, pictures.figures, weeks_texts(tr, name, pictures.weeks))
    await context.bot.send_photo(
        chat_id, chart, caption=tr("digest.chart_caption", name=escape(name))
    )
    if not current:
        return  # an empty circle tells nothing; the digest's text already says so
    circle = render_circle(
        list(current), circle_texts(tr, name), changes=pictures.changes, fading=pictures.fading
    )
    await context.bot.send_photo(
        chat_id, circle, caption=tr("digest.circle_caption", name=escape(name))
    )
