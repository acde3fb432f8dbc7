"""The audit log becomes append-only and hash-chained.

Existing lines are chained in their order; database triggers refuse any change or removal.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from buddybot.storage.audit import AUDIT_GENESIS, audit_hash
from buddybot.storage.columns import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSAL = "the audit log is append-only"


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    # The table as this migration knows it (not the model, which may change later).
    table = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", UtcDateTime()),
        sa.column("actor_kind", sa.String()),
        sa.column("actor_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("subject_kind", sa.String()),
        sa.column("subject_id", sa.Integer()),
        sa.column("detail", sa.JSON()),
        sa.column("previous_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    previous = AUDIT_GENESIS
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings().all():
        fields = [row[name] for name in ("actor_kind", "actor_id", "action")]
        fields += [row[name] for name in ("subject_kind", "subject_id", "detail")]
        entry_hash = audit_hash(previous, row["at"], fields)
        bind.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(previous_hash=previous, entry_hash=entry_hash)
        )
        previous = entry_hash
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_REFUSAL}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("entry_hash")
        batch.drop_column("previous_hash")
