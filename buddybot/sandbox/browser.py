"""A headless Chromium for looking at the Mini App as a person would: the demo's screenshots
and the browser tests. Debian's ``chromium``, driven by Playwright (a development
dependency); where either is missing, :class:`NoBrowserError` says which."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

CHROMIUM_ENV = "BUDDYBOT_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class NoBrowserError(Exception):
    """No browser to drive; the message says what to install."""


def chromium_binary() -> str:
    """The Chromium binary: ``$BUDDYBOT_CHROMIUM``, else Debian's. Raises NoBrowserError."""
    for candidate in (os.environ.get(CHROMIUM_ENV, ""), *CHROMIUM_PATHS):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise NoBrowserError(
        f"no Chromium: install Debian's chromium package or set {CHROMIUM_ENV} "
        f"(looked at {', '.join(CHROMIUM_PATHS)})"
    )


@asynccontextmanager
async def headless_chromium(
    width: int, height: int, *, touch: bool = False
) -> AsyncIterator[BrowserContext]:
    """A fresh browser context of ``width`` × ``height`` CSS pixels (a phone's touch screen
    with ``touch``). Raises NoBrowserError when Playwright or Chromium is missing."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        raise NoBrowserError("Playwright is not installed (pip install playwright)") from None
    binary = chromium_binary()
    async with async_playwright() as playwright:
        # No sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
        browser = await playwright.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        try:
            yield await browser.new_context(
                viewport={"width": width, "height": height},
                has_touch=touch,
                is_mobile=touch,
                device_scale_factor=2 if touch else 1,
            )
        finally:
            await browser.close()
