"""setWebhook, deleteWebhook and getWebhookInfo, and the delivery of the update queue by POST
to the bot's webhook: in order, retried as Telegram retries, and when asked, balanced over
several replicas of the bot."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from typing import Any

import aiohttp

from buddybot.sandbox.chats import ChatState
from buddybot.sandbox.errors import bad_request
from buddybot.sandbox.params import Handler, Params
from buddybot.sandbox.updates import UpdateQueue


class Webhooks:
    """The bot's webhook and the task that posts pending updates to it."""

    def __init__(self, state: ChatState, updates: UpdateQueue, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self.deliveries: Counter[str] = Counter()
        self._state = state
        self._updates = updates
        self._error: tuple[int, str] | None = None
        self._task: asyncio.Task[None] | None = None
        self._backends: list[str] = []
        self._next_backend = itertools.count()
        self._http: aiohttp.ClientSession | None = None

    def handlers(self) -> dict[str, Handler]:
        """These methods by their lower-cased Bot API name."""
        return {
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    def open(self) -> None:
        """Make the HTTP client the deliveries use; call it on the loop they run on."""
        self._http = aiohttp.ClientSession()

    async def close(self) -> None:
        """Stop delivering and close the HTTP client."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.close()

    def info(self) -> dict[str, Any]:
        """The same information getWebhookInfo gives the bot."""
        webhook, updates = self._updates.webhook, self._updates
        info: dict[str, Any] = {
            "url": webhook["url"] if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(updates.pending),
        }
        if webhook:
            info["max_connections"] = webhook["max_connections"]
            if updates.allowed:
                info["allowed_updates"] = updates.allowed
        if self._error:
            info["last_error_date"], info["last_error_message"] = self._error
        return info

    def balance(self, backends: list[str]) -> None:
        """Act as a load balancer in front of several bot replicas: each webhook delivery goes
        to the next of ``backends`` in turn (a failed one is retried on the next), whatever
        URL the bot registered. An empty list delivers to the registered URL again."""
        self._backends = list(backends)

    async def _set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not (1 <= len(secret) <= 256):
            raise bad_request("secret token is invalid")
        self._updates.allow(params.obj("allowed_updates"))
        if params.flag("drop_pending_updates"):
            self._updates.pending.clear()
        self._updates.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.number("max_connections", 40),
        }
        self._error = None
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._deliver())
        await self._state.notify()
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self._updates.pending.clear()
        self._updates.webhook = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return True

    async def _get_webhook_info(self, _params: Params) -> dict[str, Any]:
        return self.info()

    def _target(self, url: str) -> str:
        if not self._backends:
            return url
        return self._backends[next(self._next_backend) % len(self._backends)]

    async def _deliver(self) -> None:
        """Post pending updates to the webhook in order; retry failures like Telegram does."""
        assert self._http is not None
        updates, changed = self._updates, self._state.changed
        while updates.webhook is not None:
            if not updates.pending:
                async with changed:
                    await changed.wait_for(lambda: bool(updates.pending) or not updates.webhook)
                continue
            update, webhook = updates.pending[0], updates.webhook
            headers = {"Content-Type": "application/json"}
            if webhook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            target = self._target(webhook["url"])
            try:
                async with self._http.post(
                    target,
                    data=json.dumps(update),
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response:
                    delivered = 200 <= response.status < 300
                    problem = (
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
            except (aiohttp.ClientError, TimeoutError) as error:
                delivered, problem = False, f"Connection failed: {type(error).__name__}"
            if delivered:
                self.deliveries[target] += 1
                updates.delivered(update)
                await self._state.notify()
            else:
                self._error = (int(time.time()), problem)
                await self._state.notify()
                await asyncio.sleep(self.retry_seconds)
