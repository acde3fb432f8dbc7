"""What every handler can reach: the settings and the database, through a typed context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from telegram.ext import CallbackContext, ExtBot

from buddybot.clock import utcnow
from buddybot.settings import Settings
from buddybot.storage.database import Database

RUNTIME_KEY = "runtime"


@dataclass(frozen=True)
class Runtime:
    """The long-lived objects of one bot process, built once at start-up. ``clock`` is what
    the scheduler calls "now" (tests and the demo move it forward)."""

    settings: Settings
    database: Database
    clock: Callable[[], datetime] = utcnow


class BuddyContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with typed access to the runtime."""

    @property
    def runtime(self) -> Runtime:
        """The settings and database of this bot process."""
        return cast(Runtime, self.bot_data[RUNTIME_KEY])
