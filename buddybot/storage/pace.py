"""Send slots shared by every replica on one PostgreSQL database (table ``send_pace``).

One row holds the moment the next send may go out. Taking a slot moves it on by one step
in one atomic statement (the row lock orders the replicas) and answers how long to wait for
the slot taken. The database's clock decides, so replicas on machines whose clocks differ
still agree on the slots.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# The one row: Telegram's limit is per bot, and a database serves one bot.
PACE_ID = 1

# An upsert, so the row needs no seeding (a fresh or restored database works as well).
# clock_timestamp(), not now(): now() is the start of the transaction, which can be older.
_TAKE = text(
    """
    INSERT INTO send_pace (id, next_at) VALUES (:id, clock_timestamp() + :span)
    ON CONFLICT (id) DO UPDATE
        SET next_at = greatest(send_pace.next_at, clock_timestamp()) + :span
    RETURNING extract(epoch FROM next_at - :span - clock_timestamp())
    """
)


async def take(connection: AsyncConnection, step: timedelta, count: int = 1) -> float:
    """Take ``count`` consecutive send slots ``step`` apart and commit; the seconds until
    the first of them (≤ 0: now). The others follow ``step`` after each other."""
    span = step * count
    result = await connection.execute(_TAKE, {"id": PACE_ID, "span": span})
    wait = float(result.scalar_one())
    await connection.commit()
    return wait
