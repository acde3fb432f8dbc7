"""Several people's updates at once, each person's one after the other.

Handled strictly one by one (python-telegram-bot's default), every update waits for every
earlier one to finish, including the earlier ones' replies waiting for their turn under
Telegram's 30 messages/s: with a thousand clients answering at once, a press waited half a
minute before its button even stopped spinning (``benchmarks/load.py``). Handled all at
once, one person's second tap could overtake their first and miss what the first stored.
So: different chats at the same time, one chat in the order its updates came.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class OneChatInOrder(BaseUpdateProcessor):
    """An update processor: concurrent across chats, in arrival order within a chat."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # updates holding or awaiting each chat's lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers once the earlier updates of its chat are done."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        # asyncio.Lock wakes its waiters first come, first served: arrival order is kept.
        lock = self._chats.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # nobody else in this chat: forget its lock
                del self._waiting[chat.id], self._chats[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""
