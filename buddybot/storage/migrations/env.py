"""Alembic environment for BuddyBot.

Migrations run on a connection handed over by ``buddybot.storage.migrate`` (the normal path:
``buddybot migrate`` and ``buddybot run``), or, for the ``alembic`` command line used when
writing a new migration, on a fresh engine built from the settings.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from buddybot.storage.columns import UtcDateTime
from buddybot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, item: Any, autogen_context: Any) -> str | Literal[False]:
    """Write our own column types as plain SQLAlchemy ones, so migrations never import models."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_settings() -> None:
    from buddybot.settings import load_settings
    from buddybot.storage.database import Database

    database = Database(config.get_main_option("sqlalchemy.url") or load_settings().database_url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await database.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `buddybot migrate`.")

handed_over = config.attributes.get("connection")
if handed_over is not None:
    run_on(handed_over)
else:
    asyncio.run(_run_with_settings())
