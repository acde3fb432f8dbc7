"""A report on one client for the team meeting, as a PDF document in the professional's
language: the circle at intake and now, the weekly chart, the measures, actions and their
effects, and the client's own words where the client agreed. From the client's page."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from html import escape, unescape

from babel.dates import format_date
from telegram import Bot, InputFile

from buddybot.context import BuddyContext
from buddybot.handlers.actions import effect_lines
from buddybot.handlers.before_after import change_lines, not_joined_text
from buddybot.handlers.buttons import STALE, Pressed, Stale, number, on_press
from buddybot.handlers.digest import weeks_texts
from buddybot.handlers.figures import arrow, decimal_or_dash, percent
from buddybot.handlers.network import DOMAIN_TEXT, circle_name, circle_texts
from buddybot.i18n import Translator, text_key
from buddybot.measures import Measures
from buddybot.network import Domain
from buddybot.pictures.circle import render_circle
from buddybot.pictures.lettering import isolate
from buddybot.pictures.report_pdf import Heading, Paragraph, Pictures, Report, Table, render_pdf
from buddybot.pictures.weeks import render_weeks
from buddybot.services import report
from buddybot.services.before_after import NotJoinedError
from buddybot.services.report import ClientReport

REPORT = "rep"


def plain(html: str) -> str:
    """A chat text (HTML with <b> and escaped names) as plain text for the PDF, without the
    emoji that mark lines in the chat."""
    return unescape(re.sub(r"<[^>]+>", "", html)).replace("🎯 ", "").rstrip()


def _day(tr: Translator, day: date) -> str:
    return format_date(day, format="d MMMM y", locale=tr.language)


def _cell(before: float | None, after: float | None, shown: str) -> str:
    return shown + arrow(after, before)


def measure_rows(tr: Translator, before: Measures, after: Measures) -> list[tuple[str, str, str]]:
    """The L.ink measures as table rows (measure, first date, second date with ▲▼=)."""
    first, second = before.map, after.map
    rows = [
        (
            tr("report.row.contacts"),
            str(first.contacts),
            _cell(first.contacts, second.contacts, str(second.contacts)),
        )
    ]
    for circle in sorted(first.by_circle.keys() | second.by_circle.keys()):
        old, new = first.by_circle.get(circle, 0), second.by_circle.get(circle, 0)
        rows.append(("   " + circle_name(tr, circle), str(old), _cell(old, new, str(new))))
    rows.append(
        (
            tr("report.row.domains"),
            str(first.domains_covered),
            _cell(first.domains_covered, second.domains_covered, str(second.domains_covered)),
        )
    )
    for domain in Domain:
        old, new = first.by_domain.get(domain, 0), second.by_domain.get(domain, 0)
        if old or new:
            rows.append(("   " + tr(DOMAIN_TEXT[domain]), str(old), _cell(old, new, str(new))))
    closeness = (first.closeness, second.closeness)
    scaled = [None if share is None else share * 100 for share in closeness]
    rows.append(
        (
            tr("report.row.closeness"),
            percent(tr, closeness[0]),
            _cell(scaled[0], scaled[1], percent(tr, closeness[1])),
        )
    )
    for key, old, new in (
        (text_key("report.row.informal"), first.informal, second.informal),
        (text_key("report.row.professional"), first.professional, second.professional),
        (text_key("report.row.support_received"), first.support_received, second.support_received),
        (text_key("report.row.support_given"), first.support_given, second.support_given),
    ):
        rows.append((tr(key), str(old), _cell(old, new, str(new))))
    for key, old_value, new_value in (
        (text_key("report.row.frequency"), before.answers.frequency, after.answers.frequency),
        (
            text_key("report.row.satisfaction"),
            before.answers.satisfaction,
            after.answers.satisfaction,
        ),
    ):
        rows.append(
            (
                tr(key),
                decimal_or_dash(tr, old_value),
                _cell(old_value, new_value, decimal_or_dash(tr, new_value)),
            )
        )
    return rows


def _circles(tr: Translator, found: ClientReport) -> list[Heading | Paragraph | Pictures]:
    result, name = found.compared.result, isolate(found.compared.first_name)
    blocks: list[Heading | Paragraph | Pictures] = [Heading(tr("report.network"))]
    maps = [
        (result.before_map, None, tr("report.circle_intake", date=_day(tr, result.before.day))),
        (
            result.after_map,
            result.changes,
            tr("report.circle_now", date=_day(tr, result.after.day)),
        ),
    ]
    shown = [(contacts, changes, caption) for contacts, changes, caption in maps if contacts]
    if not shown:
        return [*blocks, Paragraph(tr("report.empty", name=name))]
    pngs = tuple(
        render_circle(
            list(contacts.values()),
            replace(circle_texts(tr, found.compared.first_name), title=caption),
            changes=changes,
        )
        for contacts, changes, caption in shown
    )
    blocks.append(Pictures(pngs))
    changes = [plain(line) for line in change_lines(tr, result.changes)]
    blocks.append(Paragraph("\n".join(changes) if changes else tr("compare.no_changes")))
    return blocks


def report_of(tr: Translator, found: ClientReport) -> Report:
    """The whole report on one client, every word in the professional's language."""
    compared = found.compared
    # Isolated in every sentence: an Arabic name first would turn a Dutch one around.
    name, result = isolate(compared.first_name), compared.result
    chart = render_weeks(
        found.weeks, found.figures, weeks_texts(tr, compared.first_name, found.weeks)
    )
    blocks = [
        *_circles(tr, found),
        Heading(tr("report.measures")),
        Table(
            (
                tr("report.measure"),
                tr(
                    "report.intake",
                    date=format_date(result.before.day, "d MMM y", locale=tr.language),
                ),
                tr("report.now", date=format_date(result.after.day, "d MMM y", locale=tr.language)),
            ),
            tuple(measure_rows(tr, result.before, result.after)),
        ),
        Paragraph(tr("report.measures_note"), small=True),
        Heading(tr.plural("report.chart", len(found.weeks))),
        Pictures((chart,)),
        Heading(tr("report.actions")),
    ]
    if not found.actions:
        blocks.append(Paragraph(tr("report.no_actions")))
    for item in found.actions:
        blocks.append(Paragraph("\n".join(plain(line) for line in effect_lines(tr, item))))
    blocks.append(Heading(tr("report.words", name=name)))
    if found.words:
        blocks += [Paragraph(f"{_day(tr, day)}: “{text}”") for day, text in found.words]
    else:
        blocks.append(Paragraph(tr("report.no_words", name=name)))
    return Report(
        title=tr("report.title", name=name),
        subtitle=tr(
            "report.subtitle",
            organisation=isolate(found.organisation_name),
            professional=isolate(found.professional_name),
            date=_day(tr, compared.today),
        ),
        blocks=blocks,
        footer=tr("report.footer"),
    )


