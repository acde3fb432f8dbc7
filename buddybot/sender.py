"""The one way a message goes out to someone who did not just write to the bot: check-in
prompts and reminders, weekly digests, notes to professionals, a client's message for their
professional, transfer notes. One error policy for all of them (architecture notes, "Talking
to Telegram"; Bot API docs, "Making requests" and error 429):

- a server error or network error is temporary: tried again, :data:`SEND_ATTEMPTS` times in
  all with short pauses; still failing, the message is :attr:`Delivery.LATER`: its caller
  keeps it pending in the database (a prompt, a digest, the outbox) and tries it again after
  a growing pause (``retries.next_try``) until its window closes;
- no answer within the time-out is :attr:`Delivery.UNKNOWN`: the message may have arrived,
  so it is not sent again (no duplicates) and nobody is told it failed;
- "Too Many Requests" (429) was already waited out and retried by the rate limiter (PTB's
  ``AIORateLimiter``); still refused, it is :attr:`Delivery.LATER` too;
- blocked, deactivated or an unknown chat (403; 400 "chat not found", "user is deactivated")
  means the person cannot be reached: :attr:`Delivery.GONE`, never retried in a loop; the
  caller marks the person unreachable where that applies;
- any other 400 refuses this message, not the person (a text Telegram cannot parse, an
  edit of a message that is gone): :attr:`Delivery.REFUSED`, not retried, the person stays
  reachable.

The log gets what was sent (``what``, a kind without personal data) and the error type only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from buddybot.retries import FIRST_RETRY, LONGEST_RETRY, Delivery, next_try

log = logging.getLogger(__name__)

__all__ = [
    "FIRST_RETRY",
    "LONGEST_RETRY",
    "Delivery",
    "Sent",
    "deliver",
    "next_try",
    "replace",
    "send",
]

SEND_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class Sent:
    """The outcome of one send: how it went and, when sent, the message's id."""

    delivery: Delivery
    message_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when the message reached Telegram."""
        return self.delivery is Delivery.SENT


async def deliver(
    attempt: Callable[[], Awaitable[Any]], *, what: str, attempts: int = SEND_ATTEMPTS
) -> Sent:
    """Run ``attempt`` (one Bot API call) under the error policy above. ``attempts``: how
    often a temporary failure is tried within this call before it is LATER. Never raises a
    Telegram error."""
    for number in range(1, attempts + 1):
        try:
            result = await attempt()
        except Forbidden as error:
            log.info("%s: not delivered, person unreachable (%s)", what, type(error).__name__)
            return Sent(Delivery.GONE)
        except BadRequest as error:
            if _person_gone(error):
                log.info("%s: not delivered, person unreachable (BadRequest)", what)
                return Sent(Delivery.GONE)
            log.warning("%s: refused by Telegram (BadRequest)", what)
            return Sent(Delivery.REFUSED)
        except TimedOut:
            log.warning("%s: no answer in time; it may have arrived, not sent again", what)
            return Sent(Delivery.UNKNOWN)
        except RetryAfter as error:
            log.warning("%s: not sent, still too many requests (%s)", what, type(error).__name__)
            return Sent(Delivery.LATER)
        except (NetworkError, TelegramError) as error:
            if number == attempts:
                log.warning("%s: not sent (%s)", what, type(error).__name__)
                return Sent(Delivery.LATER)
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (number - 1))
            continue
        return Sent(Delivery.SENT, result.message_id if isinstance(result, Message) else None)
    raise AssertionError("unreachable")


# Telegram's 400 answers that mean the chat itself is gone (Bot API: sendMessage errors).
_GONE_CHAT = ("chat not found", "user is deactivated", "peer_id_invalid", "user not found")


def _person_gone(error: BadRequest) -> bool:
    # Only the wording is looked at, never logged: it may quote what was sent.
    message = error.message.lower()
    return any(words in message for words in _GONE_CHAT)


async def send(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    what: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Sent:
    """Send ``text`` (HTML) with optional buttons to ``chat_id`` under the error policy."""
    return await deliver(
        lambda: bot.send_message(chat_id, text, reply_markup=keyboard, parse_mode=ParseMode.HTML),
        what=what,
    )


async def replace(bot: Bot, chat_id: int, message_id: int, text: str, *, what: str) -> Sent:
    """Put ``text`` in place of an earlier message (and its buttons), e.g. a prompt whose
    answer window passed. A message already changed or deleted is REFUSED (the person is
    still reachable)."""
    return await deliver(
        lambda: bot.edit_message_text(text, chat_id=chat_id, message_id=message_id),
        what=what,
    )
