"""The Mini App's composition root: every API call it answers, in one visible list."""

from __future__ import annotations

from buddybot.context import Runtime
from buddybot.webapp import circle
from buddybot.webapp.server import Endpoint, MiniApp

ENDPOINTS: dict[str, Endpoint] = {
    **circle.ENDPOINTS,
}


def build_mini_app(runtime: Runtime, token: str) -> MiniApp:
    """The Mini App of this bot process (its pages and API)."""
    return MiniApp(runtime, token, ENDPOINTS)
