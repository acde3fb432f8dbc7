"""What every handler can reach through a typed context: the runtime (settings, database,
clock) and, once group −1 has identified them, the person behind the update and a
translator in their language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from telegram.ext import CallbackContext, ExtBot

from buddybot.clock import utcnow
from buddybot.i18n import Translator, translator
from buddybot.services.people import UNKNOWN, Person, language_of
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

    def translator_for(self, person: Person, app_language: str | None = None) -> Translator:
        """A translator for ``person``: their choice, their Telegram app's language, or the
        default language; missing texts fall back to the default language too."""
        default = self.settings.default_language
        return translator(language_of(person, app_language, default), default)

    def translator_in(self, language: str | None) -> Translator:
        """A translator in a stored language (None: the default language)."""
        return translator(language, self.settings.default_language)


class BuddyContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with typed access to the runtime and the sender. PTB builds
    one context per update and hands it to every group's handler, so what group −1 learns
    (``handlers/who.py``) is here for the handler that answers."""

    _person: Person | None = None
    _tr: Translator | None = None

    @property
    def runtime(self) -> Runtime:
        """The settings and database of this bot process."""
        return cast(Runtime, self.bot_data[RUNTIME_KEY])

    def identified(self, person: Person, tr: Translator) -> None:
        """Group −1 found who sent this update."""
        self._person, self._tr = person, tr

    @property
    def person(self) -> Person:
        """The person behind this update (UNKNOWN for people who did not join)."""
        return self._person or UNKNOWN

    @property
    def tr(self) -> Translator:
        """A translator in the sender's language (the default one before identification)."""
        return self._tr or self.runtime.translator_in(None)
