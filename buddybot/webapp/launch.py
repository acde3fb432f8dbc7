"""Telegram's signed launch data (*initData*): who opened the Mini App, and whether to trust it.

Telegram signs the launch data with a key derived from the bot token (HMAC-SHA256,
https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app); the check
itself is ``telegram-webapp-auth``'s. Its own age check reads the wall clock, so the age is
checked here against the bot's clock instead (the same clock as everything else, and the
tests').
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from telegram_webapp_auth.auth import TelegramAuthenticator, generate_secret_key
from telegram_webapp_auth.errors import BaseTWAError

# Clocks differ a little; launch data signed this far "in the future" is still accepted.
CLOCK_SKEW = timedelta(minutes=1)
# Telegram's initData is a short query string; anything much longer is not launch data.
MAX_LENGTH = 8192


class Refusal(StrEnum):
    """Why launch data is not trusted."""

    MISSING = "missing"  # no launch data at all (opened outside Telegram)
    FORGED = "forged"  # not signed with this bot's token, or malformed, or no user in it
    EXPIRED = "expired"  # older than the maximum age (or signed in the future)


class UntrustedLaunchError(Exception):
    """The launch data cannot be trusted; ``reason`` says why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Launch:
    """Who opened the Mini App, as Telegram signed it."""

    telegram_user_id: int
    language_code: str | None
    signed_at: datetime  # UTC


class LaunchCheck:
    """Checks launch data for one bot token."""

    def __init__(self, token: str, max_age: timedelta) -> None:
        self._authenticator = TelegramAuthenticator(generate_secret_key(token))
        self._max_age = max_age

    def check(self, init_data: str, now: datetime) -> Launch:
        """The person behind ``init_data`` (Telegram's query string, as
        ``Telegram.WebApp.initData`` holds it) at ``now`` (UTC). Raises UntrustedLaunchError."""
        if not init_data:
            raise UntrustedLaunchError(Refusal.MISSING)
        if len(init_data) > MAX_LENGTH:
            raise UntrustedLaunchError(Refusal.FORGED)
        try:
            data = self._authenticator.validate(init_data, expr_in=None)
        except (BaseTWAError, ValueError, TypeError):
            raise UntrustedLaunchError(Refusal.FORGED) from None
        if data.user is None or not isinstance(data.user.id, int) or data.user.id <= 0:
            raise UntrustedLaunchError(Refusal.FORGED)
        signed_at = datetime.fromtimestamp(data.auth_date, tz=UTC)
        if not now - self._max_age <= signed_at <= now + CLOCK_SKEW:
            raise UntrustedLaunchError(Refusal.EXPIRED)
        language = data.user.language_code
        return Launch(data.user.id, language if isinstance(language, str) else None, signed_at)
