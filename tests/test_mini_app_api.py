"""The Mini App's API (issue 19, item 4): every call carries Telegram's signed launch data,
is mapped to the person through the same lookup as updates, and is allowed by the same
rules as a button press. On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import aiohttp
from sqlalchemy import select
from telegram import MenuButtonDefault

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.sandbox.webapps import launch_data
from buddybot.storage.models import ContactChange
from tests.journeys import invite, join, joined_client
from tests.mini_app import MAMA, amira_with_mama, audit_lines, base_url, call


async def test_the_client_sees_and_changes_her_own_circle(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)

    status, state = await call(bot, "/api/circle", signed)
    assert status == 200
    assert state["language"] == "en"
    assert state["contacts"] == [{"id": mama, **MAMA}]
    assert [c["name"] for c in state["circles"]] == ["Very close", "Close", "Further away"]
    assert len(state["domains"]) == 10
    assert state["domains"][0] == {"domain": "family", "name": "Family"}

    move = {"contact": mama, "circle": 1, "domain": "family"}
    status, moved = await call(bot, "/api/circle/move", signed, move)
    assert status == 200
    assert moved["contacts"][0]["circle"] == 1
    assert moved["said"] == "Mama is now at Very close, Family."
    status, renamed = await call(
        bot, "/api/circle/rename", signed, {"contact": mama, "label": "  Mum  "}
    )
    assert (status, renamed["contacts"][0]["label"]) == (200, "Mum")
    status, removed = await call(bot, "/api/circle/remove", signed, {"contact": mama})
    assert (status, removed["contacts"]) == (200, [])
    assert removed["said"] == "Mum is no longer in your circle."

    assert bot.database is not None
    async with bot.database.transaction() as session:
        history = list(await session.scalars(select(ContactChange.change)))
    assert history == ["added", "moved", "relabelled", "removed"]


async def test_bad_input_gets_a_kind_answer_and_changes_nothing(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)

    status, taken = await call(bot, "/api/circle/add", signed, {**MAMA, "label": " mama "})
    assert (status, taken["error"]) == (422, "taken")
    assert "Mama is already in your circle" in taken["message"]
    status, empty = await call(bot, "/api/circle/rename", signed, {"contact": mama, "label": " "})
    assert (status, empty["error"]) == (422, "bad_label")
    status, long = await call(bot, "/api/circle/add", signed, {**MAMA, "label": "x" * 41})
    assert (status, long["error"]) == (422, "bad_label")
    for body in (
        [1, 2],
        {"contact": mama, "circle": 4, "domain": "family"},
        {"contact": mama, "circle": 1, "domain": "moon"},
        {"contact": "12", "circle": 1, "domain": "family"},
        {"contact": True, "circle": 1, "domain": "family"},
    ):
        status, refused = await call(bot, "/api/circle/move", signed, body)
        assert (status, refused["error"]) == (400, "bad_request"), body
        assert refused["message"] == "That did not work. Please try again."
    # Added anyway, as the chat allows after asking.
    status, anyway = await call(bot, "/api/circle/add", signed, {**MAMA, "anyway": True})
    assert status == 200
    assert [c["label"] for c in anyway["contacts"]] == ["Mama", "Mama"]
    # Removed twice (another screen): said so, nothing changes.
    await call(bot, "/api/circle/remove", signed, {"contact": mama})
    status, gone = await call(bot, "/api/circle/remove", signed, {"contact": mama})
    assert (status, gone["error"]) == (409, "gone")

    assert bot.database is not None
    async with bot.database.transaction() as session:
        history = list(await session.scalars(select(ContactChange.change)))
    assert history == ["added", "added", "removed"]


def _forged(signed: str, **changed: str) -> str:
    fields = dict(parse_qsl(signed))
    fields.update(changed)
    return urlencode(fields)


async def test_forged_expired_and_missing_launch_data_is_refused_and_written(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    other_bot = launch_data("42:another-bots-token", amira.user, clock.now)
    someone_else = _forged(signed, user='{"id":1,"first_name":"Els"}')
    attempts = {
        "forged": [
            other_bot,
            someone_else,
            _forged(signed, hash="0" * 64),
            "user=%7B%22id%22%3A1%7D",
            "%%%",
        ],
        "expired": [
            amira.launch_data(clock.now - timedelta(minutes=61)),
            amira.launch_data(clock.now + timedelta(minutes=5)),
        ],
        "missing": [""],
    }
    for reason, launches in attempts.items():
        for launch in launches:
            status, refused = await call(bot, "/api/circle/remove", launch, {"contact": mama})
            assert (status, refused["error"]) == (401, "unauthorised"), (reason, launch)
            assert "open it again" in refused["message"] or "opnieuw" in refused["message"]
    status, _ = await call(bot, "/api/circle", None)
    assert status == 401
    # Within the maximum age it works.
    still = amira.launch_data(clock.now - timedelta(minutes=59))
    assert (await call(bot, "/api/circle", still))[0] == 200

    written = await audit_lines(bot, "refused.webapp.launch")
    reasons = [line.detail["reason"] if line.detail else None for line in written]
    assert reasons == ["forged"] * 5 + ["expired"] * 2 + ["missing"] * 2
    assert {line.actor_kind for line in written} == {"unknown"}
    assert (await call(bot, "/api/circle", signed))[1]["contacts"][0]["label"] == "Mama"


async def test_other_people_reach_no_ones_circle(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Launch data is the caller's own: Noor's reaches only Noor's circle; Els, a buddy or
    a stranger reach none; a client who said /stop no longer reaches hers."""
    bot = mini_app_bot
    els, amira, mama = await amira_with_mama(bot, sandbox, clock)
    noor = sandbox.user("Noor", language_code="en")
    await join(noor, await invite(els, "👤 Een cliënt", "Noor"), "English", "✅ I'll take part")
    as_noor = noor.launch_data(clock.now)

    status, own = await call(bot, "/api/circle", as_noor)
    assert (status, own["contacts"]) == (200, [])
    for path, body in (
        ("/api/circle/move", {"contact": mama, "circle": 1, "domain": "work"}),
        ("/api/circle/rename", {"contact": mama, "label": "Mine"}),
        ("/api/circle/remove", {"contact": mama}),
    ):
        status, refused = await call(bot, path, as_noor, body)
        assert (status, refused["error"]) == (403, "forbidden"), path
    assert len(await audit_lines(bot, "refused.webapp.circle.contact")) == 3

    stranger = sandbox.user("Wim", language_code="nl")
    for person in (els, stranger):
        status, refused = await call(bot, "/api/circle", person.launch_data(clock.now))
        assert (status, refused["error"]) == (403, "forbidden")
    assert refused["message"].startswith("Dit kan je hier niet bekijken.")
    assert len(await audit_lines(bot, "refused.webapp.circle")) == 2

    stop = await amira.ask("/stop")
    await amira.press(stop, "Yes, I'll stop")
    await amira.wait_for_edit(stop, 0)
    status, _ = await call(bot, "/api/circle", amira.launch_data(clock.now))
    assert status == 403
    status, _ = await call(bot, "/api/circle", as_noor)
    assert status == 200


