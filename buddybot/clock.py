"""The current time. One place, so every layer means the same thing by "now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only way times are stored)."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: the demo, tests and benchmarks jump to the next
    check-in instead of waiting for it. Pass it as ``BotProcess(settings, clock=…)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        """Move the clock forward."""
        self.now += by
