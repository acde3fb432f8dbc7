"""Updates a private-chat bot does not expect are harmless (issue 16, item 6): messages
without a sender (a channel's post, a message sent as a chat), a message in a group, an
edited message, a member update. None logs an ERROR, none changes anything, and the bot
goes on answering the people who write to it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from buddybot.roles import ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage.models import Participant
from tests.journeys import joined_client

CHANNEL = {"id": -1001234567890, "type": "channel", "title": "Buurtnieuws"}


def _message(chat: dict[str, Any], text: str, **more: Any) -> dict[str, Any]:
    return {"message_id": 900, "date": int(time.time()), "chat": chat, "text": text, **more}


async def test_updates_without_a_sender_or_from_a_group_are_ignored_without_errors(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    _, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    group = {"id": -4001, "type": "group", "title": "Vrienden van Amira"}
    odd = [
        ("channel_post", _message(CHANNEL, "/start")),
        ("message", _message(CHANNEL, "/help", sender_chat=CHANNEL)),  # no "from"
        ("message", _message(group, "/checkin", **{"from": amira.user})),
        ("message", _message(group, "Amira here", **{"from": amira.user})),
        (
            "edited_message",
            _message({"id": amira.id, "type": "private"}, "Mama", **{"from": amira.user}),
        ),
        (
            "my_chat_member",
            {
                "chat": group,
                "from": amira.user,
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": sandbox.bot_user},
                "new_chat_member": {"status": "left", "user": sandbox.bot_user},
            },
        ),
    ]
    for kind, payload in odd:
        await sandbox.push_update(kind, payload)
    # The bot goes on: Amira's next message is answered as ever, and nothing went to the
    # channel or the group (a check-in question there would tell a group about her care).
    assert "/checkin" in (await amira.ask("/help")).content
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [
        r.getMessage() for r in caplog.records if r.levelname == "ERROR"
    ]
    to_groups = [
        c
        for c in sandbox.calls_of("sendMessage")
        if str(c.params.get("chat_id", "")).startswith("-")
    ]
    assert to_groups == []
    # Removing the bot from a group is not blocking it: Amira still gets her check-ins.
    assert bot.database is not None
    async with bot.database.transaction() as session:
        status = await session.scalar(
            select(Participant.status).where(Participant.telegram_user_id == amira.id)
        )
    assert status is ParticipantStatus.ACTIVE
