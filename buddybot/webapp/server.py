"""The Mini App's pages and JSON API, on the bot's own web server (``buddybot/webhook.py``).

An edge beside ``handlers/`` (docs/webapp.md): each API call checks Telegram's signed launch
data (``launch.py``), finds the person through the same keyed lookup as updates, calls one
service (which applies the same access rules as a button press) and renders JSON. Errors
are a status and a kind sentence, never a traceback; the log names the kind of error only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from telegram import Bot

from buddybot.context import Runtime
from buddybot.i18n import Translator
from buddybot.services import people
from buddybot.storage import audit
from buddybot.webapp.launch import Launch, LaunchCheck, UntrustedLaunchError

log = logging.getLogger(__name__)
_E = TypeVar("_E", bound=StrEnum)
MAX_ID = 2**31 - 1  # the id columns are INTEGER

STATIC = Path(__file__).parent / "static"
PAGES = {"/app/circle": "circle.html", "/app/dashboard": "dashboard.html"}
TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js"
# Telegram's web clients show a Mini App in a frame; the phone apps in a web view.
FRAME_ANCESTORS = "https://web.telegram.org https://*.telegram.org"


def content_security_policy(*, telegram_js: bool) -> str:
    """The page's Content-Security-Policy: only the bot's own files, no inline code or
    style, no framing outside Telegram; Telegram's own script when ``telegram_js``."""
    scripts = "'self' https://telegram.org" if telegram_js else "'self'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {FRAME_ANCESTORS}"
    )


class ApiError(Exception):
    """An API call ends with ``status`` and a JSON body ``{"error": code, "message": …}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Call:
    """One API call: who is calling (as the launch data and the database say), a
    translator in their language, the JSON body, and the bot's runtime."""

    runtime: Runtime
    bot: Bot  # to send into the person's chat (a report, an export)
    launch: Launch
    person: people.Person
    tr: Translator
    body: dict[str, Any]

    @property
    def telegram_user_id(self) -> int:
        return self.launch.telegram_user_id

    def refused(self) -> ApiError:
        """403, for a person the service refused (the service wrote the audit line)."""
        return ApiError(403, "forbidden", self.tr("webapp.error.forbidden"))

    def bad_request(self) -> ApiError:
        """400, for a body the page would never send."""
        return ApiError(400, "bad_request", self.tr("webapp.error.bad_request"))

    def number(self, name: str) -> int:
        """A whole number from the body that a record's id can be; 400 for anything else
        (a bool is not one; the id columns are 32-bit: PostgreSQL's INTEGER)."""
        value = self.body.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
            raise self.bad_request()
        return value

    def text(self, name: str) -> str:
        """A string from the body (the body's size is limited already); 400 for anything
        else. How long it may be is the service's rule, answered kindly."""
        value = self.body.get(name)
        if not isinstance(value, str):
            raise self.bad_request()
        return value

    def choice(self, name: str, kind: type[_E]) -> _E:
        """One of an enumeration's values from the body; 400 for anything else."""
        value = self.body.get(name)
        if not isinstance(value, str) or value not in {member.value for member in kind}:
            raise self.bad_request()
        return kind(value)


Endpoint = Callable[[Call], Awaitable[dict[str, Any]]]


