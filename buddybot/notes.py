"""Notes to a professional about one of their people (stopped, left, erased after the grace
period), in the professional's language, through the one sender."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from telegram import Bot

from buddybot import sender
from buddybot.i18n import Translator, translator
from buddybot.services.privacy import Told


async def tell_professional(
    bot: Bot, told: Told, text: Callable[[Translator, str], str], *, default_language: str
) -> sender.Sent | None:
    """Send the professional of ``told`` a note; ``text(tr, name)`` writes it (``name``
    already escaped for HTML). None when they have no Telegram account to write to."""
    if told.professional_telegram_id is None:
        return None
    tr = translator(told.professional_language, default_language)
    return await sender.send(
        bot,
        told.professional_telegram_id,
        text(tr, escape(told.first_name)),
        what="note to a professional",
    )
