"""Shared fixtures: a clean environment, databases (SQLite always, PostgreSQL when configured),
the Telegram sandbox and a running bot talking to it."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from benchmarks.databases import POSTGRES_ENV, postgres_database
from benchmarks.processes import free_port
from buddybot import logs
from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.settings import Settings, load_settings
from buddybot.storage import crypto, migrate
from buddybot.storage.database import Database

# One throw-away keyring for the whole test run; bots the tests start (ephemeral_keys) and
# bots in child processes (BUDDYBOT_ENCRYPTION_KEYS) use it too.
crypto.activate(crypto.Keyring.generate("test"))

WEBHOOK_SECRET = "sandbox-webhook-secret_1"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never pick up the developer's BUDDYBOT_* variables or config file."""
    for name in list(os.environ):
        if name.startswith("BUDDYBOT_") and name != POSTGRES_ENV:
            monkeypatch.delenv(name)
    empty = tmp_path / "empty-config.toml"
    empty.write_text("")
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(empty))


@pytest.fixture
def debug_logging() -> Iterator[None]:
    """Logging as `buddybot run` sets it up at DEBUG; levels are restored afterwards."""
    names = ["", *logs.THIRD_PARTY_FLOOR]
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    logs.configure(logging.DEBUG)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger().handlers[:] = handlers


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: SQLite, and PostgreSQL when BUDDYBOT_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'buddybot.db'}"
        return
    async with postgres_database("buddybot_test") as url:
        if url is None:
            pytest.skip(f"{POSTGRES_ENV} is not set")
        yield url


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database file (for tests that need one backend only)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'buddybot.db'}"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend."""
    db = Database(database_url)
    await migrate.upgrade(db)
    try:
        yield db
    finally:
        await db.dispose()


class _LogCapture(logging.Handler):
    """Every log line as the operator would see it, exception and stack included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
async def sandbox(debug_logging: None) -> AsyncIterator[TelegramSandbox]:
    """The fake Telegram Bot API, listening on a free local port. Every test that talks to
    the bot through it runs with logging at DEBUG (as `BUDDYBOT_LOG_LEVEL=DEBUG` would set
    it up) and fails if a name or anything a person typed shows up in the log."""
    capture = _LogCapture()
    logging.getLogger().addHandler(capture)
    try:
        async with TelegramSandbox() as server:
            yield server
            personal = server.personal_texts()
    finally:
        logging.getLogger().removeHandler(capture)
    log = "\n".join(capture.lines)
    leaked = sorted(text for text in personal if text in log)
    assert not leaked, f"personal data in the log: {leaked}"


def sandbox_settings(sandbox: TelegramSandbox, database_url: str, **overrides: Any) -> Settings:
    """Settings that point the bot at the sandbox."""
    values: dict[str, Any] = {
        "telegram_token": DEFAULT_TOKEN,
        "telegram_api_url": sandbox.api_url,
        "database_url": database_url,
        "ephemeral_keys": True,
    }
    values.update(overrides)
    return load_settings(**values)


@asynccontextmanager
async def running(process: BotProcess) -> AsyncIterator[BotProcess]:
    """The bot process started, and stopped afterwards whatever happens."""
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def bot(sandbox: TelegramSandbox, sqlite_url: str) -> AsyncIterator[BotProcess]:
    """The real bot in polling mode, talking to the sandbox over HTTP."""
    async with running(BotProcess(sandbox_settings(sandbox, sqlite_url))) as process:
        yield process


@pytest.fixture
def webhook_port() -> int:
    """The port the bot's webhook server listens on."""
    return free_port()


def webhook_settings(sandbox: TelegramSandbox, database_url: str, port: int) -> Settings:
    """Settings for webhook mode on a local port, pointed at the sandbox."""
    return sandbox_settings(
        sandbox,
        database_url,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=WEBHOOK_SECRET,
        listen_host="127.0.0.1",
        listen_port=port,
    )


@pytest.fixture
async def webhook_bot(
    sandbox: TelegramSandbox, sqlite_url: str, webhook_port: int
) -> AsyncIterator[BotProcess]:
    """The real bot in webhook mode; the sandbox delivers updates to it over HTTP."""
    async with running(BotProcess(webhook_settings(sandbox, sqlite_url, webhook_port))) as process:
        yield process


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def clocked_bot(
    sandbox: TelegramSandbox, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[BotProcess]:
    """The bot with the test's clock and a tick that only runs when the test says so."""
    settings = sandbox_settings(sandbox, sqlite_url, tick_seconds=600)
    async with running(BotProcess(settings, clock=clock)) as process:
        yield process


@pytest.fixture
async def clocked_bot_on_each_database(
    sandbox: TelegramSandbox, database_url: str, clock: ManualClock
) -> AsyncIterator[BotProcess]:
    """:func:`clocked_bot` on SQLite, and on PostgreSQL when configured."""
    settings = sandbox_settings(sandbox, database_url, tick_seconds=600)
    async with running(BotProcess(settings, clock=clock)) as process:
        yield process


def mini_app_settings(sandbox: TelegramSandbox, database_url: str, port: int) -> Settings:
    """Settings for a bot with its Mini App on a local port (polling mode), without
    Telegram's own script (no internet here)."""
    return sandbox_settings(
        sandbox,
        database_url,
        tick_seconds=600,
        webapp_url=f"http://127.0.0.1:{port}",
        webapp_telegram_js=False,
        listen_host="127.0.0.1",
        listen_port=port,
    )


@pytest.fixture
async def mini_app_bot(
    sandbox: TelegramSandbox, database_url: str, clock: ManualClock
) -> AsyncIterator[BotProcess]:
    """The bot with its Mini App, the test's clock, on SQLite and on PostgreSQL when
    configured."""
    settings = mini_app_settings(sandbox, database_url, free_port())
    async with running(BotProcess(settings, clock=clock)) as process:
        yield process


@pytest.fixture
async def mini_app_bot_on_sqlite(
    sandbox: TelegramSandbox, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[BotProcess]:
    """:func:`mini_app_bot` on SQLite only (the browser tests: the API's rules are
    checked on both databases without a browser)."""
    settings = mini_app_settings(sandbox, sqlite_url, free_port())
    async with running(BotProcess(settings, clock=clock)) as process:
        yield process
