"""Network-strengthening actions for a professional's own client: record one, end one, and
see what changed since each started (``buddybot/actions.py`` has the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.actions import Action, ActionDraft, Effect, checked_label, effect, work_models
from buddybot.network import Domain
from buddybot.schedule import local_date
from buddybot.services import access, contacts, questions
from buddybot.services.access import OwnClient
from buddybot.storage import actions as stored
from buddybot.storage import audit, weekly
from buddybot.storage.database import Database
from buddybot.storage.models import NetworkAction, Participant


@dataclass(frozen=True)
class ActionEffect:
    """An action and what changed since it started (None before it ran a whole day)."""

    action: Action
    effect: Effect | None


@dataclass(frozen=True)
class ClientActions:
    """A client's actions for their professional, and the work models to choose from."""

    client_id: int
    first_name: str
    today: date
    work_models: tuple[str, ...]
    actions: tuple[ActionEffect, ...]


def as_action(row: NetworkAction) -> Action:
    """The rules' view of a stored action."""
    return Action(row.id, row.label, row.work_model, Domain(row.domain), row.starts_on, row.ends_on)


async def effects_of(
    session: AsyncSession, clients: Sequence[Participant], today: date
) -> dict[int, tuple[ActionEffect, ...]]:
    """Every action of ``clients`` with its effect on ``today`` (the professional's local
    date), by client id: a few queries for all of them together."""
    rows = await stored.actions_of(session, [client.id for client in clients])
    if not rows:
        return {}
    earliest = min(row.starts_on for row in rows)
    # The span before the earliest action is as long as the time since it started.
    first = earliest - (today - earliest) - timedelta(weeks=1)
    ids = sorted({row.client_id for row in rows})
    changes = await contacts.histories(session, ids)
    figures = await weekly.client_figures(session, ids, first, today)
    zones = {client.id: client.time_zone for client in clients}
    found: dict[int, list[ActionEffect]] = {}
    for row in rows:
        action = as_action(row)
        weeks = figures.get(row.client_id, weekly.ClientFigures()).weeks
        measured = effect(action, changes[row.client_id], weeks, today, zones[row.client_id])
        found.setdefault(row.client_id, []).append(ActionEffect(action, measured))
    return {client_id: tuple(effects) for client_id, effects in found.items()}


async def _own(
    session: AsyncSession, telegram_user_id: int, client_id: int, action: str
) -> OwnClient | None:
    # Actions are read against the client's answers: only while their consent stands.
    own = await access.own_client(
        session, telegram_user_id, client_id, action, still_taking_part=True
    )
    return own if own is not None and access.consent_stands(own.client) else None


async def _view(session: AsyncSession, own: OwnClient, now: datetime) -> ClientActions:
    client = own.client
    today = local_date(now, own.professional.time_zone)
    models = await stored.own_work_models(session, own.professional.organisation_id)
    found = await effects_of(session, [client], today)
    return ClientActions(
        client.id, client.first_name or "", today, work_models(models), found.get(client.id, ())
    )


