"""A local fake Telegram Bot API server for tests and the demo (see ``server.py``)."""

from buddybot.sandbox.chats import Button, CallbackAnswer, ChatMessage, ReplyKeyboard, StoredFile
from buddybot.sandbox.server import DEFAULT_TOKEN, ApiCall, TelegramSandbox
from buddybot.sandbox.users import Press, SandboxUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "Press",
    "ReplyKeyboard",
    "SandboxUser",
    "StoredFile",
    "TelegramSandbox",
]
