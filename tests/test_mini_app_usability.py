"""The Mini App's pages as their people use them (a usability review's faults, each fixed):
readable in Telegram's dark theme, a duplicate name added on purpose, a short way through
with the keyboard, focus never lost, one change at a time, and the like. Headless Chromium
as in test_mini_app_browser.py; skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from tests.browser import chromium_page, point_inside, problems
from tests.journeys import joined_client
from tests.mini_app import amira_over_two_weeks, call, history

if TYPE_CHECKING:
    from playwright.async_api import Page, Route

# Telegram's dark theme as some clients send it: without section_bg_color nor
# destructive_text_color.
DARK = (
    "window.Telegram = {WebApp: {initData: '', colorScheme: 'dark', themeParams: {"
    "bg_color: '#17212b', text_color: '#f5f5f5', button_color: '#5288c1',"
    " button_text_color: '#ffffff', hint_color: '#708499', secondary_bg_color: '#232e3c'},"
    " ready() {}, expand() {}}};"
)

# The contrast of an element's text (fill for SVG text) with what lies behind it: the
# first ancestor's background that is not transparent (WCAG's ratio).
CONTRAST = """(el) => {
  const parse = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    const srgb = c.startsWith('color(');
    const [r, g, b] = srgb ? m.slice(0, 3).map((v) => v * 255) : m.slice(0, 3);
    const a = m.length > 3 ? m[3] : 1;
    return [r, g, b, a];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  const fg = parse(el instanceof SVGElement ? style.fill : style.color);
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const s = getComputedStyle(node);
    const c = node instanceof SVGElement && node.tagName !== 'svg' ? null : s.backgroundColor;
    if (c) { const p = parse(c); if (p[3] > 0.5) { bg = p; break; } }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255, 1];
  const [x, y] = [lum(fg), lum(bg)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}"""

FOUR = [
    ("Papa", "person", 1, "family"),
    ("Sofie", "person", 2, "friends"),
    ("Fikkie", "animal", 1, "family"),
    ("De bib", "place", 3, "leisure"),
]


async def _open(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector("body[data-ready='1']", state="attached")


async def _version(page: Page) -> str:
    return str(await page.evaluate("document.body.dataset.version"))


async def _changed(page: Page, version: str) -> None:
    await page.wait_for_selector(f"body:not([data-version='{version}'])", state="attached")


async def _add(bot: BotProcess, amira: SandboxUser, clock: ManualClock, *people: Any) -> None:
    for label, kind, circle, domain in people:
        body = {"label": label, "kind": kind, "circle": circle, "domain": domain}
        status, answer = await call(bot, "/api/circle/add", amira.launch_data(clock.now), body)
        assert status == 200, answer


async def _amira(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, *people: Any
) -> tuple[SandboxUser, str]:
    """Amira with these people on her circle, and the URL of her circle's page."""
    _, amira = await joined_client(bot, sandbox)
    await _add(bot, amira, clock, *people)
    return amira, amira.open_menu_app(clock.now)


async def _focused(page: Page) -> str:
    """The focused element, in a few words: its data-action, contact id, id or tag."""
    return str(
        await page.evaluate(
            """() => { const a = document.activeElement; if (!a) return '';
            return a.dataset.action ? 'action:' + a.dataset.action
              : a.dataset.contactId ? 'contact:' + a.dataset.contactId
              : a.dataset.circle ? 'cell' : a.id ? '#' + a.id : a.tagName.toLowerCase(); }"""
        )
    )


async def _slow(page: Page, pattern: str, seconds: float = 0.6) -> None:
    """Calls to ``pattern`` take ``seconds`` longer (a slow connection)."""

    async def later(route: Route) -> None:
        await asyncio.sleep(seconds)
        await route.continue_()

    await page.route(pattern, later)


# ---- 1. Telegram's dark theme -----------------------------------------------------------------


