"""Every Telegram update once: who sent it, and whether it was handled before.

The handler layer calls :func:`identify_sender` before anything else of an update (group −1,
``handlers/who.py``); it names the update for the at-most-once rule of ``storage.deliveries``
and finds the person behind it in one transaction, so no handler looks them up again.
"""

from __future__ import annotations

from buddybot.services import people
from buddybot.services.people import Person
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import deliveries
from buddybot.storage.database import Database

# Raised by a transaction of an update that was handled before (a restart, a webhook retry):
# nothing it did was kept. The edge stops handling that update.
AlreadyHandledError = deliveries.AlreadyHandledError


async def identify_sender(
    database: Database, update_id: int, telegram_user_id: int | None, *, reached: bool
) -> Person:
    """Name update ``update_id`` as the one being handled and return who sent it (UNKNOWN
    without a user). ``reached``: the person wrote or tapped, so someone marked unreachable
    can be reached again and prompts resume. Raises :data:`AlreadyHandledError` when this
    update was handled before."""
    deliveries.handling(update_id)
    if telegram_user_id is None:
        return people.UNKNOWN
    async with database.transaction() as session:
        person = await people.identify(session, telegram_user_id)
        if reached and person.unreachable:
            await stored_checkins.mark_reachable(session, telegram_user_id)
    return person


async def look_up_sender(database: Database, telegram_user_id: int) -> Person:
    """Who a Telegram account belongs to, outside the handling of an update (the error
    handler's look-up): claims nothing."""
    deliveries.forget()
    async with database.transaction() as session:
        return await people.identify(session, telegram_user_id)
