"""Bring the database schema up to date with Alembic, from inside the running program."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from buddybot.storage.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every replica of the bot.
_MIGRATION_LOCK_ID = 0x42554459


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Apply all migrations up to ``revision``.

    On PostgreSQL an advisory lock makes replicas that start together migrate one after the
    other instead of racing each other.
    """
    async with database.begin(foreign_keys=False) as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _MIGRATION_LOCK_ID}
            )
        await connection.run_sync(_upgrade, revision)


async def downgrade(database: Database, revision: str) -> None:
    """Undo migrations down to ``revision`` (``base`` removes every table)."""
    async with database.begin(foreign_keys=False) as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


async def current_revision(database: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""
    async with database.begin() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision() -> str | None:
    """The newest revision shipped with this version of BuddyBot."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)
