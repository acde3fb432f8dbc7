"""Organisations and their professionals, as the administrator manages them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.actions import WORK_MODEL_NAME_LIMIT, WORK_MODELS_LIMIT
from buddybot.roles import ParticipantRole, ProfessionalRole, ProfessionalStatus
from buddybot.services import invitations
from buddybot.services.invitations import NewInvitation
from buddybot.storage import audit, people
from buddybot.storage.models import Organisation, Professional

NAME_MAX = 200


class AdminError(Exception):
    """Something the administrator asked cannot be done; the message says why, in one line."""


async def create_organisation(session: AsyncSession, name: str) -> int:
    """Create an organisation and return its id."""
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= NAME_MAX:
        raise AdminError(f"An organisation name has 1 to {NAME_MAX} characters")
    if await people.organisation_by_name(session, clean) is not None:
        raise AdminError(f"There is already an organisation called {clean!r}")
    organisation = await people.add_organisation(session, clean)
    await audit.add_audit_entry(
        session,
        actor_kind="admin",
        action="organisation.created",
        subject_kind="organisation",
        subject_id=organisation.id,
    )
    return organisation.id


RETENTION_RANGE = range(1, 121)  # months, as BUDDYBOT_RETENTION_MONTHS allows


async def set_work_models(session: AsyncSession, name: str, models: Sequence[str] | None) -> None:
    """The organisation's own list of work models for actions (None: the seven defaults of
    ``buddybot/actions.py``). Raises AdminError for an empty or too long list, a name that
    is empty or too long, or a name twice."""
    cleaned = None if models is None else [" ".join(model.split()) for model in models]
    if cleaned is not None:
        if not 1 <= len(cleaned) <= WORK_MODELS_LIMIT:
            raise AdminError(f"An organisation has 1 to {WORK_MODELS_LIMIT} work models")
        if any(not 1 <= len(model) <= WORK_MODEL_NAME_LIMIT for model in cleaned):
            raise AdminError(f"A work model's name has 1 to {WORK_MODEL_NAME_LIMIT} characters")
        if len({model.casefold() for model in cleaned}) < len(cleaned):
            raise AdminError("Each work model is named once")
    organisation = await existing_organisation(session, name)
    organisation.work_models = cleaned
    await audit.add_audit_entry(
        session,
        actor_kind="admin",
        action="organisation.work_models",
        subject_kind="organisation",
        subject_id=organisation.id,
        detail={"count": None if cleaned is None else len(cleaned)},
    )


async def set_retention(session: AsyncSession, name: str, months: int | None) -> None:
    """How long this organisation keeps answers (None: the deployment's default)."""
    if months is not None and months not in RETENTION_RANGE:
        raise AdminError("Retention is 1 to 120 months")
    organisation = await existing_organisation(session, name)
    organisation.retention_months = months
    await audit.add_audit_entry(
        session,
        actor_kind="admin",
        action="organisation.retention",
        subject_kind="organisation",
        subject_id=organisation.id,
        detail={"months": months},
    )


async def existing_organisation(session: AsyncSession, name: str) -> Organisation:
    """The organisation with this name (spaces as create-org normalised them); AdminError
    naming the known ones otherwise."""
    organisation = await people.organisation_by_name(session, " ".join(name.split()))
    if organisation is None:
        known = ", ".join(repr(o.name) for o in await people.organisations(session))
        raise AdminError(
            f"There is no organisation called {name!r}"
            + (
                f" (there is: {known})"
                if known
                else " (create it with `buddybot admin create-org`)"
            )
        )
    return organisation


async def invite_professional(
    session: AsyncSession, organisation_name: str, display_name: str, *, now: datetime, days: int
) -> NewInvitation:
    """Make a one-time link for a new professional of an existing organisation."""
    organisation = await existing_organisation(session, organisation_name)
    name = invitations.clean_name(display_name)
    if name is None:
        raise AdminError(f"A professional's name has 1 to {invitations.NAME_MAX} characters")
    return await invitations.invite_professional(session, organisation, name, now=now, days=days)


async def invite_coordinator(
    session: AsyncSession, organisation_name: str, display_name: str, *, now: datetime, days: int
) -> NewInvitation:
    """Make a one-time link for a coordinator (teamverantwoordelijke) of an existing
    organisation: they join as a professional does, and see the organisation's figures."""
    organisation = await existing_organisation(session, organisation_name)
    name = invitations.clean_name(display_name)
    if name is None:
        raise AdminError(f"A coordinator's name has 1 to {invitations.NAME_MAX} characters")
    return await invitations.invite_professional(
        session, organisation, name, now=now, days=days, role=ProfessionalRole.COORDINATOR
    )


@dataclass(frozen=True)
class ProfessionalSummary:
    """A professional in the administrator's overview: name, status and caseload size;
    ``added`` (the day they were invited) only when a colleague has the same name, to tell
    them apart."""

    professional_id: int
    display_name: str
    status: ProfessionalStatus
    clients: int
    buddies: int
    added: date | None = None
    role: ProfessionalRole = ProfessionalRole.PROFESSIONAL


@dataclass(frozen=True)
class OrganisationSummary:
    """An organisation in the administrator's overview."""

    name: str
    professionals: tuple[ProfessionalSummary, ...]


async def overview(session: AsyncSession) -> list[OrganisationSummary]:
    """Every organisation with its professionals and how many people each has (no names of
    clients or buddies: the administrator does not need them)."""
    summaries = []
    for organisation in await people.organisations(session):
        colleagues = await people.professionals_of(session, organisation.id)
        professionals = [await _summary(session, p, colleagues) for p in colleagues]
        summaries.append(OrganisationSummary(organisation.name, tuple(professionals)))
    return summaries


async def _summary(
    session: AsyncSession, professional: Professional, colleagues: list[Professional]
) -> ProfessionalSummary:
    counts = await people.count_participants(session, professional.id)
    namesakes = [p for p in colleagues if p.display_name == professional.display_name]
    return ProfessionalSummary(
        professional.id,
        professional.display_name,
        professional.status,
        counts[ParticipantRole.CLIENT],
        counts[ParticipantRole.BUDDY],
        professional.created_at.date() if len(namesakes) > 1 else None,
        professional.role,
    )


@dataclass(frozen=True)
class Moved:
    """A client or buddy who now has another professional, and how to reach them."""

    telegram_user_id: int | None
    language: str | None
    participant_id: int | None = None


@dataclass(frozen=True)
class Transfer:
    """The result of moving a caseload from a professional who leaves to a colleague."""

    from_name: str
    to_name: str
    to_telegram_id: int | None
    to_language: str | None
    moved: tuple[Moved, ...]


async def _professional(
    session: AsyncSession, organisation_id: int, reference: str
) -> Professional:
    """A professional of the organisation by the number `admin list` shows (``3`` or
    ``#3``: a bare ``#3`` is a comment to the shell) or by exact display name. Names may
    repeat, so a shared one is refused with the numbers and what tells them apart. A
    coordinator has no caseload: not one of them."""
    candidates = [
        professional
        for professional in await people.professionals_of(session, organisation_id)
        if professional.role is ProfessionalRole.PROFESSIONAL
    ]
    number = reference.strip().removeprefix("#")
    if number.isdigit():
        found = [p for p in candidates if p.id == int(number)]
    else:
        found = [p for p in candidates if p.display_name == " ".join(reference.split())]
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(f"{p.id} {p.display_name}" for p in candidates) or "none yet"
        raise AdminError(
            f"No professional {reference!r} in this organisation (there is: {known}); "
            "give a name or number from `buddybot admin list`"
        )
    choices = []
    for professional in found:
        summary = await _summary(session, professional, found)
        choices.append(
            f"{summary.professional_id} ({summary.status.value}, added {summary.added}, "
            f"{summary.clients} clients)"
        )
    raise AdminError(
        f"Several professionals are called {reference!r}: {'; '.join(choices)}; "
        f"give the number instead of the name (e.g. {found[0].id})"
    )


async def transfer_caseload(
    session: AsyncSession, organisation_name: str, from_reference: str, to_reference: str
) -> Transfer:
    """Move every client and buddy of a professional who leaves to a colleague of the same
    organisation; the one who leaves is marked as left."""
    organisation = await existing_organisation(session, organisation_name)
    leaving = await _professional(session, organisation.id, from_reference)
    taking_over = await _professional(session, organisation.id, to_reference)
    if leaving.id == taking_over.id:
        raise AdminError("The caseload would move to the same professional")
    if taking_over.status is ProfessionalStatus.LEFT:
        raise AdminError(f"{taking_over.display_name} has left; choose someone still working")
    return await move_caseload(session, leaving, taking_over)


async def move_caseload(
    session: AsyncSession,
    leaving: Professional,
    taking_over: Professional,
    *,
    actor_kind: str = "admin",
    actor_id: int | None = None,
) -> Transfer:
    """Move every client and buddy of ``leaving`` to ``taking_over`` (checked by the caller:
    two professionals of one organisation, the second still working) and mark ``leaving``
    as left; each move is in the audit log with who did it (``actor_kind``, ``actor_id``)."""
    moved = []
    for role in ParticipantRole:
        for participant in await people.participants_of_professional(session, leaving.id, role):
            participant.professional_id = taking_over.id
            withdrawn = participant.consent_withdrawn_at is not None
            moved.append(
                Moved(
                    None if withdrawn else participant.telegram_user_id,
                    participant.language,
                    participant.id,
                )
            )
            await audit.add_audit_entry(
                session,
                actor_kind=actor_kind,
                actor_id=actor_id,
                action="participant.transferred",
                subject_kind="participant",
                subject_id=participant.id,
                detail={"from_professional": leaving.id, "to_professional": taking_over.id},
            )
    leaving.status = ProfessionalStatus.LEFT
    return Transfer(
        leaving.display_name,
        taking_over.display_name,
        taking_over.telegram_user_id,
        taking_over.language,
        tuple(moved),
    )
