"""Throw-away databases for benchmarks: a SQLite file, or a fresh PostgreSQL database on the
server BUDDYBOT_TEST_POSTGRES_URL points at (dropped afterwards)."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import URL, make_url

POSTGRES_ENV = "BUDDYBOT_TEST_POSTGRES_URL"


def _server() -> URL | None:
    base = os.environ.get(POSTGRES_ENV)
    return make_url(base).set(drivername="postgresql") if base else None


@asynccontextmanager
async def postgres_database(prefix: str = "buddybot_bench") -> AsyncIterator[str | None]:
    """The async URL of a new, empty PostgreSQL database, or None when no server is set."""
    server = _server()
    if server is None:
        yield None
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(server.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    finally:
        await admin.close()
    try:
        yield server.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        admin = await asyncpg.connect(server.render_as_string(hide_password=False))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def postgres_skipped() -> str:
    """What to print when PostgreSQL is not measured."""
    return f"PostgreSQL skipped (set {POSTGRES_ENV})"
