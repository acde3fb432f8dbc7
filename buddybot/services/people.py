"""Who is talking to the bot, and what they prefer. Rules only: no Telegram types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.i18n import LANGUAGES, pick_language
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalRole, ProfessionalStatus
from buddybot.storage import audit, people
from buddybot.storage.database import Database
from buddybot.storage.models import Participant, Professional


class Role(StrEnum):
    """What a person may do in the bot."""

    UNKNOWN = "unknown"
    CLIENT = "client"
    BUDDY = "buddy"
    PROFESSIONAL = "professional"
    COORDINATOR = "coordinator"  # sees the organisation's figures, no client names


@dataclass(frozen=True)
class Person:
    """The person behind a Telegram account, as far as BuddyBot knows them."""

    role: Role
    record_id: int | None = None
    first_name: str | None = None
    language: str | None = None
    # A client or buddy who said /stop: still known during the grace period, but not asked
    # anything and not seen by their professional.
    consent_withdrawn: bool = False
    # Marked unreachable (blocked the bot); writing again makes them reachable.
    unreachable: bool = False

    @property
    def is_known(self) -> bool:
        """True for anyone who joined through an invitation."""
        return self.role is not Role.UNKNOWN


UNKNOWN = Person(Role.UNKNOWN)


async def account(
    session: AsyncSession, telegram_user_id: int
) -> Professional | Participant | None:
    """The record behind a Telegram account; people who left count as unknown again."""
    professional = await people.professional_by_telegram_id(session, telegram_user_id)
    if professional is not None and professional.status is not ProfessionalStatus.LEFT:
        return professional
    participant = await people.participant_by_telegram_id(session, telegram_user_id)
    if participant is not None and participant.status is not ParticipantStatus.LEFT:
        return participant
    return None


def _person(record: Professional | Participant | None) -> Person:
    if isinstance(record, Professional):
        coordinator = record.role is ProfessionalRole.COORDINATOR
        role = Role.COORDINATOR if coordinator else Role.PROFESSIONAL
        return Person(role, record.id, record.display_name, record.language)
    if isinstance(record, Participant):
        role = Role.CLIENT if record.role is ParticipantRole.CLIENT else Role.BUDDY
        withdrawn = record.consent_withdrawn_at is not None
        unreachable = record.status is ParticipantStatus.UNREACHABLE
        return Person(role, record.id, record.first_name, record.language, withdrawn, unreachable)
    return UNKNOWN


async def identify(session: AsyncSession, telegram_user_id: int) -> Person:
    """Find who a Telegram account belongs to."""
    return _person(await account(session, telegram_user_id))


def language_of(person: Person, telegram_language_code: str | None, default: str) -> str:
    """The language to speak: their own choice, else their Telegram app's, else the default."""
    if person.language in LANGUAGES:
        return person.language
    return pick_language(telegram_language_code, default)


async def choose_language(
    session: AsyncSession, telegram_user_id: int, language: str
) -> Person | None:
    """Remember someone's language and return them; None for unknown people (nothing stored)."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    record = await account(session, telegram_user_id)
    if record is None:
        return None
    record.language = language
    person = _person(record)
    await audit.add_audit_entry(
        session,
        actor_kind=person.role.value,
        actor_id=person.record_id,
        action="language.changed",
        detail={"language": language},
    )
    return person


async def set_language(database: Database, telegram_user_id: int, language: str) -> Person | None:
    """:func:`choose_language` in a transaction of its own (the language buttons)."""
    async with database.transaction() as session:
        return await choose_language(session, telegram_user_id, language)
