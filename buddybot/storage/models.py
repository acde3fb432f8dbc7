"""The tables of BuddyBot as typed SQLAlchemy models.

Every change to these models needs an Alembic migration in ``storage/migrations/versions``;
a test compares the models with the migrated database on SQLite and PostgreSQL.

Naming: a model is its table's name in CamelCase (``contact`` → ``Contact``, ``audit_log`` →
``AuditLog``). Where a pure type of the same name exists (``network.Contact``,
``schedule.Rhythm``, what services pass around), a module that needs both calls the row
``models.Contact``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from buddybot.clock import utcnow
from buddybot.roles import (
    DEFAULT_TIME_ZONE,
    AgeGroup,
    InvitationRole,
    ParticipantRole,
    ParticipantStatus,
    ProfessionalRole,
    ProfessionalStatus,
)
from buddybot.storage.columns import (
    Encrypted,
    EncryptedInt,
    EncryptedJSON,
    RowSealed,
    TelegramLookup,
    UtcDateTime,
    telegram_id,
)

# Stable constraint names, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(enum_class: type[StrEnum], name: str) -> Enum:
    # Stored as short strings with a CHECK constraint: portable and readable in a SQL console.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    """Base class of all models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    """A care organisation that deploys BuddyBot for its professionals."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # How long this organisation keeps answers (youth care may keep them shorter); None:
    # BUDDYBOT_RETENTION_MONTHS.
    retention_months: Mapped[int | None] = mapped_column()
    # The organisation's own list of work models for actions, in its words; None: the seven
    # of the poverty research (``buddybot/actions.py``).
    work_models: Mapped[list[str] | None] = mapped_column(JSON)

    professionals: Mapped[list[Professional]] = relationship(back_populates="organisation")


class Professional(RowSealed, Base):
    """A social worker, coach or caseworker (begeleider) who uses the bot."""

    __tablename__ = "professional"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(Encrypted("professional.display_name"))
    telegram_user_hash: Mapped[str | None] = mapped_column(TelegramLookup, unique=True)
    telegram_user_secret: Mapped[int | None] = mapped_column(
        EncryptedInt("professional.telegram_user_id")
    )
    telegram_user_id = telegram_id("telegram_user_hash", "telegram_user_secret")
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    # When the weekly digest comes, in their local time (0 = Monday).
    digest_weekday: Mapped[int] = mapped_column(default=0, server_default="0")
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    status: Mapped[ProfessionalStatus] = mapped_column(
        _enum(ProfessionalStatus, "professional_status"), default=ProfessionalStatus.INVITED
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A coordinator sees the organisation's figures (no caseload, no client names); their
    # monthly digest comes on the 1st at ``digest_time``.
    role: Mapped[ProfessionalRole] = mapped_column(
        _enum(ProfessionalRole, "professional_role"),
        default=ProfessionalRole.PROFESSIONAL,
        server_default="professional",
    )

    organisation: Mapped[Organisation] = relationship(back_populates="professionals")


class Participant(RowSealed, Base):
    """A client or a buddy: someone a professional invited to answer check-ins or log meetups."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole, "participant_role"))
    telegram_user_hash: Mapped[str | None] = mapped_column(TelegramLookup, unique=True)
    telegram_user_secret: Mapped[int | None] = mapped_column(
        EncryptedInt("participant.telegram_user_id")
    )
    telegram_user_id = telegram_id("telegram_user_hash", "telegram_user_secret")
    first_name: Mapped[str | None] = mapped_column(Encrypted("participant.first_name"))
    language: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE)
    status: Mapped[ParticipantStatus] = mapped_column(
        _enum(ParticipantStatus, "participant_status"), default=ParticipantStatus.INVITED
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # The professional responsible for this person now (hand-overs are in the audit log).
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="SET NULL"), index=True
    )
    consent_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    age_group: Mapped[AgeGroup] = mapped_column(
        _enum(AgeGroup, "age_group"), default=AgeGroup.ADULT, server_default="adult"
    )
    # When the professional confirmed a parent's or guardian's consent (needed under 13).
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BuddyLink(Base):
    """A buddy who supports a client; the client agrees to the buddy seeing what they log."""

    __tablename__ = "buddy_link"
    __table_args__ = (UniqueConstraint("buddy_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buddy_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    client_agreed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Invitation(RowSealed, Base):
    """A one-time join link. Only a hash of the code is stored: the code itself is shown once."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[InvitationRole] = mapped_column(_enum(InvitationRole, "invitation_role"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Who created it: a professional, or nobody (an administrator on the command line).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), index=True
    )
    # Who it is for: the record made when inviting, filled in when the person joins.
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The person who opened the link and has not yet agreed: the only thing kept about them.
    pending_telegram_user_hash: Mapped[str | None] = mapped_column(TelegramLookup)
    pending_telegram_user_secret: Mapped[int | None] = mapped_column(
        EncryptedInt("invitation.pending_telegram_user_id")
    )
    pending_telegram_user_id = telegram_id(
        "pending_telegram_user_hash", "pending_telegram_user_secret"
    )
    pending_since: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FailedCodeAttempt(Base):
    """A wrong invitation code, kept an hour or so to slow down guessing.

    The Telegram id is stored hashed: enough to count one person's attempts.
    """

    __tablename__ = "failed_code_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class AwaitedAnswer(RowSealed, Base):
    """A question the bot asked and expects typed text for (e.g. a first name).

    Conversation state lives here rather than in memory, so a restart or another replica
    knows what the person is answering.
    """

    __tablename__ = "awaited_answer"

    telegram_user_id: Mapped[Any] = mapped_column(TelegramLookup, primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("awaited_answer.data"), default=dict)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditLog(Base):
    """One line of the audit log: who did what to which record, and when.

    Holds ids and action names only, never names or message texts, so it can be kept after
    a person's data is erased. Append-only (database triggers refuse changes) and
    hash-chained: each line carries the hash of the line before it, so a changed or removed
    line shows (``audit.broken_audit_line``).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str | None] = mapped_column(String(16))
    subject_id: Mapped[int | None] = mapped_column()
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class Contact(RowSealed, Base):
    """One entry of a client's network map as it stands now (see ``buddybot.network``).

    ``removed_at`` is set when the client takes the contact off the map; the history in
    ``contact_change`` keeps what it was, so earlier maps can be rebuilt.
    """

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Encrypted("contact.label"))
    circle: Mapped[int] = mapped_column()
    domain: Mapped[str] = mapped_column(String(16))
    support_received: Mapped[list[str]] = mapped_column(JSON, default=list)
    support_given: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContactChange(RowSealed, Base):
    """One change of a client's map: what the contact looked like afterwards, who changed it."""

    __tablename__ = "contact_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    change: Mapped[str] = mapped_column(String(16))
    # The contact after the change (kind, label, circle, domain, support, frequency); None
    # when it was removed.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(
        EncryptedJSON("contact_change.snapshot")
    )
    by_kind: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column()


