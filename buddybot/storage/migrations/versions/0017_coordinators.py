"""Coordinators (issue 18, item 6): a role on the professional's row (a coordinator sees the
organisation's figures without client names), and one row per coordinator and month for the
monthly organisation digest, so it goes out once.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("professional") as batch:
        batch.add_column(
            sa.Column(
                "role",
                sa.Enum(
                    "professional",
                    "coordinator",
                    name="professional_role",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=False,
                server_default="professional",
            )
        )
    op.create_table(
        "organisation_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["professional.id"],
            name="fk_organisation_digest_coordinator_id_professional",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_organisation_digest"),
        sa.UniqueConstraint(
            "coordinator_id", "month", name="uq_organisation_digest_coordinator_id"
        ),
    )
    op.create_index(
        "ix_organisation_digest_coordinator_id", "organisation_digest", ["coordinator_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_organisation_digest_coordinator_id", table_name="organisation_digest")
    op.drop_table("organisation_digest")
    with op.batch_alter_table("professional") as batch:
        batch.drop_constraint(op.f("ck_professional_professional_role"), type_="check")
        batch.drop_column("role")
