"""The Mini App in a real browser (issue 19, item 6): headless Chromium opens the page
Telegram would open, with the launch data the sandbox signs. On the client's circle a contact
is dragged from the outer ring to the inner one, and moved again by tap-tap; the history and
the next `/network` keep it. On the dashboard the slider goes back through time and the
report arrives in the chat. Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.storage.models import ContactChange
from tests.browser import chromium_page, point_inside, problems
from tests.journeys import add_contact, joined_client
from tests.mini_app import amira_over_two_weeks, history

if TYPE_CHECKING:
    from playwright.async_api import Page

CIRCLE_BUTTON = "🔵 Place on the circle"


async def _network(amira: SandboxUser) -> tuple[bytes, str, ChatMessage]:
    """/network: the picture, the list's text, and the list (with its buttons)."""
    amira.catch_up()
    await amira.send("/network")
    picture = await amira.next_message()
    listing = await amira.next_message()
    assert picture.photo is not None
    return picture.photo.data, listing.content, listing


async def _mama_added_in_the_chat(bot: BotProcess, sandbox: TelegramSandbox) -> SandboxUser:
    _, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    listing = await amira.ask("/network")
    await add_contact(
        amira, listing, "🧑 Person", "Mama", "👋 Further away: I know them", "👪 Family"
    )
    return amira


async def _mama(bot: BotProcess) -> int:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        return int(await session.scalar(select(ContactChange.contact_id)) or 0)


