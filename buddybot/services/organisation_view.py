"""The organisation's view for its coordinator (issue 18, item 6): the figures of every client
taking part, with no client's name (``buddybot.organisation_figures``), on demand
(``/organisation``) and as a monthly digest on the first of the month, claimed once per
coordinator and month so replicas and restarts never send it twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot import actions
from buddybot.measures import WINDOW_WEEKS
from buddybot.metrics import week_of
from buddybot.organisation_figures import (
    ClientOutcome,
    OrganisationFigures,
    client_outcome,
    organisation_figures,
)
from buddybot.retries import next_try
from buddybot.schedule import local_date
from buddybot.services import access
from buddybot.services.organisations import existing_organisation
from buddybot.storage import audit, people, weekly
from buddybot.storage import organisation as stored
from buddybot.storage.database import Database
from buddybot.storage.models import Professional

log = logging.getLogger(__name__)

# Clients per round of queries: bounds memory for a large organisation (a round's weekly
# figures and map histories are dropped before the next) with few queries.
CHUNK = 2000
# A monthly digest not sent within this time after its moment (the bot was down) is not
# sent late; the coordinator can still ask with /organisation.
GRACE = timedelta(hours=48)


@dataclass(frozen=True)
class OrganisationView:
    """What the coordinator sees: the organisation's name, the day the figures are of (the
    coordinator's local date) and the figures."""

    organisation_name: str
    day: date
    figures: OrganisationFigures


async def figures_of(
    session: AsyncSession, organisation_id: int, now: datetime, *, chunk: int = CHUNK
) -> OrganisationFigures:
    """The organisation's figures at ``now``: each client taking part from their intake
    (the day they joined, in their time zone) to their today, read in bulk a chunk of
    clients at a time (a few queries per chunk, never one per client)."""
    clients = await stored.counted_clients(session, organisation_id)
    models = await stored.work_models_of_clients(session, organisation_id)
    outcomes: list[ClientOutcome] = []
    for start in range(0, len(clients), chunk):
        part = clients[start : start + chunk]
        days = {}
        for client in part:
            joined = local_date(client.joined_at, client.time_zone)
            today = now.astimezone(ZoneInfo(client.time_zone)).date()
            days[client.client_id] = (joined, max(joined, today))
        ids = [client.client_id for client in part]
        weeks = await _answer_weeks(session, ids, days)
        changes = await stored.map_histories(session, ids)
        for client in part:
            joined, today = days[client.client_id]
            outcomes.append(
                client_outcome(
                    client.client_id,
                    client.professional_id,
                    models.get(client.client_id, ()),
                    changes.get(client.client_id, []),
                    weeks.get(client.client_id, {}),
                    joined,
                    today,
                    client.time_zone,
                )
            )
    organisation = await people.organisation_by_id(session, organisation_id)
    professionals = await stored.working_professionals(session, organisation_id)
    return organisation_figures(
        outcomes,
        await stored.count_buddies(session, organisation_id),
        [(professional.id, professional.display_name) for professional in professionals],
        actions.work_models(organisation.work_models),
    )


async def _answer_weeks(
    session: AsyncSession, ids: list[int], days: dict[int, tuple[date, date]]
) -> dict[int, dict[date, weekly.WeekCounts]]:
    """The weeks the figures look at, read in two spans of whole weeks that do not overlap
    (a week read twice would count twice): the last ``WINDOW_WEEKS`` weeks up to today
    (today's window, and the four full weeks of compliance before this one), and the
    weeks of intake's windows before them (the first ``WINDOW_WEEKS`` from joining)."""
    recent = week_of(min(today for _, today in days.values())) - timedelta(weeks=WINDOW_WEEKS)
    last = max(today for _, today in days.values())
    found = await weekly.answer_weeks(session, ids, recent, last)
    first = week_of(min(joined for joined, _ in days.values()))
    intake_end = week_of(max(joined for joined, _ in days.values())) + timedelta(weeks=WINDOW_WEEKS)
    end = min(intake_end, recent) - timedelta(days=1)
    if first <= end:
        for client_id, weeks in (await weekly.answer_weeks(session, ids, first, end)).items():
            found.setdefault(client_id, {}).update(weeks)
    return found


async def view_for(
    session: AsyncSession, coordinator: Professional, now: datetime, *, how: str
) -> OrganisationView:
    """The view of the coordinator's own organisation (the only one they may see), written
    to the audit log (``how``: on demand or monthly)."""
    organisation = await people.organisation_by_id(session, coordinator.organisation_id)
    figures = await figures_of(session, organisation.id, now)
    await audit.add_audit_entry(
        session,
        actor_kind="coordinator",
        actor_id=coordinator.id,
        action="organisation.viewed",
        subject_kind="organisation",
        subject_id=organisation.id,
        detail={"how": how},
    )
    day = now.astimezone(ZoneInfo(coordinator.time_zone)).date()
    return OrganisationView(organisation.name, day, figures)


