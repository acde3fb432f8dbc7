"""Small pieces every handler renders with: a reply, buttons, the five faces."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from buddybot.handlers.buttons import button

# Five faces for every 1-5 scale (mood, satisfaction, how a meetup went), sad to happy.
FACES = ("😞", "🙁", "😐", "🙂", "😄")


def faces_row(*parts: str) -> list[InlineKeyboardButton]:
    """The five faces as one row of buttons; each press sends ``parts`` plus its score."""
    return [button(face, *parts, str(score)) for score, face in enumerate(FACES, start=1)]


@dataclass(frozen=True)
class Reply:
    """A text with optional buttons, to send or to put in place of the tapped message."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
