"""Durable sending: messages the bot starts wait in ``outgoing_message`` until Telegram has
them; prompts and digests hit by a passing Telegram problem are tried again from
``retry_at`` (digests until ``not_after``, with their ``outcome`` and the parts already
sent kept).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outgoing_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("what", sa.String(64), nullable=False),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey(
                "participant.id",
                ondelete="CASCADE",
                name="fk_outgoing_message_participant_id_participant",
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outgoing_message"),
    )
    op.create_index("ix_outgoing_message_participant_id", "outgoing_message", ["participant_id"])
    op.create_index("ix_outgoing_message_retry_at", "outgoing_message", ["retry_at"])
    with op.batch_alter_table("checkin") as table:
        table.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("digest") as table:
        table.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("not_after", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("outcome", sa.String(16), nullable=True))
        table.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("digest") as table:
        table.drop_column("parts_sent")
        table.drop_column("outcome")
        table.drop_column("not_after")
        table.drop_column("retry_at")
        table.drop_column("attempts")
    with op.batch_alter_table("checkin") as table:
        table.drop_column("retry_at")
    op.drop_index("ix_outgoing_message_retry_at", table_name="outgoing_message")
    op.drop_index("ix_outgoing_message_participant_id", table_name="outgoing_message")
    op.drop_table("outgoing_message")