async def on_demand(db: Database, telegram_user_id: int, now: datetime) -> OrganisationView | None:
    """``/organisation``: the view for the active coordinator behind this account; None for
    anyone else."""
    async with db.transaction() as session:
        coordinator = await access.acting_coordinator(session, telegram_user_id)
        if coordinator is None:
            return None
        return await view_for(session, coordinator, now, how="asked")


async def view_of_organisation(db: Database, name: str, now: datetime) -> OrganisationView:
    """The view of the organisation called ``name``, for the demo (no coordinator needed;
    nothing is written). AdminError when there is no such organisation."""
    async with db.transaction() as session:
        organisation = await existing_organisation(session, name)
        figures = await figures_of(session, organisation.id, now)
        return OrganisationView(organisation.name, now.date(), figures)


# ------------------------------------------------------------------ the monthly digest


def month_moment(coordinator: Professional, now: datetime) -> datetime:
    """This month's moment for the coordinator's organisation digest: the first of the
    month at their digest time, in their time zone."""
    zone = ZoneInfo(coordinator.time_zone)
    first = now.astimezone(zone).date().replace(day=1)
    hour, minute = (int(part) for part in coordinator.digest_time.split(":"))
    return datetime.combine(first, time(hour, minute), zone)


@dataclass(frozen=True)
class MonthClaim:
    """A monthly organisation digest this process is to send now; ``parts_sent`` of its
    parts (the picture, the texts) already went out on an earlier try."""

    digest_id: int
    coordinator_id: int
    telegram_user_id: int
    language: str | None
    month: date
    parts_sent: int = 0
    claimed_at: datetime | None = None


async def claim_due_months(session: AsyncSession, now: datetime) -> list[MonthClaim]:
    """Monthly digests whose moment has come (within ``GRACE``), each claimed by exactly one
    process: the unique (coordinator, month) row decides. One held back by a passing
    Telegram problem is taken again after its pause, one whose sender was cut off once its
    claim went stale; past ``GRACE`` it is recorded as missed, not sent late."""
    missed = await stored.close_missed_months(session, now)
    if missed:
        log.warning("organisation digests: %d not sent within their grace, missed", missed)
    claimed = []
    by_id: dict[int, Professional] = {}
    for coordinator in await stored.coordinators(session):
        by_id[coordinator.id] = coordinator
        moment = month_moment(coordinator, now)
        if not moment <= now < moment + GRACE:
            continue
        won = await stored.claim_month(session, coordinator.id, moment.date(), now, moment + GRACE)
        if won is not None:
            claimed.append((won, coordinator, moment.date(), 0))
    for digest_id, coordinator_id, month, parts_sent in await stored.retake_months(session, now):
        if coordinator_id in by_id:
            claimed.append((digest_id, by_id[coordinator_id], month, parts_sent))
    return [
        MonthClaim(digest_id, c.id, c.telegram_user_id or 0, c.language, month, parts_sent, now)
        for digest_id, c, month, parts_sent in claimed
    ]


async def renew_month_claim(session: AsyncSession, claim: MonthClaim, now: datetime) -> bool:
    """Renew this process's claim just before sending; False when it is no longer ours."""
    assert claim.claimed_at is not None
    return await stored.renew_month_claim(session, claim.digest_id, claim.claimed_at, now)


async def view_for_claim(
    session: AsyncSession, claim: MonthClaim, now: datetime
) -> OrganisationView:
    """The view a claimed monthly digest shows."""
    coordinator = await people.professional_by_id(session, claim.coordinator_id)
    assert coordinator is not None
    return await view_for(session, coordinator, now, how="monthly")


async def record_month_part_sent(session: AsyncSession, digest_id: int, parts_sent: int) -> None:
    """The first ``parts_sent`` parts of the monthly digest reached Telegram."""
    await stored.mark_month_part_sent(session, digest_id, parts_sent)


async def record_month_later(session: AsyncSession, digest_id: int, now: datetime) -> None:
    """A passing Telegram problem (or a digest that could not be made): tried again after a
    growing pause within its grace."""
    attempts = await stored.month_attempts(session, digest_id)
    await stored.mark_month_later(session, digest_id, next_try(now, attempts))


async def record_month_sent(
    session: AsyncSession, digest_id: int, now: datetime, *, reachable: bool = True
) -> None:
    """Sent, or given up for a coordinator who blocked the bot: not tried again."""
    await stored.mark_month_settled(session, digest_id, now, "sent" if reachable else "gone")
