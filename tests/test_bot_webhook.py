"""End to end, webhook mode: the sandbox posts updates to the bot's own HTTP server."""

from __future__ import annotations

import json
import socket

import aiohttp
import pytest

from benchmarks.processes import free_port
from buddybot.runner import BotProcess, StartupError
from buddybot.sandbox import TelegramSandbox
from buddybot.storage.database import Database
from buddybot.webhook import SECRET_HEADER, WebhookServer
from tests.conftest import WEBHOOK_SECRET, webhook_settings


async def test_webhook_is_registered_with_the_secret(
    webhook_bot: BotProcess, sandbox: TelegramSandbox, webhook_port: int
) -> None:
    info = sandbox.webhook_info()
    assert info["url"] == f"http://127.0.0.1:{webhook_port}/telegram"
    assert sandbox.calls_of("setWebhook")[-1].params["secret_token"] == WEBHOOK_SECRET
    assert info["max_connections"] == 100  # Telegram's most: fewer updates wait for a place


async def test_start_help_and_privacy_through_the_webhook(
    webhook_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    sam = sandbox.user("Sam", language_code="en")
    assert "I'm BuddyBot" in (await sam.ask("/start")).content
    assert "/privacy" in (await sam.ask("/help")).content
    assert "Your data" in (await sam.ask("/privacy")).content
    amira = sandbox.user("Amira", language_code="nl")
    assert "Jouw gegevens" in (await amira.ask("/privacy")).content
    await sandbox.wait_for(lambda: sandbox.webhook_info()["pending_update_count"] == 0)


def _update(chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Mallory", "language_code": "en"}
    return {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Mallory"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_wrong_or_missing_secret_is_refused_and_not_processed(
    webhook_bot: BotProcess, sandbox: TelegramSandbox, webhook_port: int
) -> None:
    mallory = sandbox.user("Mallory", language_code="en")
    url = f"http://127.0.0.1:{webhook_port}/telegram"
    body = json.dumps(_update(mallory.id, "/start"))
    async with aiohttp.ClientSession() as http:
        for headers in ({SECRET_HEADER: "wrong-secret"}, {}, {SECRET_HEADER: ""}):
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == 403
        async with http.post(url, data="not json", headers={SECRET_HEADER: WEBHOOK_SECRET}) as bad:
            assert bad.status == 400
        async with http.post(url, data=body, headers={SECRET_HEADER: WEBHOOK_SECRET}) as good:
            assert good.status == 200
    # Only the request with the right secret was answered.
    assert len(mallory.inbox) == 1
    assert sandbox.calls_of("sendMessage")[0].params["chat_id"] == str(mallory.id)


async def test_bodies_that_are_no_update_are_refused_without_an_error(
    webhook_bot: BotProcess,
    sandbox: TelegramSandbox,
    webhook_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"http://127.0.0.1:{webhook_port}/telegram"
    mallory = sandbox.user("Mallory", language_code="en")
    half = dict(_update(mallory.id, "/start"), update_id="x")
    odd = ("[1,2,3]", "42", "null", '"x"', "{}", json.dumps(half), '{"update_id": true}')
    async with aiohttp.ClientSession() as http:
        for body in odd:
            async with http.post(url, data=body, headers={SECRET_HEADER: WEBHOOK_SECRET}) as bad:
                assert bad.status == 400, body
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert mallory.inbox == []


async def test_healthz_reports_the_database(webhook_bot: BotProcess, webhook_port: int) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{webhook_port}/healthz") as response,
    ):
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_healthz_fails_when_the_database_is_unreachable(
    webhook_bot: BotProcess,
) -> None:
    unreachable = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing")
    port = free_port()
    assert webhook_bot.application is not None
    server = WebhookServer(
        webhook_bot.application,
        unreachable,
        webhook_url="http://127.0.0.1/telegram",
        secret="x",
        host="127.0.0.1",
        port=port,
    )
    await server.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 503
    finally:
        await server.stop()
        await unreachable.dispose()


async def test_a_port_in_use_is_named(sandbox: TelegramSandbox, sqlite_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = BotProcess(webhook_settings(sandbox, sqlite_url, port))
        with pytest.raises(StartupError, match="BUDDYBOT_LISTEN_PORT"):
            await process.start()
    assert process.application is None
    assert process.database is None