async def test_dark_theme_without_section_colour_keeps_every_name_readable(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    els, amira = await amira_over_two_weeks(bot, sandbox, clock)
    els.catch_up()
    listing = await els.ask("/clients")
    dashboard = els.open_web_app(listing, "📊 Dashboard", clock.now)
    circle = amira.open_menu_app(clock.now)

    async with chromium_page(360, 740, touch=True) as page:
        await page.context.add_init_script(DARK)
        await _open(page, dashboard)
        for selector in (".client-row .name", ".client-row .line", ".client-row .state"):
            ratio = await page.locator(selector).first.evaluate(CONTRAST)
            assert ratio >= 4.5, (selector, ratio)

        await _open(page, circle)
        for selector in (".contact .label", ".contact .icon", ".you", ".circle-name"):
            ratio = await page.locator(selector).first.evaluate(CONTRAST)
            assert ratio >= 4.5, (selector, ratio)
        # The error red, on the page's dark background.
        await page.evaluate("document.getElementById('status').classList.add('error')")
        await page.evaluate("document.getElementById('status').textContent = 'x'")
        ratio = await page.locator("#status").evaluate(CONTRAST)
        assert ratio >= 4.5, ratio
        assert not problems(page)
    assert await history(bot) == ["added", "moved", "added", "removed"]


# ---- 2. The same name twice, on purpose --------------------------------------------------------


async def test_a_name_already_there_can_be_added_anyway(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, ("Mama", "person", 3, "family"))

    async with chromium_page(360, 740, touch=True) as page:
        await _open(page, url)
        await page.locator("#add").tap()
        await page.locator("#add-name").fill("Mama")
        await page.select_option("#add-circle", "1")
        await page.select_option("#add-domain", "family")
        await page.locator("#panel button[type=submit]").tap()
        anyway = page.locator("[data-action='anyway']")
        await anyway.wait_for()
        assert await page.locator("#add-error").inner_text() == (
            "Mama is already in your circle. Choose another name, or add anyway."
        )
        assert await anyway.inner_text() == "✔️ Yes, add anyway"
        assert await page.locator("#add-name").input_value() == "Mama"
        box = await anyway.bounding_box()
        assert box is not None
        assert box["height"] >= 48
        version = await _version(page)
        await anyway.tap()
        await _changed(page, version)
        assert await page.locator("[data-contact-id][aria-label^='Mama,']").count() == 2
        assert await page.locator("#status").inner_text() == (
            "Mama is now in your circle, at Very close."
        )
        assert not problems(page)
    assert await history(bot) == ["added", "added"]


# ---- 3. A short way through with the keyboard ---------------------------------------------------


async def _tabs_to(page: Page, wanted: str, most: int = 60) -> int:
    """How many presses of Tab until ``wanted`` (as :func:`_focused` says it) has focus."""
    for count in range(1, most + 1):
        await page.keyboard.press("Tab")
        if await _focused(page) == wanted:
            return count
    raise AssertionError(f"{wanted} not reached in {most} tabs")


async def test_the_places_are_tab_stops_only_while_a_place_is_chosen(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    people = [("Mama", "person", 3, "family"), *FOUR]
    _, url = await _amira(bot, sandbox, clock, *people)

    async with chromium_page(360, 740) as page:
        await _open(page, url)
        assert await page.locator("[data-contact-id]").count() == 5
        assert await _tabs_to(page, "action:add") <= 8
        # Not seen by a screen reader either, until a place is chosen.
        assert await page.locator("#cells").get_attribute("aria-hidden") == "true"

        mama = page.locator("[data-contact-id][aria-label^='Mama,']")
        await mama.focus()
        await page.keyboard.press("Enter")
        assert await mama.get_attribute("aria-pressed") == "true"
        assert await _focused(page) == "action:rename"
        await page.keyboard.press("Tab")
        assert await _focused(page) == "action:remove"
        # The places now: going back from the panel reaches them, with their names.
        assert await page.locator("#cells").get_attribute("aria-hidden") is None
        await page.locator("[data-action='rename']").focus()
        await page.keyboard.press("Shift+Tab")
        assert await _focused(page) == "cell"
        cell = page.locator(".cell:focus")
        assert await cell.get_attribute("role") == "button"
        assert " · " in (await cell.get_attribute("aria-label") or "")
        assert "Shift" in await page.locator("#panel").inner_text()
        assert not problems(page)


# ---- 4. Focus never lost -------------------------------------------------------------------------


async def test_focus_stays_on_no_and_on_the_report_button(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    els, amira = await amira_over_two_weeks(bot, sandbox, clock)
    circle = amira.open_menu_app(clock.now)
    els.catch_up()
    listing = await els.ask("/clients")
    dashboard = els.open_web_app(listing, "📊 Dashboard", clock.now)

    async with chromium_page(360, 740) as page:
        await _open(page, circle)
        mama = page.locator("[data-contact-id][aria-label^='Mama,']")
        mama_id = await mama.get_attribute("data-contact-id")
        await mama.focus()
        await page.keyboard.press("Enter")
        await page.locator("[data-action='remove']").focus()
        await page.keyboard.press("Enter")
        assert await _focused(page) == "action:yes"
        await page.keyboard.press("Tab")
        assert await _focused(page) == "action:no"
        await page.keyboard.press("Enter")
        assert await _focused(page) == f"contact:{mama_id}"

        await _open(page, dashboard)
        version = await _version(page)
        await page.locator("[data-action='open']").first.click()
        await _changed(page, version)
        await _slow(page, "**/api/dashboard/report")
        report = page.locator("[data-action='report']")
        await report.focus()
        els.catch_up()
        await page.keyboard.press("Enter")
        assert await report.get_attribute("aria-disabled") == "true"
        assert await _focused(page) == "action:report"
        await page.wait_for_selector("#status:has-text('rapport')")
        assert await _focused(page) == "action:report"
        assert await report.get_attribute("aria-disabled") is None
        assert (await els.next_message()).document is not None
        assert not problems(page)
    assert await history(bot) == ["added", "moved", "added", "removed"]


# ---- 5. One change at a time --------------------------------------------------------------------


async def test_a_double_tap_on_yes_removes_once_and_says_to_wait(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, ("Mama", "person", 3, "family"), *FOUR)

    async with chromium_page(360, 740) as page:
        await _open(page, url)
        await _slow(page, "**/api/circle/remove")
        mama = page.locator("[data-contact-id][aria-label^='Mama,']")
        await mama.click()
        await page.locator("[data-action='remove']").click()
        version = await _version(page)
        await page.locator("[data-action='yes']").dblclick()
        await page.wait_for_selector("#status:has-text('One moment…')")
        # While it is under way, a tap on another contact or on Cancel does nothing.
        await page.locator("[data-action='no']").click()
        papa = page.locator("[data-contact-id][aria-label^='Papa,']")
        await papa.click(force=True)
        assert await papa.get_attribute("aria-pressed") == "false"
        await _changed(page, version)
        assert await page.locator("#status").inner_text() == "Mama is no longer in your circle."
        assert await page.locator("#status.error").count() == 0
        assert await page.locator("[data-contact-id]").count() == 4
        assert not problems(page)
    assert await history(bot) == ["added"] * 5 + ["removed"]


# ---- 6. Escape while dragging --------------------------------------------------------------------


async def test_escape_during_a_drag_puts_the_contact_back(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, ("Mama", "person", 3, "family"))

    async with chromium_page(360, 740) as page:
        await _open(page, url)
        mama = page.locator("[data-contact-id]")
        label = await mama.get_attribute("aria-label")
        box = await mama.locator(".marker").bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        tx, ty = await point_inside(page.locator("[data-circle='1'][data-domain='friends']"))
        await page.mouse.move(x, y)
        await page.mouse.down()
        for step in range(1, 11):
            await page.mouse.move(x + (tx - x) * step / 10, y + (ty - y) * step / 10)
        await page.keyboard.press("Escape")
        await page.mouse.up()
        await page.wait_for_timeout(300)
        assert await mama.get_attribute("aria-label") == label
        assert await mama.get_attribute("aria-pressed") == "false"
        assert await mama.get_attribute("class") == "contact"
        again = await mama.locator(".marker").bounding_box()
        assert again is not None
        assert abs(again["x"] - box["x"]) < 1
        assert await page.locator("#status").inner_text() == ""
        assert not problems(page)
    assert await history(bot) == ["added"]


# ---- 7. Typing a name ---------------------------------------------------------------------------


async def test_name_fields_hold_what_the_server_keeps_and_enter_goes_on_to_the_kind(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, ("مريم", "person", 3, "family"))

    async with chromium_page(360, 740) as page:
        await _open(page, url)
        await page.locator("#add").click()
        name = page.locator("#add-name")
        assert await name.get_attribute("maxlength") == "40"
        assert await name.get_attribute("dir") == "auto"
        await name.press_sequentially("Jan")
        await page.keyboard.press("Enter")
        assert await _focused(page) == "action:kind"
        assert await page.locator("#add-error").is_hidden()
        await page.keyboard.press("Escape")

        maryam = page.locator("[data-contact-id]")
        await maryam.click()
        # The name keeps its own direction inside the Dutch or English sentence.
        title = await page.locator("#panel-title").inner_text()
        assert "\u2068مريم\u2069" in title
        await page.locator("[data-action='rename']").click()
        rename = page.locator("#rename-input")
        assert await rename.get_attribute("maxlength") == "40"
        assert await rename.get_attribute("dir") == "auto"
        assert not problems(page)


# ---- 8. Nobody yet -------------------------------------------------------------------------------


async def test_an_empty_circle_says_one_friendly_line_and_offers_to_add(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock)

    async with chromium_page(360, 740) as page:
        await _open(page, url)
        assert await page.locator("#help").is_hidden()
        assert "Drag" not in await page.locator("body").inner_text()
        assert await page.locator("#empty").is_visible()
        assert await page.locator("#add").is_visible()
        await page.locator("#add").click()
        await page.locator("#add-name").fill("Mama")
        await page.select_option("#add-circle", "1")
        await page.select_option("#add-domain", "family")
        version = await _version(page)
        await page.locator("#panel button[type=submit]").click()
        await _changed(page, version)
        assert await page.locator("#help").is_visible()
        assert await page.locator("#empty").is_hidden()
        assert not problems(page)


# ---- 11. A client with no history on the dashboard -----------------------------------------------


async def test_a_client_with_nobody_yet_shows_one_line_on_the_dashboard(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    els, _ = await joined_client(bot, sandbox)
    els.catch_up()
    listing = await els.ask("/clients")
    url = els.open_web_app(listing, "📊 Dashboard", clock.now)

    async with chromium_page(1280, 800) as page:
        await _open(page, url)
        version = await _version(page)
        await page.locator("[data-action='open']").first.click()
        await _changed(page, version)
        await page.wait_for_selector("body[data-view='client']", state="attached")
        lines = await page.locator("#changes-list li").all_inner_texts()
        assert lines == ["Op deze dag stond er nog niemand in het netwerk."]
        assert not problems(page)


# ---- 9. Names big enough to read -----------------------------------------------------------------

TWELVE = [
    ("Mama", "person", 1, "family"),
    ("Oma", "person", 1, "family"),
    ("Jan van de voetbal", "person", 2, "leisure"),
    ("Buurvrouw Rita", "person", 3, "neighbourhood"),
    ("Juf An", "person", 2, "education"),
    ("Dokter Peeters", "person", 3, "care"),
    ("Moskee", "place", 2, "faith"),
    ("Discord-groep", "group", 3, "online"),
    *FOUR,
]

# Each kind of text's size as shown, in CSS px (its font size times the SVG's scale).
SIZES = """() => {
  const size = (e) => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a;
  const least = (s) => Math.min(...[...document.querySelectorAll(s)].map(size));
  return {label: least('.contact .label'), ring: least('.circle-name'), you: least('.you')};
}"""


async def test_names_on_the_circle_are_about_13_px_on_a_phone(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, *TWELVE)

    async with chromium_page(360, 740, touch=True) as page:
        await _open(page, url)
        assert await page.locator("[data-contact-id]").count() == 12
        sizes = await page.evaluate(SIZES)
        assert min(sizes.values()) >= 12.9, sizes
        ring = page.locator(".circle-name").first
        assert await ring.evaluate(CONTRAST) >= 4.5
        assert not problems(page)


# ---- 10. 200 % zoom on a small phone ------------------------------------------------------------


async def test_the_add_form_fits_a_page_180_px_wide(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    _, url = await _amira(bot, sandbox, clock, ("Mama", "person", 3, "family"))

    async with chromium_page(180, 370, touch=True) as page:
        await _open(page, url)
        await page.locator("#add").tap()
        lefts = await page.locator("button.kind").evaluate_all(
            "(all) => all.map((b) => Math.round(b.getBoundingClientRect().left))"
        )
        assert len(lefts) == 4
        assert len(set(lefts)) == 1, lefts
        selects = await page.locator(".selects select").evaluate_all(
            "(all) => all.map((s) => Math.round(s.getBoundingClientRect().left))"
        )
        assert len(set(selects)) == 1, selects
        clipped = await page.evaluate(
            """() => [...document.querySelectorAll('#panel button, #panel label, #panel p')]
              .filter((e) => e.getClientRects().length && (e.scrollWidth > e.clientWidth + 1
                || e.getBoundingClientRect().right > document.documentElement.clientWidth))
              .map((e) => e.textContent)"""
        )
        assert clipped == []
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 180
        assert not problems(page)
