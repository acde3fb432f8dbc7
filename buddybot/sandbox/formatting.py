"""Telegram's HTML parse mode, as the sandbox needs it: turn marked-up text into plain text and
entities, and refuse what Telegram refuses, with Telegram's error texts."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

# Tag → entity type, as in https://core.telegram.org/bots/api#html-style
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "span": "spoiler",
}


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML."""


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: how Telegram counts offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self._open: list[tuple[str, int, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}"')
        attributes = dict(attrs)
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if tag == "a" and not attributes.get("href"):
            raise EntityParseError('Tag "a" must have attribute "href"')
        self._open.append((tag, utf16_length(self.text), attributes))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise EntityParseError(f'Unmatched end tag "{tag}"')
        _, offset, attributes = self._open.pop()
        length = utf16_length(self.text) - offset
        if length:
            entity: dict[str, Any] = {"type": _TAGS[tag], "offset": offset, "length": length}
            if tag == "a":
                entity["url"] = attributes["href"]
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data

    def finish(self) -> None:
        self.close()
        if self._open:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"'
            )


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for Telegram-HTML ``text``; EntityParseError if it is invalid."""
    parser = _Parser()
    parser.feed(text)
    parser.finish()
    parser.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return parser.text, parser.entities


def render(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply a parse mode as Telegram does. Only HTML is parsed; other modes are kept as given."""
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text)
    return text, list(entities or [])
