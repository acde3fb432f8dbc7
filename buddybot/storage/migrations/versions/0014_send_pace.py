"""Shared send pace: one row with the next free send slot, so several replicas on one
PostgreSQL database keep together within Telegram's overall limit (issue 16, item 9).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_pace",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_send_pace"),
    )


def downgrade() -> None:
    op.drop_table("send_pace")
