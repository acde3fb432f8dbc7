"""The last safety net: a kind message for the person, a careful line in the log."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden

from buddybot.context import BuddyContext
from buddybot.services import updates
from buddybot.services.people import UNKNOWN

log = logging.getLogger(__name__)


def redacted_traceback(error: BaseException) -> str:
    """Where an error happened, without its message.

    Exception messages can hold personal data (a database error quotes the values it was
    given), so the log gets the stack and the exception type only.
    """
    frames = traceback.StackSummary.extract(traceback.walk_tb(error.__traceback__))
    return "".join(frames.format()) + type(error).__qualname__


async def on_error(update: object, context: BuddyContext) -> None:
    """Log the failure with the update id, and tell the person something went wrong."""
    error, database = context.error, context.runtime.database
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, updates.AlreadyHandledError):
        # Delivered again (a restart, a webhook retry): the first delivery changed and
        # answered; this one was rolled back, and the person needs no second answer.
        log.info("update %s was delivered again; handled once", update_id)
        return
    if error is not None:
        log.error(
            "update %s failed: %s\n%s",
            update_id,
            type(error).__qualname__,
            redacted_traceback(error),
        )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden):
        return  # the person blocked the bot: there is no one to tell
    user = update.effective_user
    app_language = user.language_code if user else None
    try:
        person = UNKNOWN if user is None else await updates.look_up_sender(database, user.id)
    except Exception:  # the database may be what failed; fall back to the app language
        person = UNKNOWN
    tr = context.runtime.translator_for(person, app_language)
    try:
        await context.bot.send_message(update.effective_chat.id, tr("error.generic"))
    except Exception as send_error:
        log.warning(
            "could not tell update %s about the error: %s", update_id, type(send_error).__qualname__
        )
