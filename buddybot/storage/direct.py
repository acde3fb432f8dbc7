"""Statements run on the database driver's own connection, for the one path where the ORM's
cost per statement is most of the work: a check-in button press.

A press reads one check-in with the person's network and writes one row back. Through the
ORM (and SQLAlchemy's async layer) that transaction took ~1.9 ms of which SQLite's own work
is ~0.2 ms; with a person tapping through their contacts it was half of the bot's time
per press (docs/decisions.md, "The press path on the driver's connection"). Here the same
SQLAlchemy statements, compiled once per dialect, run on the pooled connection's driver
(``sqlite3`` on the event loop, as :class:`~buddybot.storage.database.Database` runs it;
``asyncpg`` on PostgreSQL: the two drivers the settings allow), and every value passes
through its column type's own bind and result processing: encryption, keyed hashes, UTC
timestamps, enums and JSON stay exactly as the models store them. No SQL by hand here.

The transaction keeps the rules of :meth:`Database.transaction`: one writer at a time on
SQLite (``BEGIN IMMEDIATE`` and the same lock), a Telegram update changes the database at
most once (``deliveries``, checked at the end, before the handler sends anything),
committed on success and rolled back on any error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import TextClause

from buddybot.storage import deliveries
from buddybot.storage.database import Database


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bind parameters, in the order the driver takes them
    fixed: dict[str, Any]  # values written into the statement (``status == ANSWERED``)
    binders: tuple[Any, ...]  # per bind parameter: its type's processor, or None
    readers: tuple[Any, ...]  # per result column: its type's processor, or None (empty: text())


class Statement:
    """A SQLAlchemy Core statement (``select()``, ``update()``, ``text()`` with typed binds),
    compiled once per dialect together with the processing of its values."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The SQL text and value processors for ``dialect``."""
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    binds = compiled.binds
    if not compiled.positional or any(bind.expanding for bind in binds.values()):
        # Named parameters (another driver) or IN-lists would need SQLAlchemy's own
        # execution; the drivers we run on take positional values.
        raise NotImplementedError("storage.direct runs positional statements without IN lists")
    names = tuple(compiled.positiontup or ())
    binders = tuple(
        binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    columns: Sequence[Any] = (
        () if isinstance(statement, TextClause) else getattr(statement, "selected_columns", ())
    )
    readers = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    fixed = {name: binds[name].value for name in names if not binds[name].required}
    return _Compiled(compiled.string, names, fixed, binders, readers)


class Transaction:
    """One transaction on the driver's connection (see :func:`transaction`)."""

    def __init__(self, driver: Any, dialect: Dialect) -> None:
        self._driver = driver
        self._dialect = dialect
        self._sqlite = dialect.name == "sqlite"
        self.changed = False

    def _arguments(self, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
        arguments = []
        for name, binder in zip(compiled.names, compiled.binders, strict=True):
            value = values[name] if name in values else compiled.fixed[name]
            arguments.append(value if binder is None else binder(value))
        return arguments

    async def rows(self, statement: Statement, **values: Any) -> list[tuple[Any, ...]]:
        """The rows of a SELECT, each value as the ORM would read it."""
        compiled = statement.compiled(self._dialect)
        arguments = self._arguments(compiled, values)
        if self._sqlite:
            raw: list[Any] = self._driver.execute(compiled.sql, arguments).fetchall()
        else:
            raw = await self._driver.fetch(compiled.sql, *arguments)
        readers = compiled.readers
        if not readers:  # text(): no column types to read by
            return [tuple(row) for row in raw]
        return [
            tuple(
                value if reader is None else reader(value)
                for value, reader in zip(row, readers, strict=True)
            )
            for row in raw
        ]

    async def run(self, statement: Statement, **values: Any) -> int:
        """Run an INSERT, UPDATE or DELETE; the number of rows it touched."""
        compiled = statement.compiled(self._dialect)
        arguments = self._arguments(compiled, values)
        self.changed = True
        if self._sqlite:
            return int(self._driver.execute(compiled.sql, arguments).rowcount)
        status: str = await self._driver.execute(compiled.sql, *arguments)
        return int(status.rsplit(" ", 1)[-1])  # "UPDATE 1", "INSERT 0 1"

    async def _settle_update(self) -> None:
        """As :meth:`Database.transaction` does at its end (``deliveries.settle``)."""
        if deliveries.claiming():
            await deliveries.settle(
                self.changed, lambda values: self.run(CLAIM, **values), self._found
            )

    async def _found(self, values: dict[str, object]) -> bool:
        return bool(await self.rows(LOOK_UP, **values))


CLAIM = Statement(deliveries.CLAIM)
LOOK_UP = Statement(deliveries.LOOK_UP)


@asynccontextmanager
async def transaction(database: Database) -> AsyncIterator[Transaction]:
    """A transaction on the driver's connection of a pooled connection: committed on
    success, rolled back on any error (the Telegram update claimed or looked up at the end,
    as in :meth:`Database.transaction`)."""
    async with database.turn(), database.engine.connect() as connection:
        driver: Any = (await connection.get_raw_connection()).driver_connection
        dialect = database.engine.dialect
        if dialect.name == "sqlite":
            sqlite = driver.on_loop()  # as the engine uses it (database._OnLoopConnection)
            sqlite.execute("BEGIN IMMEDIATE")
            try:
                work = Transaction(sqlite, dialect)
                yield work
                await work._settle_update()
            except BaseException:
                sqlite.execute("ROLLBACK")
                raise
            sqlite.execute("COMMIT")
        elif dialect.driver == "asyncpg":
            async with driver.transaction():
                work = Transaction(driver, dialect)
                yield work
                await work._settle_update()
        else:
            raise NotImplementedError(f"storage.direct does not know {dialect.driver}")
