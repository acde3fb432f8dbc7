"""Updates of different people are handled at the same time, one person's in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from buddybot.ordering import OneChatInOrder


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat))


async def test_one_chat_in_order_and_chats_side_by_side() -> None:
    processor = OneChatInOrder(16)
    log: list[str] = []
    release = asyncio.Event()

    async def handle(name: str, *, wait: bool = False) -> None:
        log.append(f"{name} begins")
        if wait:
            await release.wait()
        await asyncio.sleep(0)
        log.append(f"{name} ends")

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(_update(1, 7), handle("7a", wait=True))),
            asyncio.create_task(processor.process_update(_update(2, 7), handle("7b"))),
            asyncio.create_task(processor.process_update(_update(3, 8), handle("8a"))),
        ]
        await asyncio.sleep(0.05)
        # Chat 8 did not wait for chat 7; chat 7's second update waits for its first.
        assert log == ["7a begins", "8a begins", "8a ends"]
        release.set()
        await asyncio.gather(*tasks)
    assert log[3:] == ["7a ends", "7b begins", "7b ends"]
    assert processor._chats == {}


async def test_updates_without_a_chat_are_not_held_up() -> None:
    processor = OneChatInOrder(4)
    done: list[int] = []

    async def handle() -> None:
        done.append(1)

    async with processor:
        await processor.process_update(object(), handle())
    assert done == [1]
