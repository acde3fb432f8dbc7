"""Queries and writes on the people tables: organisations, professionals, clients and buddies,
and the links between buddies and clients. No Telegram types, no texts: just records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import (
    DEFAULT_TIME_ZONE,
    ParticipantRole,
    ParticipantStatus,
    ProfessionalRole,
    ProfessionalStatus,
)
from buddybot.storage.database import saved
from buddybot.storage.models import (
    BuddyLink,
    Organisation,
    Participant,
    Professional,
    Rhythm,
)


async def professional_by_telegram_id(
    session: AsyncSession, telegram_user_id: int
) -> Professional | None:
    """The professional who uses this Telegram account, if any."""
    return await session.scalar(
        select(Professional).where(Professional.telegram_user_id == telegram_user_id)
    )


async def participant_by_telegram_id(
    session: AsyncSession, telegram_user_id: int
) -> Participant | None:
    """The client or buddy who uses this Telegram account, if any."""
    return await session.scalar(
        select(Participant).where(Participant.telegram_user_id == telegram_user_id)
    )


async def organisation_by_name(session: AsyncSession, name: str) -> Organisation | None:
    """The organisation with exactly this name, if any."""
    return await session.scalar(select(Organisation).where(Organisation.name == name))


async def add_organisation(session: AsyncSession, name: str) -> Organisation:
    """Create an organisation."""
    return await saved(session, Organisation(name=name))


async def add_professional(
    session: AsyncSession,
    organisation: Organisation,
    display_name: str,
    *,
    telegram_user_id: int | None = None,
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    status: ProfessionalStatus = ProfessionalStatus.INVITED,
    role: ProfessionalRole = ProfessionalRole.PROFESSIONAL,
) -> Professional:
    """Create a professional (or, with ``role``, a coordinator) in an organisation."""
    return await saved(
        session,
        Professional(
            organisation_id=organisation.id,
            display_name=display_name,
            telegram_user_id=telegram_user_id,
            language=language,
            time_zone=time_zone,
            status=status,
            role=role,
        ),
    )


async def add_participant(
    session: AsyncSession,
    organisation: Organisation,
    role: ParticipantRole,
    *,
    first_name: str | None = None,
    telegram_user_id: int | None = None,
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    status: ParticipantStatus = ParticipantStatus.INVITED,
    professional_id: int | None = None,
) -> Participant:
    """Create a client or buddy in an organisation."""
    return await saved(
        session,
        Participant(
            organisation_id=organisation.id,
            role=role,
            first_name=first_name,
            telegram_user_id=telegram_user_id,
            language=language,
            time_zone=time_zone,
            status=status,
            professional_id=professional_id,
        ),
    )


async def organisation_by_id(session: AsyncSession, organisation_id: int) -> Organisation:
    """The organisation with this id (it must exist)."""
    return await session.get_one(Organisation, organisation_id)


async def organisations(session: AsyncSession) -> list[Organisation]:
    """Every organisation, by name."""
    return list(await session.scalars(select(Organisation).order_by(Organisation.name)))


async def professional_by_id(
    session: AsyncSession, professional_id: int | None
) -> Professional | None:
    """A professional by id (None for None)."""
    return None if professional_id is None else await session.get(Professional, professional_id)


async def professionals_of(session: AsyncSession, organisation_id: int) -> list[Professional]:
    """The professionals of an organisation, by name (sorted here: names are encrypted)."""
    found = await session.scalars(
        select(Professional).where(Professional.organisation_id == organisation_id)
    )
    return sorted(found, key=lambda professional: (professional.display_name, professional.id))


async def participant_by_id(
    session: AsyncSession, participant_id: int | None
) -> Participant | None:
    """A client or buddy by id (None for None)."""
    return None if participant_id is None else await session.get(Participant, participant_id)


async def clients_of_organisation(session: AsyncSession, organisation_id: int) -> list[Participant]:
    """Every client of an organisation who has not left, oldest first."""
    return list(
        await session.scalars(
            select(Participant)
            .where(
                Participant.organisation_id == organisation_id,
                Participant.role == ParticipantRole.CLIENT,
                Participant.status != ParticipantStatus.LEFT,
            )
            .order_by(Participant.created_at, Participant.id)
        )
    )


async def participants_of_professional(
    session: AsyncSession, professional_id: int, role: ParticipantRole
) -> list[Participant]:
    """A professional's clients (or buddies), oldest first; people who left are left out."""
    return list(
        await session.scalars(
            select(Participant)
            .where(
                Participant.professional_id == professional_id,
                Participant.role == role,
                Participant.status != ParticipantStatus.LEFT,
            )
            .order_by(Participant.created_at, Participant.id)
        )
    )


