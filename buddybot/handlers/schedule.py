"""`/schedule`, `/pause`, `/resume`: when check-ins come. The client may move the time;
their professional (from `/clients`) also sets the days, the reminder, the time to answer and
the time zone. Callback data: ``sch:<client>:<action>[:<value>[:<page>]]``, ``pau:<days>``,
``pau:dates`` and ``pau:on:<yyyymmdd>``. What may be chosen and which screen follows a
press is ``flows/schedule.py``, applied by ``services/rhythms.py``; this module renders."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names, get_timezone_location
from babel.lists import format_list
from telegram import InlineKeyboardMarkup, Message, Update

from buddybot.context import BuddyContext
from buddybot.flows import schedule as flow
from buddybot.flows.schedule import Action, SchedulePress, Screen
from buddybot.handlers import basics
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, show
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator, text_key
from buddybot.services import rhythms
from buddybot.services.people import Role
from buddybot.services.rhythms import ScheduleState

SCHEDULE = "sch"
PAUSE = "pau"
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


def _summary(tr: Translator, state: ScheduleState) -> Reply:
    view = state.view
    if view is None:
        return Reply(tr("schedule.none"))
    lines = [tr("schedule.summary", days=day_names(tr, view.weekdays), time=view.local_time)]
    lines.append(tr.plural("schedule.reminder", view.reminder_after_minutes // 60))
    lines.append(tr.plural("schedule.window", view.answer_window_hours))
    if state.by_professional:
        lines.append(tr("schedule.time_zone", zone=view.time_zone))
    if view.paused:
        lines.append(
            tr("schedule.paused_until", date=tr.date(view.paused_until, view.time_zone))
            if view.paused_until
            else tr("schedule.paused")
        )
    client_id = str(state.client_id)
    rows = [[button(tr("schedule.other_time"), SCHEDULE, client_id, "times")]]
    if state.by_professional:
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
    user = update.effective_user
    if context.person.role is not Role.CLIENT or context.person.record_id is None or user is None:
        await basics.not_for_role(update, context.tr)
        return
    state = await rhythms.act_on_schedule(
        context.runtime.database, user.id, context.person.record_id, Action.SHOW, ""
    )
    if state is not None and update.effective_message is not None:
        reply = _summary(context.tr, state)
        await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)


async def _on_schedule_press(
    pressed: Pressed, data: SchedulePress, context: BuddyContext
) -> Stale | None:
    """show, times, time:<HHMM>; for the professional also days, day:<n>, reminders,
    reminder:<hours>, windows, window:<hours>, areas, area:<area>[:<page>], zone:<zone>."""
    state = await rhythms.act_on_schedule(
        context.runtime.database, pressed.telegram_user_id, data.client_id, data.action, data.value
    )
    reply = (
        None if state is None else _schedule_reply(context.tr, state, data, context.runtime.clock())
    )
    if reply is None:
        return STALE
    if data.action is Action.SHOW:  # a new message under the client's card
        message = pressed.query.message
        if isinstance(message, Message):
            await message.reply_text(reply.text, reply_markup=reply.keyboard)
        await pressed.query.answer()
        return None
    await pressed.query.answer()
    await show(pressed.query, reply.text, reply.keyboard)
    return None


schedule_button = on_press(flow.parse_press, _on_schedule_press)


def _schedule_reply(
    tr: Translator, state: ScheduleState, data: SchedulePress, now: datetime
) -> Reply | None:
    """What to show after the press; None for a press that shows nothing (stale)."""
    client_id = str(state.client_id)
    screen = flow.screen_after(data, state.note, state.view is not None)
    if screen is None:
        return None
    if screen is Screen.TIMES:
        buttons = [
            button(choice, SCHEDULE, client_id, "time", choice.replace(":", ""))
            for choice in flow.CHOOSABLE_TIMES
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        return Reply(tr("schedule.pick_time"), InlineKeyboardMarkup(rows))
    if screen is Screen.REMINDER_IN_WINDOW:
        back = button(tr("schedule.back"), SCHEDULE, client_id, "summary")
        return Reply(tr("schedule.reminder_in_window"), InlineKeyboardMarkup([[back]]))
    if screen is Screen.ONE_DAY_AT_LEAST:
        return Reply(tr("schedule.one_day_at_least"))
    if screen is Screen.AREAS:
        return _areas_reply(tr, client_id)
    if screen is Screen.ZONES:
        return _zones_page(tr, client_id, data.value, int(data.page), now)
    if screen in (Screen.REMINDERS, Screen.WINDOWS):
        return _hours_choice(tr, client_id, screen)
    if screen is Screen.DAYS and state.view is not None:
        return _days_reply(tr, client_id, state.view)
    return _summary(tr, state)


def _days_reply(tr: Translator, client_id: str, view: rhythms.RhythmView) -> Reply:
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


def _areas_reply(tr: Translator, client_id: str) -> Reply:
    """The professional gives the client another time zone: first a part of the world,
    then a place with the same time there (:func:`_zones_page`)."""
    back = button(tr("schedule.back"), SCHEDULE, client_id, "summary")
    areas = [
        button(tr(AREA_TEXT[area]), SCHEDULE, client_id, "area", area) for area in flow.ZONE_AREAS
    ]
    rows = [areas[i : i + 2] for i in range(0, len(areas), 2)]
    return Reply(tr("schedule.pick_area"), InlineKeyboardMarkup([*rows, [back]]))


def _zones_page(tr: Translator, client_id: str, area: str, wanted: int, now: datetime) -> Reply:
    """One page of the places of an area, by name in the reader's language, each with its
    offset from UTC today."""
    places: dict[str, str] = {}
    for zone in flow.zones_in(area):
        city = get_timezone_location(zone, locale=tr.language, return_city=True)
        offset = now.astimezone(ZoneInfo(zone)).strftime("%z")
        places.setdefault(f"{city} (UTC{offset[:3]}:{offset[3:]})", zone)  # aliases once
    ordered = sorted(places.items(), key=lambda place: place[0].casefold())
    shown = flow.page_of(len(ordered), wanted)
    buttons = [
        button(label, SCHEDULE, client_id, "zone", zone) for label, zone in ordered[shown.items]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    paging = []
    if shown.has_previous:
        previous = str(shown.number - 1)
        paging.append(button(tr("page.previous"), SCHEDULE, client_id, "area", area, previous))
    if shown.has_next:
        following = str(shown.number + 1)
        paging.append(button(tr("page.next"), SCHEDULE, client_id, "area", area, following))
    if paging:
        rows.append(paging)
    rows.append([button(tr("schedule.back"), SCHEDULE, client_id, "areas")])
    return Reply(tr("schedule.pick_zone"), InlineKeyboardMarkup(rows))


def _hours_choice(tr: Translator, client_id: str, screen: Screen) -> Reply:
    """Buttons for the reminder delay or the answer window, in hours."""
    choices, step = (
        (flow.REMINDER_HOURS, "reminder")
        if screen is Screen.REMINDERS
        else (flow.WINDOW_HOURS, "window")
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


def _pause_dates(tr: Translator, dates: tuple[date, ...]) -> InlineKeyboardMarkup:
    buttons = [
        button(
            format_date(day, format="EEE d MMM", locale=tr.language), PAUSE, "on", f"{day:%Y%m%d}"
        )
        for day in dates
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _on_pause_press(
    pressed: Pressed, data: flow.PausePress, context: BuddyContext
) -> Stale | None:
    """Pause for 7 or 14 days, until a chosen date, or until /resume."""
    tr, now = context.tr, context.runtime.clock()
    client_id = context.person.record_id if context.person.role is Role.CLIENT else None
    if data.choice is None:
        dates = await rhythms.pause_dates_of(context.runtime.database, client_id, now)
        if dates is None:
            return STALE
        await pressed.query.answer()
        await show(pressed.query, tr("pause.pick_date"), _pause_dates(tr, dates))
        return None
    paused = await rhythms.pause_own(
        context.runtime.database, pressed.telegram_user_id, client_id, data.choice, now
    )
    if paused is None:
        return STALE
    await pressed.query.answer()
    until = paused.until
    text = (
        tr("pause.done_until", date=tr.date(until, paused.time_zone)) if until else tr("pause.done")
    )
    await show(pressed.query, text, None)
    return None


pause_button = on_press(flow.parse_pause, _on_pause_press)


async def resume_command(update: Update, context: BuddyContext) -> None:
    """Check-ins come again from the next moment in the schedule."""
    if context.person.role is not Role.CLIENT or context.person.record_id is None:
        await basics.not_for_role(update, context.tr)
        return
    resumed = await rhythms.resume_own(
        context.runtime.database,
        update.effective_user.id if update.effective_user else 0,
        context.person.record_id,
        context.runtime.clock(),
    )
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.tr(
                "pause.resumed" if resumed else "pause.not_paused",
                name=escape(context.person.first_name or ""),
            )
        )
