"""Encrypted values bound to their row (issue 16, item 8): every table with encrypted columns
gets ``seal``, a random identity of the row, and each encrypted value is encrypted again with
its column and that seal as associated data (``crypto.in_row``), so a value copied or swapped
into another row no longer decrypts. Values come out with the current key.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

import secrets
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from buddybot.storage import crypto

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table with encrypted columns: its key, and (column, purpose) of each encrypted value.
_ENCRYPTED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "professional": (
        "id",
        [
            ("display_name", "professional.display_name"),
            ("telegram_user_secret", "professional.telegram_user_id"),
        ],
    ),
    "participant": (
        "id",
        [
            ("telegram_user_secret", "participant.telegram_user_id"),
            ("first_name", "participant.first_name"),
        ],
    ),
    "invitation": (
        "id",
        [("pending_telegram_user_secret", "invitation.pending_telegram_user_id")],
    ),
    "awaited_answer": ("telegram_user_id", [("data", "awaited_answer.data")]),
    "contact": ("id", [("label", "contact.label")]),
    "contact_change": ("id", [("snapshot", "contact_change.snapshot")]),
    "contact_draft": ("editor_telegram_id", [("data", "contact_draft.data")]),
    "checkin": ("id", [("data", "checkin.data")]),
    "meetup": ("id", [("note", "meetup.note")]),
    "outgoing_message": (
        "id",
        [
            ("chat_id", "outgoing_message.chat_id"),
            ("text", "outgoing_message.text"),
            ("buttons", "outgoing_message.buttons"),
        ],
    ),
}
_CHUNK = 2000


def upgrade() -> None:
    keyring = crypto.active()
    for table, (key, columns) in _ENCRYPTED.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("seal", sa.String(32), nullable=True))

        def bind(row: Any, columns: list[tuple[str, str]] = columns) -> dict[str, Any]:
            seal = secrets.token_hex(16)
            return {
                "seal": seal,
                **{
                    column: None
                    if row[column] is None
                    else keyring.encrypt(
                        keyring.decrypt(row[column], purpose), crypto.in_row(purpose, seal)
                    )
                    for column, purpose in columns
                },
            }

        _rewrite(table, key, [column for column, _ in columns], bind)
        with op.batch_alter_table(table) as batch:
            batch.alter_column("seal", existing_type=sa.String(32), nullable=False)


def downgrade() -> None:
    keyring = crypto.active()
    for table, (key, columns) in _ENCRYPTED.items():

        def unbind(row: Any, columns: list[tuple[str, str]] = columns) -> dict[str, Any]:
            return {
                column: None
                if row[column] is None
                else keyring.encrypt(
                    keyring.decrypt(row[column], crypto.in_row(purpose, row["seal"])), purpose
                )
                for column, purpose in columns
            }

        _rewrite(table, key, ["seal", *(column for column, _ in columns)], unbind)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("seal")


def _rewrite(
    table: str, key: str, read: list[str], convert: Callable[[Any], dict[str, Any]]
) -> None:
    """Set the columns ``convert`` returns for each row (given the ``read`` columns), in
    chunks in the order of the table's key (a region's check-in table has millions of
    rows)."""
    bind = op.get_bind()
    last = None
    while True:
        where = "" if last is None else f" WHERE {key} > :last"
        rows = list(
            bind.execute(
                sa.text(
                    f"SELECT {key}, {', '.join(read)} FROM {table}{where}"  # noqa: S608
                    f" ORDER BY {key} LIMIT {_CHUNK}"
                ),
                {"last": last},
            ).mappings()
        )
        if not rows:
            return
        parameters = [{"_key": row[key], **convert(row)} for row in rows]
        names = [name for name in parameters[0] if name != "_key"]
        bind.execute(
            sa.text(
                f"UPDATE {table} SET "  # noqa: S608 - our own table and column names
                + ", ".join(f"{name} = :{name}" for name in names)
                + f" WHERE {key} = :_key"
            ),
            parameters,
        )
        last = rows[-1][key]
