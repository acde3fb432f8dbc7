"""A headless Chromium page for the Mini App's browser tests (not a test module itself).

    async with chromium_page(360, 740) as page:
        await page.goto(url)
        await page.wait_for_selector("body[data-ready='1']", state="attached")
        ...
        assert not problems(page)

The test is skipped, with the reason, when Playwright or a Chromium binary is missing: the
binary is ``$BUDDYBOT_CHROMIUM``, else ``/usr/bin/chromium`` or ``/usr/bin/chromium-browser``.

``problems(page)`` lists what the page should never do: errors on its console, uncaught
exceptions and Content-Security-Policy violations. The browser's own line for an API answer
that is not a success ("Failed to load resource: … 422") is not a problem: the page shows
such answers on purpose. Note that ``page.wait_for_function`` with a string evaluates it,
which the page's policy forbids; wait for a selector instead (``body[data-version='3']``).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Page

CHROMIUM_ENV = "BUDDYBOT_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The browser's line for an HTTP answer that is not a success; the page handles those.
_HTTP_STATUS_LINE = "Failed to load resource: the server responded with a status of"
_PROBLEMS: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()


def problems(page: Page) -> list[str]:
    """What went wrong on a page of :func:`chromium_page` so far: console errors, uncaught
    exceptions, Content-Security-Policy violations (empty when all is well)."""
    return _PROBLEMS.get(page, [])


def chromium_binary() -> str:
    """The Chromium binary to drive; skips the test when there is none."""
    candidates = [os.environ.get(CHROMIUM_ENV, ""), *CHROMIUM_PATHS]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip(
        f"no Chromium binary: set {CHROMIUM_ENV} or install one at {' or '.join(CHROMIUM_PATHS)}"
    )


@asynccontextmanager
async def chromium_page(width: int, height: int, *, touch: bool = False) -> AsyncIterator[Page]:
    """A fresh page of ``width`` × ``height`` CSS pixels (a phone's touch screen with
    ``touch``) in headless Chromium; :func:`problems` tells what went wrong on it."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright)")
    binary = chromium_binary()
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(_HTTP_STATUS_LINE):
            found.append(f"console: {message.text}")

    def on_page_error(error: Any) -> None:
        found.append(f"page error: {error}")

    def on_violation(source: Any, directive: str, blocked: str) -> None:
        found.append(f"CSP violation: {directive} blocked {blocked or 'inline code'}")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        try:
            context = await browser.new_context(
                viewport={"width": width, "height": height},
                has_touch=touch,
                is_mobile=touch,
            )
            # Bindings and init scripts come in through the debugging protocol, which the
            # page's policy does not restrict; the page's own code stays under it.
            await context.expose_binding("__buddybotViolation", on_violation)
            await context.add_init_script(
                "document.addEventListener('securitypolicyviolation', (event) =>"
                " window.__buddybotViolation(event.effectiveDirective, event.blockedURI));"
            )
            page = await context.new_page()
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            _PROBLEMS[page] = found
            yield page
        finally:
            await browser.close()
