"""`/schedule`, `/pause`, `/resume`: when check-ins come. The client may move the time;
their professional (from `/clients`) also sets the days, the reminder, the time to answer and
the time zone. Callback data: ``sch:<client>:<action>[:<value>[:<page>]]``, ``pau:<days>``,
``pau:dates`` and ``pau:on:<yyyymmdd>``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names, get_timezone_location
from babel.lists import format_list
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator, text_key
from buddybot.services import access, rhythms
from buddybot.services.people import Role
from buddybot.storage.models import Participant

SCHEDULE = "sch"
PAUSE = "pau"
PAUSE_DAYS = ("7", "14", "0")  # 0: until /resume
ZONES_PER_PAGE = 12
AREA_TEXT = {
    "Europe": text_key("zone.europe"),
    "Africa": text_key("zone.africa"),
    "America": text_key("zone.america"),
    "Asia": text_key("zone.asia"),
    "Atlantic": text_key("zone.atlantic"),
    "Australia": text_key("zone.australia"),
    "Indian": text_key("zone.indian"),
    "Pacific": text_key("zone.pacific"),
}


def day_names(tr: Translator, weekdays: tuple[int, ...]) -> str:
    """ "maandag en donderdag" / "Monday and Thursday"."""
    names = get_day_names("wide", locale=tr.language)
    return format_list([names[day] for day in weekdays], locale=tr.language)


async def _summary(
    session: AsyncSession, tr: Translator, client: Participant, editor_kind: str
) -> Reply:
    view = await rhythms.rhythm_view(session, client)
    if view is None:
        return Reply(tr("schedule.none"))
    lines = [tr("schedule.summary", days=day_names(tr, view.weekdays), time=view.local_time)]
    lines.append(tr.plural("schedule.reminder", view.reminder_after_minutes // 60))
    lines.append(tr.plural("schedule.window", view.answer_window_hours))
    if editor_kind == "professional":
        lines.append(tr("schedule.time_zone", zone=view.time_zone))
    if view.paused:
        lines.append(
            tr("schedule.paused_until", date=tr.date(view.paused_until, view.time_zone))
            if view.paused_until
            else tr("schedule.paused")
        )
    client_id = str(client.id)
    rows = [[button(tr("schedule.other_time"), SCHEDULE, client_id, "times")]]
    if editor_kind == "professional":
        rows.append([button(tr("schedule.days"), SCHEDULE, client_id, "days")])
        rows.append(
            [
                button(tr("schedule.reminder_button"), SCHEDULE, client_id, "reminders"),
                button(tr("schedule.window_button"), SCHEDULE, client_id, "windows"),
            ]
        )
        rows.append([button(tr("schedule.zone_button"), SCHEDULE, client_id, "areas")])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


async def schedule_command(update: Update, context: BuddyContext) -> None:
    """A client's own schedule."""
    if context.person.role is not Role.CLIENT or context.person.record_id is None:
        await basics.not_for_role(update, context.tr)
        return
    await _show(update, context, context.tr, context.person.record_id)


async def _show(update: Update, context: BuddyContext, tr: Translator, client_id: int) -> None:
    """The schedule summary as a new message (from /schedule or a client's card)."""
    user = update.effective_user
    assert user is not None
    async with context.runtime.database.transaction() as session:
        allowed = await access.client_or_professional(session, user.id, client_id, "schedule")
        reply = None if allowed is None else await _summary(session, tr, allowed[2], allowed[0])
    if reply is None:
        await basics.stale_button(update, context)  # answers the press, if it was one
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)
    if update.callback_query is not None:
        await update.callback_query.answer()


