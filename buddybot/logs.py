"""Logging set-up. Logs are for operators: ids and events, never names, texts or the token."""

from __future__ import annotations

import logging
import re

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
    # matplotlib scores every installed font at DEBUG (hundreds of lines for one picture).
    "matplotlib": logging.INFO,
    "PIL": logging.INFO,
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


class WithholdWarningText(logging.Filter):
    """Python warnings reach the log (``logging.captureWarnings``) with their category and
    where they were raised, never their text: a library's warning can quote what it was given.
    matplotlib's "Glyph 4656 (\\N{ETHIOPIC SYLLABLE SA}) missing from font(s) DejaVu Sans."
    spells out a client's name character by character. The same rule as for exceptions,
    whose messages are not logged either."""

    # warnings.formatwarning: "<file>:<line>: <Category>: <text>\n"
    _FORMAT = re.compile(r"(?P<where>.+?:\d+): (?P<category>[A-Za-z_][\w.]*): ")

    def filter(self, record: logging.LogRecord) -> bool:
        found = self._FORMAT.match(record.getMessage())
        where, category = (found["where"], found["category"]) if found else ("?", "Warning")
        record.msg = "%s at %s (its text is not logged: it can quote personal data)"
        record.args = (category, where)
        return True


WARNINGS_LOGGER = "py.warnings"  # where logging.captureWarnings sends them


class WithholdRequestErrors(logging.Filter):
    """aiohttp logs a request it could not read or handle ("Error handling request") with
    its exception and stack, and the exception quotes the request: a header over 8 KB shows
    the Mini App's launch data, with the person's name in it. Kept: that it happened and
    the exception's type; withheld: its text and the stack (as for every exception)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is not None:
            error = record.exc_info[1]
            kind = type(error).__qualname__ if error is not None else "error"
            record.msg = "%s while handling an HTTP request (its text is not logged)"
            record.args = (kind,)
            record.exc_info, record.exc_text = None, None
        return True


# aiohttp's loggers that log a failed request with its exception.
REQUEST_ERROR_LOGGERS = ("aiohttp.server", "aiohttp.web")


class _BuddyBotHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installs, so configuring twice replaces it."""


def configure(level: int, secrets: list[str] | None = None) -> None:
    """Send log lines to stderr at ``level``, with secrets redacted, chatty libraries capped,
    and Python warnings logged without their text."""
    handler = _BuddyBotHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _BuddyBotHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    warnings_log = logging.getLogger(WARNINGS_LOGGER)
    if not any(isinstance(f, WithholdWarningText) for f in warnings_log.filters):
        warnings_log.addFilter(WithholdWarningText())
    for name in REQUEST_ERROR_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, WithholdRequestErrors) for f in logger.filters):
            logger.addFilter(WithholdRequestErrors())
    for name, floor in THIRD_PARTY_FLOOR.items():
        logging.getLogger(name).setLevel(max(level, floor))
