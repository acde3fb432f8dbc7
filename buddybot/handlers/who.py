"""Before every handler (group −1): name the update and find who sent it, once.

The person and a translator in their language reach the handler that answers through the
typed context (``context.person``, ``context.tr``). A second delivery of an update that was
handled before (a restart, a webhook retry) stops here: the first one changed and answered.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from buddybot.context import BuddyContext
from buddybot.services import updates

log = logging.getLogger(__name__)


async def identify(update: object, context: BuddyContext) -> None:
    """Identify the sender of ``update`` into ``context``; stop a second delivery."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    # Writing or tapping shows they can be reached; a block notice shows the opposite.
    reached = update.message is not None or update.callback_query is not None
    try:
        person = await updates.identify_sender(
            context.runtime.database,
            update.update_id,
            user.id if user else None,
            reached=reached,
        )
    except updates.AlreadyHandledError:
        log.info("update %s was delivered again; handled once", update.update_id)
        raise ApplicationHandlerStop from None
    context.identified(
        person, context.runtime.translator_for(person, user.language_code if user else None)
    )
