"""Organisations and their professionals, as the administrator manages them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.services import invitations
from buddybot.services.invitations import NewInvitation
from buddybot.storage import repositories
from buddybot.storage.models import ParticipantRole, ProfessionalStatus

NAME_MAX = 200


class AdminError(Exception):
    """Something the administrator asked cannot be done; the message says why, in one line."""


async def create_organisation(session: AsyncSession, name: str) -> int:
    """Create an organisation and return its id."""
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= NAME_MAX:
        raise AdminError(f"An organisation name has 1 to {NAME_MAX} characters")
    if await repositories.organisation_by_name(session, clean) is not None:
        raise AdminError(f"There is already an organisation called {clean!r}")
    organisation = await repositories.add_organisation(session, clean)
    await repositories.add_audit_entry(
        session,
        actor_kind="admin",
        action="organisation.created",
        subject_kind="organisation",
        subject_id=organisation.id,
    )
    return organisation.id


async def invite_professional(
    session: AsyncSession, organisation_name: str, display_name: str, *, now: datetime, days: int
) -> NewInvitation:
    """Make a one-time link for a new professional of an existing organisation."""
    organisation = await repositories.organisation_by_name(session, organisation_name)
    if organisation is None:
        known = ", ".join(repr(o.name) for o in await repositories.organisations(session))
        raise AdminError(
            f"There is no organisation called {organisation_name!r}"
            + (
                f" (there is: {known})"
                if known
                else " (create it with `buddybot admin create-org`)"
            )
        )
    name = invitations.clean_name(display_name)
    if name is None:
        raise AdminError(f"A professional's name has 1 to {invitations.NAME_MAX} characters")
    return await invitations.invite_professional(session, organisation, name, now=now, days=days)


@dataclass(frozen=True)
class ProfessionalSummary:
    """A professional in the administrator's overview: name, status and caseload size."""

    display_name: str
    status: ProfessionalStatus
    clients: int
    buddies: int


@dataclass(frozen=True)
class OrganisationSummary:
    """An organisation in the administrator's overview."""

    name: str
    professionals: tuple[ProfessionalSummary, ...]


async def overview(session: AsyncSession) -> list[OrganisationSummary]:
    """Every organisation with its professionals and how many people each has (no names of
    clients or buddies: the administrator does not need them)."""
    summaries = []
    for organisation in await repositories.organisations(session):
        professionals = []
        for professional in await repositories.professionals_of(session, organisation.id):
            counts = await repositories.count_participants(session, professional.id)
            professionals.append(
                ProfessionalSummary(
                    professional.display_name,
                    professional.status,
                    counts[ParticipantRole.CLIENT],
                    counts[ParticipantRole.BUDDY],
                )
            )
        summaries.append(OrganisationSummary(organisation.name, tuple(professionals)))
    return summaries
