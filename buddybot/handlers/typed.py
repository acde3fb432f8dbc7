"""Typed text: the answer to a question the bot asked (a first name, …), or else a kind
pointer to /help. Which question is open is kept in the database (services/questions.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics, checkin, invite, meetup, network
from buddybot.services import contacts, questions

TopicHandler = Callable[[Update, BuddyContext, str, dict[str, Any]], Awaitable[None]]

# Every question answered by typing, by topic.
TOPICS: dict[str, TopicHandler] = {
    invite.TOPIC_CLIENT: invite.name_typed,
    invite.TOPIC_BUDDY: invite.name_typed,
}


async def typed_text(update: Update, context: BuddyContext) -> None:
    """Route typed text to the question it answers."""
    user = update.effective_user
    if user is None:
        return
    async with context.runtime.database.transaction() as session:
        expected = await questions.expected(session, user.id)
        draft = None if expected else await contacts.draft(session, user.id)
    handler = TOPICS.get(expected.topic) if expected else None
    if expected is not None and handler is not None:
        await handler(update, context, expected.topic, expected.data)
    elif draft is not None:
        await network.label_typed(update, context, draft)
    elif not await checkin.message_typed(update, context) and not await meetup.note_typed(
        update, context
    ):
        await basics.not_understood(update, context)
