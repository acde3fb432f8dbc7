"""Column types of the models: UTC timestamps, personal data encrypted at rest, Telegram ids
kept as a keyed hash beside their encrypted value."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.hybrid import hybrid_property

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
    """A value stored encrypted with the active keyring (``storage.crypto``), as text;
    ``purpose`` names the column and is bound into the encryption."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else self.open(value)

    def seal(self, value: Any) -> str:
        """The stored text of ``value``."""
        raise NotImplementedError

    def open(self, stored: str) -> Any:
        """The value of stored text."""
        raise NotImplementedError


class Encrypted(EncryptedValue):
    """Personal text, stored encrypted."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def seal(self, value: Any) -> str:
        return crypto.active().encrypt(value, self.purpose)

    def open(self, stored: str) -> Any:
        return crypto.active().decrypt(stored, self.purpose)


class EncryptedJSON(EncryptedValue):
    """A JSON document that may hold personal text, stored encrypted as one value. Assign a
    new document to change it (in-place changes are not seen, as with plain JSON)."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def seal(self, value: Any) -> str:
        return crypto.encrypt_json(value, self.purpose)

    def open(self, stored: str) -> Any:
        return crypto.decrypt_json(stored, self.purpose)


class EncryptedInt(EncryptedValue):
    """A number that identifies a person (a Telegram user id), stored encrypted."""

    cache_ok = True  # SQLAlchemy asks each subclass again

    def seal(self, value: Any) -> str:
        return crypto.active().encrypt(str(value), self.purpose)

    def open(self, stored: str) -> Any:
        return int(crypto.active().decrypt(stored, self.purpose))


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
