"""The weekly digest: for a professional's caseload, each client's week in figures and
what needs attention (``buddybot.metrics``), from the weekly aggregates in storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot import metrics
from buddybot.metrics import ClientHistory, ClientWeek, WeekFigures
from buddybot.network import compare_dates
from buddybot.services import contacts
from buddybot.storage import repositories, weekly
from buddybot.storage.models import Participant, ParticipantRole, ParticipantStatus, Professional

# How far back the digest looks: the chart shows 12 weeks; a close tie's usual gap is
# learnt from half a year.
CHART_WEEKS = 12
MENTION_WEEKS = 26


@dataclass(frozen=True)
class CaseloadWeek:
    """A professional's digest for one week: every client, those needing attention first,
    and each client's twelve weeks of figures for the charts."""

    week: date
    clients: list[ClientWeek]
    series: dict[int, dict[date, WeekFigures]]

    @property
    def attention(self) -> list[ClientWeek]:
        """The clients with a flag, most urgent first."""
        return [client for client in self.clients if client.needs_attention]


def _figures(counts: weekly.WeekCounts) -> WeekFigures:
    return WeekFigures(
        sent=counts.sent,
        answered=counts.answered,
        events=counts.events,
        distinct_contacts=counts.distinct_contacts,
        by_domain=dict(counts.by_domain),
        by_circle=dict(counts.by_circle),
        mood=counts.mood,
        satisfaction=counts.satisfaction,
        meetups=counts.meetups,
        meetup_minutes=counts.meetup_minutes,
    )


def _week_bounds(week: date, time_zone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone)
    start = datetime.combine(week, time.min, zone)
    return start, datetime.combine(week + timedelta(days=7), time.min, zone)


async def histories(
    session: AsyncSession, clients: list[Participant], week: date, *, with_map: bool = True
) -> list[ClientHistory]:
    """What the metrics need for ``clients`` up to ``week`` (a Monday): a few aggregate
    queries for all of them together. A client who withdrew consent is only flagged."""
    ids = [client.id for client in clients if client.consent_withdrawn_at is None]
    last = week + timedelta(days=6)
    figures = await weekly.weekly_counts(
        session, ids, week - timedelta(weeks=CHART_WEEKS - 1), last
    )
    since = week - timedelta(weeks=MENTION_WEEKS)
    mentions = await weekly.close_mentions(session, ids, since, last)
    close = await weekly.close_contacts(session, ids)
    answered = await weekly.answered_days(session, ids, since, last)
    changes = await contacts.histories(session, ids) if with_map and ids else {}
    result = []
    for client in clients:
        withdrawn = client.consent_withdrawn_at is not None
        comparison = None
        if client.id in changes:
            comparison = compare_dates(changes[client.id], *_week_bounds(week, client.time_zone))
        result.append(
            ClientHistory(
                client_id=client.id,
                name=client.first_name or "",
                weeks={
                    monday: _figures(counts)
                    for monday, counts in figures.get(client.id, {}).items()
                },
                mentions=mentions.get(client.id, {}),
                close_contacts=close.get(client.id, {}),
                answered_days=answered.get(client.id, []),
                map_changes=comparison,
                unreachable=client.status is ParticipantStatus.UNREACHABLE,
                consent_withdrawn=withdrawn,
            )
        )
    return result


async def caseload_week(
    session: AsyncSession, professional: Professional, week: date
) -> CaseloadWeek:
    """The digest of ``week`` for this professional's clients who joined."""
    clients = [
        client
        for client in await repositories.participants_of_professional(
            session, professional.id, ParticipantRole.CLIENT
        )
        if client.consent_given_at is not None and client.status is not ParticipantStatus.LEFT
    ]
    found = await histories(session, clients, week)
    weeks = metrics.attention_order(metrics.client_week(history, week) for history in found)
    return CaseloadWeek(week, weeks, {history.client_id: dict(history.weeks) for history in found})


def last_full_week(today: date) -> date:
    """The Monday of the week before the one ``today`` is in."""
    return metrics.week_of(today) - timedelta(weeks=1)
