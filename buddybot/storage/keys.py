"""Key rotation: re-encrypt every stored value with the current key, bound to the same
column and row as before.

Resumable by design: each batch is its own transaction and picks rows whose value names
another key, so an interrupted rotation simply continues where it stopped when run again.
The old key can be removed from the key file once a rotation has finished.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, Text, func, select, type_coerce, update

from buddybot.settings import SettingsError
from buddybot.storage import crypto
from buddybot.storage.columns import SEAL, EncryptedValue
from buddybot.storage.database import Database
from buddybot.storage.models import Base


def encrypted_columns() -> list[tuple[Table, Column[str], str]]:
    """Every encrypted column: its table, the column and its purpose."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedValue):
                found.append((table, column, column.type.purpose))
    return found


async def check_fits(database: Database, source: str) -> None:
    """Refuse, before anything is read or written, keys that do not open the data already
    stored: a key id the data names but the keys lack, or a key of the right id that is
    another key (a second `new-key` made elsewhere). Otherwise the first person to write
    would get an error, or a command would end in a traceback. ``source`` names where the
    keys came from. One look-up per column for foreign key ids, and up to three values per
    column decrypted."""
    keyring = crypto.active()
    async with database.transaction() as session:
        for _table, column, purpose in encrypted_columns():
            raw = type_coerce(column, Text)  # the stored text, not decrypted
            foreign = await session.scalar(
                select(raw)
                .where(
                    raw.is_not(None),
                    *(func.substr(raw, 1, len(key) + 1) != f"{key}:" for key in keyring.keys),
                )
                .limit(1)
            )
            if foreign is not None:
                raise SettingsError(
                    f"The data is encrypted with key {foreign.partition(':')[0]!r}, which "
                    f"{source} does not hold: {crypto.USE_THE_DATA_KEYS}"
                )
            # A few values, not one: a value moved to another row in the database opens
            # nowhere, and is named when it is read, not taken for a wrong key.
            samples = (
                await session.execute(
                    select(raw, column.table.c[SEAL]).where(raw.is_not(None)).limit(3)
                )
            ).all()
            if samples and not any(
                _opens(keyring, stored, purpose, seal) for stored, seal in samples
            ):
                raise SettingsError(
                    f"Key {samples[0][0].partition(':')[0]!r} of {source} does not open the "
                    f"data: it is another key than the one the data was encrypted with; "
                    f"{crypto.USE_THE_DATA_KEYS}"
                )


def _opens(keyring: crypto.Keyring, stored: str, purpose: str, seal: str) -> bool:
    try:
        keyring.decrypt(stored, crypto.in_row(purpose, seal))
    except crypto.EncryptionKeyError:
        return False
    return True


async def rotate(database: Database, *, batch: int = 500) -> dict[str, int]:
    """Re-encrypt with the current key whatever still uses another; values per column."""
    keyring = crypto.active()
    counts: dict[str, int] = {}
    for table, column, purpose in encrypted_columns():
        raw = type_coerce(column, Text)  # the stored text, not decrypted
        key = list(table.primary_key.columns)
        done = 0
        while True:
            async with database.transaction() as session:
                rows = (
                    await session.execute(
                        select(*key, table.c[SEAL], raw)
                        .where(raw.is_not(None), raw.not_like(f"{keyring.current}:%"))
                        .limit(batch)
                    )
                ).all()
                for row in rows:
                    bound = crypto.in_row(purpose, row[-2])  # the same column, the same row
                    plain = keyring.decrypt(row[-1], bound)
                    values: dict[str, Any] = {
                        column.name: type_coerce(keyring.encrypt(plain, bound), Text)
                    }
                    if "updated_at" in table.c:  # a new key is not a change of the content
                        values["updated_at"] = table.c.updated_at
                    await session.execute(
                        update(table)
                        .where(*(c == v for c, v in zip(key, row, strict=False)))
                        .values(values)
                    )
            done += len(rows)
            if len(rows) < batch:
                break
        counts[f"{table.name}.{column.name}"] = done
    return counts
