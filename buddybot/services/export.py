"""Exports as CSV: one row per client-week with the digest's metrics, and the raw answers.

Two audiences. A professional (`/export`) gets their own clients numbered ("client-1",
contacts "C1") unless they ask for first names and contact labels, as they see them in the
bot (Telegram's chats are not end-to-end encrypted, so names travel only when asked for).
Researchers (`buddybot export`) get a whole organisation with pseudonyms instead of ids (a
keyed hash with a key made for that one export and not kept). Neither has free text.
Column meanings: docs/export.md. A third file holds the network-strengthening actions and
their effect, so researchers can compare work models.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot import metrics
from buddybot.actions import Effect
from buddybot.network import Domain
from buddybot.roles import ParticipantRole
from buddybot.services import access, actions, digest, organisations
from buddybot.storage import audit, exports, people
from buddybot.storage.database import Database
from buddybot.storage.models import Participant

DOMAINS: tuple[str, ...] = (*(domain.value for domain in Domain), "buddy")
WEEK_COLUMNS: tuple[str, ...] = (
    "client",
    "week",
    "week_start",
    "checkins_sent",
    "checkins_answered",
    "compliance",
    "contact_events",
    "distinct_contacts",
    *(f"events_{name}" for name in DOMAINS),
    *(f"events_circle_{circle}" for circle in (1, 2, 3, 4)),
    "mood_mean",
    "satisfaction_mean",
    "meetups",
    "meetup_minutes",
    "new_contacts",
    "removed_contacts",
    "moved_closer",
    "moved_further",
    "fading_ties",
    "flags",
)
EVENT_COLUMNS: tuple[str, ...] = (
    "client",
    "kind",
    "local_date",
    "at_utc",
    "contact",
    "domain",
    "circle",
    "mode",
    "reported_by",
    "score",
    "status",
    "activity",
    "duration_minutes",
)


ACTION_COLUMNS: tuple[str, ...] = (
    "client",
    "action",
    "label",
    "work_model",
    "domain",
    "starts_on",
    "ends_on",
    "effect_days",
    "new_in_domain_since",
    "new_in_domain_before",
    "frequency_since",
    "frequency_before",
    "satisfaction_since",
    "satisfaction_before",
    "closeness_change_since",
    "closeness_change_before",
)


@dataclass(frozen=True)
class Naming:
    """How people and contacts appear in an export: by name (for their professional) or by
    pseudonym (for research)."""

    client: Callable[[Participant], str]
    contact: Callable[[int, str], str]  # contact id, label → what the export shows
    # Whether an action's label (typed by the professional, may name people) is shown.
    action_labels: bool = False

    @classmethod
    def by_name(cls) -> Naming:
        """First names and labels, as the professional sees them in the bot."""
        return cls(lambda client: client.first_name or "", lambda _id, label: label, True)

    @classmethod
    def numbered(cls, clients: Sequence[Participant]) -> Naming:
        """``client-1``, ``client-2`` … (by record id) and ``C1``, ``C2`` … for contacts in
        the order the export first names them: the same person has the same pseudonym in
        both files of one export, and it says nothing outside it (the professional's
        default, ``/export``)."""
        numbers = {
            client_id: n for n, client_id in enumerate(sorted(c.id for c in clients), start=1)
        }
        contacts: dict[int, str] = {}

        def contact(contact_id: int, _label: str) -> str:
            return contacts.setdefault(contact_id, f"C{len(contacts) + 1}")

        return cls(lambda client: f"client-{numbers[client.id]}", contact)

    @classmethod
    def pseudonymous(cls, key: bytes | None = None) -> Naming:
        """Keyed hashes of the ids; the key is made for this export and not kept, so the
        pseudonyms cannot be traced back or linked with another export."""
        secret = key or secrets.token_bytes(32)

        def pseudonym(kind: str, record_id: int) -> str:
            digest_ = hmac.new(secret, f"{kind}:{record_id}".encode(), hashlib.sha256)
            return digest_.hexdigest()[:12]

        return cls(
            lambda client: pseudonym("client", client.id),
            lambda contact_id, _label: pseudonym("contact", contact_id),
        )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"): "=HYPERLINK(…)" as a contact's label would be a live link in the
# professional's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_cell(value: object) -> object:
    """``value`` as a spreadsheet shows it and never runs it: a text that would start a
    formula gets a leading apostrophe (OWASP's advice), numbers stay numbers. Names and labels
    are in the professional's export; the research export has pseudonyms, but every cell
    goes through here all the same."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_cell(value) for key, value in row.items()} for row in rows)
    # UTF-8 with a byte-order mark, so spreadsheet programs show é and ë correctly.
    return buffer.getvalue().encode("utf-8-sig")


async def weeks_csv(
    session: AsyncSession, clients: list[Participant], last_week: date, naming: Naming
) -> bytes:
    """One row per client and week, from the week they agreed to ``last_week``. A week with
    no answers has empty contact cells: missing, not zero."""
    starts = {
        client.id: metrics.week_of(client.consent_given_at.date())
        for client in clients
        if client.consent_given_at is not None
    }
    rows = [
        _week_row(naming.client(client), week, naming)
        async for client, week in digest.every_client_week(session, clients, starts, last_week)
    ]
    return _csv(WEEK_COLUMNS, rows)


def _week_row(client: str, week: metrics.ClientWeek, naming: Naming) -> dict[str, Any]:
    figures = week.figures
    reported = week.events is not None
    row: dict[str, Any] = {
        "client": client,
        "week": f"{week.week.isocalendar().year}-W{week.week.isocalendar().week:02d}",
        "week_start": week.week.isoformat(),
        "checkins_sent": figures.sent if figures else 0,
        "checkins_answered": figures.answered if figures else 0,
        "compliance": _number(week.compliance),
        "contact_events": week.events if reported else "",
        "distinct_contacts": week.distinct_contacts if reported else "",
        "mood_mean": _number(week.mood),
        "satisfaction_mean": _number(week.satisfaction),
        "meetups": figures.meetups if figures else 0,
        "meetup_minutes": figures.meetup_minutes if figures else 0,
        "fading_ties": ";".join(naming.contact(t.contact_id, t.label) for t in week.fading),
        "flags": ";".join(flag.value for flag in week.flags),
    }
    for name in DOMAINS:
        row[f"events_{name}"] = (
            (figures.by_domain.get(name, 0) if figures else 0) if reported else ""
        )
    for circle in (1, 2, 3, 4):
        row[f"events_circle_{circle}"] = (
            (figures.by_circle.get(circle, 0) if figures else 0) if reported else ""
        )
    changes = week.map_changes
    row["new_contacts"] = (
        ";".join(naming.contact(c.contact_id, c.label) for c in changes.added) if changes else ""
    )
    row["removed_contacts"] = (
        ";".join(naming.contact(c.contact_id, c.label) for c in changes.removed) if changes else ""
    )
    row["moved_closer"] = (
        ";".join(naming.contact(m.contact.contact_id, m.contact.label) for m in changes.closer)
        if changes
        else ""
    )
    row["moved_further"] = (
        ";".join(naming.contact(m.contact.contact_id, m.contact.label) for m in changes.further)
        if changes
        else ""
    )
    return row


async def events_csv(session: AsyncSession, clients: list[Participant], naming: Naming) -> bytes:
    """Every stored answer of these clients, one row each: check-ins, contact events,
    moods, satisfaction and meetups (free texts are never exported)."""
    by_id = {client.id: naming.client(client) for client in clients}
    ids = list(by_id)
    rows: list[dict[str, Any]] = []
    for checkin in await exports.checkins(session, ids):
        rows.append(
            {
                "client": by_id[checkin.participant_id],
                "kind": "checkin",
                "local_date": checkin.local_date.isoformat(),
                "at_utc": checkin.slot_at.isoformat(),
                "status": checkin.status.value,
            }
        )
    for event, contact in await exports.contact_events(session, ids):
        rows.append(
            {
                "client": by_id[event.client_id],
                "kind": "contact",
                "local_date": event.local_date.isoformat(),
                "at_utc": event.at.isoformat(),
                "contact": naming.contact(contact.id, contact.label) if contact else "buddy",
                "domain": contact.domain if contact else "buddy",
                "circle": contact.circle if contact else "",
                "mode": event.mode or "",
                "reported_by": event.reported_by,
            }
        )
    moods = await exports.moods(session, ids)
    satisfaction = await exports.satisfaction(session, ids)
    for kind, answers in (("mood", moods), ("satisfaction", satisfaction)):
        rows += [
            {
                "client": by_id[answer.participant_id],
                "kind": kind,
                "local_date": answer.local_date.isoformat(),
                "at_utc": answer.at.isoformat(),
                "score": answer.score,
            }
            for answer in answers
        ]
    for meetup in await exports.saved_meetups(session, ids):
        rows.append(
            {
                "client": by_id[meetup.client_id],
                "kind": "meetup",
                "local_date": meetup.local_date.isoformat() if meetup.local_date else "",
                "at_utc": meetup.saved_at.isoformat() if meetup.saved_at else "",
                "activity": meetup.activity or "",
                "duration_minutes": meetup.duration_minutes or "",
                "score": meetup.how_it_went or "",
                "reported_by": "buddy",
            }
        )
    rows.sort(key=lambda row: (row["client"], row["local_date"], row["kind"]))
    return _csv(EVENT_COLUMNS, rows)


async def actions_csv(
    session: AsyncSession, clients: list[Participant], naming: Naming, today: date
) -> bytes:
    """One row per network-strengthening action of ``clients``, with its work model, aimed
    life domain, dates and its effect on ``today`` (the span since it started against the
    same span before it, ``buddybot/actions.py``), so researchers can compare work models.
    The label only by name: a professional types it, and it may name people."""
    rows = []
    found = await actions.effects_of(session, clients, today)
    by_id = {client.id: client for client in clients}
    number = 0
    for client_id, items in sorted(found.items()):
        for item in items:
            number += 1
            action, effect = item.action, item.effect
            rows.append(
                {
                    "client": naming.client(by_id[client_id]),
                    "action": f"A{number}",
                    "label": action.label if naming.action_labels else "",
                    "work_model": action.work_model,
                    "domain": action.domain.value,
                    "starts_on": action.starts_on.isoformat(),
                    "ends_on": "" if action.ends_on is None else action.ends_on.isoformat(),
                    **_effect_cells(effect),
                }
            )
    rows.sort(key=lambda row: (row["client"], row["starts_on"], row["action"]))
    return _csv(ACTION_COLUMNS, rows)


def _effect_cells(effect: Effect | None) -> dict[str, Any]:
    if effect is None:
        return {}
    since, before = effect.since, effect.before
    return {
        "effect_days": effect.days,
        "new_in_domain_since": since.new_in_domain,
        "new_in_domain_before": before.new_in_domain,
        "frequency_since": _number(since.frequency),
        "frequency_before": _number(before.frequency),
        "satisfaction_since": _number(since.satisfaction),
        "satisfaction_before": _number(before.satisfaction),
        "closeness_change_since": _number(since.closeness_change),
        "closeness_change_before": _number(before.closeness_change),
    }


@dataclass(frozen=True)
class Export:
    """The three CSV files of an export, and how many clients they cover."""

    weeks: bytes
    events: bytes
    actions: bytes
    clients: int


async def export_clients(
    session: AsyncSession,
    clients: list[Participant],
    last_week: date,
    naming: Naming | Callable[[list[Participant]], Naming],
    *,
    actor_kind: str,
    actor_id: int | None,
    names: bool = False,
) -> Export:
    """Both files for these clients (those whose consent stands), written to the audit log
    (ids only; ``names``: whether the files hold first names and labels). ``naming`` may be
    made from the clients exported (:meth:`Naming.numbered`)."""
    taking_part = [client for client in clients if client.consent_withdrawn_at is None]
    if not isinstance(naming, Naming):
        naming = naming(taking_part)
    export = Export(
        await weeks_csv(session, taking_part, last_week, naming),
        await events_csv(session, taking_part, naming),
        await actions_csv(session, taking_part, naming, last_week + timedelta(days=7)),
        len(taking_part),
    )
    await audit.add_audit_entry(
        session,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action="export.made",
        detail={
            "clients": [client.id for client in taking_part],
            "until": last_week.isoformat(),
            **({"names": True} if names else {}),
        },
    )
    return export


async def may_export(database: Database, telegram_user_id: int) -> bool:
    """True when this account is an active professional (who may ask for an export with
    names); anyone else pressing that button is refused and written to the audit log."""
    async with database.transaction() as session:
        if await access.acting_professional(session, telegram_user_id) is not None:
            return True
        await access.refuse(session, telegram_user_id, "export.names", "professional", None)
        return False


async def professional_export(
    database: Database,
    telegram_user_id: int,
    now: datetime,
    *,
    names: bool = False,
    refuse_others: bool = False,
) -> Export | None:
    """``/export``: a professional's own clients up to last week (in the professional's time
    zone), in one transaction: numbered (:meth:`Naming.numbered`), or with ``names`` by
    first name and contact label. None when this account is no active professional (with
    ``refuse_others``, a call no page of theirs would make, written to the audit log)."""
    async with database.transaction() as session:
        professional = await access.acting_professional(session, telegram_user_id)
        if professional is None:
            if refuse_others:
                await access.refuse(session, telegram_user_id, "export", "professional", None)
            return None
        clients = await people.participants_of_professional(
            session, professional.id, ParticipantRole.CLIENT
        )
        today = now.astimezone(ZoneInfo(professional.time_zone)).date()
        return await export_clients(
            session,
            clients,
            digest.last_full_week(today),
            Naming.by_name() if names else Naming.numbered,
            actor_kind="professional",
            actor_id=professional.id,
            names=names,
        )


async def research_export(session: AsyncSession, organisation_name: str, today: date) -> Export:
    """A whole organisation's clients, pseudonymous, up to last week (``buddybot export``)."""
    organisation = await organisations.existing_organisation(session, organisation_name)
    clients = await people.clients_of_organisation(session, organisation.id)
    return await export_clients(
        session,
        clients,
        digest.last_full_week(today),
        Naming.pseudonymous(),
        actor_kind="admin",
        actor_id=None,
    )