@dataclass(frozen=True)
class ReportPress:
    """``rep:<client>``: the report on this client."""

    client_id: int


def _parse(parts: tuple[str, ...]) -> ReportPress | None:
    client_id = number(parts[0]) if len(parts) == 1 else None
    return None if client_id is None else ReportPress(client_id)


async def _on_press(pressed: Pressed, data: ReportPress, context: BuddyContext) -> Stale | None:
    tr, runtime = context.tr, context.runtime
    try:
        found = await report.client_report(
            runtime.database, pressed.telegram_user_id, data.client_id, runtime.clock()
        )
    except NotJoinedError as not_joined:
        await pressed.query.answer(not_joined_text(tr, not_joined), show_alert=True)
        return None
    if found is None:
        return STALE
    await pressed.query.answer(tr("report.making"))
    await send_report(pressed.query.get_bot(), pressed.telegram_user_id, tr, found)
    return None


async def send_report(bot: Bot, chat_id: int, tr: Translator, found: ClientReport) -> None:
    """The report as a PDF into the professional's chat (from the button, or the Mini App)."""
    pdf = render_pdf(report_of(tr, found))
    filename = tr("report.filename", date=found.compared.today.isoformat())
    await bot.send_document(
        chat_id,
        InputFile(pdf, filename=filename),
        caption=tr("report.caption", name=escape(found.compared.first_name)),
    )


report_button = on_press(_parse, _on_press)
