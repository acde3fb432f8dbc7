"""A local fake of the Telegram Bot API, spoken over real HTTP with Telegram's JSON.

The bot under test talks to it exactly as to api.telegram.org (PTB's ``base_url``); tests and
the demo use its control side (``sandbox.user(...)``) to act as people: send text, press
buttons, block the bot, and read everything the bot sent. It is strict where Telegram is
strict (limits, unchanged edits, callback data size, blocked users) and answers with
Telegram's error codes and descriptions, so the bot's error handling is exercised for real.

Deviations from Telegram, on purpose: webhook URLs may be plain http on any port (it is
all on this machine), and only the HTML parse mode is parsed (others are stored as given).

This module serves the Bot API over HTTP, injects faults, enforces the flood limit and is
the control side. The methods themselves are in ``methods.py`` (chats, command menus,
files), ``updates.py`` (getUpdates) and ``webhooks.py``, all over one ``ChatState``
(``chats.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from buddybot.sandbox import webapps
from buddybot.sandbox.chats import (
    CallbackAnswer,
    Chat,
    ChatMessage,
    ChatState,
    ReplyKeyboard,
    StoredFile,
)
from buddybot.sandbox.errors import BotApiError
from buddybot.sandbox.methods import ChatMethods
from buddybot.sandbox.params import Handler, Params, read_params
from buddybot.sandbox.updates import UpdateQueue
from buddybot.sandbox.users import SandboxUser
from buddybot.sandbox.webhooks import Webhooks

DEFAULT_TOKEN = "123456789:SANDBOX-token-for-local-tests-only"  # noqa: S105 - fake, local only
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendmediagroup"})


@dataclass
class ApiCall:
    """One request the bot made, for tests that count attempts."""

    method: str
    params: dict[str, Any]
    status: int


@dataclass
class Fault:
    """A fault to inject into the next matching requests."""

    method: str | None
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    chat_id: int | None = None  # only calls about this chat (None: any)


class TelegramSandbox:
    """The fake Bot API server and its control side. Use ``async with TelegramSandbox() as s``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "BuddyBotSandbox",
        bot_first_name: str = "BuddyBot",
        flood_limit: int = 30,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_retry_seconds: float = 0.2,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.flood_limit = flood_limit
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._state = ChatState(self.bot_user)
        self._user_ids = itertools.count(1001)
        self._updates = UpdateQueue(self._state)
        self._webhooks = Webhooks(self._state, self._updates, webhook_retry_seconds)
        self._faults: list[Fault] = []
        self._send_times: list[float] = []
        # When each send reached the flood limit (time.monotonic()), refused ones too: what
        # benchmarks measure the pace by, from Telegram's side (over every connection).
        self.send_moments: list[float] = []
        self.calls: list[ApiCall] = []
        self.flood_violations = 0
        self._methods: dict[str, Handler] = {
            **ChatMethods(self._state).handlers(),
            **self._updates.handlers(),
            **self._webhooks.handlers(),
        }

    # ----------------------------------------------------------------- life cycle

    async def __aenter__(self) -> TelegramSandbox:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start serving on ``host:port`` (port 0 picks a free one)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1]
        self._webhooks.open()

    async def stop(self) -> None:
        """Stop serving and delivering."""
        await self._webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The Bot API base URL in PTB's ``base_url`` form (the token is appended to it)."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """The command menus the bot set, by (scope, language code)."""
        return self._state.commands

    @property
    def webhook_deliveries(self) -> Counter[str]:
        """How many updates each webhook URL (or balanced replica) got with a 2xx answer."""
        return self._webhooks.deliveries

    @property
    def webhook_retry_seconds(self) -> float:
        """How long a failed webhook delivery waits before it is tried again."""
        return self._webhooks.retry_seconds

    # ----------------------------------------------------------------- control side

    def user(
        self,
        first_name: str,
        *,
        language_code: str | None = "nl",
        last_name: str | None = None,
        username: str | None = None,
        user_id: int | None = None,
    ) -> SandboxUser:
        """A new person with a private chat with the bot."""
        uid = user_id if user_id is not None else next(self._user_ids)
        user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._state.by_id[uid] = Chat(user=user)
        return SandboxUser(self, user)

    def inject_fault(
        self,
        method: str | None,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` (None: any method) fail or slow down;
        with ``chat_id``, only calls about that chat (Telegram's trouble with one person).

        ``status`` 429 answers "Too Many Requests" with ``retry_after``; 5xx answers a server
        error; 200 with a ``delay`` only slows the call down and then serves it normally.
        The returned Fault counts down ``times`` as requests hit it.
        """
        fault = Fault(
            method.lower() if method else None,
            status,
            description,
            retry_after,
            delay,
            times,
            chat_id,
        )
        self._faults.append(fault)
        return fault

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """All messages of a chat, both directions, deleted ones left out."""
        return [message for message in self._state.chat(chat_id).messages if not message.deleted]

    def keyboard(self, chat_id: int) -> ReplyKeyboard | None:
        """The reply keyboard the person of ``chat_id`` sees under the text field, if any."""
        return self._state.chat(chat_id).keyboard

    def personal_texts(self, shortest: int = 3) -> set[str]:
        """What people put in: their names and every text they typed that is not a command
        (invited names, contact labels, messages). Tests check none of it reaches a log."""
        texts: set[str] = set()
        for chat in self._state.by_id.values():
            user = chat.user
            texts |= {
                str(user[key]) for key in ("first_name", "last_name", "username") if user.get(key)
            }
            texts |= {
                message.text.strip()
                for message in chat.messages
                if not message.from_bot and message.text and not message.text.startswith("/")
            }
        return {text for text in texts if len(text) >= shortest}

    def file(self, file_id: str) -> StoredFile:
        """An uploaded file by its file_id."""
        return self._state.files[file_id]

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """What the bot answered to a button press, or None if it has not answered (yet)."""
        return self._state.callbacks.get(query_id)

    def calls_of(self, method: str) -> list[ApiCall]:
        """The recorded calls of one method."""
        return [call for call in self.calls if call.method == method.lower()]

    def webhook_info(self) -> dict[str, Any]:
        """The same information getWebhookInfo gives the bot."""
        return self._webhooks.info()

    def balance_webhooks(self, backends: list[str]) -> None:
        """Act as a load balancer in front of several bot replicas: each webhook delivery goes
        to the next of ``backends`` in turn (a failed one is retried on the next), whatever
        URL the bot registered. An empty list delivers to the registered URL again."""
        self._webhooks.balance(backends)

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds; it is re-checked after every change."""
        async with asyncio.timeout(timeout), self._state.changed:
            await self._state.changed.wait_for(condition)

    async def wait_in_chat(
        self, chat_id: int, condition: Callable[[], bool], timeout: float = 10.0
    ) -> None:
        """Wait until ``condition()`` holds; it is re-checked after every call of the bot
        about this chat (cheaper than ``wait_for`` when many people wait at once)."""
        chat = self._state.chat(chat_id)
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            while not condition():
                waiter: asyncio.Future[None] = loop.create_future()
                chat.waiters.append(waiter)
                await waiter

    async def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot (delivered by getUpdates or the webhook)."""
        return await self._updates.push(kind, payload)

    async def deliver_again(self, update_id: int) -> None:
        """Deliver an update once more with its own id, as Telegram does after a bot restart
        (getUpdates offset not yet confirmed) or when a webhook call did not get its 200."""
        await self._updates.deliver_again(update_id)

    def add_user_message(self, chat_id: int, message: ChatMessage) -> None:
        """Record a message a person sent (used by SandboxUser)."""
        self._state.chat(chat_id).messages.append(message)

    def new_message_id(self, chat_id: int) -> int:
        """The next message id in a chat."""
        return self._state.chat(chat_id).new_message_id()

    def register_callback(self) -> str:
        """A new callback query id, waiting for its answer."""
        query_id = secrets.token_hex(8)
        self._state.callbacks[query_id] = None
        return query_id

    def launch_data(self, user: dict[str, Any], signed_at: datetime) -> str:
        """Telegram's signed launch data for a Mini App ``user`` opens at ``signed_at``."""
        return webapps.launch_data(self.token, user, signed_at)

    def menu_button(self, chat_id: int) -> dict[str, Any] | None:
        """The chat's own menu button (setChatMenuButton), if the bot set one."""
        return self._state.chat(chat_id).menu_button

    def set_blocked(self, chat_id: int, blocked: bool) -> None:
        """Mark whether a person has blocked the bot."""
        self._state.chat(chat_id).blocked = blocked

    def to_api(self, message: ChatMessage) -> dict[str, Any]:
        """A stored message as the Bot API's Message object."""
        return self._state.to_api(message)

    # ----------------------------------------------------------------- HTTP side

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        params = await read_params(request)
        try:
            if request.match_info["token"] != self.token:
                raise BotApiError(401, "Unauthorized")
            handler = self._methods.get(method)
            if handler is None:
                raise BotApiError(404, "Not Found")
            await self._apply_faults(method, _chat_of(params))
            self._check_flood(method)
            result = await handler(params)
        except BotApiError as error:
            self.calls.append(ApiCall(method, params.loggable(), error.code))
            await self._notify(params)
            return web.json_response(error.payload(), status=error.code)
        self.calls.append(ApiCall(method, params.loggable(), 200))
        await self._notify(params)
        return web.json_response({"ok": True, "result": result})

    async def _serve_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        stored = self._state.files.get(request.match_info["path"].rsplit("/", 1)[-1])
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _apply_faults(self, method: str, chat_id: int | None) -> None:
        for fault in self._faults:
            if (
                fault.times > 0
                and fault.method in (None, method)
                and fault.chat_id in (None, chat_id)
            ):
                fault.times -= 1
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status == 429:
                    retry_after = fault.retry_after or 1
                    raise BotApiError(
                        429, f"Too Many Requests: retry after {retry_after}", retry_after
                    )
                if fault.status >= 400:
                    raise BotApiError(fault.status, fault.description or _server_error(fault))
                return

    def _check_flood(self, method: str) -> None:
        """Telegram's overall limit: ``flood_limit`` sends in any second per bot, counted over
        every connection (one sandbox is one bot token), so replicas share it."""
        if method not in SEND_METHODS:
            return
        now = time.monotonic()
        self.send_moments.append(now)
        if not self.flood_limit:
            return
        self._send_times = [moment for moment in self._send_times if now - moment < 1.0]
        if len(self._send_times) >= self.flood_limit:
            self.flood_violations += 1
            raise BotApiError(429, "Too Many Requests: retry after 1", 1)
        self._send_times.append(now)

    async def _notify(self, params: Params) -> None:
        chat_id = None
        # A malformed chat_id: the call was refused, nobody to wake.
        with contextlib.suppress(BotApiError):
            chat_id = params.number("chat_id") or 0
        await self._state.notify(chat_id)


def _chat_of(params: Params) -> int | None:
    """The chat a call is about, if it names one plainly (a malformed one is the method's
    to refuse)."""
    value = params.text("chat_id")
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _server_error(fault: Fault) -> str:
    return {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }.get(fault.status, "Internal Server Error")