async def test_the_pages_come_with_a_strict_content_security_policy(
    mini_app_bot: BotProcess,
) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/app/circle", "/app/static/circle.js"):
            async with http.get(base_url(mini_app_bot) + path) as response:
                assert response.status == 200, path
                policy = response.headers["Content-Security-Policy"]
                assert "default-src 'none'" in policy
                assert "script-src 'self';" in policy
                assert "frame-ancestors https://web.telegram.org" in policy
                assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(base_url(mini_app_bot) + "/app/static/../launch.py") as response:
            assert response.status in (403, 404)


async def test_the_buttons_that_open_the_mini_app(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """The client's circle under /network and as her menu button; the dashboard under
    /clients and as the professional's; no circle under the professional's view of it."""
    bot = mini_app_bot
    els, amira = await joined_client(bot, sandbox)
    base = base_url(bot)
    assert amira.open_menu_app(clock.now).startswith(f"{base}/app/circle#tgWebAppData=")
    assert els.open_menu_app(clock.now).startswith(f"{base}/app/dashboard#tgWebAppData=")
    amira.catch_up()
    listing = await amira.ask("/network")
    assert [b.web_app for b in listing.buttons if b.web_app] == [f"{base}/app/circle"]
    els.catch_up()
    caseload = await els.ask("/clients")
    assert caseload.buttons[0].text == "📊 Dashboard"
    assert caseload.buttons[0].web_app == f"{base}/app/dashboard"
    # Someone who stops is asked nothing: the menu button no longer opens her circle.
    stop = await amira.ask("/stop")
    await amira.press(stop, "Yes, I'll stop")
    await amira.wait_for_edit(stop, 0)
    await sandbox.wait_for(lambda: sandbox.menu_button(amira.id) == {"type": "default"})


async def test_without_a_mini_app_there_are_no_buttons_for_it(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    listing = await amira.ask("/network")
    els.catch_up()
    caseload = await els.ask("/clients")
    assert not [b for b in listing.buttons + caseload.buttons if b.web_app]
    assert sandbox.menu_button(amira.id) is None


def test_telegrams_own_script_is_loaded_first_and_allowed_only_when_asked() -> None:
    from buddybot.webapp.server import TELEGRAM_JS, _page, content_security_policy

    for page in ("circle.html", "dashboard.html"):
        with_script = _page(page, telegram_js=True)
        assert with_script.index(TELEGRAM_JS) < with_script.index("/app/static/launch.js")
        assert TELEGRAM_JS not in _page(page, telegram_js=False)
    assert "script-src 'self' https://telegram.org;" in content_security_policy(telegram_js=True)
    assert "telegram.org;" not in content_security_policy(telegram_js=False)


async def test_people_who_joined_before_the_mini_app_get_its_button_with_start(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """A chat whose menu button is Telegram's own (someone who joined before the Mini App
    was set up): /start gives the client her circle and the professional the dashboard."""
    bot = mini_app_bot
    els, amira = await joined_client(bot, sandbox)
    assert bot.application is not None
    for person in (els, amira):
        await bot.application.bot.set_chat_menu_button(person.id, MenuButtonDefault())
        assert sandbox.menu_button(person.id) == {"type": "default"}
        await person.ask("/start")
    base = base_url(bot)
    await sandbox.wait_for(lambda: sandbox.menu_button(amira.id) != {"type": "default"})
    assert amira.open_menu_app(clock.now).startswith(f"{base}/app/circle#")
    await sandbox.wait_for(lambda: sandbox.menu_button(els.id) != {"type": "default"})
    assert els.open_menu_app(clock.now).startswith(f"{base}/app/dashboard#")
