"""Questions the bot asked that are answered by typing (a first name, later a contact's name).

Kept in the database, not in memory, so a restart or a second replica still knows what a
person's next message answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.services import contacts
from buddybot.services.contacts import Draft
from buddybot.storage import contacts as stored_contacts
from buddybot.storage import questions
from buddybot.storage.database import Database


@dataclass(frozen=True)
class Expected:
    """What a person's next typed message answers."""

    topic: str
    data: dict[str, Any]


async def expect(
    session: AsyncSession,
    telegram_user_id: int,
    topic: str,
    *,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """The next text this person types answers ``topic``: an earlier question, and a contact
    they were adding or changing, are let go (:func:`asking_in_text`)."""
    await stored_contacts.delete_draft(session, telegram_user_id)
    await questions.await_answer(session, telegram_user_id, topic, data or {}, now)


async def expected(session: AsyncSession, telegram_user_id: int) -> Expected | None:
    """What this person's typed text answers, if the bot asked something."""
    answer = await questions.awaited_answer(session, telegram_user_id)
    return None if answer is None else Expected(answer.topic, dict(answer.data))


async def asking_in_text(session: AsyncSession, telegram_user_id: int) -> None:
    """A conversation now on screen asks for typed text (a check-in's message, a meetup's
    note): the person's typed text answers it, so an earlier question and a contact draft
    left half-way are let go. One typed question at a time, the newest asker wins: without
    this, a draft abandoned days ago took a message meant for the professional."""
    await stored_contacts.delete_draft(session, telegram_user_id)
    await questions.forget_awaited_answer(session, telegram_user_id)


async def moved_on(database: Database, telegram_user_id: int) -> None:
    """The person gave a command or tapped the menu: a question asked earlier for typed text
    (an answer to a client, an action's name, an invited person's name) is no longer what
    their next text answers. Without this, a note typed after looking at the digest went
    to the client as the answer asked for before. A contact half-way keeps its draft."""
    async with database.transaction() as session:
        await questions.forget_awaited_answer(session, telegram_user_id)


async def answered(session: AsyncSession, telegram_user_id: int) -> None:
    """The question was answered or cancelled."""
    await questions.forget_awaited_answer(session, telegram_user_id)


async def awaited(database: Database, telegram_user_id: int) -> Expected | Draft | None:
    """What this person's typed text answers: the question the bot asked, else the contact
    they are adding or changing (its draft), else nothing (a check-in's or a meetup's own
    text step, or no question at all)."""
    async with database.transaction() as session:
        question = await expected(session, telegram_user_id)
        return question or await contacts.draft(session, telegram_user_id)
