"""Network-strengthening actions (issue 18, item 3): what a professional set up for a client,
its work model, the life domain it aims at, its start and end; and an organisation's own list
of work models.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("work_model", sa.String(64), nullable=False),
        sa.Column("domain", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seal", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["participant.id"],
            name="fk_network_action_client_id_participant",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professional.id"],
            name="fk_network_action_professional_id_professional",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_network_action"),
    )
    op.create_index("ix_network_action_client_id", "network_action", ["client_id"])
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("work_models", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("work_models")
    op.drop_index("ix_network_action_client_id", table_name="network_action")
    op.drop_table("network_action")
