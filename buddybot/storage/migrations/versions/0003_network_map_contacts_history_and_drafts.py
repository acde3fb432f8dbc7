"""Network map: contacts, their history of changes, and drafts being filled in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("circle", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("support_received", sa.JSON(), nullable=False),
        sa.Column("support_given", sa.JSON(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["participant.id"],
            name=op.f("fk_contact_client_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_client_id"), ["client_id"], unique=False)

    op.create_table(
        "contact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("by_kind", sa.String(length=16), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["participant.id"],
            name=op.f("fk_contact_change_client_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_change_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_change")),
    )
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_change_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_change_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "contact_draft",
        sa.Column("editor_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["participant.id"],
            name=op.f("fk_contact_draft_client_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_contact_draft_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("editor_telegram_id", name=op.f("pk_contact_draft")),
    )
    with op.batch_alter_table("contact_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_draft_client_id"), ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contact_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_draft_client_id"))

    op.drop_table("contact_draft")
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_change_contact_id"))
        batch_op.drop_index(batch_op.f("ix_contact_change_client_id"))

    op.drop_table("contact_change")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_client_id"))

    op.drop_table("contact")
