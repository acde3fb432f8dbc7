"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import Base

TABLES = {"organisation", "professional", "participant", "audit_log"}


async def test_upgrade_creates_every_table(database_url: str) -> None:
    database = Database(database_url)
    try:
        assert await migrate.current_revision(database) is None
        await migrate.upgrade(database)
        assert await migrate.current_revision(database) == migrate.head_revision()
        async with database.begin() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert tables >= TABLES | {"alembic_version"}
    finally:
        await database.dispose()


async def test_migrations_match_the_models(database: Database) -> None:
    async with database.begin() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )
    assert differences == []


async def test_upgrade_twice_and_downgrade_to_empty(database: Database) -> None:
    await migrate.upgrade(database)  # nothing left to do: no error, no change
    await migrate.downgrade(database, "base")
    async with database.begin() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert not (tables & TABLES)
    await migrate.upgrade(database)
    assert await migrate.current_revision(database) == migrate.head_revision()
