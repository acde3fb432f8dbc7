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
# on SQLite and PostgreSQL. ``storage.direct`` runs them on the driver's connection.
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


def take_claim() -> int | None:
    """The update a changing transaction must claim now (:data:`CLAIM`, then
    :func:`check_claimed`), if any; from now on nothing is left to claim in this task."""
    unclaimed = _unclaimed.get()
    if unclaimed is None:
        return None
    _unclaimed.set(None)
    return unclaimed[0]


def claim_values(update_id: int) -> dict[str, object]:
    """The values of :data:`CLAIM`."""
    return {"update_id": update_id, "at": utcnow()}


def check_claimed(update_id: int, rows: int) -> None:
    """Raise :class:`AlreadyHandledError` when :data:`CLAIM` inserted nothing."""
    if not rows:
        raise AlreadyHandledError(update_id)


def take_look_up() -> int | None:
    """The update a transaction that only read must look up (:data:`LOOK_UP`, then
    :func:`check_not_handled`), if it was not looked up already in this task."""
    unclaimed = _unclaimed.get()
    if unclaimed is None or unclaimed[1]:
        return None
    _unclaimed.set((unclaimed[0], True))
    return unclaimed[0]


def check_not_handled(update_id: int, found: bool) -> None:
    """Raise :class:`AlreadyHandledError` when :data:`LOOK_UP` found the update; a delivery
    handled meanwhile elsewhere collides at the claim instead."""
    if found:
        _unclaimed.set(None)
        raise AlreadyHandledError(update_id)


async def claim(session: AsyncSession) -> None:
    """Claim the update being handled in this transaction, which changed something; raise
    :class:`AlreadyHandledError` if it was claimed before (the caller rolls back)."""
    update_id = take_claim()
    if update_id is not None:
        result = await session.execute(CLAIM, claim_values(update_id))
        check_claimed(update_id, getattr(result, "rowcount", 0))


async def refuse_if_handled(session: AsyncSession) -> None:
    """Raise :class:`AlreadyHandledError` if the update being handled was claimed before
    (for a transaction that only read). Looked up once per update."""
    update_id = take_look_up()
    if update_id is not None:
        found = (await session.execute(LOOK_UP, {"update_id": update_id})).first() is not None
        check_not_handled(update_id, found)


def claiming() -> bool:
    """True while an update is being handled that has not changed anything yet."""
    return _unclaimed.get() is not None


async def forget_before(session: AsyncSession, before: datetime) -> int:
    """Drop the ids of updates handled before ``before`` (Telegram has given up on them)."""
    result = await session.execute(delete(HandledUpdate).where(HandledUpdate.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
