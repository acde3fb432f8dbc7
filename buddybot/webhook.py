"""The bot's web server: in webhook mode Telegram posts updates here; with a Mini App
(``BUDDYBOT_WEBAPP_URL``) it serves its pages and API, in either mode; /healthz answers
probes.

An update is processed before Telegram gets its 200, so an update that was acknowledged has
had its effect, and one that was not (crash, shutdown) is delivered again by Telegram.
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from buddybot.app import BuddyApplication
from buddybot.storage.database import Database
from buddybot.webapp.server import MiniApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_HEADER_BYTES = 32 * 1024
# How long a shutdown waits for updates that are being processed.
SHUTDOWN_GRACE_SECONDS = 30.0


class WebhookServer:
    """An aiohttp server feeding updates to a PTB Application (when ``webhook_url`` is
    given) and serving the Mini App (when ``mini_app`` is)."""

    def __init__(
        self,
        application: BuddyApplication,
        database: Database,
        *,
        webhook_url: str | None,
        secret: str,
        host: str,
        port: int,
        mini_app: MiniApp | None = None,
    ) -> None:
        self._application = application
        self._database = database
        self._secret = secret.encode()
        self._host = host
        self._port = port
        app = web.Application(client_max_size=1024 * 1024)
        if webhook_url is not None:
            self.path = urlsplit(webhook_url).path or "/"
            app.router.add_post(self.path, self._receive)
        app.router.add_get("/healthz", self._health)
        if mini_app is not None:
            mini_app.add_to(app)
        self._runner = web.AppRunner(
            app,
            shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
            access_log=None,
            # Room for the Mini App's launch data in a header, so launch data too long to be
            # Telegram's is refused by the app (in JSON), not by aiohttp (8 KB by default).
            max_field_size=MAX_HEADER_BYTES,
        )

    async def start(self) -> None:
        """Start listening."""
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        log.info("web server listening on %s:%s", self._host, self._port)

    async def stop(self) -> None:
        """Stop listening, then wait for updates that are being processed."""
        await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook call with a wrong or missing secret token refused")
            return web.Response(status=403)
        update = _update_from(await request.read(), self._application.bot)
        if update is None:
            log.warning("webhook call with an unreadable update refused")
            return web.Response(status=400)
        # Through the update processor, as polling does: one chat's updates in order.
        application = self._application
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        return web.Response(status=200)

    async def _health(self, _request: web.Request) -> web.Response:
        try:
            await self._database.ping()
        except Exception as error:
            log.warning("health check: database unreachable (%s)", type(error).__qualname__)
            return web.json_response({"status": "database unreachable"}, status=503)
        return web.json_response({"status": "ok"})


def _update_from(body: bytes, bot: Bot) -> Update | None:
    """The update in a webhook body; None for anything that is not one: not JSON, JSON that
    is no object (``[1,2,3]``, ``42``, ``null``), no whole-number ``update_id``, or fields
    python-telegram-bot cannot read."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
