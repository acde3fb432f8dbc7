"""The Mini App's composition root: every API call it answers, in one visible list."""

from __future__ import annotations

from telegram import Bot

from buddybot.context import Runtime
from buddybot.webapp import circle, dashboard
from buddybot.webapp.server import Endpoint, MiniApp

ENDPOINTS: dict[str, Endpoint] = {
    **circle.ENDPOINTS,
    **dashboard.ENDPOINTS,
}


def build_mini_app(runtime: Runtime, bot: Bot) -> MiniApp:
    """The Mini App of this bot process (its pages and API); ``bot`` checks the launch
    data with its token and sends into chats."""
    return MiniApp(runtime, bot, ENDPOINTS)
