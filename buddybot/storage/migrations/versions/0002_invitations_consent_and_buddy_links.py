"""Invitations, consent and buddy links; each participant's professional.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "awaited_answer",
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_awaited_answer")),
    )
    op.create_table(
        "failed_code_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_code_attempt")),
    )
    with op.batch_alter_table("failed_code_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failed_code_attempt_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_failed_code_attempt_telegram_user_hash"),
            ["telegram_user_hash"],
            unique=False,
        )

    op.create_table(
        "buddy_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buddy_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buddy_id"],
            ["participant.id"],
            name=op.f("fk_buddy_link_buddy_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["participant.id"],
            name=op.f("fk_buddy_link_client_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_link")),
        sa.UniqueConstraint("buddy_id", "client_id", name=op.f("uq_buddy_link_buddy_id")),
    )
    with op.batch_alter_table("buddy_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buddy_link_buddy_id"), ["buddy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buddy_link_client_id"), ["client_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "professional",
                "client",
                "buddy",
                name="invitation_role",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["professional.id"],
            name=op.f("fk_invitation_created_by_id_professional"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_invitation_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professional.id"],
            name=op.f("fk_invitation_professional_id_professional"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invitation_code_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("professional_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_participant_professional_id"), ["professional_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_participant_professional_id_professional"),
            "professional",
            ["professional_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_participant_professional_id_professional"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_participant_professional_id"))
        batch_op.drop_column("consent_withdrawn_at")
        batch_op.drop_column("consent_given_at")
        batch_op.drop_column("professional_id")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_created_by_id"))

    op.drop_table("invitation")
    with op.batch_alter_table("buddy_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buddy_link_client_id"))
        batch_op.drop_index(batch_op.f("ix_buddy_link_buddy_id"))

    op.drop_table("buddy_link")
    with op.batch_alter_table("failed_code_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failed_code_attempt_telegram_user_hash"))
        batch_op.drop_index(batch_op.f("ix_failed_code_attempt_at"))

    op.drop_table("failed_code_attempt")
    op.drop_table("awaited_answer")
