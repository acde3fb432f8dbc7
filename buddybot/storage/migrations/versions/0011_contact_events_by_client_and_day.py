"""Contact events indexed by client, day, contact and buddy (the weekly pass reads only the
index); the index on client alone is then redundant.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contact_event_client_days",
        "contact_event",
        ["client_id", "local_date", "contact_id", "buddy_id"],
    )
    op.drop_index("ix_contact_event_client_id", table_name="contact_event")


def downgrade() -> None:
    op.create_index("ix_contact_event_client_id", "contact_event", ["client_id"])
    op.drop_index("ix_contact_event_client_days", table_name="contact_event")
