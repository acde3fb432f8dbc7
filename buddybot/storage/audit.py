"""The audit log: lines appended with a hash chain, read back and verified. Ids and action
names only, never names or texts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.clock import utcnow
from buddybot.storage.database import saved
from buddybot.storage.models import (
    AuditLog,
)


async def add_audit_entry(
    session: AsyncSession,
    *,
    actor_kind: str,
    action: str,
    actor_id: int | None = None,
    subject_kind: str | None = None,
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Append a line to the audit log. Ids and action names only: never names or texts.
    The line is chained to the one before it by hash."""
    if session.get_bind().dialect.name == "postgresql":
        # One writer of the chain at a time across replicas (SQLite's BEGIN IMMEDIATE
        # already gives that); released at the end of the transaction.
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
    previous = await session.scalar(
        select(AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(1)
    )
    entry = AuditLog(
        at=utcnow(),
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        detail=detail,
        previous_hash=previous or AUDIT_GENESIS,
    )
    entry.entry_hash = audit_hash(
        entry.previous_hash,
        entry.at,
        [actor_kind, actor_id, action, subject_kind, subject_id, detail],
    )
    return await saved(session, entry)


AUDIT_GENESIS = "0" * 64
# Telegram told us this person blocked the bot (``services/checkins.reachability_changed``).
BLOCKED = "participant.blocked"  # what the first line of the log is chained to


AUDIT_LOCK = 0x42554444  # "BUDD": the advisory lock around appending to the audit log


def audit_hash(previous_hash: str, at: datetime, fields: list[Any]) -> str:
    """SHA-256 over the hash of the line before, the moment, and everything the line says
    (actor kind and id, action, subject kind and id, detail)."""
    content = json.dumps(
        [previous_hash, at.isoformat(), *fields], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(content.encode()).hexdigest()


def entry_fields(entry: AuditLog) -> list[Any]:
    """What an audit line says, in the order ``audit_hash`` takes it."""
    return [
        entry.actor_kind,
        entry.actor_id,
        entry.action,
        entry.subject_kind,
        entry.subject_id,
        entry.detail,
    ]


async def broken_audit_line(session: AsyncSession) -> int | None:
    """The id of the first audit line that was changed, removed or put in between (its hash
    or its link to the line before does not match); None when the whole chain holds."""
    previous = AUDIT_GENESIS
    for entry in await audit_entries(session):
        expected = audit_hash(entry.previous_hash, entry.at, entry_fields(entry))
        if entry.previous_hash != previous or entry.entry_hash != expected:
            return entry.id
        previous = entry.entry_hash
    return None


async def audit_entries(session: AsyncSession) -> list[AuditLog]:
    """The whole audit log, oldest first."""
    return list(await session.scalars(select(AuditLog).order_by(AuditLog.id)))


async def audit_entries_about(
    session: AsyncSession, subject_kind: str, subject_id: int
) -> list[AuditLog]:
    """Audit lines about one record (who looked at or changed it), oldest first."""
    return list(
        await session.scalars(
            select(AuditLog)
            .where(AuditLog.subject_kind == subject_kind, AuditLog.subject_id == subject_id)
            .order_by(AuditLog.id)
        )
    )


async def audit_entries_by(session: AsyncSession, actor_kind: str, actor_id: int) -> list[AuditLog]:
    """Audit lines of what one person did, oldest first."""
    return list(
        await session.scalars(
            select(AuditLog)
            .where(AuditLog.actor_kind == actor_kind, AuditLog.actor_id == actor_id)
            .order_by(AuditLog.id)
        )
    )


async def latest(
    session: AsyncSession, action: str, subject_ids: Sequence[int]
) -> dict[int, datetime]:
    """When ``action`` was last written for each of these subjects (by id); those without
    it are left out. One query."""
    if not subject_ids:
        return {}
    rows = await session.execute(
        select(AuditLog.subject_id, func.max(AuditLog.at))
        .where(AuditLog.action == action, AuditLog.subject_id.in_(subject_ids))
        .group_by(AuditLog.subject_id)
    )
    return {subject: at for subject, at in rows.all() if subject is not None and at is not None}
