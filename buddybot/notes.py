"""Notes to a professional about one of their people (stopped, left, erased after the grace
period), in the professional's language, through the outbox (nothing lost to a passing
Telegram problem)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.i18n import Translator
from buddybot.services.outbox import Outgoing
from buddybot.services.privacy import Told


async def tell_professional(
    context: BuddyContext, told: Told, text: Callable[[Translator, str], str]
) -> None:
    """Post the professional of ``told`` a note; ``text(tr, name)`` writes it in their
    language (``name`` already escaped for HTML). Nothing when they have no Telegram
    account to write to."""
    if told.professional_telegram_id is None:
        return
    tr = context.runtime.translator_in(told.professional_language)
    note = Outgoing(
        told.professional_telegram_id, text(tr, escape(told.first_name)), "note to a professional"
    )
    await outgoing.post_from(context, note)
