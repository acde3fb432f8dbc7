"""Where no browser is installed, the browser tests skip and the demo goes on without
screenshots, each saying what to install."""

from __future__ import annotations

import pytest

from buddybot.sandbox import browser
from buddybot.sandbox.browser import NoBrowserError, headless_chromium


async def test_no_chromium_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM_PATHS", ("/nowhere/chromium",))
    monkeypatch.setenv(browser.CHROMIUM_ENV, "/nowhere/either")
    with pytest.raises(NoBrowserError, match="install Debian's chromium package"):
        browser.chromium_binary()
    with pytest.raises(NoBrowserError, match="BUDDYBOT_CHROMIUM"):
        async with headless_chromium(360, 740):
            pass
