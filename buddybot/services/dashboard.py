"""The professional's dashboard (the Mini App): the caseload with each client's weeks for
small charts, and one client's circle through time with before/after and actions. The same
access rules as `/clients` and the client's page: only the professional's own clients, and
their data only while their consent stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from buddybot.metrics import Week, week_of, weeks_back
from buddybot.schedule import local_date
from buddybot.services import access, caseload
from buddybot.services.actions import ActionEffect, effects_of
from buddybot.services.before_after import Compared, NotJoinedError, compare_on
from buddybot.services.caseload import Glance
from buddybot.storage import weekly
from buddybot.storage.database import Database
from buddybot.timeline import Frame, frames

# The small charts show the last 12 full weeks, as the digest's chart does.
TREND_WEEKS = 12


@dataclass(frozen=True)
class Caseload:
    """The caseload at a glance (``caseload.at_a_glance``'s order: flags first) and each
    client's counted weeks over ``weeks`` (Mondays, oldest first), by client id."""

    glances: list[Glance]
    weeks: tuple[date, ...]
    figures: Mapping[int, Mapping[date, Week]]


@dataclass(frozen=True)
class ClientThroughTime:
    """One client: intake against today, the circle on every day it changed, and the
    actions with their effect."""

    compared: Compared
    frames: list[Frame]
    actions: tuple[ActionEffect, ...]


async def caseload_trends(
    database: Database, telegram_user_id: int, now: datetime
) -> Caseload | None:
    """The caseload of the professional behind this account; None (refusal written) for
    anyone else. A client who stopped shows without figures."""
    async with database.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None:
            await access.refuse(session, telegram_user_id, "webapp.dashboard", "professional", None)
            return None
        today = local_date(now, professional.time_zone)
        glances = await caseload.at_a_glance(session, professional, today)
        weeks = weeks_back(week_of(today), TREND_WEEKS)  # up to last full week
        seen = [g.entry.participant_id for g in glances if g.entry.consent_stands]
        counted = await weekly.client_figures(
            session, seen, weeks[0], weeks[-1] + timedelta(days=6)
        )
        return Caseload(
            glances, weeks, {client: figures.weeks for client, figures in counted.items()}
        )


async def client_through_time(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> ClientThroughTime | None:
    """The professional's own client through time; None (refusal written) for anyone
    else's, or a client who stopped. Raises NotJoinedError when the client has not joined."""
    async with database.transaction() as session:
        own = await access.own_client(
            session, telegram_user_id, client_id, "webapp.client", still_taking_part=True
        )
        if own is None:
            return None
        client = own.client
        if not access.consent_stands(client):
            raise NotJoinedError.of(client)
        compared = await compare_on(session, client, now)
        await caseload.write_view(session, own)
        effects = await effects_of(session, [client], local_date(now, own.professional.time_zone))
        return ClientThroughTime(
            compared,
            frames(compared.history, ZoneInfo(client.time_zone), compared.today),
            effects.get(client.id, ()),
        )
