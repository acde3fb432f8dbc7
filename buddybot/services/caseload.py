"""A professional's caseload: their clients, each client's buddies, and a client's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import AgeGroup, ParticipantRole, ParticipantStatus
from buddybot.services.access import OwnClient, consent_stands
from buddybot.storage import audit, people
from buddybot.storage.models import Professional


@dataclass(frozen=True)
class CaseloadEntry:
    """One client on a professional's caseload, as the /clients list shows them."""

    participant_id: int
    first_name: str
    status: ParticipantStatus
    buddies: tuple[str, ...] = ()


async def caseload(session: AsyncSession, professional: Professional) -> list[CaseloadEntry]:
    """The professional's clients, each with the first names of their buddies."""
    entries = []
    for client in await people.participants_of_professional(
        session, professional.id, ParticipantRole.CLIENT
    ):
        stopped = client.consent_withdrawn_at is not None
        entries.append(
            CaseloadEntry(
                client.id,
                client.first_name or "",
                ParticipantStatus.LEFT if stopped else client.status,
                () if stopped else await _buddy_names(session, client.id),
            )
        )
    return entries


async def _buddy_names(session: AsyncSession, client_id: int) -> tuple[str, ...]:
    links = await people.buddy_links_of_client(session, client_id)
    return tuple(
        buddy.first_name or "" for _, buddy in links if buddy.status is not ParticipantStatus.LEFT
    )


@dataclass(frozen=True)
class ClientDetails:
    """What a professional sees about one client."""

    participant_id: int
    first_name: str
    status: ParticipantStatus
    invited_at: datetime
    joined_at: datetime | None
    consent_stands: bool
    buddies: tuple[str, ...]
    age_group: AgeGroup
    guardian_consent_at: datetime | None


async def client_details(session: AsyncSession, own: OwnClient) -> ClientDetails:
    """One client's details for their professional; the view is written to the audit log."""
    client = own.client
    await audit.add_audit_entry(
        session,
        actor_kind="professional",
        actor_id=own.professional.id,
        action="client.viewed",
        subject_kind="participant",
        subject_id=client.id,
    )
    stopped = client.consent_withdrawn_at is not None
    return ClientDetails(
        client.id,
        client.first_name or "",
        ParticipantStatus.LEFT if stopped else client.status,
        client.created_at,
        client.consent_given_at,
        consent_stands(client),
        () if stopped else await _buddy_names(session, client.id),
        client.age_group,
        client.guardian_consent_at,
    )
