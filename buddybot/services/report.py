"""A report on one client for the team meeting (issue 18, item 5): what the PDF holds,
gathered for the client's own professional. The client's own words are in it only where
the client agreed to share them with the team."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from buddybot.metrics import Week, week_of, weeks_back
from buddybot.services import access
from buddybot.services.actions import ActionEffect, effects_of
from buddybot.services.before_after import Compared, NotJoinedError, compare_on
from buddybot.storage import audit, weekly
from buddybot.storage import checkins as stored_checkins
from buddybot.storage.database import Database
from buddybot.storage.models import Organisation

# The chart covers the shortest of these spans that reaches back to intake (a year at most).
CHART_SPANS = (12, 26, 52)


def chart_weeks(joined: date, today: date) -> int:
    """How many weeks the report's chart shows: 12, 26 or 52, the first that reaches back
    to the week of joining (52 for anyone who joined longer ago)."""
    since = (week_of(today) - week_of(joined)).days // 7 + 1
    return next((span for span in CHART_SPANS if span >= since), CHART_SPANS[-1])


@dataclass(frozen=True)
class ClientReport:
    """Everything the report on one client shows."""

    compared: Compared  # intake and today
    actions: tuple[ActionEffect, ...]
    weeks: tuple[date, ...]  # the chart's Mondays, oldest first
    figures: Mapping[date, Week]
    words: tuple[tuple[date, str], ...]  # the client's own words they agreed to share
    professional_name: str
    organisation_name: str


async def client_report(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> ClientReport | None:
    """The report on the professional's own client, written to the audit log (ids only).
    None when this is not their client (refused); raises NotJoinedError when the client has
    not joined or withdrew consent (there is nothing to report)."""
    async with database.transaction() as session:
        own = await access.own_client(session, telegram_user_id, client_id, "client.report")
        if own is None:
            return None
        client = own.client
        if not access.consent_stands(client):
            raise NotJoinedError.of(client)
        compared = await compare_on(session, client, now)
        span = chart_weeks(compared.joined, compared.today)
        mondays = weeks_back(week_of(compared.today) + timedelta(weeks=1), span)
        counted = await weekly.client_figures(session, [client.id], mondays[0], compared.today)
        effects = await effects_of(session, [client], compared.today)
        words = await stored_checkins.shared_messages(
            session, client.id, mondays[0], compared.today
        )
        organisation = await session.get(Organisation, own.professional.organisation_id)
        await audit.add_audit_entry(
            session,
            actor_kind="professional",
            actor_id=own.professional.id,
            action="client.report",
            subject_kind="participant",
            subject_id=client.id,
        )
        return ClientReport(
            compared=compared,
            actions=effects.get(client.id, ()),
            weeks=mondays,
            figures=counted.get(client.id, weekly.ClientFigures()).weeks,
            words=tuple(words),
            professional_name=own.professional.display_name,
            organisation_name="" if organisation is None else organisation.name,
        )
