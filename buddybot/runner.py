"""Start and stop a whole bot process: database, migrations, Application, polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from buddybot.app import BuddyApplication, build_application
from buddybot.clock import utcnow
from buddybot.context import Runtime
from buddybot.settings import Mode, Settings
from buddybot.storage import crypto, keys, migrate
from buddybot.storage.database import Database
from buddybot.webapp.app import build_mini_app
from buddybot.webhook import WebhookServer

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message is one line saying why and what to do."""


async def prepare_database(settings: Settings) -> Database:
    """Activate the encryption keys, connect to the database, apply pending migrations and
    check that the keys open the data there; SettingsError for missing or wrong keys (a
    setting), StartupError when the database cannot be reached or migrated."""
    crypto.activate(crypto.keyring_of(settings))
    database = Database(settings.database_url)
    folder = _missing_sqlite_folder(database)
    if folder is not None:
        await database.dispose()
        raise StartupError(
            f"Cannot reach the database {database.safe_url} (BUDDYBOT_DATABASE_URL): "
            f"the folder {folder} does not exist; create it or fix the URL"
        )
    try:
        await database.ping()
    except Exception as error:
        await database.dispose()
        raise StartupError(
            f"Cannot reach the database {database.safe_url} (BUDDYBOT_DATABASE_URL): "
            f"{_reason(error)}"
        ) from None
    try:
        await migrate.upgrade(database)
    except Exception as error:
        await database.dispose()
        raise StartupError(f"Database migration failed: {_reason(error)}") from None
    try:
        await keys.check_fits(database, crypto.key_source(settings))
    except BaseException:
        await database.dispose()
        raise
    return database


def _missing_sqlite_folder(database: Database) -> Path | None:
    """The folder a SQLite URL names that is not there. Checked before connecting: SQLite
    cannot open a file there, and the failed attempt's thread would then print a traceback
    of its own when the command ends."""
    file = database.url.database
    if not database.is_sqlite or not file or file == ":memory:" or file.startswith("file:"):
        return None
    folder = Path(file).parent
    return None if folder.is_dir() else folder


class BotProcess:
    """One running bot: ``await start()``, then ``await stop()`` (or ``run_until_signal()``)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.database: Database | None = None
        self.application: BuddyApplication | None = None
        self._webhook: WebhookServer | None = None

    async def start(self) -> None:
        """Migrate the database, connect to Telegram and start receiving updates."""
        token = self.settings.require_token()
        database = await prepare_database(self.settings)
        polling = self.settings.mode is Mode.POLLING
        runtime = Runtime(self.settings, database, self.clock)
        application = build_application(runtime, token, polling=polling)
        try:
            await application.initialize()
        except InvalidToken:
            await database.dispose()
            raise StartupError(
                "Telegram refused the bot token (BUDDYBOT_TELEGRAM_TOKEN); check it with @BotFather"
            ) from None
        except (NetworkError, TelegramError) as error:
            await database.dispose()
            raise StartupError(
                f"Cannot reach the Telegram Bot API at "
                f"{self.settings.telegram_api_url} (BUDDYBOT_TELEGRAM_API_URL): "
                f"{_reason(error)}"
            ) from None
        self.database, self.application = database, application
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            await self._start_web_server(application, runtime)
        except OSError as error:
            await self.stop()
            raise StartupError(
                f"Cannot listen on {self.settings.listen_host}:{self.settings.listen_port} "
                f"(BUDDYBOT_LISTEN_HOST, BUDDYBOT_LISTEN_PORT): {_reason(error)}"
            ) from None
        if polling:
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        else:
            await self._set_webhook(application)
        log.info("bot started in %s mode", self.settings.mode.value)

    async def _start_web_server(self, application: BuddyApplication, runtime: Runtime) -> None:
        """The web server, for the webhook and the Mini App (the application's runtime);
        none in polling mode without a Mini App."""
        settings = self.settings
        webhook = settings.mode is Mode.WEBHOOK
        if not webhook and settings.webapp_url is None:
            return
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        self._webhook = WebhookServer(
            application,
            runtime.database,
            webhook_url=settings.webhook_url if webhook else None,
            secret=secret,
            host=settings.listen_host,
            port=settings.listen_port,
            mini_app=None
            if settings.webapp_url is None
            else build_mini_app(runtime, application.bot),
        )
        await self._webhook.start()

    async def _set_webhook(self, application: BuddyApplication) -> None:
        settings = self.settings
        assert settings.webhook_url is not None
        assert settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            # Telegram's most (default 40): each connection waits until its update is
            # handled (so none is lost), and under load a reply can wait for the 30/s.
            max_connections=100,
        )

    async def stop(self) -> None:
        """Stop taking updates, let the ones in progress finish, then close everything."""
        application = self.application
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if self._webhook is not None:
                await self._webhook.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
            self.application = None
        if self.database is not None:
            await self.database.dispose()
            self.database = None
        log.info("bot stopped")

    async def run_until_signal(self) -> None:
        """Run until SIGTERM or SIGINT, then shut down cleanly."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await self.start()
        try:
            await stopping.wait()
            log.info("stop signal received; finishing updates in progress")
        finally:
            await self.stop()


def _reason(error: BaseException) -> str:
    """A short, single-line reason for an error, without any secrets in URLs."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
