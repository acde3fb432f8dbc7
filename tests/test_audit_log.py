"""The audit log is append-only and hash-chained: the database refuses changes, and a
change made around that (someone with the database file) is found by the chain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from buddybot.storage import audit, migrate
from buddybot.storage.database import Database


async def _three_lines(database: Database) -> None:
    async with database.transaction() as session:
        for action, subject in (("client.viewed", 7), ("export.made", None), ("refused.x", 9)):
            await audit.add_audit_entry(
                session,
                actor_kind="professional",
                actor_id=1,
                action=action,
                subject_kind="participant" if subject else None,
                subject_id=subject,
                detail={"clients": [7, 9]} if subject is None else None,
            )


async def test_the_chain_holds_and_each_line_points_at_the_one_before(database: Database) -> None:
    await _three_lines(database)
    async with database.transaction() as session:
        lines = await audit.audit_entries(session)
        assert await audit.broken_audit_line(session) is None
    assert lines[0].previous_hash == audit.AUDIT_GENESIS
    assert [line.previous_hash for line in lines[1:]] == [line.entry_hash for line in lines[:-1]]


async def test_the_database_refuses_to_change_or_remove_a_line(database: Database) -> None:
    await _three_lines(database)
    for statement in (
        "UPDATE audit_log SET action = 'nothing.happened' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.transaction() as session:
                await session.execute(text(statement))


async def _without_the_guard(database: Database, statement: str) -> None:
    """What someone with full access to the database could do: drop the guard, then edit."""
    async with database.transaction() as session:
        if database.is_sqlite:
            await session.execute(text("DROP TRIGGER audit_log_no_update"))
            await session.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            await session.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        await session.execute(text(statement))


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_log SET action = 'nothing.happened' WHERE id = 2",
        "UPDATE audit_log SET subject_id = 8 WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 2",
    ],
)
async def test_a_changed_or_removed_line_breaks_the_chain(
    database: Database, tampering: str
) -> None:
    await _three_lines(database)
    await _without_the_guard(database, tampering)
    async with database.transaction() as session:
        broken = await audit.broken_audit_line(session)
    assert broken in (1, 2, 3)
    assert broken == (1 if "id = 1" in tampering else 2 if "UPDATE" in tampering else 3)


async def test_lines_written_before_the_chain_existed_are_chained_by_the_migration(
    database_url: str,
) -> None:
    database = Database(database_url)
    try:
        await migrate.upgrade(database, "0006")
        async with database.transaction() as session:
            for number in range(3):
                await session.execute(
                    text(
                        "INSERT INTO audit_log (at, actor_kind, actor_id, action) "
                        "VALUES (:at, 'system', :id, 'old.line')"
                    ),
                    {"at": datetime(2026, 1, 1, 12, number, tzinfo=UTC), "id": number},
                )
        await migrate.upgrade(database)
        async with database.transaction() as session:
            assert await audit.broken_audit_line(session) is None
            await audit.add_audit_entry(session, actor_kind="system", action="new.line")
        async with database.transaction() as session:
            assert len(await audit.audit_entries(session)) == 4
            assert await audit.broken_audit_line(session) is None
    finally:
        await database.dispose()
