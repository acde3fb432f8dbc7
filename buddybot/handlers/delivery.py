"""Before every handler: name the update being handled (see ``storage.deliveries``)."""

from __future__ import annotations

from telegram import Update

from buddybot.context import BuddyContext
from buddybot.storage import deliveries


async def remember_update(update: object, _context: BuddyContext) -> None:
    """Name the update, so that its first change claims it and a second delivery of it
    (after a restart, a webhook retry) changes nothing."""
    if isinstance(update, Update):
        deliveries.handling(update.update_id)
