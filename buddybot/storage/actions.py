"""Queries and writes on network-strengthening actions (``network_action``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.models import NetworkAction, Organisation


async def add_action(
    session: AsyncSession,
    *,
    client_id: int,
    professional_id: int,
    label: str,
    work_model: str,
    domain: str,
    starts_on: date,
    ends_on: date | None,
) -> NetworkAction:
    """Write a new action for a client."""
    action = NetworkAction(
        client_id=client_id,
        professional_id=professional_id,
        label=label,
        work_model=work_model,
        domain=domain,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(action)
    await session.flush()
    return action


async def actions_of(session: AsyncSession, client_ids: Collection[int]) -> Sequence[NetworkAction]:
    """The actions of these clients, oldest start first (one query for a whole caseload)."""
    if not client_ids:
        return []
    result = await session.scalars(
        select(NetworkAction)
        .where(NetworkAction.client_id.in_(client_ids))
        .order_by(NetworkAction.starts_on, NetworkAction.id)
    )
    return result.all()


async def action_of_client(
    session: AsyncSession, client_id: int, action_id: int
) -> NetworkAction | None:
    """One action, only if it is this client's."""
    action = await session.get(NetworkAction, action_id)
    return action if action is not None and action.client_id == client_id else None


async def own_work_models(session: AsyncSession, organisation_id: int) -> list[str] | None:
    """The organisation's own list of work models, or None (the seven defaults)."""
    organisation = await session.get(Organisation, organisation_id)
    return None if organisation is None else organisation.work_models
