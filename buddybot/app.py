"""The one place that builds the PTB Application from the settings."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter, ContextTypes, Defaults

from buddybot.context import RUNTIME_KEY, BuddyContext, Runtime
from buddybot.handlers import build_handlers
from buddybot.handlers.errors import on_error
from buddybot.handlers.menu import set_default_menus
from buddybot.jobs import schedule_jobs
from buddybot.ordering import OneChatInOrder
from buddybot.pace import SharedPace, SharedRateLimiter
from buddybot.storage.database import Database

# How often a request that got "429 Too Many Requests" is retried after waiting retry_after.
RETRIES_AFTER_429 = 3

BuddyApplication = Application[Any, BuddyContext, Any, Any, Any, Any]


def file_url_for(api_url: str) -> str:
    """The file download URL that belongs to a Bot API URL (``…/bot`` → ``…/file/bot``)."""
    root, _, last = api_url.rstrip("/").rpartition("/")
    return f"{root}/file/{last}"


def rate_limiter(send_rate: float, database: Database | None = None) -> BaseRateLimiter[int]:
    """A rate limiter at ``send_rate`` messages a second over all chats (Telegram allows
    about 30: Bot API FAQ, "My bot is hitting limits"), waiting out 429s a few times. On
    PostgreSQL the limit is shared by every replica on that ``database`` (``pace.py``); on
    SQLite (one process) and without a database it is this process's alone (PTB's)."""
    if database is not None and not database.is_sqlite:
        return SharedRateLimiter(SharedPace(database.url, send_rate), RETRIES_AFTER_429)
    # One message per 1/rate s instead of "rate per second": aiolimiter's bucket would
    # allow a burst of that many on top of the steady rate, and Telegram counts any second.
    return AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / send_rate, max_retries=RETRIES_AFTER_429
    )


def build_application(runtime: Runtime, token: str, *, polling: bool = True) -> BuddyApplication:
    """Build the Application: Bot API URL, rate limiter, defaults, handlers, command menus."""
    settings = runtime.settings

    async def post_init(application: BuddyApplication) -> None:
        await set_default_menus(application.bot, settings.default_language)

    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url_for(settings.telegram_api_url))
        .rate_limiter(rate_limiter(settings.send_rate, runtime.database))
        .concurrent_updates(OneChatInOrder(settings.concurrent_updates))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.timezone)))
        .context_types(ContextTypes(context=BuddyContext))
        .post_init(post_init)
    )
    if not polling:
        builder = builder.updater(None)  # our own webhook server feeds updates in
    application: BuddyApplication = builder.build()
    application.bot_data[RUNTIME_KEY] = runtime
    application.add_handlers(build_handlers())
    application.add_error_handler(on_error)
    assert application.job_queue is not None
    schedule_jobs(application.job_queue, settings)
    return application
