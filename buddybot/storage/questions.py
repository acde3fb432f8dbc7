"""Which typed answer the bot is waiting for from someone (a first name, …)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.storage.models import (
    AwaitedAnswer,
)


async def awaited_answer(session: AsyncSession, telegram_user_id: int) -> AwaitedAnswer | None:
    """The question this person is expected to answer by typing, if any."""
    return await session.get(AwaitedAnswer, telegram_user_id)


async def await_answer(
    session: AsyncSession, telegram_user_id: int, topic: str, data: dict[str, Any], now: datetime
) -> None:
    """Remember that this person is to type an answer about ``topic`` (replaces any other)."""
    existing = await session.get(AwaitedAnswer, telegram_user_id)
    if existing is None:
        session.add(
            AwaitedAnswer(telegram_user_id=telegram_user_id, topic=topic, data=data, asked_at=now)
        )
    else:
        existing.topic, existing.data, existing.asked_at = topic, data, now
    await session.flush()


async def forget_awaited_answer(session: AsyncSession, telegram_user_id: int) -> None:
    """This person is no longer expected to type anything."""
    await session.execute(
        delete(AwaitedAnswer).where(AwaitedAnswer.telegram_user_id == telegram_user_id)
    )


async def delete_stale_awaited_answers(session: AsyncSession, before: datetime) -> int:
    """Forget questions asked before ``before`` that were never answered."""
    result = await session.execute(delete(AwaitedAnswer).where(AwaitedAnswer.asked_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