async def client_actions(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> ClientActions | None:
    """The professional's own client's actions with their effects; None when this is not
    their client (refused and written down)."""
    async with database.transaction() as session:
        own = await _own(session, telegram_user_id, client_id, "action.view")
        return None if own is None else await _view(session, own, now)


@dataclass(frozen=True)
class Recorded:
    """The action was saved; the client's actions as they are now."""

    action: Action
    view: ClientActions


TOPIC_LABEL = "action.label"


async def _models(session: AsyncSession, own: OwnClient) -> tuple[str, ...]:
    return work_models(await stored.own_work_models(session, own.professional.organisation_id))


@dataclass(frozen=True)
class KeptDraft:
    """A new action waiting for its typed name: the client, the draft, and its work model
    by name (kept when the name is asked: the organisation's list may change before the
    name is typed, and a position in it would then point at another model)."""

    client_id: int
    draft: ActionDraft
    work_model: str


def _draft_data(client_id: int, draft: ActionDraft, work_model: str) -> dict[str, object]:
    return {
        "client_id": client_id,
        "work_model": draft.work_model,
        "work_model_name": work_model,
        "domain": draft.domain.value,
        "starts_on": draft.starts_on.isoformat(),
        "end_months": draft.end_months,
    }


def draft_of(data: dict[str, Any]) -> KeptDraft | None:
    """The draft kept with the typed question; None for data it cannot read."""
    try:
        draft = ActionDraft(
            int(data["work_model"]),
            Domain(data["domain"]),
            date.fromisoformat(data["starts_on"]),
            None if data["end_months"] is None else int(data["end_months"]),
        )
        return KeptDraft(int(data["client_id"]), draft, str(data["work_model_name"]))
    except (KeyError, TypeError, ValueError):
        return None


async def ask_label(
    database: Database, telegram_user_id: int, client_id: int, draft: ActionDraft, now: datetime
) -> str | None:
    """The professional's next typed text is the label of ``draft`` for their own client
    (kept in the database with the draft); returns the client's first name, None when this
    is not their client."""
    async with database.transaction() as session:
        own = await _own(session, telegram_user_id, client_id, "action.record")
        if own is None:
            return None
        models = await _models(session, own)
        if not draft.offered(local_date(now, own.professional.time_zone), len(models)):
            return None
        data = _draft_data(client_id, draft, models[draft.work_model])
        await questions.expect(session, telegram_user_id, TOPIC_LABEL, now=now, data=data)
        return own.client.first_name or ""


class BadLabel:
    """The typed label was empty, had no letter, or was too long: nothing was saved."""


async def record_action(
    database: Database, telegram_user_id: int, kept: KeptDraft, text: str, now: datetime
) -> Recorded | BadLabel | None:
    """Save an action for the professional's own client: ``kept`` chosen by buttons,
    ``text`` typed as its label. BadLabel changes nothing; None when this is not their
    client or its work model is no longer on the organisation's list."""
    client_id, draft = kept.client_id, kept.draft
    label = checked_label(text)
    if label is None:
        return BadLabel()
    async with database.transaction() as session:
        own = await _own(session, telegram_user_id, client_id, "action.record")
        if own is None:
            return None
        if kept.work_model not in await _models(session, own):
            return None
        row = await stored.add_action(
            session,
            client_id=client_id,
            professional_id=own.professional.id,
            label=label,
            work_model=kept.work_model,
            domain=draft.domain.value,
            starts_on=draft.starts_on,
            ends_on=draft.ends_on,
        )
        await audit.add_audit_entry(
            session,
            actor_kind="professional",
            actor_id=own.professional.id,
            action="action.recorded",
            subject_kind="participant",
            subject_id=client_id,
        )
        await questions.answered(session, telegram_user_id)
        return Recorded(as_action(row), await _view(session, own, now))


async def end_action(
    database: Database, telegram_user_id: int, client_id: int, action_id: int, now: datetime
) -> ClientActions | None:
    """The action ended today (the professional's local date); None when it is not their
    client's action. An action that already ended keeps its end."""
    async with database.transaction() as session:
        own = await _own(session, telegram_user_id, client_id, "action.end")
        if own is None:
            return None
        row = await stored.action_of_client(session, client_id, action_id)
        if row is None:
            return None
        today = local_date(now, own.professional.time_zone)
        if row.ends_on is None or row.ends_on > today:
            row.ends_on = max(today, row.starts_on)
            await audit.add_audit_entry(
                session,
                actor_kind="professional",
                actor_id=own.professional.id,
                action="action.ended",
                subject_kind="participant",
                subject_id=client_id,
            )
        return await _view(session, own, now)


async def forget_label(database: Database, telegram_user_id: int) -> None:
    """The professional cancelled the new action: their next text answers nothing."""
    async with database.transaction() as session:
        await questions.answered(session, telegram_user_id)
