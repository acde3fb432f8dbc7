"""Small pieces every handler renders with: a reply, buttons, the five faces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from buddybot.handlers.buttons import button, show
from buddybot.handlers.pages import split_for_telegram

# Five faces for every 1-5 scale (mood, satisfaction, how a meetup went), sad to happy.
FACES = ("😞", "🙁", "😐", "🙂", "😄")


def faces_row(*parts: str, chosen: int | None = None) -> list[InlineKeyboardButton]:
    """The five faces as one row of buttons; each press sends ``parts`` plus its score.
    ``chosen``: the score given before (back at this question), marked ✅."""
    return [
        button(("✅ " if score == chosen else "") + face, *parts, str(score))
        for score, face in enumerate(FACES, start=1)
    ]


@dataclass(frozen=True)
class Reply:
    """A text with optional buttons, to send or to put in place of the tapped message."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def replies(blocks: Sequence[str], keyboard: InlineKeyboardMarkup | None = None) -> list[Reply]:
    """A text that grows with people's data (``blocks``: paragraphs, items) as messages
    that each fit Telegram (split in one place, :func:`pages.split_for_telegram`), with
    ``keyboard`` under the last one, where the list ends."""
    *texts, last = split_for_telegram(blocks)
    return [*(Reply(text) for text in texts), Reply(last, keyboard)]


async def send_replies(message: Message, sent: Sequence[Reply]) -> None:
    """Send the messages of :func:`replies` as replies to ``message``, in order."""
    for reply in sent:
        await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def show_replies(query: CallbackQuery, sent: Sequence[Reply]) -> None:
    """The first message of :func:`replies` in place of the pressed one, the rest (a list
    too long for one message) as new messages under it."""
    first, *rest = sent
    await show(query, first.text, first.keyboard)
    for reply in rest:
        await query.get_bot().send_message(
            query.from_user.id, reply.text, reply_markup=reply.keyboard
        )
