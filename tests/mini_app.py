"""Calling the Mini App as its pages do: the launch data in the Authorization header, a
JSON body, over real HTTP."""

from __future__ import annotations

from typing import Any

import aiohttp

from buddybot.runner import BotProcess


def base_url(bot: BotProcess) -> str:
    """Where the bot serves its Mini App."""
    url = bot.settings.webapp_url
    assert url is not None, "this bot has no Mini App"
    return url


async def call(
    bot: BotProcess, path: str, init_data: str | None, body: Any = None
) -> tuple[int, dict[str, Any]]:
    """POST ``body`` (default ``{}``) to an API path with ``init_data``; (status, JSON)."""
    headers = {} if init_data is None else {"Authorization": f"tma {init_data}"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            base_url(bot) + path, json={} if body is None else body, headers=headers
        ) as response,
    ):
        return response.status, await response.json()
