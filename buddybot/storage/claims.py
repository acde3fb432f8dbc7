"""Claimed work: a row taken by one bot process (a check-in prompt being sent, a weekly
digest) carries the moment it was claimed. A claim older than :data:`STALE_CLAIM` was cut
off — the process died or lost Telegram before recording the outcome — and any process may
take the work again. Used for prompts (``storage/checkins.py``) and digests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

# Longer than any one send (three tries with back-off, and a digest of a few messages at
# Telegram's pace), short enough that a prompt is still timely when it is retried.
STALE_CLAIM = timedelta(minutes=5)


def stale(claimed_at: InstrumentedAttribute[Any], now: datetime) -> ColumnElement[bool]:
    """SQL: the claim in ``claimed_at`` was cut off by ``now`` (older than STALE_CLAIM)."""
    return claimed_at < now - STALE_CLAIM
