"""The last safety net: a kind message for the person, a careful line in the log."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.services import updates
from buddybot.services.outbox import Outgoing
from buddybot.services.people import UNKNOWN, Role

log = logging.getLogger(__name__)


def _passing(error: BaseException | None) -> bool:
    """A server or network error of Telegram's (5xx, a lost connection, 429 after the rate
    limiter's own retries): nothing wrong with the bot or what the person did."""
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


def _name(error: BaseException | None) -> str:
    return type(error).__qualname__


def redacted_traceback(error: BaseException) -> str:
    """Where an error happened, without its message.

    Exception messages can hold personal data (a database error quotes the values it was
    given), so the log gets the stack and the exception type only.
    """
    frames = traceback.StackSummary.extract(traceback.walk_tb(error.__traceback__))
    return "".join(frames.format()) + type(error).__qualname__


async def on_error(update: object, context: BuddyContext) -> None:
    """Log the failure with the update id, and tell the person something went wrong: a
    kind word kept in the outbox when Telegram itself had a passing problem, nothing when
    Telegram only answered late (the answer most likely arrived)."""
    error, database = context.error, context.runtime.database
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, updates.AlreadyHandledError):
        # Delivered again (a restart, a webhook retry): the first delivery changed and
        # answered; this one was rolled back, and the person needs no second answer.
        log.info("update %s was delivered again; handled once", update_id)
        return
    if isinstance(error, TimedOut):
        # Telegram did not answer in time, but the answer most likely arrived: telling the
        # person "something went wrong" would be wrong, and sending it again a duplicate.
        log.info("update %s: Telegram did not answer in time; not told as a failure", update_id)
        return
    if _passing(error):
        log.warning("update %s: Telegram had a passing problem (%s)", update_id, _name(error))
    elif error is not None:
        log.error("update %s failed: %s\n%s", update_id, _name(error), redacted_traceback(error))
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
    if _passing(error):
        # Telegram had a passing problem with the answer, and would likely refuse a direct
        # word about it too: the outbox keeps it until Telegram takes it.
        participant = person.record_id if person.role in (Role.CLIENT, Role.BUDDY) else None
        note = Outgoing(
            update.effective_chat.id,
            tr("error.not_delivered"),
            "reply not delivered",
            participant_id=participant,
            once=True,
        )
        await outgoing.post_from(context, note)
        return
    try:
        await context.bot.send_message(update.effective_chat.id, tr("error.generic"))
    except Exception as send_error:
        log.warning(
            "could not tell update %s about the error: %s", update_id, type(send_error).__qualname__
        )
