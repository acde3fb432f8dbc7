"""Callback data as it comes from a person's device: parsed, or refused as malformed."""

from __future__ import annotations

import pytest

from buddybot import callbacks


def test_our_own_buttons_parse_back() -> None:
    data = callbacks.encode("ci", "42", "mood", "4")
    assert callbacks.decode(data) == callbacks.Callback("ci", ("42", "mood", "4"))


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "ci::start",
        ":1",
        "x" * 65,
        "ci:99999999999999999999:start",  # more than a database integer holds
        "ci:²:start",  # str.isdigit says yes, int() says no
        "ci:٣:start",  # an Arabic-Indic three
    ],
)
def test_malformed_or_forged_data_is_refused(forged: str | None) -> None:
    assert callbacks.decode(forged) is None


def test_the_longest_number_allowed_still_fits_a_database_integer() -> None:
    parsed = callbacks.decode("ci:" + "9" * callbacks.MAX_DIGITS + ":start")
    assert parsed is not None
    assert int(parsed.parts[0]) < 2**31  # the id columns are INTEGER on PostgreSQL
    assert callbacks.decode("ci:" + "9" * (callbacks.MAX_DIGITS + 1) + ":start") is None


def test_every_feature_has_its_own_prefix() -> None:
    """Two features with one prefix: the first registered takes the other's presses (the
    team report's "rp" once answered "Reply to Amira" with a PDF)."""
    from telegram.ext import CallbackQueryHandler

    from buddybot.handlers import build_handlers

    patterns = [
        handler.pattern.pattern  # type: ignore[union-attr]
        for group in build_handlers().values()
        for handler in group
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None
    ]
    assert len(patterns) > 20
    assert sorted(p for p in set(patterns) if patterns.count(p) > 1) == []