async def count_participants(
    session: AsyncSession, professional_id: int
) -> dict[ParticipantRole, int]:
    """How many clients and buddies a professional has (people who left not counted)."""
    rows = await session.execute(
        select(Participant.role, func.count())
        .where(
            Participant.professional_id == professional_id,
            Participant.status != ParticipantStatus.LEFT,
        )
        .group_by(Participant.role)
    )
    counts = {role: 0 for role in ParticipantRole}
    counts.update({role: count for role, count in rows.all()})
    return counts


async def add_buddy_link(
    session: AsyncSession, buddy: Participant, client: Participant
) -> BuddyLink:
    """Link a buddy to a client (the client has not agreed yet)."""
    return await saved(session, BuddyLink(buddy_id=buddy.id, client_id=client.id))


async def buddy_link_by_id(session: AsyncSession, link_id: int) -> BuddyLink | None:
    """A buddy link by id."""
    return await session.get(BuddyLink, link_id)


async def delete_buddy_link(session: AsyncSession, link: BuddyLink) -> None:
    """Remove a buddy link (the client said no)."""
    await session.delete(link)


async def buddy_links_of_buddy(
    session: AsyncSession, buddy_id: int
) -> list[tuple[BuddyLink, Participant]]:
    """A buddy's links with the client on the other end."""
    rows = await session.execute(
        select(BuddyLink, Participant)
        .join(Participant, Participant.id == BuddyLink.client_id)
        .where(BuddyLink.buddy_id == buddy_id)
        .order_by(BuddyLink.id)
    )
    return list(rows.all())


async def buddy_links_of_client(
    session: AsyncSession, client_id: int
) -> list[tuple[BuddyLink, Participant]]:
    """A client's links with the buddy on the other end."""
    rows = await session.execute(
        select(BuddyLink, Participant)
        .join(Participant, Participant.id == BuddyLink.buddy_id)
        .where(BuddyLink.client_id == client_id)
        .order_by(BuddyLink.id)
    )
    return list(rows.all())


async def participants_withdrawn_before(
    session: AsyncSession, before: datetime
) -> list[Participant]:
    """Clients and buddies who withdrew their consent before ``before``."""
    return list(
        await session.scalars(
            select(Participant)
            .where(Participant.consent_withdrawn_at < before)
            # Replicas purging at the same moment each take different people (PostgreSQL).
            .with_for_update(skip_locked=True)
        )
    )


async def invited_buddies_only_for(session: AsyncSession, client_id: int) -> list[Participant]:
    """Buddies invited for this client who never joined and support nobody else: records
    made for the client alone."""
    elsewhere = select(BuddyLink.buddy_id).where(BuddyLink.client_id != client_id).scalar_subquery()
    return list(
        await session.scalars(
            select(Participant)
            .join(BuddyLink, BuddyLink.buddy_id == Participant.id)
            .where(
                BuddyLink.client_id == client_id,
                Participant.status == ParticipantStatus.INVITED,
                Participant.id.not_in(elsewhere),
            )
        )
    )


async def delete_participant(session: AsyncSession, participant: Participant) -> None:
    """Hard-delete a client or buddy; the database cascades to their links and invitations."""
    await session.delete(participant)
    await session.flush()


async def rhythm_of_participant(session: AsyncSession, participant_id: int) -> Rhythm | None:
    """The stored check-in rhythm of a participant, if they have one."""
    return await session.get(Rhythm, participant_id)


async def add_rhythm(
    session: AsyncSession, participant_id: int, weekdays: str, local_time: str, now: datetime
) -> None:
    """Store a participant's first rhythm (``weekdays`` as "0,3"), checked up to ``now``."""
    session.add(
        Rhythm(
            participant_id=participant_id,
            weekdays=weekdays,
            local_time=local_time,
            checked_until=now,
        )
    )
    await session.flush()
