"""Each Telegram update changes the database at most once.

Telegram delivers an update again when the bot restarted before confirming it (polling) or
did not answer the webhook call with 200 (a crash, a timeout). The handler layer names the
update being handled (:func:`handling`); the first transaction of that update that changes
something also stores its id in ``handled_update``, in the same commit. A second delivery
finds the id taken, and its transaction is rolled back (:class:`AlreadyHandledError`): its
changes never happen. Transactions that only read claim nothing, so the look-up at the start
of most handlers does not use up the claim before the real change; they look the id up
instead. Both happen at the end of the transaction, before the handler sends anything
(handlers reply after their transaction), so a second delivery also sends nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import bindparam, delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.clock import utcnow
from buddybot.storage.models import HandledUpdate

# The update this task is handling and that has not yet changed anything, and whether it
# was looked up already; a context variable, so each update's task (and nothing else, such
# as scheduled jobs) carries it.
_unclaimed: ContextVar[tuple[int, bool] | None] = ContextVar("unclaimed_update", default=None)


# Plain statements, written once: every update runs one of them, and through the ORM (a
# `get`, an `insert()` composed per call) they cost a button press 0.2 ms more each
# (docs/decisions.md, "The answer path, once more"). ON CONFLICT DO NOTHING reads the same
# on SQLite and PostgreSQL.
LOOK_UP = text("SELECT 1 FROM handled_update WHERE update_id = :update_id")
CLAIM = text(
    "INSERT INTO handled_update (update_id, at) VALUES (:update_id, :at) "
    "ON CONFLICT (update_id) DO NOTHING"
).bindparams(bindparam("at", type_=HandledUpdate.__table__.c.at.type))  # as the ORM stores it


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


async def settle(session: AsyncSession, *, changed: bool) -> None:
    """At the end of a transaction of the update being handled, before its handler sends
    anything: a transaction that ``changed`` something claims the update in the same commit,
    one that only read looks it up, once per update. Raises :class:`AlreadyHandledError`
    (the caller rolls back) when the update was handled before; a delivery handled
    meanwhile elsewhere collides at the claim."""
    unclaimed = _unclaimed.get()
    if unclaimed is None:
        return
    update_id, looked_up = unclaimed
    if changed:
        _unclaimed.set(None)  # from now on nothing is left to claim in this task
        claimed = await session.execute(CLAIM, {"update_id": update_id, "at": utcnow()})
        if not getattr(claimed, "rowcount", 0):
            raise AlreadyHandledError(update_id)
    elif not looked_up:
        if (await session.execute(LOOK_UP, {"update_id": update_id})).first() is not None:
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
