"""The current time. One place, so every layer means the same thing by "now"."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only way times are stored)."""
    return datetime.now(UTC)
