"""Age groups and a guardian's consent: under 13 (the Belgian age of digital consent, law of
30 July 2018, art. 7) a client's check-ins wait until their professional has confirmed that
a parent or guardian agreed. The professional marks the age group; both steps are audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import AgeGroup
from buddybot.services.access import OwnClient
from buddybot.storage import audit
from buddybot.storage.models import Participant


def waiting_for_guardian(participant: Participant) -> bool:
    """True while a child's check-ins wait for a parent's or guardian's consent."""
    return participant.age_group is AgeGroup.CHILD and participant.guardian_consent_at is None


def may_be_prompted() -> ColumnElement[bool]:
    """The same rule in SQL, for the scheduler's look-up of due check-ins."""
    return or_(
        Participant.age_group != AgeGroup.CHILD, Participant.guardian_consent_at.is_not(None)
    )


async def set_age_group(session: AsyncSession, own: OwnClient, group: AgeGroup) -> None:
    """The professional marks the client's age group. A guardian's consent given earlier
    stays on record (moving from "under 13" to "13 to 17" needs none)."""
    if own.client.age_group is group:
        return
    own.client.age_group = group
    await _audit(session, own, "client.age_group", {"group": group.value})


async def confirm_guardian(session: AsyncSession, own: OwnClient, now: datetime) -> bool:
    """The professional confirms a parent's or guardian's consent; False when not needed."""
    if not waiting_for_guardian(own.client):
        return False
    own.client.guardian_consent_at = now
    await _audit(session, own, "client.guardian_consent", None)
    return True


async def _audit(
    session: AsyncSession, own: OwnClient, action: str, detail: dict[str, str] | None
) -> None:
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=own.professional.id,
        action=action,
        subject_kind="participant",
        subject_id=own.client.id,
        detail=detail,
    )