class MiniApp:
    """The pages and the API. ``endpoints`` maps an API path to the function answering it."""

    def __init__(self, runtime: Runtime, bot: Bot, endpoints: dict[str, Endpoint]) -> None:
        settings = runtime.settings
        self._runtime, self._bot = runtime, bot
        max_age = timedelta(minutes=settings.webapp_max_age_minutes)
        self._check = LaunchCheck(bot.token, max_age)
        self._endpoints = endpoints
        self._csp = content_security_policy(telegram_js=settings.webapp_telegram_js)
        self._telegram_js = settings.webapp_telegram_js

    def add_to(self, app: web.Application) -> None:
        """Add the pages, their files and the API to ``app``."""
        app.middlewares.append(self._headers)
        for path in PAGES:
            app.router.add_get(path, self._page)
        app.router.add_static("/app/static/", STATIC, show_index=False, follow_symlinks=False)
        for path in self._endpoints:
            app.router.add_post(path, self._api)

    @web.middleware
    async def _headers(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """The security headers on the Mini App's answers; aiohttp's own errors under
        /api (not found, wrong method) in JSON, as every other API answer."""
        try:
            response = await handler(request)
        except web.HTTPException as answer:
            if not request.path.startswith("/api") or answer.status < 400:
                raise
            # Not found, wrong method: said in JSON too, as every API answer is.
            tr = self._runtime.translator_for(people.UNKNOWN, _browser_language(request))
            response = _error(answer.status, "bad_request", tr("webapp.error.bad_request"))
        if request.path.startswith(("/app", "/api")):
            response.headers["Content-Security-Policy"] = self._csp
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/api"):
            response.headers["Cache-Control"] = "no-store"
        return response

    async def _page(self, request: web.Request) -> web.Response:
        # The same page for everyone: the person's data comes only through the API.
        return web.Response(
            text=_page(PAGES[request.path], self._telegram_js),
            content_type="text/html",
            headers={"Cache-Control": "no-cache"},
        )

    async def _api(self, request: web.Request) -> web.Response:
        runtime = self._runtime
        # Whom to speak to, as far as known: the browser's language until the launch data
        # says who it is (Telegram's app sets the browser's language to its own).
        tr = runtime.translator_for(people.UNKNOWN, _browser_language(request))
        try:
            launch = await self._launch(request, tr)
            async with runtime.database.transaction() as session:
                person = await people.identify(session, launch.telegram_user_id)
            tr = runtime.translator_for(person, launch.language_code)
            body = await _body(request, tr)
            call = Call(runtime, self._bot, launch, person, tr, body)
            answer = await self._endpoints[request.path](call)
        except ApiError as error:
            return _error(error.status, error.code, error.message)
        except Exception as error:
            # One line, the kind of error only: its text may hold what a person typed.
            log.error("Mini App call %s failed: %s", request.path, type(error).__qualname__)
            return _error(500, "server", tr("webapp.error.server"))
        return web.json_response(answer)

    async def _launch(self, request: web.Request, tr: Translator) -> Launch:
        """The launch data of the Authorization header (``tma <initData>``); 401 and an
        audit line (ids only: there is no one to name) when it cannot be trusted."""
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        runtime = self._runtime
        try:
            return self._check.check(init_data if scheme == "tma" else "", runtime.clock())
        except UntrustedLaunchError as refused:
            async with runtime.database.transaction() as session:
                await audit.add_audit_entry(
                    session,
                    actor_kind=people.Role.UNKNOWN.value,
                    action="refused.webapp.launch",
                    detail={"reason": refused.reason.value},
                )
            raise ApiError(401, "unauthorised", tr("webapp.error.unauthorised")) from None


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def _body(request: web.Request, tr: Translator) -> dict[str, Any]:
    """The JSON object in the body; 413 when it is over the server's limit, 400 for
    anything but a JSON object (whatever charset the request claims: JSON is UTF-8)."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "too_large", tr("webapp.error.bad_request")) from None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", tr("webapp.error.bad_request"))
    return body


def _browser_language(request: web.Request) -> str | None:
    """The first language of the Accept-Language header ("nl-BE,nl;q=0.9" → "nl")."""
    first = request.headers.get("Accept-Language", "").split(",")[0]
    return first.split(";")[0].split("-")[0].strip().lower() or None


def _page(name: str, telegram_js: bool) -> str:
    html = (STATIC / name).read_text(encoding="utf-8")
    if telegram_js:
        # Telegram's script first, so the page's own scripts find Telegram.WebApp.
        html = html.replace("<head>", f'<head>\n<script src="{TELEGRAM_JS}"></script>', 1)
    return html
