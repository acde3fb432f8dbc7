"""Lists that grow with people's data (contacts, clients, invitations, a digest), cut to what
one Telegram message holds: a long text into several messages, a long row of buttons into
pages. Every handler that sends such a list asks here; nothing else decides where to cut.

Telegram's limits (Bot API, https://core.telegram.org/bots/api):

- ``sendMessage``/``editMessageText``: "Text of the message to be sent, 1-4096 characters
  after entities parsing" (https://core.telegram.org/bots/api#sendmessage);
- ``sendPhoto``: "Photo caption …, 0-1024 characters after entities parsing"
  (https://core.telegram.org/bots/api#sendphoto);
- characters are counted as entity offsets are, "in UTF-16 code units"
  (https://core.telegram.org/bots/api#messageentity, https://core.telegram.org/api/entities):
  an emoji outside the Basic Multilingual Plane counts twice;
- "after entities parsing" means the visible text: HTML tags do not count, ``&amp;`` counts
  as one character (https://core.telegram.org/bots/api#html-style);
- an inline keyboard holds at most 100 buttons (not in the Bot API docs; Telegram answers
  "reply markup is too long": https://github.com/tginfo/Telegram-Limits/issues/228).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape, unescape

from telegram import InlineKeyboardButton

from buddybot.handlers.buttons import button
from buddybot.i18n import Translator
from buddybot.paging import Page

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TAG = re.compile(r"<[^>]*>")
_ELLIPSIS = "…"


def visible(html: str) -> str:
    """What Telegram shows of a text in HTML parse mode: without tags, entities decoded."""
    return unescape(_TAG.sub("", html))


def visible_length(html: str) -> int:
    """The length Telegram checks against its limits: the visible text in UTF-16 units."""
    return len(visible(html).encode("utf-16-le")) // 2


def split_for_telegram(blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """``blocks`` (paragraphs of HTML, one item or a few lines each) as few message texts
    as fit ``limit``: blocks are joined with a blank line and kept whole in one message
    when they fit one; a block too long on its own is broken between its lines. A text is
    never cut inside a line, so never inside a tag or an entity (the bot closes every tag
    on the line that opens it). A single line longer than a message cannot come from the
    bot's lists (names are at most 40 characters) but must not fail: it is shortened to
    plain text with an ellipsis."""
    pieces: list[tuple[str, str]] = []  # (text, what joins it to the piece before)
    for block in blocks:
        if visible_length(block) <= limit:
            pieces.append((block.strip("\n"), "\n\n"))
            continue
        for number, line in enumerate(block.strip("\n").split("\n")):
            if line.strip():
                pieces.append((line, "\n\n" if number == 0 else "\n"))
    messages: list[str] = []
    for text, joint in pieces:
        if messages and visible_length(messages[-1] + joint + text) <= limit:
            messages[-1] += joint + text
        else:
            messages.append(_shortened(text, limit))
    return messages


def _shortened(line: str, limit: int) -> str:
    """``line`` as it is when it fits, else its visible text cut to fit, with an ellipsis."""
    if visible_length(line) <= limit:
        return line
    kept, used = [], len(_ELLIPSIS)
    for character in visible(line):
        used += 2 if ord(character) > 0xFFFF else 1
        if used > limit:
            break
        kept.append(character)
    return escape("".join(kept), quote=False) + _ELLIPSIS


def paging_row(
    tr: Translator, shown: Page, feature: str, *prefix: str
) -> list[InlineKeyboardButton]:
    """Previous and Next for ``shown`` (none when it is the only page): buttons of
    ``feature`` with ``prefix`` and the page number as their data."""
    row = []
    if shown.has_previous:
        row.append(button(tr("page.previous"), feature, *prefix, str(shown.number - 1)))
    if shown.has_next:
        row.append(button(tr("page.next"), feature, *prefix, str(shown.number + 1)))
    return row


def pieces_of(text: str, limit: int) -> list[str]:
    """Plain ``text`` (what someone typed) in pieces of at most ``limit`` UTF-16 units, cut
    at the last space before the limit where there is one: passed on whole, in as many
    messages as it takes, never shortened. Joined with the spaces cut at, they give it back."""
    pieces: list[str] = []
    rest = text
    while len(rest.encode("utf-16-le")) // 2 > limit:
        cut = limit
        while len(rest[:cut].encode("utf-16-le")) // 2 > limit:
            cut -= 1  # characters outside the BMP count twice
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0:
            pieces.append(rest[:space])
            rest = rest[space + 1 :]
        else:
            pieces.append(rest[:cut])
            rest = rest[cut:]
    pieces.append(rest)
    return pieces
