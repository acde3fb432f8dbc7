"""Each Telegram update changes the database at most once.

Telegram delivers an update again when the bot restarted before confirming it (polling) or
did not answer the webhook call with 200 (a crash, a timeout). The handler layer names the
update being handled (:func:`handling`); the first transaction of that update that changes
something also stores its id in ``handled_update``, in the same commit. A second delivery
finds the id taken, and its transaction is rolled back (:class:`AlreadyHandledError`): its
changes never happen. Transactions that only read claim nothing, so the look-up at the start
of most handlers does not use up the claim before the real change.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.clock import utcnow
from buddybot.storage.models import HandledUpdate
from buddybot.storage.repositories import upsert_insert

# The update this task is handling and that has not yet changed anything, and whether it
# was looked up already; a context variable, so each update's task (and nothing else, such
# as scheduled jobs) carries it.
_unclaimed: ContextVar[tuple[int, bool] | None] = ContextVar("unclaimed_update", default=None)


class AlreadyHandledError(Exception):
    """This update was handled before: the transaction was rolled back, nothing changed."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was handled before")
        self.update_id = update_id


def handling(update_id: int) -> None:
    """From now on this task handles ``update_id``: its first change claims it."""
    _unclaimed.set((update_id, False))


def forget() -> None:
    """Nothing more to claim in this task (the error handler's own look-ups, say)."""
    _unclaimed.set(None)


async def claim(session: AsyncSession) -> None:
    """Claim the update being handled in this transaction, which changed something; raise
    :class:`AlreadyHandledError` if it was claimed before (the caller rolls back)."""
    unclaimed = _unclaimed.get()
    if unclaimed is None:
        return
    update_id = unclaimed[0]
    _unclaimed.set(None)
    insert = upsert_insert(session)
    result = await session.execute(
        insert(HandledUpdate)
        .values(update_id=update_id, at=utcnow())
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    if not getattr(result, "rowcount", 0):
        raise AlreadyHandledError(update_id)


async def refuse_if_handled(session: AsyncSession) -> None:
    """Raise :class:`AlreadyHandledError` if the update being handled was claimed before.
    Looked up once per update: a delivery handled meanwhile elsewhere collides at the claim."""
    unclaimed = _unclaimed.get()
    if unclaimed is None or unclaimed[1]:
        return
    update_id = unclaimed[0]
    if await session.get(HandledUpdate, update_id) is not None:
        _unclaimed.set(None)
        raise AlreadyHandledError(update_id)
    _unclaimed.set((update_id, True))


def claiming() -> bool:
    """True while an update is being handled that has not changed anything yet."""
    return _unclaimed.get() is not None


async def forget_before(session: AsyncSession, before: datetime) -> int:
    """Drop the ids of updates handled before ``before`` (Telegram has given up on them)."""
    result = await session.execute(delete(HandledUpdate).where(HandledUpdate.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
