"""Logging set-up. Logs are for operators: ids and events, never names, texts or the token."""

from __future__ import annotations

import logging

# Libraries log whole updates, request parameters or SQL with its values at DEBUG, which
# would put names and message texts in the log: they never go below INFO.
THIRD_PARTY_FLOOR = {
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "asyncpg": logging.INFO,
    "aiohttp": logging.INFO,
    "apscheduler": logging.INFO,
    "alembic": logging.INFO,
    "asyncio": logging.INFO,
    # These log full request URLs, and the Bot API URL contains the token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) in every log line, as a last line of defence."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


class _BuddyBotHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installs, so configuring twice replaces it."""


def configure(level: int, secrets: list[str] | None = None) -> None:
    """Send log lines to stderr at ``level``, with secrets redacted and chatty libraries capped."""
    handler = _BuddyBotHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _BuddyBotHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in THIRD_PARTY_FLOOR.items():
        logging.getLogger(name).setLevel(max(level, floor))
