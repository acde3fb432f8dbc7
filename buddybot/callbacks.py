"""Callback data of inline buttons: built and parsed in one place.

Format: ``<feature>:<part>:<part>`` (e.g. ``lang:nl``), at most 64 bytes as Telegram requires.
Callback data comes from the user's device: handlers must re-check everything it names.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"
# Ids and numbers in callback data fit the id columns, which are 32-bit (PostgreSQL's
# INTEGER): every number of 9 digits does; a longer one would fail in the database driver.
MAX_DIGITS = 9


@dataclass(frozen=True)
class Callback:
    """Parsed callback data."""

    feature: str
    parts: tuple[str, ...]


def encode(feature: str, *parts: str) -> str:
    """Build callback data; raises ValueError if it would be invalid for Telegram."""
    pieces = (feature, *parts)
    if any(not piece or SEPARATOR in piece for piece in pieces):
        raise ValueError("callback parts must be non-empty and free of ':'")
    data = SEPARATOR.join(pieces)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data longer than 64 bytes")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None when it is not ours or malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    feature, *parts = data.split(SEPARATOR)
    if not feature or any(not part or not _plain_number_if_any(part) for part in parts):
        return None
    return Callback(feature, tuple(parts))


def _plain_number_if_any(part: str) -> bool:
    """False for a part that only looks like a number to ``str.isdigit`` (which handlers
    use before ``int``): digits from other scripts ("²", "٣") that ``int`` refuses or
    reads differently, or more digits than a database integer holds."""
    return not part.isdigit() or (part.isascii() and len(part) <= MAX_DIGITS)


def pattern(feature: str) -> str:
    """A regular expression for PTB's CallbackQueryHandler matching one feature's buttons."""
    return rf"^{feature}{SEPARATOR}"
