"""A headless Chromium page for the Mini App's browser tests (not a test module itself).

    async with chromium_page(360, 740) as page:
        await page.goto(url)
        await page.wait_for_selector("body[data-ready='1']", state="attached")
        ...
        assert not problems(page)

The test is skipped, with the reason, when Playwright or a Chromium binary is missing
(``buddybot/sandbox/browser.py`` finds them, for the demo's screenshots too).

``problems(page)`` lists what the page should never do: errors on its console, uncaught
exceptions and Content-Security-Policy violations. The browser's own line for an API answer
that is not a success ("Failed to load resource: … 422") is not a problem: the page shows
such answers on purpose. Note that ``page.wait_for_function`` with a string evaluates it,
which the page's policy forbids; wait for a selector instead (``body[data-version='3']``).
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest

from buddybot.sandbox.browser import NoBrowserError, headless_chromium

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Locator, Page

# The browser's line for an HTTP answer that is not a success; the page handles those.
_HTTP_STATUS_LINE = "Failed to load resource: the server responded with a status of"
_PROBLEMS: weakref.WeakKeyDictionary[Page, list[str]] = weakref.WeakKeyDictionary()


def problems(page: Page) -> list[str]:
    """What went wrong on a page of :func:`chromium_page` so far: console errors, uncaught
    exceptions, Content-Security-Policy violations (empty when all is well)."""
    return _PROBLEMS.get(page, [])


@asynccontextmanager
async def chromium_page(width: int, height: int, *, touch: bool = False) -> AsyncIterator[Page]:
    """A fresh page of ``width`` × ``height`` CSS pixels (a phone's touch screen with
    ``touch``) in headless Chromium; :func:`problems` tells what went wrong on it."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(_HTTP_STATUS_LINE):
            found.append(f"console: {message.text}")

    def on_page_error(error: Any) -> None:
        found.append(f"page error: {error}")

    def on_violation(source: Any, directive: str, blocked: str) -> None:
        found.append(f"CSP violation: {directive} blocked {blocked or 'inline code'}")

    async with AsyncExitStack() as stack:
        try:
            context = await stack.enter_async_context(headless_chromium(width, height, touch=touch))
        except NoBrowserError as missing:
            pytest.skip(str(missing))
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


# A point well inside an SVG shape (a ring × sector cell is no rectangle): of the points of
# a 9×9 grid over its box that lie in its fill, the one nearest their middle.
_INSIDE = """(el) => {
  const box = el.getBoundingClientRect();
  const toShape = el.getScreenCTM().inverse();
  const inside = [];
  for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
    const x = box.left + box.width * i / 10, y = box.top + box.height * j / 10;
    if (el.isPointInFill(new DOMPoint(x, y).matrixTransform(toShape))) inside.push([x, y]);
  }
  const mx = inside.reduce((s, p) => s + p[0], 0) / inside.length;
  const my = inside.reduce((s, p) => s + p[1], 0) / inside.length;
  inside.sort((a, b) => Math.hypot(a[0] - mx, a[1] - my) - Math.hypot(b[0] - mx, b[1] - my));
  return inside[0];
}"""


async def point_inside(locator: Locator) -> tuple[float, float]:
    """A point (CSS px) well inside an SVG shape, such as a ring × sector place, to tap or
    drop on: the middle of its box can lie outside it."""
    x, y = await locator.evaluate(_INSIDE)
    return float(x), float(y)
