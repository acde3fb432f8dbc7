"""Before and after: a client's circle at intake (or another date) and now, with the L.ink
measures side by side, from the client's page in /clients."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardMarkup

from buddybot.context import BuddyContext
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press
from buddybot.handlers.figures import arrow, decimal_or_dash, percent
from buddybot.handlers.network import DOMAIN_TEXT, circle_name, circle_texts
from buddybot.handlers.pages import paging_row
from buddybot.i18n import Translator, text_key
from buddybot.measures import Measures
from buddybot.network import Comparison, Domain
from buddybot.paging import page_of
from buddybot.pictures.circle import render_circle
from buddybot.pictures.lettering import isolate
from buddybot.services import before_after
from buddybot.services.before_after import Compared, NotJoinedError, Preset

BEFORE_AFTER = "ba"
CLIENTS = "cl"  # handlers/clients.py: the client's page
# Months a page of "another date": a year of them.
MONTHS_PAGE = 12

PRESET_TEXT = {
    Preset.INTAKE: text_key("compare.intake"),
    Preset.MONTHS_3: text_key("compare.months_3"),
    Preset.YEAR: text_key("compare.year"),
}


def not_joined_text(tr: Translator, error: NotJoinedError) -> str:
    """Why there is nothing to show of a client: not joined yet, or stopped."""
    return tr("compare.stopped") if error.stopped else tr("compare.not_joined")


def _pair(before: float | None, after: float | None, shown: tuple[str, str]) -> str:
    return f"{shown[0]} → {shown[1]}{arrow(after, before)}"


def _count(before: int, after: int) -> str:
    return f"{before} → {after}{arrow(after, before)}"


def change_lines(tr: Translator, changes: Comparison) -> list[str]:
    """Who came, went, moved closer or further, one line each (names escaped)."""
    parts = [
        (text_key("compare.added"), [c.label for c in changes.added]),
        (text_key("compare.removed"), [c.label for c in changes.removed]),
        (text_key("compare.closer"), [m.contact.label for m in changes.closer]),
        (text_key("compare.further"), [m.contact.label for m in changes.further]),
    ]
    # Each name isolated: names people type in another script keep their own direction.
    return [
        tr(key, names=", ".join(isolate(escape(name)) for name in names))
        for key, names in parts
        if names
    ]


def measure_lines(tr: Translator, before: Measures, after: Measures) -> list[str]:
    """The L.ink measures at two dates, one line each (``docs/measures.md``), with ▲▼=."""
    first, second = before.map, after.map
    circles = sorted(first.by_circle.keys() | second.by_circle.keys())
    domains = [d for d in Domain if d in first.by_domain or d in second.by_domain]
    frequency = (before.answers.frequency, after.answers.frequency)
    satisfaction = (before.answers.satisfaction, after.answers.satisfaction)
    lines = [
        tr("compare.contacts", change=_count(first.contacts, second.contacts)),
        "   "
        + " · ".join(
            f"{escape(circle_name(tr, c))} "
            + _count(first.by_circle.get(c, 0), second.by_circle.get(c, 0))
            for c in circles
        ),
        tr("compare.domains", change=_count(first.domains_covered, second.domains_covered)),
        "   "
        + " · ".join(
            f"{escape(tr(DOMAIN_TEXT[d]))} "
            + _count(first.by_domain.get(d, 0), second.by_domain.get(d, 0))
            for d in domains
        ),
        tr(
            "compare.closeness",
            # In percentage points: a share moves by hundredths.
            change=_pair(
                None if first.closeness is None else first.closeness * 100,
                None if second.closeness is None else second.closeness * 100,
                (percent(tr, first.closeness), percent(tr, second.closeness)),
            ),
        ),
        tr(
            "compare.informal",
            informal=_count(first.informal, second.informal),
            professional=_count(first.professional, second.professional),
        ),
        tr(
            "compare.support",
            received=_count(first.support_received, second.support_received),
            given=_count(first.support_given, second.support_given),
        ),
        tr(
            "compare.frequency",
            change=_pair(
                *frequency, (decimal_or_dash(tr, frequency[0]), decimal_or_dash(tr, frequency[1]))
            ),
        ),
        tr(
            "compare.satisfaction",
            change=_pair(
                *satisfaction,
                (decimal_or_dash(tr, satisfaction[0]), decimal_or_dash(tr, satisfaction[1])),
            ),
        ),
    ]
    return [line for line in lines if line.strip()]


def _day(tr: Translator, day: date) -> str:
    return format_date(day, format="d MMM y", locale=tr.language)


def _text(tr: Translator, compared: Compared) -> str:
    result = compared.result
    when = tr(PRESET_TEXT[compared.preset]) if compared.preset else _day(tr, result.before.day)
    lines = [
        tr("compare.title", name=escape(compared.first_name), before=when),
        tr("compare.dates", before=_day(tr, result.before.day), after=_day(tr, result.after.day)),
        "",
        *measure_lines(tr, result.before, result.after),
    ]
    changes = change_lines(tr, result.changes)
    lines += ["", *changes] if changes else ["", tr("compare.no_changes")]
    if result.before.answers.from_joining:
        lines.append(tr("compare.first_weeks"))
    return "\n".join(lines)


def _keyboard(tr: Translator, compared: Compared) -> InlineKeyboardMarkup:
    client_id = str(compared.client_id)
    presets = [
        button(tr(PRESET_TEXT[preset]), BEFORE_AFTER, client_id, "p", preset.value)
        for preset in compared.presets
        if preset is not compared.preset
    ]
    return InlineKeyboardMarkup(
        [
            presets,
            # No other month yet in a client's first month.
            [button(tr("compare.other_date"), BEFORE_AFTER, client_id, "m", "0")]
            if before_after.months_since(compared.joined, compared.today)
            else [],
            [button(tr("compare.back", name=compared.first_name), CLIENTS, client_id)],
        ]
    )


def _months_keyboard(tr: Translator, compared: Compared, page: int) -> InlineKeyboardMarkup:
    client_id, name = compared.client_id, compared.first_name
    months = before_after.months_since(compared.joined, compared.today)
    shown = page_of(len(months), page, MONTHS_PAGE)
    labels = [
        button(
            format_date(month, format="MMM y", locale=tr.language),
            BEFORE_AFTER,
            str(client_id),
            "d",
            month.strftime("%Y%m%d"),
        )
        for month in months[shown.items]
    ]
    rows = [labels[n : n + 3] for n in range(0, len(labels), 3)]
    paging = paging_row(tr, shown, BEFORE_AFTER, str(client_id), "m")
    if paging:
        rows.append(paging)
    rows.append([button(tr("compare.back", name=name), CLIENTS, str(client_id))])
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class ComparePress:
    """``ba:<client>`` (intake), ``ba:<client>:p:<preset>``, ``ba:<client>:d:<yyyymmdd>``
    (a month picked) or ``ba:<client>:m:<page>`` (the months to pick from)."""

    client_id: int
    preset: Preset | None = Preset.INTAKE
    day: date | None = None
    months_page: int | None = None


def _parse(parts: tuple[str, ...]) -> ComparePress | None:
    client_id = number(parts[0]) if parts else None
    if client_id is None:
        return None
    rest = parts[1:]
    if not rest:
        return ComparePress(client_id)
    if len(rest) != 2:
        return None
    kind, value = rest
    if kind == "p" and value in {preset.value for preset in Preset}:
        return ComparePress(client_id, Preset(value))
    if kind == "m" and (page := number(value)) is not None:
        return ComparePress(client_id, months_page=page)
    if kind == "d" and len(value) == 8 and value.isdigit():
        try:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
        return ComparePress(client_id, None, day)
    return None


async def _on_press(pressed: Pressed, data: ComparePress, context: BuddyContext) -> Stale | None:
    tr, runtime = context.tr, context.runtime
    try:
        compared = await before_after.compare_client(
            runtime.database,
            pressed.telegram_user_id,
            data.client_id,
            runtime.clock(),
            preset=data.preset,
            day=data.day,
        )
    except NotJoinedError as not_joined:
        await pressed.query.answer(not_joined_text(tr, not_joined), show_alert=True)
        return None
    if compared is None:
        return STALE
    await pressed.query.answer()
    bot, chat = pressed.query.get_bot(), pressed.telegram_user_id
    if data.months_page is not None:
        await bot.send_message(
            chat,
            tr("compare.pick_month", name=escape(compared.first_name)),
            reply_markup=_months_keyboard(tr, compared, data.months_page),
        )
        return None
    result = compared.result
    if result.after_map or result.before_map:
        title = tr(
            "compare.picture_title",
            name=isolate(compared.first_name),
            day=_day(tr, result.before.day),
        )
        texts = replace(circle_texts(tr, compared.first_name), title=title)
        picture = render_circle(list(result.after_map.values()), texts, changes=result.changes)
        await bot.send_photo(chat, picture)
    await bot.send_message(chat, _text(tr, compared), reply_markup=_keyboard(tr, compared))
    return None


compare_button = on_press(_parse, _on_press)
