"""A Bot API request's parameters, whichever way the bot sent them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from buddybot.sandbox.errors import bad_request


class Params:
    """Request parameters from a query string, a form, a multipart body or JSON."""

    def __init__(self, values: dict[str, Any], files: dict[str, web.FileField]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        """Whether the parameter was sent at all, as a value or as a file."""
        return name in self.values or name in self.files

    def text(self, name: str, default: str | None = None) -> str | None:
        """The parameter as a string, or ``default`` when it was not sent."""
        value = self.values.get(name, default)
        return None if value is None else str(value)

    def required_text(self, name: str) -> str:
        """The parameter as a string; refused as Telegram refuses it when missing."""
        value = self.text(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def number(self, name: str, default: int | None = None) -> int | None:
        """The parameter as an integer, ``default`` when missing or empty."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """The parameter as a boolean: a form sends ``"true"``, JSON sends ``true``."""
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() in {"true", "1"})

    def obj(self, name: str) -> Any:
        """The parameter as a JSON value: a form sends it serialized, JSON as it is."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def loggable(self) -> dict[str, Any]:
        """The parameters with uploads shown by name, for the record of calls."""
        shown = dict(self.values)
        shown.update({name: f"<file {item.filename}>" for name, item in self.files.items()})
        return shown


async def read_params(request: web.Request) -> Params:
    """The parameters of a request: its query string and its JSON, form or multipart body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, web.FileField] = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        values.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = value
            else:
                values[name] = value
    return Params(values, files)


Handler = Callable[[Params], Awaitable[Any]]
