"""The professional's dashboard in the Mini App (docs/webapp.md, "The professional's
dashboard"): the API calls, each decoded, handed to ``services/dashboard.py`` (or the
report and export services) and rendered as JSON with the chat's own wording."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Any, TypeVar

from babel.dates import format_date

from buddybot.handlers.actions import effect_lines
from buddybot.handlers.before_after import not_joined_text
from buddybot.handlers.clients import glance_facts, glance_flags, status_text
from buddybot.handlers.export import send_export
from buddybot.handlers.report import measure_rows, plain, send_report
from buddybot.i18n import Translator
from buddybot.metrics import Week
from buddybot.services import before_after, dashboard, export, report
from buddybot.services.before_after import Compared, NotJoinedError
from buddybot.services.dashboard import ClientThroughTime
from buddybot.timeline import Frame
from buddybot.webapp.circle import circle_words, contact_json
from buddybot.webapp.dashboard_texts import dashboard_texts
from buddybot.webapp.server import ApiError, Call, Endpoint

_T = TypeVar("_T")


async def _of_own_client(call: Call, asked: Awaitable[_T | None]) -> _T:
    """What a service found on one of the professional's clients: 403 when it refused
    (the service wrote the audit line), 409 when the client has not joined or stopped."""
    try:
        found = await asked
    except NotJoinedError as not_joined:
        raise ApiError(409, "not_joined", not_joined_text(call.tr, not_joined)) from None
    if found is None:
        raise call.refused()
    return found


def _series(
    weeks: tuple[date, ...], figures: Mapping[date, Week] | None
) -> tuple[list[int | None], list[float | None]]:
    """Contacts and mood per week; None for a week without an answer."""
    if figures is None:
        return [None] * len(weeks), [None] * len(weeks)
    # A week with nothing answered and no meetup is a gap, not a week without contact.
    contacts = [
        figures[w].events if w in figures and (figures[w].answered or figures[w].events) else None
        for w in weeks
    ]
    moods = [figures[w].mood if w in figures else None for w in weeks]
    return contacts, [None if m is None else round(m, 2) for m in moods]


async def caseload(call: Call) -> dict[str, Any]:
    """``/api/dashboard``: the caseload, flags first, with each client's last 12 weeks."""
    tr, runtime = call.tr, call.runtime
    found = await dashboard.caseload_trends(
        runtime.database, call.telegram_user_id, runtime.clock()
    )
    if found is None:
        raise call.refused()
    clients = []
    for glance in found.glances:
        entry = glance.entry
        contacts, moods = _series(found.weeks, found.figures.get(entry.participant_id))
        facts = glance_facts(tr, glance)
        clients.append(
            {
                "id": entry.participant_id,
                "name": entry.first_name,
                "status": status_text(tr, entry.status),
                "attention": glance.needs_attention,
                "lines": [] if facts is None else [facts],
                "flags": glance_flags(tr, glance),
                "contacts": contacts,
                "mood": moods,
                "can_open": entry.consent_stands,
            }
        )
    return {
        "language": tr.language,
        "texts": dashboard_texts(tr),
        "weeks": [week.isoformat() for week in found.weeks],
        "week_labels": [format_date(week, "d MMM", locale=tr.language) for week in found.weeks],
        "clients": clients,
    }


def _frame_json(tr: Translator, frame: Frame) -> dict[str, Any]:
    return {
        "day": frame.day.isoformat(),
        "label": format_date(frame.day, "d MMMM y", locale=tr.language),
        "contacts": [contact_json(c) for c in frame.contacts],
        "new": list(frame.new),
        "moved": [
            {"id": c.contact_id, "circle": c.circle, "domain": c.domain.value} for c in frame.moved
        ],
        "removed": [contact_json(c) for c in frame.removed],
    }


def _measures_json(tr: Translator, compared: Compared) -> dict[str, Any]:
    """The measures at the earlier day and today, as the report's table shows them."""
    result = compared.result
    before = format_date(result.before.day, locale=tr.language)
    return {
        "before": (
            tr("report.intake", date=before)
            if result.before.day == compared.joined
            else tr("webapp.measures.on", date=before)
        ),
        "after": tr("report.now", date=format_date(result.after.day, locale=tr.language)),
        "day": result.before.day.isoformat(),
        "rows": [list(row) for row in measure_rows(tr, result.before, result.after)],
    }


def _client_json(tr: Translator, found: ClientThroughTime) -> dict[str, Any]:
    return {
        "name": found.compared.first_name,
        "texts": dashboard_texts(tr),
        **circle_words(tr),
        "frames": [_frame_json(tr, frame) for frame in found.frames],
        "measures": _measures_json(tr, found.compared),
        "actions": [
            " ".join(plain(line) for line in effect_lines(tr, item)) for item in found.actions
        ],
    }


async def client(call: Call) -> dict[str, Any]:
    """``/api/dashboard/client``: ``{"client"}``, one client through time."""
    runtime = call.runtime
    found = await _of_own_client(
        call,
        dashboard.client_through_time(
            runtime.database, call.telegram_user_id, call.number("client"), runtime.clock()
        ),
    )
    return _client_json(call.tr, found)


async def measures_on(call: Call) -> dict[str, Any]:
    """``/api/dashboard/measures``: ``{"client", "day"}`` (``YYYY-MM-DD``): the measures on
    that day against today, as before and after in the chat (a day before joining counts
    as the day of joining)."""
    runtime = call.runtime
    try:
        day = date.fromisoformat(call.text("day"))
    except ValueError:
        raise call.bad_request() from None
    compared = await _of_own_client(
        call,
        before_after.compare_client(
            runtime.database,
            call.telegram_user_id,
            call.number("client"),
            runtime.clock(),
            preset=None,
            day=day,
        ),
    )
    return {"measures": _measures_json(call.tr, compared)}


async def send_client_report(call: Call) -> dict[str, Any]:
    """``/api/dashboard/report``: ``{"client"}``; the PDF goes into the professional's chat,
    as from the 📄 button."""
    runtime = call.runtime
    found = await _of_own_client(
        call,
        report.client_report(
            runtime.database, call.telegram_user_id, call.number("client"), runtime.clock()
        ),
    )
    await send_report(call.bot, call.telegram_user_id, call.tr, found)
    return {"said": call.tr("webapp.said.report")}


async def send_caseload_export(call: Call) -> dict[str, Any]:
    """``/api/dashboard/export``: the three files, without names, into the professional's
    chat, as from `/export`."""
    runtime = call.runtime
    made = await export.professional_export(
        runtime.database, call.telegram_user_id, runtime.clock(), refuse_others=True
    )
    if made is None:
        raise call.refused()
    await send_export(call.bot, call.telegram_user_id, call.tr, made, names=False)
    return {"said": call.tr("webapp.said.export")}


ENDPOINTS: dict[str, Endpoint] = {
    "/api/dashboard": caseload,
    "/api/dashboard/client": client,
    "/api/dashboard/measures": measures_on,
    "/api/dashboard/report": send_client_report,
    "/api/dashboard/export": send_caseload_export,
}