async def schedule_button(update: Update, context: BuddyContext) -> None:
    """show, times, time:<HHMM>; for the professional also days, day:<n>, reminders,
    reminder:<hours>, windows, window:<hours>."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or len(parsed.parts) < 2 or not parsed.parts[0].isdigit():
        await basics.stale_button(update, context)
        return
    client_id, action = int(parsed.parts[0]), parsed.parts[1]
    value = parsed.parts[2] if len(parsed.parts) > 2 else ""
    page = parsed.parts[3] if len(parsed.parts) > 3 else "0"
    tr = context.tr
    if action == "show":
        await _show(update, context, tr, client_id)
        return
    async with context.runtime.database.transaction() as session:
        allowed = await access.client_or_professional(
            session, query.from_user.id, client_id, "schedule"
        )
        reply: Reply | None = None
        if allowed is not None:
            kind, _, client = allowed
            now = context.runtime.clock()
            reply = await _schedule_step(session, tr, client, kind, action, value, page, now)
    if reply is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    await query.edit_message_text(reply.text, reply_markup=reply.keyboard)


async def _schedule_step(
    session: AsyncSession,
    tr: Translator,
    client: Participant,
    kind: str,
    action: str,
    value: str,
    page: str,
    now: datetime,
) -> Reply | None:
    client_id = str(client.id)
    if action == "times":
        buttons = [
            button(choice, SCHEDULE, client_id, "time", choice.replace(":", ""))
            for choice in rhythms.CHOOSABLE_TIMES
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        return Reply(tr("schedule.pick_time"), InlineKeyboardMarkup(rows))
    if action == "time" and len(value) == 4 and value.isdigit():
        if not await rhythms.set_time(session, client, f"{value[:2]}:{value[2:]}"):
            return None
        return await _summary(session, tr, client, kind)
    if action == "summary":
        return await _summary(session, tr, client, kind)
    if kind != "professional":
        return None  # only the professional sets the days
    if action in ("areas", "area", "zone"):
        return await _zone_step(session, tr, client, action, value, page, now)
    if action in ("reminders", "windows"):
        return _hours_choice(tr, client_id, action)
    if action in ("reminder", "window") and value.isdigit():
        change = rhythms.set_reminder if action == "reminder" else rhythms.set_answer_window
        if not await change(session, client, int(value)):
            back = button(tr("schedule.back"), SCHEDULE, client_id, "summary")
            return Reply(tr("schedule.reminder_in_window"), InlineKeyboardMarkup([[back]]))
        return await _summary(session, tr, client, kind)
    if (
        action == "day"
        and value.isdigit()
        and not await rhythms.toggle_day(session, client, int(value))
    ):
        return Reply(tr("schedule.one_day_at_least"))
    if action not in ("day", "days"):
        return None
    view = await rhythms.rhythm_view(session, client)
    if view is None:
        return None
    names = get_day_names("abbreviated", locale=tr.language)
    toggles = [
        button(
            ("✅ " if day in view.weekdays else "") + names[day],
            SCHEDULE,
            client_id,
            "day",
            str(day),
        )
        for day in range(7)
    ]
    rows = [
        toggles[:4],
        toggles[4:],
        [button(tr("schedule.back"), SCHEDULE, client_id, "summary")],
    ]
    return Reply(tr("schedule.pick_days"), InlineKeyboardMarkup(rows))


async def _zone_step(
    session: AsyncSession,
    tr: Translator,
    client: Participant,
    action: str,
    value: str,
    page: str,
    now: datetime,
) -> Reply | None:
    """The professional gives the client another time zone: a part of the world, then a
    place with the same time there (paged)."""
    client_id = str(client.id)
    back = button(tr("schedule.back"), SCHEDULE, client_id, "summary")
    if action == "areas":
        areas = [
            button(tr(AREA_TEXT[area]), SCHEDULE, client_id, "area", area)
            for area in rhythms.ZONE_AREAS
        ]
        rows = [areas[i : i + 2] for i in range(0, len(areas), 2)]
        return Reply(tr("schedule.pick_area"), InlineKeyboardMarkup([*rows, [back]]))
    if action == "area" and value in rhythms.ZONE_AREAS and page.isdigit():
        return _zones_page(tr, client_id, value, int(page), now)
    if action == "zone" and await rhythms.set_time_zone(session, client, value):
        return await _summary(session, tr, client, "professional")
    return None


def _zones_page(tr: Translator, client_id: str, area: str, page: int, now: datetime) -> Reply:
    """One page of the places of an area, by name in the reader's language, each with its
    offset from UTC today."""
    places: dict[str, str] = {}
    for zone in rhythms.zones_in(area):
        city = get_timezone_location(zone, locale=tr.language, return_city=True)
        offset = now.astimezone(ZoneInfo(zone)).strftime("%z")
        places.setdefault(f"{city} (UTC{offset[:3]}:{offset[3:]})", zone)  # aliases once
    ordered = sorted(places.items(), key=lambda place: place[0].casefold())
    pages = -(-len(ordered) // ZONES_PER_PAGE)
    page = min(page, pages - 1)
    shown = ordered[page * ZONES_PER_PAGE : (page + 1) * ZONES_PER_PAGE]
    buttons = [button(label, SCHEDULE, client_id, "zone", zone) for label, zone in shown]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    paging = []
    if page > 0:
        paging.append(button(tr("page.previous"), SCHEDULE, client_id, "area", area, str(page - 1)))
    if page + 1 < pages:
        paging.append(button(tr("page.next"), SCHEDULE, client_id, "area", area, str(page + 1)))
    if paging:
        rows.append(paging)
    rows.append([button(tr("schedule.back"), SCHEDULE, client_id, "areas")])
    return Reply(tr("schedule.pick_zone"), InlineKeyboardMarkup(rows))


def _hours_choice(tr: Translator, client_id: str, action: str) -> Reply:
    """Buttons for the reminder delay or the answer window, in hours."""
    choices, step = (
        (rhythms.REMINDER_HOURS, "reminder")
        if action == "reminders"
        else (rhythms.WINDOW_HOURS, "window")
    )
    buttons = [
        button(tr.plural("schedule.hours", hours), SCHEDULE, client_id, step, str(hours))
        for hours in choices
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([button(tr("schedule.back"), SCHEDULE, client_id, "summary")])
    question = tr("schedule.pick_reminder") if step == "reminder" else tr("schedule.pick_window")
    return Reply(question, InlineKeyboardMarkup(rows))


async def pause_command(update: Update, context: BuddyContext) -> None:
    """Ask how long to pause."""
    if context.person.role is not Role.CLIENT or update.effective_message is None:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    buttons = [
        button(tr("pause.week"), PAUSE, "7"),
        button(tr("pause.two_weeks"), PAUSE, "14"),
        button(tr("pause.until_date"), PAUSE, "dates"),
        button(tr("pause.until_resume"), PAUSE, "0"),
    ]
    await update.effective_message.reply_text(
        tr("pause.question"), reply_markup=InlineKeyboardMarkup([[b] for b in buttons])
    )


# "Until a date": the Mondays of the coming weeks (one tap, no typing).
PAUSE_DATES = 8


def _pause_dates(tr: Translator, today: date) -> InlineKeyboardMarkup:
    mondays = [today + timedelta(days=7 * n - today.weekday()) for n in range(1, PAUSE_DATES + 1)]
    buttons = [
        button(
            format_date(day, format="EEE d MMM", locale=tr.language), PAUSE, "on", f"{day:%Y%m%d}"
        )
        for day in mondays
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _until(parts: tuple[str, ...], now: datetime, time_zone: str) -> tuple[bool, datetime | None]:
    """(valid, end) for the pressed pause button: the end of the pause, or None for
    "until /resume"; not valid for a button that makes no sense (nothing is paused then)."""
    if parts in {(days,) for days in PAUSE_DAYS}:
        days = int(parts[0])
        return True, (now + timedelta(days=days) if days else None)
    if len(parts) == 2 and parts[0] == "on" and parts[1].isdigit():
        try:
            day = datetime.strptime(parts[1], "%Y%m%d").date()
        except ValueError:
            return False, None
        today = now.astimezone(ZoneInfo(time_zone)).date()
        if today < day <= today + timedelta(weeks=PAUSE_DATES + 1):
            return True, datetime.combine(day, time.min, ZoneInfo(time_zone))
    return False, None


async def pause_button(update: Update, context: BuddyContext) -> None:
    """Pause for 7 or 14 days, until a chosen date, or until /resume."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None:
        await basics.stale_button(update, context)
        return
    now = context.runtime.clock()
    if parsed.parts == ("dates",):
        today = now.astimezone(ZoneInfo(context.runtime.settings.timezone)).date()
        await query.answer()
        await query.edit_message_text(
            context.tr("pause.pick_date"), reply_markup=_pause_dates(context.tr, today)
        )
        return
    async with context.runtime.database.transaction() as session:
        client = None
        if context.person.role is Role.CLIENT and context.person.record_id is not None:
            allowed = await access.client_or_professional(
                session, query.from_user.id, context.person.record_id, "pause"
            )
            client = allowed[2] if allowed else None
        time_zone = client.time_zone if client else context.runtime.settings.timezone
        valid, until = _until(parsed.parts, now, time_zone)
        paused = valid and client is not None and await rhythms.pause(session, client, until)
    if not paused:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    await query.answer()
    await query.edit_message_text(
        tr("pause.done_until", date=tr.date(until, time_zone)) if until else tr("pause.done")
    )


async def resume_command(update: Update, context: BuddyContext) -> None:
    """Check-ins come again from the next moment in the schedule."""
    if context.person.role is not Role.CLIENT or context.person.record_id is None:
        await basics.not_for_role(update, context.tr)
        return
    async with context.runtime.database.transaction() as session:
        allowed = await access.client_or_professional(
            session,
            update.effective_user.id if update.effective_user else 0,
            context.person.record_id,
            "resume",
        )
        resumed = allowed is not None and await rhythms.resume(
            session, allowed[2], context.runtime.clock()
        )
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.tr(
                "pause.resumed" if resumed else "pause.not_paused",
                name=escape(context.person.first_name or ""),
            )
        )
