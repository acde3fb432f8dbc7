"""What became of one message to Telegram, and when one held back by a passing problem is
tried again. Pure: the sender (``sender.py``) decides the outcome, the services holding
prompts, digests and the outbox decide from it (architecture notes, "Talking to Telegram")."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# A message still pending after a passing problem is tried again after these pauses
# (doubling): Telegram's own outages last minutes, rarely hours.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)


class Delivery(StrEnum):
    """What became of one message."""

    SENT = "sent"
    LATER = "later"  # temporary trouble: keep it pending, it is tried again later
    GONE = "gone"  # the person cannot be reached (blocked, deactivated): never retried
    REFUSED = "refused"  # Telegram refused this message (not the person): never retried
    # Telegram did not answer in time: the message may well have arrived. Not sent again (a
    # double prompt or note confuses more than the rare one lost), never told as a failure.
    UNKNOWN = "unknown"


def next_try(now: datetime, attempts: int) -> datetime:
    """When a message that was tried ``attempts`` times (≥ 1) and is still
    :attr:`Delivery.LATER` is tried again: 1, 2, 4 … minutes after ``now``, at most
    :data:`LONGEST_RETRY`."""
    pause: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 10)
    return now + min(pause, LONGEST_RETRY)
