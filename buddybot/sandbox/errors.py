"""The Bot API's error answers: raised by the sandbox's methods, sent as Telegram sends them."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """An error answer of the Bot API: HTTP status = error_code, with its description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> BotApiError:
    """A 400 with Telegram's "Bad Request: …" description."""
    return BotApiError(400, f"Bad Request: {detail}")
