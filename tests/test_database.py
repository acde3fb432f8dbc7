"""The database. SQLite: statements run on the event loop's thread (one button press
is a handful of statements of microseconds each, and a hop to another thread per call cost
more than the statements), long reads on aiosqlite's thread, and transactions of one process
queue instead of blocking the loop. PostgreSQL: transactions queue for the pool's
connections without a time limit."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from buddybot.storage.database import Database


async def _thread_of_statements(database: Database) -> int:
    async with database.begin() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        await raw.create_function("thread_id", 0, threading.get_ident)  # type: ignore[union-attr]
        return int((await connection.execute(text("SELECT thread_id()"))).scalar_one())


async def test_sqlite_statements_run_on_the_loop_and_long_reads_apart(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}")
    try:
        assert await _thread_of_statements(database) == threading.get_ident()
        async with database.begin() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            rows = await raw.in_thread("SELECT thread_id()")  # type: ignore[union-attr]
        assert rows[0][0] != threading.get_ident()
    finally:
        await database.dispose()


async def test_transactions_of_one_process_queue_instead_of_blocking(tmp_path: Path) -> None:
    """A transaction that waits for something else (Telegram, say) while another one wants
    to start, even through a second Database object on the same file (two replicas in one
    test): the second waits its turn instead of stopping the loop the first one needs."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'queue.db'}"
    first, second = Database(url), Database(url)
    order: list[str] = []
    try:
        async with first.begin() as connection:
            await connection.execute(text("CREATE TABLE answer (id INTEGER PRIMARY KEY, by TEXT)"))

        async def slow() -> None:
            async with first.begin() as connection:
                await connection.execute(text("INSERT INTO answer (by) VALUES ('slow')"))
                order.append("slow wrote")
                await asyncio.sleep(0.2)  # outside the database, the loop must keep going
                order.append("slow done")

        async def quick() -> None:
            await asyncio.sleep(0.05)
            async with second.begin() as connection:
                order.append("quick started")
                await connection.execute(text("INSERT INTO answer (by) VALUES ('quick')"))

        await asyncio.wait_for(asyncio.gather(slow(), quick()), timeout=5)
        assert order == ["slow wrote", "slow done", "quick started"]
        async with second.begin() as connection:
            stored = (await connection.execute(text("SELECT by FROM answer ORDER BY id"))).all()
        assert [row[0] for row in stored] == ["slow", "quick"]
    finally:
        await first.dispose()
        await second.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_many_transactions_at_once_wait_for_a_connection_without_timing_out(
    database_url: str,
) -> None:
    """Far more transactions than the pool has connections (a thousand people's updates
    handled at once): each waits for its turn, however long, instead of the pool giving up
    after its timeout and failing the update."""
    database = Database(database_url, pool_timeout=0.2)
    done = 0

    async def one() -> None:
        nonlocal done
        async with database.begin() as connection:
            await connection.execute(text("SELECT pg_sleep(0.05)"))
        done += 1

    try:
        await asyncio.gather(*(one() for _ in range(120)))  # 8 rounds of 15 at 0.05 s each
    finally:
        await database.dispose()
    assert done == 120
