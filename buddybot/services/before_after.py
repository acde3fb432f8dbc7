"""Before and after: a client's network at two dates, for their professional (issue 18).

The dates a professional picks from: intake (the day the client joined), three months ago,
a year ago, or the first of any month since intake. The measures are the pure
``buddybot/measures.py``; this module finds the dates, reads the history and checks who asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.measures import BeforeAfter, before_after
from buddybot.network import Change
from buddybot.schedule import local_date, months_later
from buddybot.services import access, contacts
from buddybot.storage import weekly
from buddybot.storage.database import Database
from buddybot.storage.models import Participant


class Preset(StrEnum):
    """The "before" dates a professional picks with one tap."""

    INTAKE = "intake"
    MONTHS_3 = "3m"
    YEAR = "1y"


_MONTHS = {Preset.MONTHS_3: 3, Preset.YEAR: 12}


def preset_day(preset: Preset, today: date, joined: date) -> date:
    """The date a preset stands for (never before intake: nothing was mapped then)."""
    if preset is Preset.INTAKE:
        return joined
    wanted = months_later(today, -_MONTHS[preset])
    return max(wanted, joined)


def presets(today: date, joined: date) -> tuple[Preset, ...]:
    """The presets that mean a date of their own: "a year ago" is left out while the client
    joined less than a year ago (it would be intake again)."""
    return tuple(
        preset
        for preset in Preset
        if preset is Preset.INTAKE or months_later(today, -_MONTHS[preset]) > joined
    )


def months_since(joined: date, today: date) -> tuple[date, ...]:
    """The first day of every month after the month of joining up to this one, newest
    first: the other dates a professional can compare with."""
    first, months = date(today.year, today.month, 1), []
    while first > joined:
        months.append(first)
        first = months_later(first, -1)
    return tuple(months)


@dataclass(frozen=True)
class Compared:
    """A client's network at ``result.before.day`` and today, with what can be picked."""

    client_id: int
    first_name: str
    joined: date
    today: date
    preset: Preset | None  # None: a month picked
    result: BeforeAfter
    presets: tuple[Preset, ...]
    history: tuple[Change, ...] = ()  # every change of the map, oldest first


class NotJoinedError(Exception):
    """The client has not joined, or ``stopped`` (withdrew consent): there is no history to
    show."""

    def __init__(self, *, stopped: bool = False) -> None:
        super().__init__("stopped" if stopped else "not joined")
        self.stopped = stopped

    @classmethod
    def of(cls, client: Participant) -> NotJoinedError:
        """The error for a client whose consent does not stand."""
        return cls(stopped=client.consent_withdrawn_at is not None)


async def compare_client(
    database: Database,
    telegram_user_id: int,
    client_id: int,
    now: datetime,
    *,
    preset: Preset | None = Preset.INTAKE,
    day: date | None = None,
) -> Compared | None:
    """The professional's own client at ``day`` (or the ``preset``'s date) and today, in
    the client's local dates. None when it is not their client (refused and written down).
    Raises NotJoinedError for a client with no history to show."""
    async with database.transaction() as session:
        own = await access.own_client(session, telegram_user_id, client_id, "client.compare")
        if own is None:
            return None
        return await compare_on(session, own.client, now, preset, day)


async def compare_on(
    session: AsyncSession,
    client: Participant,
    now: datetime,
    preset: Preset | None = Preset.INTAKE,
    day: date | None = None,
) -> Compared:
    """The client at ``day`` (or the ``preset``'s date) and today, for someone already
    allowed to see them. Raises NotJoinedError for a client with no history to show."""
    if client.consent_given_at is None or client.consent_withdrawn_at is not None:
        raise NotJoinedError.of(client)
    today = local_date(now, client.time_zone)
    joined = local_date(client.consent_given_at, client.time_zone)
    if day is None:
        before = preset_day(preset or Preset.INTAKE, today, joined)
    else:
        before, preset = min(max(day, joined), today), None
    history = (await contacts.histories(session, [client.id]))[client.id]
    first = before - timedelta(weeks=8)
    figures = await weekly.client_figures(session, [client.id], first, today)
    weeks = figures.get(client.id, weekly.ClientFigures()).weeks
    result = before_after(history, weeks, before, today, client.time_zone, joined=joined)
    return Compared(
        client.id,
        client.first_name or "",
        joined,
        today,
        preset,
        result,
        presets(today, joined),
        tuple(history),
    )
