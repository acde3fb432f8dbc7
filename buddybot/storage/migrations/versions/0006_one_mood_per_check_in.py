"""One mood and at most one satisfaction answer per check-in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mood") as batch:
        batch.create_unique_constraint("uq_mood_checkin_id", ["checkin_id"])
    with op.batch_alter_table("satisfaction") as batch:
        batch.create_unique_constraint("uq_satisfaction_checkin_id", ["checkin_id"])


def downgrade() -> None:
    with op.batch_alter_table("satisfaction") as batch:
        batch.drop_constraint("uq_satisfaction_checkin_id", type_="unique")
    with op.batch_alter_table("mood") as batch:
        batch.drop_constraint("uq_mood_checkin_id", type_="unique")
