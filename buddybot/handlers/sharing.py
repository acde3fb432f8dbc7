"""A client says whether their message may also be read by their professional's team: two
buttons under "I'll pass your message on", and the choice can be changed later."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardMarkup

from buddybot.context import BuddyContext
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator
from buddybot.services import sharing

SHARE = "sh"


def question(tr: Translator, checkin_id: int, professional: str) -> Reply:
    """The message was kept: the thank-you, and whether the team may read it too."""
    name = escape(professional)
    text = (
        tr("checkin.message_kept", professional=name)
        + "\n\n"
        + tr("share.question", professional=name)
    )
    keyboard = InlineKeyboardMarkup(
        [
            [button(tr("share.yes"), SHARE, str(checkin_id), "y")],
            [button(tr("share.no", professional=professional), SHARE, str(checkin_id), "n")],
        ]
    )
    return Reply(text, keyboard)


def _answer(tr: Translator, shared: sharing.Shared) -> Reply:
    name = escape(shared.professional)
    if shared.shared:
        text = tr("share.said_yes", professional=name)
        other = button(
            tr("share.no", professional=shared.professional), SHARE, str(shared.checkin_id), "n"
        )
    else:
        text = tr("share.said_no", professional=name)
        other = button(tr("share.yes"), SHARE, str(shared.checkin_id), "y")
    return Reply(text, InlineKeyboardMarkup([[other]]))


@dataclass(frozen=True)
class SharePress:
    """``sh:<checkin>:y`` (the team may read it) or ``sh:<checkin>:n`` (only the
    professional)."""

    checkin_id: int
    shared: bool


def _parse(parts: tuple[str, ...]) -> SharePress | None:
    if len(parts) != 2 or parts[1] not in ("y", "n") or (checkin_id := number(parts[0])) is None:
        return None
    return SharePress(checkin_id, parts[1] == "y")


async def _on_press(pressed: Pressed, data: SharePress, context: BuddyContext) -> Stale | None:
    shared = await sharing.share_message(
        context.runtime.database, pressed.telegram_user_id, data.checkin_id, data.shared
    )
    if shared is None:
        return STALE
    tr = context.runtime.translator_in(shared.language)
    await pressed.query.answer()
    reply = _answer(tr, shared)
    await show(pressed.query, reply.text, reply.keyboard)
    return None


share_button = on_press(_parse, _on_press)