async def _open(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector("body[data-ready='1']", state="attached")


async def test_drag_a_contact_to_the_inner_ring_and_the_chat_knows(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    amira = await _mama_added_in_the_chat(bot, sandbox)
    before, text, listing = await _network(amira)
    assert "Further away" in text
    url = amira.open_web_app(listing, CIRCLE_BUTTON, clock.now)
    assert url.startswith(f"{bot.settings.webapp_url}/app/circle#tgWebAppData=")
    mama = await _mama(bot)

    async with chromium_page(360, 740, touch=False) as page:
        await _open(page, url)
        contact = page.locator(f"[data-contact-id='{mama}']")
        label = await contact.get_attribute("aria-label")
        assert label == "Mama, Person, Further away, Family"
        box = await contact.bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        target = await point_inside(page.locator("[data-circle='1'][data-domain='family']"))
        version = await page.evaluate("document.body.dataset.version")
        await page.mouse.move(x, y)
        await page.mouse.down()
        for step in range(1, 11):
            await page.mouse.move(x + (target[0] - x) * step / 10, y + (target[1] - y) * step / 10)
        await page.mouse.up()
        await page.wait_for_selector(f"body:not([data-version='{version}'])", state="attached")
        status = await page.locator("#status").inner_text()
        assert status == "Mama is now at Very close, Family."
        label = await page.locator(f"[data-contact-id='{mama}']").get_attribute("aria-label")
        assert label == "Mama, Person, Very close, Family"
        assert not problems(page)

    assert await history(bot) == ["added", "moved"]
    after, text, _ = await _network(amira)
    assert after != before
    assert "Further away" not in text
    assert text.index("Very close") < text.index("Mama"), text


async def test_tap_tap_moves_without_dragging(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    amira = await _mama_added_in_the_chat(bot, sandbox)
    mama = await _mama(bot)
    url = amira.open_menu_app(clock.now)
    assert url.startswith(f"{bot.settings.webapp_url}/app/circle#")

    async with chromium_page(360, 740, touch=True) as page:
        await _open(page, url)
        contact = page.locator(f"[data-contact-id='{mama}']")
        await contact.tap()
        assert await contact.get_attribute("aria-pressed") == "true"
        cell = page.locator("[data-circle='2'][data-domain='friends']")
        assert await cell.get_attribute("aria-label") == "Close · Friends"
        x, y = await point_inside(cell)
        version = await page.evaluate("document.body.dataset.version")
        await page.touchscreen.tap(x, y)
        await page.wait_for_selector(f"body:not([data-version='{version}'])", state="attached")
        assert await page.locator("#status").inner_text() == "Mama is now at Close, Friends."
        # And with the keyboard: focus the contact, Enter, then a cell and Enter.
        await page.locator(f"[data-contact-id='{mama}']").focus()
        await page.keyboard.press("Enter")
        version = await page.evaluate("document.body.dataset.version")
        await page.locator("[data-circle='1'][data-domain='family']").focus()
        await page.keyboard.press("Enter")
        await page.wait_for_selector(f"body:not([data-version='{version}'])", state="attached")
        assert await page.locator("#status").inner_text() == "Mama is now at Very close, Family."
        assert not problems(page)

    assert await history(bot) == ["added", "moved", "moved"]
    _, text, _ = await _network(amira)
    assert "Further away" not in text
    assert text.index("Very close") < text.index("Mama"), text


async def test_forged_launch_data_shows_a_kind_line_and_nothing_else(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    amira = await _mama_added_in_the_chat(bot, sandbox)
    signed = amira.launch_data(clock.now)
    forged = signed.replace("Amira", "Els")
    assert forged != signed
    page_url = f"{bot.settings.webapp_url}/app/circle"
    async with chromium_page(360, 740) as page:
        for launch in (forged, ""):
            await _open(page, f"{page_url}#tgWebAppData={quote(launch)}")
            body = await page.locator("body").inner_text()
            assert "Close this page and open it again with the button in the chat." in body
            assert "Mama" not in body
            assert await page.locator("[data-contact-id]").count() == 0
        assert not problems(page)
    assert await history(bot) == ["added"]


async def test_the_dashboard_moves_through_time_and_sends_the_report(
    mini_app_bot_on_sqlite: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot_on_sqlite
    els, _ = await amira_over_two_weeks(bot, sandbox, clock)
    els.catch_up()
    listing = await els.ask("/clients")
    url = els.open_web_app(listing, "📊 Dashboard", clock.now)

    async with chromium_page(1280, 800) as page:
        await _open(page, url)
        row = page.locator("[data-client-id]").first
        assert "Amira" in await row.inner_text()
        assert await page.locator("svg[data-chart]").count() == 2
        await row.locator("[data-action='open']").click()
        await page.wait_for_selector("body[data-view='client']", state="attached")
        slider = page.locator("#slider")
        assert await slider.get_attribute("max") == "2"
        assert await slider.input_value() == "2"  # today first
        today = await page.locator("#frame-label").inner_text()
        removed = page.locator("[data-highlight='removed']")
        assert await removed.count() == 1
        assert "Jan" in (await removed.get_attribute("aria-label") or await removed.inner_text())

        compare = page.locator("[data-action='compare']")
        assert await compare.is_hidden()  # today against today: nothing to compare
        await page.locator("[data-action='prev']").click()
        assert await slider.input_value() == "1"
        # Before and after at any two dates: that day against today.
        day = await page.locator("#frame-label").inner_text()
        assert await compare.inner_text() == f"📊 Vergelijk {day} met nu"
        await compare.click()
        await page.wait_for_selector("#before-head:has-text('Op ')")
        status = await page.locator("#status").inner_text()
        assert status == f"De metingen tonen nu {day} naast vandaag."
        assert await compare.is_hidden()
        assert await page.locator("#frame-label").inner_text() != today
        assert await page.locator("[data-highlight='moved']").count() == 1
        assert await page.locator("[data-highlight='new']").count() == 1  # Jan came
        await slider.focus()
        await page.keyboard.press("ArrowLeft")
        assert await slider.input_value() == "0"
        assert await page.locator("[data-contact-id]").count() == 1  # only Mama, far away

        els.catch_up()
        await page.locator("[data-action='report']").click()
        await page.wait_for_selector("#status:has-text('rapport')")
        report = await els.next_message()
        assert report.document is not None
        assert report.document.data.startswith(b"%PDF")
        await page.locator("[data-action='back']").click()
        await page.wait_for_selector("body[data-view='caseload']", state="attached")
        assert not problems(page)
