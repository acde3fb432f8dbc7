"""Weekly digest: when each professional gets it, and one row per professional and week.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("professional") as batch:
        batch.add_column(
            sa.Column("digest_weekday", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("digest_time", sa.String(length=5), nullable=False, server_default="09:00")
        )
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["professional_id"], ["professional.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("professional_id", "week"),
    )
    op.create_index("ix_digest_professional_id", "digest", ["professional_id"])


def downgrade() -> None:
    op.drop_index("ix_digest_professional_id", table_name="digest")
    op.drop_table("digest")
    with op.batch_alter_table("professional") as batch:
        batch.drop_column("digest_time")
        batch.drop_column("digest_weekday")
