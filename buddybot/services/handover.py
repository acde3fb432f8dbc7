"""A coordinator hands a caseload over from Telegram (issue 18, item 6): the same transfer as
``buddybot admin transfer`` (``organisations.move_caseload``), chosen with buttons. Every
step checks again that the one pressing is an active coordinator and that both
professionals belong to the coordinator's own organisation; the button's data is never
trusted, and a refusal is written to the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ProfessionalRole, ProfessionalStatus
from buddybot.services import access, outbox
from buddybot.services.organisations import Transfer, move_caseload
from buddybot.services.outbox import Outgoing
from buddybot.storage import organisation as stored
from buddybot.storage import people
from buddybot.storage.database import Database
from buddybot.storage.models import Professional

ACTION = "handover"


@dataclass(frozen=True)
class Colleague:
    """A professional of the coordinator's organisation and how many people (clients and
    buddies) they have."""

    professional_id: int
    name: str
    people: int


async def _colleague(session: AsyncSession, professional: Professional) -> Colleague:
    return Colleague(
        professional.id,
        professional.display_name,
        await stored.caseload_size(session, professional.id),
    )


async def _working(
    session: AsyncSession, coordinator: Professional, professional_id: int
) -> Professional | None:
    """A professional (not a coordinator) of the coordinator's organisation still working."""
    found = await people.professional_by_id(session, professional_id)
    if (
        found is None
        or found.organisation_id != coordinator.organisation_id
        or found.role is not ProfessionalRole.PROFESSIONAL
        or found.status is ProfessionalStatus.LEFT
    ):
        return None
    return found


@dataclass(frozen=True)
class Choice:
    """A step of the hand-over: who leaves (None while choosing them), who may take over."""

    leaving: Colleague | None
    colleagues: tuple[Colleague, ...]


async def choose(
    db: Database, telegram_user_id: int, leaving_id: int | None = None
) -> Choice | None:
    """The first step (``leaving_id`` None: every working professional of the organisation)
    or the second (who leaves chosen: the others who could take over). None when refused:
    not an active coordinator, or a professional not of their organisation."""
    async with db.transaction() as session:
        coordinator = await access.acting_coordinator(session, telegram_user_id)
        leaving = None
        if coordinator is not None and leaving_id is not None:
            leaving = await _working(session, coordinator, leaving_id)
        if coordinator is None or (leaving_id is not None and leaving is None):
            await access.refuse(session, telegram_user_id, ACTION, "professional", leaving_id)
            return None
        working = await stored.working_professionals(session, coordinator.organisation_id)
        others = [p for p in working if leaving is None or p.id != leaving.id]
        return Choice(
            None if leaving is None else await _colleague(session, leaving),
            tuple([await _colleague(session, professional) for professional in others]),
        )


@dataclass(frozen=True)
class Pair:
    """Who leaves and who takes over, both checked."""

    leaving: Colleague
    taking_over: Colleague


async def _pair(
    session: AsyncSession, telegram_user_id: int, leaving_id: int, taking_over_id: int
) -> tuple[Professional, Professional, Professional] | None:
    coordinator = await access.acting_coordinator(session, telegram_user_id)
    leaving = taking_over = None
    if coordinator is not None and leaving_id != taking_over_id:
        leaving = await _working(session, coordinator, leaving_id)
        taking_over = await _working(session, coordinator, taking_over_id)
    if coordinator is None or leaving is None or taking_over is None:
        await access.refuse(session, telegram_user_id, ACTION, "professional", leaving_id)
        return None
    return coordinator, leaving, taking_over


async def confirm(
    db: Database, telegram_user_id: int, leaving_id: int, taking_over_id: int
) -> Pair | None:
    """The confirmation step: both professionals, checked; None when refused."""
    async with db.transaction() as session:
        found = await _pair(session, telegram_user_id, leaving_id, taking_over_id)
        if found is None:
            return None
        _, leaving, taking_over = found
        return Pair(await _colleague(session, leaving), await _colleague(session, taking_over))


@dataclass(frozen=True)
class HandedOver:
    """The caseload moved, and the notes posted to the people involved (outbox ids)."""

    transfer: Transfer
    note_ids: tuple[int, ...]


async def hand_over(
    db: Database,
    telegram_user_id: int,
    leaving_id: int,
    taking_over_id: int,
    now: datetime,
    notes: Callable[[Transfer], list[Outgoing]],
) -> HandedOver | None:
    """Move the caseload (checked again), mark who leaves as left, and post ``notes`` (the
    same as the admin command sends: everyone moved, and who takes over) in the same
    transaction, so nobody is left untold. None when refused (a second press after the
    move is refused too: who left is no longer working)."""
    async with db.transaction() as session:
        found = await _pair(session, telegram_user_id, leaving_id, taking_over_id)
        if found is None:
            return None
        coordinator, leaving, taking_over = found
        transfer = await move_caseload(
            session, leaving, taking_over, actor_kind="coordinator", actor_id=coordinator.id
        )
        ids = await outbox.post(session, notes(transfer), now)
        return HandedOver(transfer, tuple(ids))
