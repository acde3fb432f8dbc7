"""The database connection: one async engine and session factory for the whole process."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import Select, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import InstrumentedAttribute

from buddybot.storage import crypto, deliveries

log = logging.getLogger(__name__)

# PostgreSQL connections per process (kept open, and opened on top when busy).
POOL_SIZE = 5
POOL_OVERFLOW = 10


class Database:
    """Owns the engine; hands out one session per unit of work (an update, a job)."""

    def __init__(self, url: str | URL, **engine_options: Any) -> None:
        self.url = make_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url, **_engine_options(self.url), **engine_options
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        event.listen(self.engine.sync_engine, "begin", _nothing_written_yet)
        event.listen(self.engine.sync_engine, "before_cursor_execute", _note_writes)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._file = _sqlite_file(self.url) if self.is_sqlite else None
        # PostgreSQL, per event loop: as many transactions at once as the pool has connections.
        self._connection_turns: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()

    @property
    def is_sqlite(self) -> bool:
        """True on the embedded SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside a transaction: committed on success, rolled back on any error.

        While a Telegram update is being handled, the first transaction that changes something
        also claims the update, and a second delivery of it is rolled back at the end of its
        first transaction, before its handler has sent anything (``deliveries``).
        """
        async with self.turn(), self.sessions() as session, session.begin():
            yield session
            if deliveries.claiming():
                # Checked at the end, before the handler can send anything: a change claims
                # the update, a transaction that only read looks it up (one statement either
                # way, not a look-up before every change as well).
                await deliveries.settle(session, changed=await _changes_something(session))

    @asynccontextmanager
    async def begin(self, *, foreign_keys: bool = True) -> AsyncIterator[AsyncConnection]:
        """A plain connection inside a transaction (migrations, maintenance): committed on
        success, rolled back on any error.

        ``foreign_keys=False`` is for migrations on SQLite: rebuilding a table there means
        dropping it, and with foreign keys enforced that drop would delete every row that
        points at it (ON DELETE CASCADE). SQLite only changes this outside a transaction,
        hence here; the keys are checked before the commit instead.
        """
        relax = self.is_sqlite and not foreign_keys
        async with self.turn(), self.engine.connect() as connection:
            raw: Any = (await connection.get_raw_connection()).driver_connection
            if relax:
                await raw.execute("PRAGMA foreign_keys=OFF")
            try:
                async with connection.begin():
                    yield connection
                    if relax:
                        broken = await connection.exec_driver_sql("PRAGMA foreign_key_check")
                        if broken.first() is not None:
                            raise RuntimeError("a migration left rows pointing nowhere")
            finally:
                if relax:
                    await raw.execute("PRAGMA foreign_keys=ON")

    async def ping(self) -> None:
        """Raise if the database cannot be reached."""
        async with self.begin() as connection:
            await connection.execute(text("SELECT 1"))

    def turn(self) -> AbstractAsyncContextManager[object]:
        """Wait here, without a time limit, until this transaction can have a connection.

        SQLite: statements run on the event loop's own thread (see _OnLoopConnection), so a
        BEGIN IMMEDIATE waiting for another transaction of this process would stop the loop
        that transaction needs to finish: they queue here instead, one at a time (SQLite
        writes one transaction at a time anyway, and every transaction of ours takes the
        write lock). PostgreSQL: as many at once as the pool has connections. Without this,
        a thousand updates handled at once (``buddybot.ordering``) queue in the pool, which
        gives up after 30 s and fails the update.
        """
        if self._file is not None:
            return _writer_lock(self._file)
        loop = asyncio.get_running_loop()
        if loop not in self._connection_turns:
            self._connection_turns[loop] = asyncio.Semaphore(POOL_SIZE + POOL_OVERFLOW)
        return self._connection_turns[loop]

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


async def _changes_something(session: AsyncSession) -> bool:
    if session.new or session.dirty or session.deleted:
        return True  # to be flushed at commit
    connection = await session.connection()
    return bool(connection.sync_connection and connection.sync_connection.info.get("wrote"))


def _nothing_written_yet(connection: Any) -> None:
    connection.info["wrote"] = False


def _note_writes(
    connection: Any, _cursor: Any, _statement: Any, _parameters: Any, context: Any, _many: Any
) -> None:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        connection.info["wrote"] = True


def _engine_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite":
        return {"async_creator": _on_loop_connector(url.database or ":memory:")}
    return {"pool_pre_ping": True, "pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


_T = TypeVar("_T")


class _OnLoopConnection(aiosqlite.Connection):
    """aiosqlite's connection, but each call runs right away on the event loop's thread.

    Why: one SQLite statement of ours takes tens of microseconds, but aiosqlite hands each
    call (cursor, execute, fetch, close: some thirteen per button press) to its own thread,
    and each answer then waits for its turn in a busy event loop. Measured on a check-in
    press: 7.8 ms in the transaction, of which SQLite's own work is under 0.5 ms
    (docs/decisions.md, "The answer path runs SQLite on the loop"). Long reads can still go
    to the thread with :meth:`in_thread`, so the loop keeps serving others meanwhile.
    """

    async def _execute(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def in_thread(self, sql: str) -> list[Any]:
        """All rows of ``sql``, read on aiosqlite's own thread."""
        connection = self._conn
        rows: list[Any] = await super()._execute(  # type: ignore[no-untyped-call]
            lambda: connection.execute(sql).fetchall()
        )
        return rows


def _on_loop_connector(database: str) -> Callable[[], Any]:
    async def connect() -> _OnLoopConnection:
        def sqlite_connection() -> sqlite3.Connection:
            # One writer at a time on SQLite: wait for another process's lock instead of
            # failing at once. Opened on aiosqlite's thread, used on the loop's.
            return sqlite3.connect(database, timeout=30, check_same_thread=False)

        connection = _OnLoopConnection(sqlite_connection, iter_chunk_size=64)
        await connection
        return connection

    return connect


def _sqlite_file(url: URL) -> str:
    database = url.database or ":memory:"
    return database if database == ":memory:" else str(Path(database).resolve())


# One lock per SQLite file and event loop: two Database objects on one file in one process
# (two replicas in a test, the CLI next to a job) must queue as well.
_writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _writer_lock(file: str) -> asyncio.Lock:
    locks = _writer_locks.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(file, asyncio.Lock())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (below) instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """SQLite's single-writer path: every transaction takes the write lock when it starts,
    so two processes never both read a row and then both change it (the second waits)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upsert_insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The database's own INSERT (it knows ON CONFLICT DO NOTHING and RETURNING), for the
    claims that make a prompt or a digest go out once."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


Row = TypeVar("Row")


async def saved(session: AsyncSession, row: Row) -> Row:
    """Add a new row and flush, so its id is known; returns the row."""
    session.add(row)
    await session.flush()
    return row


async def rows_that_open(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    key: InstrumentedAttribute[int],
    what: str,
) -> list[Any]:
    """The rows of ``statement``, without those whose encrypted values do not open (a value
    moved between rows, a key lost): a batch of prompts or reminders must not fail as a
    whole for one such row. Read at once as usual; only when a row does not open, again one
    by one by ``key`` (its id), and each that does not open is left out and logged as
    ``what`` with its id (never its content)."""
    try:
        return list((await session.execute(statement)).all())
    except crypto.EncryptionKeyError:
        pass
    ids = list((await session.execute(statement.with_only_columns(key))).scalars())
    rows: list[Any] = []
    for row_id in ids:
        try:
            rows.extend((await session.execute(statement.where(key == row_id))).all())
        except crypto.EncryptionKeyError:
            log.error("%s %s does not open; left out until it is mended", what, row_id)
    return rows
