"""How figures are written for a professional: a mean with one decimal, a share as a
percentage, and ▲▼= for a trend. One place, so the digest, /clients, before and after,
actions and the report write them alike."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from buddybot.i18n import Translator


def number(tr: Translator, value: float) -> str:
    """A mean with one decimal in the reader's language ("3,3" / "3.3")."""
    return format_decimal(round(value, 1), format="0.0", locale=tr.language)


def arrow(now: float | None, before: float | None) -> str:
    """▲ up, ▼ down, = about the same (within half a point), nothing when unknown."""
    if now is None or before is None:
        return ""
    if now >= before + 0.5:
        return " ▲"
    if now <= before - 0.5:
        return " ▼"
    return " ="


def percent(tr: Translator, share: float | None) -> str:
    """A share (0–1) as a percentage in the reader's language; – when unknown."""
    return "–" if share is None else format_percent(share, locale=tr.language)


def decimal_or_dash(tr: Translator, value: float | None) -> str:
    """A mean with one decimal in the reader's language; – when unknown."""
    return "–" if value is None else number(tr, value)
