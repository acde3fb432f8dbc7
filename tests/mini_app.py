"""Calling the Mini App as its pages do: the launch data in the Authorization header, a
JSON body, over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.storage.models import AuditLog, ContactChange
from tests.journeys import joined_client

WEEK = timedelta(days=7)
MAMA = {"label": "Mama", "kind": "person", "circle": 3, "domain": "family"}


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


async def amira_over_two_weeks(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> tuple[SandboxUser, SandboxUser]:
    """Els and Amira; Amira puts Mama further away, a week later closer and adds Jan, and a
    week after that takes Jan off her circle (each through the Mini App)."""
    els, amira = await joined_client(bot, sandbox)

    async def change(path: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = await call(bot, path, amira.launch_data(clock.now), body)
        assert status == 200, answer
        return answer

    mama = {"label": "Mama", "kind": "person", "circle": 3, "domain": "family"}
    mama_id = (await change("/api/circle/add", mama))["contacts"][0]["id"]
    clock.advance(WEEK)
    await change("/api/circle/move", {"contact": mama_id, "circle": 1, "domain": "family"})
    jan = {"label": "Jan", "kind": "person", "circle": 2, "domain": "work"}
    added = await change("/api/circle/add", jan)
    jan_id = next(c["id"] for c in added["contacts"] if c["label"] == "Jan")
    clock.advance(WEEK)
    await change("/api/circle/remove", {"contact": jan_id})
    return els, amira


async def amira_with_mama(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> tuple[SandboxUser, SandboxUser, int]:
    """Els and Amira, who put Mama on her circle through the Mini App; Mama's id."""
    els, amira = await joined_client(bot, sandbox)
    status, added = await call(bot, "/api/circle/add", amira.launch_data(clock.now), MAMA)
    assert status == 200, added
    assert added["said"] == "Mama is now in your circle, at Further away."
    (mama,) = added["contacts"]
    return els, amira, int(mama["id"])


async def history(bot: BotProcess) -> list[str]:
    """Every change of every circle, oldest first (the history the chat keeps too)."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        return list(await session.scalars(select(ContactChange.change).order_by(ContactChange.id)))


async def audit_lines(bot: BotProcess, action: str) -> list[AuditLog]:
    """The audit log's lines of one action."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        return list(await session.scalars(select(AuditLog).where(AuditLog.action == action)))
