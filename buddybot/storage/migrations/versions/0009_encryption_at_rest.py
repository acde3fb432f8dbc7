"""Encryption at rest: names, contact labels, notes, the check-in and draft states (which
hold typed messages) and Telegram user ids are stored encrypted; Telegram user ids also as
a keyed hash for look-ups (``storage/crypto.py``). Existing values are encrypted with the
keys the bot starts with.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

import json
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from buddybot.storage import crypto

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Texts and JSON documents that become encrypted text: (table, column, purpose, JSON?).
_CONTENT = [
    ("professional", "display_name", "professional.display_name", False),
    ("participant", "first_name", "participant.first_name", False),
    ("contact", "label", "contact.label", False),
    ("contact_change", "snapshot", "contact_change.snapshot", True),
    ("contact_draft", "data", "contact_draft.data", True),
    ("awaited_answer", "data", "awaited_answer.data", True),
    ("checkin", "data", "checkin.data", True),
    ("meetup", "note", "meetup.note", False),
]
# Telegram user ids that move to a hash and an encrypted copy: (table, old, hash, secret).
_IDS = [
    ("professional", "telegram_user_id", "telegram_user_hash", "telegram_user_secret"),
    ("participant", "telegram_user_id", "telegram_user_hash", "telegram_user_secret"),
    (
        "invitation",
        "pending_telegram_user_id",
        "pending_telegram_user_hash",
        "pending_telegram_user_secret",
    ),
]
_UNIQUE_IDS = ("professional", "participant")
# Telegram user ids that are a table's key and only looked up: they become the hash.
_KEYS = [("contact_draft", "editor_telegram_id"), ("awaited_answer", "telegram_user_id")]
_KEY_OF = dict(_KEYS)
_OLD_TYPES: dict[tuple[str, str], sa.types.TypeEngine[Any]] = {
    ("professional", "display_name"): sa.String(100),
    ("participant", "first_name"): sa.String(64),
    ("contact", "label"): sa.String(40),
    ("meetup", "note"): sa.String(1000),
}
_CHUNK = 2000


def upgrade() -> None:
    keyring = crypto.active()
    for table, column, _, _ in _CONTENT:
        _to_text(table, column)
    for table, column in _KEYS:
        _to_text(table, column, sa.String(64))
    for table, _, hashed, secret in _IDS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(hashed, sa.String(64), nullable=True))
            batch.add_column(sa.Column(secret, sa.Text(), nullable=True))

    def seal(purpose: str, is_json: bool) -> Callable[[Any], Any]:
        def convert(value: Any) -> Any:
            if value is None:
                return None
            if is_json:
                document = json.loads(value)
                return None if document is None else crypto.encrypt_json(document, purpose)
            return keyring.encrypt(value, purpose)

        return convert

    for table, column, purpose, is_json in _CONTENT:
        _rewrite(table, {column: seal(purpose, is_json)}, key=_KEY_OF.get(table, "id"))
    for table, column in _KEYS:
        _rewrite(table, {column: lambda v: keyring.lookup(int(v))}, key=column)
    for table, old, hashed, secret in _IDS:
        _copy_ids(table, old, hashed, secret, f"{table}.{old}")
    for table, old, hashed, _ in _IDS:
        with op.batch_alter_table(table) as batch:
            if table in _UNIQUE_IDS:
                batch.drop_constraint(f"uq_{table}_{old}", type_="unique")
                batch.create_unique_constraint(f"uq_{table}_{hashed}", [hashed])
            batch.drop_column(old)
    # Hashes of wrong invitation codes were not keyed; they last an hour: start afresh.
    op.execute("DELETE FROM failed_code_attempt")


def downgrade() -> None:
    keyring = crypto.active()
    for table, old, hashed, secret in _IDS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(old, sa.BigInteger(), nullable=True))
        _rewrite(table, {old: _opener(f"{table}.{old}", secret)}, whole_row=True)
        with op.batch_alter_table(table) as batch:
            if table in _UNIQUE_IDS:
                batch.drop_constraint(f"uq_{table}_{hashed}", type_="unique")
                batch.create_unique_constraint(f"uq_{table}_{old}", [old])
            batch.drop_column(hashed)
            batch.drop_column(secret)
    # The keyed hashes of look-up keys cannot be turned back into ids: drafts and waiting
    # questions (short-lived by design) are dropped.
    for table, column in _KEYS:
        op.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        _to_type(table, column, sa.BigInteger(), f"{column}::bigint")

    def unseal(purpose: str, is_json: bool) -> Callable[[Any], Any]:
        def convert(value: Any) -> Any:
            if value is None:
                return "null" if is_json else None
            return keyring.decrypt(value, purpose)

        return convert

    for table, column, purpose, is_json in _CONTENT:
        _rewrite(table, {column: unseal(purpose, is_json)}, key=_KEY_OF.get(table, "id"))
        if is_json:
            _to_type(table, column, sa.JSON(), f"{column}::json")
        else:
            _to_type(table, column, _OLD_TYPES[(table, column)], None)


def _opener(purpose: str, secret: str) -> Callable[[Any], int | None]:
    keyring = crypto.active()

    def open_(row: Any) -> int | None:
        return None if row[secret] is None else int(keyring.decrypt(row[secret], purpose))

    return open_


def _to_text(table: str, column: str, type_: sa.types.TypeEngine[Any] | None = None) -> None:
    _to_type(table, column, type_ or sa.Text(), f"{column}::text")


def _to_type(table: str, column: str, type_: sa.types.TypeEngine[Any], using: str | None) -> None:
    with op.batch_alter_table(table) as batch:
        if using:
            batch.alter_column(column, type_=type_, postgresql_using=using)
        else:
            batch.alter_column(column, type_=type_)


def _rewrite(
    table: str,
    converters: dict[str, Callable[[Any], Any]],
    *,
    key: str = "id",
    whole_row: bool = False,
) -> None:
    """Set each column in ``converters`` to its converter's result, row by row in chunks
    (a region's check-in table has millions of rows). A converter gets the column's value,
    or the whole row with ``whole_row``."""
    bind = op.get_bind()
    columns = ", ".join(dict.fromkeys([key, *converters]))
    select = f"SELECT * FROM {table}" if whole_row else f"SELECT {columns} FROM {table}"  # noqa: S608
    statement = sa.text(
        f"UPDATE {table} SET "  # noqa: S608 - our own table and column names
        + ", ".join(f"{name} = :{name}" for name in converters)
        + f" WHERE {key} = :_key"
    )
    if key != "id":  # a key that changes itself: read everything first (small tables)
        rows = list(bind.execute(sa.text(select)).mappings())
        _apply(bind, statement, rows, converters, key, whole_row)
        return
    last = None
    while True:
        where = "" if last is None else f" WHERE id > {int(last)}"
        rows = list(bind.execute(sa.text(f"{select}{where} ORDER BY id LIMIT {_CHUNK}")).mappings())
        if not rows:
            return
        _apply(bind, statement, rows, converters, key, whole_row)
        last = rows[-1]["id"]


def _apply(
    bind: Any,
    statement: Any,
    rows: list[Any],
    converters: dict[str, Callable[[Any], Any]],
    key: str,
    whole_row: bool,
) -> None:
    parameters = [
        {
            "_key": row[key],
            **{
                name: convert(row if whole_row else row[name])
                for name, convert in converters.items()
            },
        }
        for row in rows
    ]
    if parameters:
        bind.execute(statement, parameters)


def _copy_ids(table: str, old: str, hashed: str, secret: str, purpose: str) -> None:
    keyring = crypto.active()
    _rewrite(
        table,
        {
            hashed: lambda row: None if row[old] is None else keyring.lookup(int(row[old])),
            secret: lambda row: (
                None if row[old] is None else keyring.encrypt(str(int(row[old])), purpose)
            ),
        },
        whole_row=True,
    )
