"""Column types of the models: UTC timestamps, personal data encrypted at rest (bound to its
column and its row), Telegram ids kept as a keyed hash beside their encrypted value."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    Table,
    Text,
    TypeDecorator,
    event,
    func,
    inspect,
    literal_column,
    type_coerce,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from buddybot.storage import crypto


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone; without this, times would come back naive there and aware on
    PostgreSQL, and comparisons between them fail.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EncryptedValue(TypeDecorator[Any]):
    """A value stored encrypted with the active keyring (``storage.crypto``), as text, bound
    to its column (``purpose``) and to its row (the row's ``seal``, see :class:`RowSealed`).

    A column type sees values, not rows, so the row comes with the value both ways: a value
    is written as :class:`InRow` (the model's flush and :func:`sealed_rows` wrap it; a bare
    value is refused), and a read selects ``<seal>|<stored>`` (:meth:`column_expression`)."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, InRow):
            raise TypeError(
                f"{self.purpose} is written without its row: write it through the model, "
                "or a Core INSERT's rows through columns.sealed_rows()"
            )
        if value.value is None:
            return None
        return self.encrypt(value.value, crypto.in_row(self.purpose, value.seal))

    def column_expression(self, colexpr: ColumnElement[Any]) -> ColumnElement[Any]:
        table: Any = getattr(colexpr, "table", None)
        if table is None or SEAL not in table.c:
            raise TypeError(f"{self.purpose} is read without its row's {SEAL}")
        seal = func.coalesce(table.c[SEAL], "")  # no seal opens nothing, rather than NULL
        return type_coerce(seal.op("||")(literal_column("'|'")).op("||")(colexpr), self)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        seal, _, stored = value.partition("|")
        return self.decrypt(stored, crypto.in_row(self.purpose, seal))

    def encrypt(self, value: Any, associated: str) -> str:
        """The stored text of ``value``, bound to ``associated`` (column and row)."""
        raise NotImplementedError

    def decrypt(self, stored: str, associated: str) -> Any:
        """The value of stored text."""
        raise NotImplementedError


class Encrypted(EncryptedValue):
    """Personal text, stored encrypted."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def encrypt(self, value: Any, associated: str) -> str:
        return crypto.active().encrypt(value, associated)

    def decrypt(self, stored: str, associated: str) -> Any:
        return crypto.active().decrypt(stored, associated)


class EncryptedJSON(EncryptedValue):
    """A JSON document that may hold personal text, stored encrypted as one value. Assign a
    new document to change it (in-place changes are not seen, as with plain JSON)."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def encrypt(self, value: Any, associated: str) -> str:
        return crypto.encrypt_json(value, associated)

    def decrypt(self, stored: str, associated: str) -> Any:
        return crypto.decrypt_json(stored, associated)


class EncryptedInt(EncryptedValue):
    """A number that identifies a person (a Telegram user id), stored encrypted."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def encrypt(self, value: Any, associated: str) -> str:
        return crypto.active().encrypt(str(value), associated)

    def decrypt(self, stored: str, associated: str) -> Any:
        return int(crypto.active().decrypt(stored, associated))


# The column of a row's identity, bound into each of its encrypted values.
SEAL = "seal"
SEAL_LENGTH = 32


def new_seal() -> str:
    """A new row's identity: 128 random bits, in hex."""
    return secrets.token_hex(SEAL_LENGTH // 2)


@dataclass(frozen=True)
class InRow:
    """A value on its way into an encrypted column, with the seal of the row it goes to."""

    value: Any
    seal: str


class RowSealed:
    """Mixed into every model with encrypted columns. ``seal`` is the row's identity: random,
    given before the INSERT (the database gives the id only during it) and never changed.
    Each encrypted value is bound to its column and to this seal, so a value copied or
    swapped into another row by someone with access to the database does not decrypt.

    The flush binds the row's new and changed encrypted values to its seal (``before_insert``
    and ``before_update`` below); reads bind through the column type."""

    seal: Mapped[str] = mapped_column(String(SEAL_LENGTH), default=new_seal)


def sealed_rows(model: type[RowSealed], rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for a Core INSERT into ``model``'s table: each with a new seal, its encrypted
    values (their defaults included) bound to it."""
    table: Table = inspect(model).local_table
    encrypted = [c for c in table.columns if isinstance(c.type, EncryptedValue)]
    sealed = []
    for row in rows:
        values = {SEAL: new_seal(), **row}
        for column in encrypted:
            if column.key not in values and column.default is not None:
                values[column.key] = _default(column)
            if column.key in values:
                values[column.key] = InRow(values[column.key], values[SEAL])
        sealed.append(values)
    return sealed


def _default(column: Any) -> Any:
    default: Any = column.default
    return default.arg(None) if default.is_callable else default.arg


@cache
def _encrypted_attributes(mapper: Mapper[Any]) -> list[tuple[str, ColumnElement[Any]]]:
    return [
        (attribute.key, column)
        for attribute in mapper.column_attrs
        for column in attribute.columns[:1]
        if isinstance(column.type, EncryptedValue)
    ]


@event.listens_for(RowSealed, "before_insert", propagate=True)
def _bind_new_row(mapper: Mapper[Any], connection: Connection, target: RowSealed) -> None:
    if target.seal is None:
        target.seal = new_seal()
    values = inspect(target).dict
    for key, column in _encrypted_attributes(mapper):
        if key not in values and column.default is not None:
            values[key] = _default(column)
        if values.get(key) is not None:
            values[key] = InRow(values[key], target.seal)


@event.listens_for(RowSealed, "before_update", propagate=True)
def _bind_changed_values(mapper: Mapper[Any], connection: Connection, target: RowSealed) -> None:
    state = inspect(target)
    changed = state.committed_state  # the attributes set since the last flush
    if SEAL in changed and state.attrs[SEAL].history.has_changes():
        raise ValueError("a row's seal never changes: its encrypted values are bound to it")
    for key, _column in _encrypted_attributes(mapper):
        value = state.dict.get(key)
        if key in changed and value is not None and changed[key] != value:
            state.dict[key] = InRow(value, target.seal)


@event.listens_for(RowSealed, "after_insert", propagate=True)
@event.listens_for(RowSealed, "after_update", propagate=True)
def _unwrap_written(mapper: Mapper[Any], connection: Connection, target: RowSealed) -> None:
    values = inspect(target).dict
    for key, _column in _encrypted_attributes(mapper):
        if isinstance(values.get(key), InRow):
            values[key] = values[key].value


class TelegramLookup(TypeDecorator[Any]):
    """A Telegram user id as its keyed hash: compared and stored by the hash, never readable
    as the id. Given a stored hash (a row read before), it is kept as it is."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: int | str | None, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return crypto.active().lookup(int(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value


def telegram_id(hashed: str, encrypted: str) -> Any:
    """A Telegram user id kept in two columns: ``hashed`` (a :class:`TelegramLookup`) to find
    the person, ``encrypted`` (an :class:`EncryptedInt`) to write to them. Reads give the id;
    queries such as ``Participant.telegram_user_id == 42`` compare the hash."""

    def get(self: Any) -> int | None:
        value: int | None = getattr(self, encrypted)
        return value

    def set_(self: Any, value: int | None) -> None:
        setattr(self, encrypted, value)
        setattr(self, hashed, value)

    def expression(cls: Any) -> Any:
        return getattr(cls, hashed)

    def update(cls: Any, value: Any) -> list[tuple[Any, Any]]:
        return [(getattr(cls, hashed), value), (getattr(cls, encrypted), value)]

    return hybrid_property(get, set_, expr=expression, update_expr=update)
