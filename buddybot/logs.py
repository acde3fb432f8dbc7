"""Logging set-up. Logs are for operators: ids and events, never names, texts or the token."""

from __future__ import annotations

import logging

# These libraries log full request URLs, and the Bot API URL contains the token.
_CHATTY_LOGGERS = ("httpx", "httpcore", "aiohttp.access", "apscheduler")


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


def configure(level: int, secrets: list[str] | None = None) -> None:
    """Send log lines to stderr at ``level``, with secrets redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