class ContactDraft(RowSealed, Base):
    """A contact being added or changed, step by step, by the client or their professional.

    Kept in the database so what was typed so far survives a restart or another replica.
    """

    __tablename__ = "contact_draft"

    editor_telegram_id: Mapped[Any] = mapped_column(TelegramLookup, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("contact_draft.data"), default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Rhythm(Base):
    """When someone is asked: weekdays and a local time (their time zone is on the
    participant), how long until one reminder, how long an answer is welcome, any pause."""

    __tablename__ = "rhythm"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    weekdays: Mapped[str] = mapped_column(String(16))  # "0,3": Monday and Thursday
    local_time: Mapped[str] = mapped_column(String(5))  # "18:00"
    reminder_after_minutes: Mapped[int] = mapped_column(default=180)
    answer_window_hours: Mapped[int] = mapped_column(default=24)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Slots up to this moment have been turned into check-in rows.
    checked_until: Mapped[datetime] = mapped_column(UtcDateTime)


class CheckinStatus(StrEnum):
    """Where one prompt stands."""

    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    REMINDED = "reminded"
    ANSWERED = "answered"
    EXPIRED = "expired"
    SKIPPED = "skipped"
    FAILED = "failed"


class Checkin(RowSealed, Base):
    """One prompt to one participant for one slot of their rhythm, and what became of it.

    (participant, slot) is unique, so materialising twice (a restart, a second replica)
    cannot make a second prompt. A check-in started with /checkin has its own moment as slot.
    """

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("participant_id", "slot_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    slot_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[CheckinStatus] = mapped_column(
        _enum(CheckinStatus, "checkin_status"), default=CheckinStatus.SCHEDULED, index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(default=0)
    # Telegram had a passing problem: the prompt (or its reminder) is tried again from then.
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Where the person is in the check-in conversation, and what they chose so far.
    step: Mapped[str | None] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("checkin.data"), default=dict)


class Mood(Base):
    """How someone felt, on five faces (1 = 😞 … 5 = 😄), from a check-in (one per check-in:
    the weekly figures sum check-ins and their moods in one join)."""

    __tablename__ = "mood"
    __table_args__ = (UniqueConstraint("checkin_id", name="uq_mood_checkin_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkin.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column()


class ContactEvent(Base):
    """A client was in touch with a contact of their network on a day: from a check-in
    (reported by the client) or a meetup (reported by the buddy)."""

    __tablename__ = "contact_event"
    # The weekly pass reads a year of events per client and groups them by day and contact:
    # with all four columns in the index it never touches the table (on 20,000 clients ×
    # 52 weeks on SQLite: 2.4 s → 0.17 s per 2,000 clients). It also serves client_id alone.
    __table_args__ = (
        Index("ix_contact_event_client_days", "client_id", "local_date", "contact_id", "buddy_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    # A contact of the client's map, or (from a meetup) their buddy, who need not be on it.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    buddy_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkin.id", ondelete="CASCADE"))
    meetup_id: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    mode: Mapped[str | None] = mapped_column(String(16))  # in_person, call, message
    reported_by: Mapped[str] = mapped_column(String(16))  # client or buddy


class Satisfaction(Base):
    """How satisfied a client is with their contacts, on five faces (the L.ink outcome); at
    most one per check-in."""

    __tablename__ = "satisfaction"
    __table_args__ = (UniqueConstraint("checkin_id", name="uq_satisfaction_checkin_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkin.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column()


class Meetup(RowSealed, Base):
    """A buddy's meetup with a client: when, what they did, how long, how it went, a note.

    While the buddy fills it in, ``step`` says where they are; a saved meetup has no step.
    """

    __tablename__ = "meetup"

    id: Mapped[int] = mapped_column(primary_key=True)
    buddy_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str | None] = mapped_column(String(16))
    local_date: Mapped[date | None] = mapped_column(Date)
    activity: Mapped[str | None] = mapped_column(String(16))
    duration_minutes: Mapped[int | None] = mapped_column()
    how_it_went: Mapped[int | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Encrypted("meetup.note"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NetworkAction(RowSealed, Base):
    """A network-strengthening action (netwerkversterkende actie) a professional set up for a
    client: what, its work model, the life domain it aims at, and when (``buddybot/actions.py``
    reads its effect)."""

    __tablename__ = "network_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="SET NULL")
    )
    label: Mapped[str] = mapped_column(Encrypted("network_action.label"))
    # A default work model's key, or the organisation's own name for it.
    work_model: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Digest(Base):
    """One weekly digest for one professional. (professional, week) is unique, so a second
    replica or a restart cannot send the same week twice; a claim whose sending did not
    finish within a few minutes (a crash) may be taken again."""

    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("professional_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[date] = mapped_column(Date)  # the Monday of the week it is about
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When it was settled: sent, or given up (see ``outcome``).
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Telegram had a passing problem: tried again from ``retry_at`` until ``not_after``.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    not_after: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    # A digest is a picture and a few messages: those sent are not sent again on a retry.
    parts_sent: Mapped[int] = mapped_column(default=0, server_default="0")


class OrganisationDigest(Base):
    """One monthly organisation digest for one coordinator. (coordinator, month) is unique,
    so a second replica or a restart cannot send the same month twice; as ``Digest``, a
    claim whose sending did not finish within a few minutes (a crash) may be taken again."""

    __tablename__ = "organisation_digest"
    __table_args__ = (UniqueConstraint("coordinator_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), index=True
    )
    month: Mapped[date] = mapped_column(Date)  # the first day of the month it is sent in
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When it was settled: sent, or given up (see ``outcome``).
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    not_after: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    # The picture and the texts: those sent are not sent again on a retry.
    parts_sent: Mapped[int] = mapped_column(default=0, server_default="0")


class OutgoingMessage(RowSealed, Base):
    """A message the bot starts that is not sent yet: a note to a professional, a client's
    message passed on, a buddy's question to a client, a transfer note. Written in the same
    transaction as the change it tells about, tried at once, and tried again with growing
    pauses after a passing Telegram problem, across restarts and replicas, until
    ``not_after``; gone once Telegram has it or cannot ever take it (issue 16, item 1)."""

    __tablename__ = "outgoing_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(EncryptedInt("outgoing_message.chat_id"))
    text: Mapped[str] = mapped_column(Encrypted("outgoing_message.text"))
    # Inline buttons as rows of [label, callback data]; [] for none.
    buttons: Mapped[list[Any]] = mapped_column(
        EncryptedJSON("outgoing_message.buttons"), default=list
    )
    # What it is, for the log: a kind, never personal data.
    what: Mapped[str] = mapped_column(String(64))
    # The recipient's own row, when they are a participant: their erasure takes it along.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    not_after: Mapped[datetime] = mapped_column(UtcDateTime)
    retry_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)


class HandledUpdate(Base):
    """A Telegram update whose changes are stored. Telegram delivers an update again after a
    restart or an unanswered webhook call; its second delivery must change nothing. Kept
    a few days (the daily purge): Telegram gives up on an update after 24 hours."""

    __tablename__ = "handled_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class SendPace(Base):
    """Telegram's overall limit (about 30 messages a second per bot), shared by every replica
    on one PostgreSQL database: one row holding the next free send slot, taken in turn by
    ``storage/pace.py`` (issue 16, item 9). Unused on SQLite (one process)."""

    __tablename__ = "send_pace"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime)
