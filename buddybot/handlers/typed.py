"""Typed text: the answer to a question the bot asked (a first name, …), or else a kind
pointer to /help. Which question is open is kept in the database (services/questions.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from buddybot.context import BuddyContext
from buddybot.handlers import actions, basics, checkin, invite, meetup, network, replies
from buddybot.services import questions
from buddybot.services.contacts import Draft

TopicHandler = Callable[[Update, BuddyContext, str, dict[str, Any]], Awaitable[None]]

# Every question answered by typing, by topic.
TOPICS: dict[str, TopicHandler] = {
    invite.TOPIC_CLIENT: invite.name_typed,
    invite.TOPIC_BUDDY: invite.name_typed,
    invite.TOPIC_COORDINATOR: invite.name_typed,
    actions.TOPIC_LABEL: actions.label_typed,
    replies.TOPIC: replies.answer_typed,
}


async def moved_on(update: Update, context: BuddyContext) -> None:
    """A command or a menu tap: the question asked for typed text before is let go (the
    command or tap itself is answered by its own handler, in group 0)."""
    if update.effective_user is not None:
        await questions.moved_on(context.runtime.database, update.effective_user.id)


async def typed_text(update: Update, context: BuddyContext) -> None:
    """Route typed text to the question it answers."""
    user = update.effective_user
    if user is None:
        return
    awaited = await questions.awaited(context.runtime.database, user.id)
    handler = TOPICS.get(awaited.topic) if isinstance(awaited, questions.Expected) else None
    if isinstance(awaited, questions.Expected) and handler is not None:
        await handler(update, context, awaited.topic, awaited.data)
    elif isinstance(awaited, Draft):
        await network.label_typed(update, context, awaited)
    elif not await checkin.message_typed(update, context) and not await meetup.note_typed(
        update, context
    ):
        await basics.not_understood(update, context)
