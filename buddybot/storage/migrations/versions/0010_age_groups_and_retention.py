"""Age groups and a guardian's consent for participants; retention per organisation.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(
            sa.Column(
                "age_group",
                sa.Enum(
                    "adult",
                    "teen",
                    "child",
                    name="age_group",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=False,
                server_default="adult",
            )
        )
        batch.add_column(
            sa.Column("guardian_consent_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("retention_months")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("guardian_consent_at")
        batch.drop_constraint(op.f("ck_participant_age_group"), type_="check")
        batch.drop_column("age_group")
