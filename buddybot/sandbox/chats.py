"""What the sandbox holds about its chats: the messages with the bot's edits applied, uploaded
files, button presses waiting for an answer and command menus, and how a stored message looks
in the Bot API. The server and its groups of Bot API methods share one ``ChatState``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from buddybot.sandbox.errors import BotApiError, bad_request
from buddybot.sandbox.media import image_size


@dataclass
class StoredFile:
    """A file the bot uploaded, kept so tests can look at it."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass
class Button:
    """An inline keyboard button as the person sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the Mini App's URL (a ``web_app`` button)


@dataclass
class ReplyKeyboard:
    """The buttons a bot put in place of the phone's keyboard (``ReplyKeyboardMarkup``). They
    stay under the text field, whatever messages follow, until the bot sends another
    keyboard or removes it; a tap sends the button's text as a message."""

    rows: list[list[str]]
    persistent: bool = False
    resized: bool = False

    @property
    def texts(self) -> list[str]:
        """The button texts, row by row flattened."""
        return [text for row in self.rows for text in row]


@dataclass
class ChatMessage:
    """A message in a private chat, with the bot's later edits applied."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    media_group_id: str | None = None
    edit_date: int | None = None
    edits: int = 0
    edited_at: float | None = None  # time.monotonic() of the last edit, for latency figures
    deleted: bool = False

    @property
    def buttons(self) -> list[Button]:
        """The inline buttons under the message, row by row flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            Button(
                button["text"],
                button.get("callback_data"),
                button.get("url"),
                (button.get("web_app") or {}).get("url"),
            )
            for row in rows
            for button in row
        ]

    @property
    def content(self) -> str:
        """The text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    at: float = field(default_factory=time.monotonic)  # when it came, for latency figures


@dataclass
class Chat:
    """One person's private chat with the bot."""

    user: dict[str, Any]
    blocked: bool = False
    keyboard: ReplyKeyboard | None = None  # the reply keyboard the person sees now
    menu_button: dict[str, Any] | None = None  # setChatMenuButton's; None: the default
    next_message_id: int = 1
    messages: list[ChatMessage] = field(default_factory=list)
    # Who waits for something in this chat: woken only by calls about this chat, so a
    # thousand people waiting at once do not each re-check after every call of the bot.
    waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def wake(self) -> None:
        """Let everyone waiting in this chat re-check what they wait for."""
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()

    def new_message_id(self) -> int:
        """The next message id in this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def find(self, message_id: int) -> ChatMessage | None:
        """A message of this chat that is still there."""
        for message in self.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None


class ChatState:
    """The chats and what the bot left in them, and the signal that something changed."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.by_id: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackAnswer | None] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.changed = asyncio.Condition()

    def chat(self, chat_id: int) -> Chat:
        """A chat by its id; refused as Telegram refuses an unknown chat."""
        chat = self.by_id.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, chat_id: int | None) -> Chat:
        """A chat the bot may send to: it exists and its person has not blocked the bot."""
        if chat_id is None:
            raise bad_request("chat_id is empty")
        chat = self.chat(chat_id)
        if chat.blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    async def notify(self, chat_id: int | None = None) -> None:
        """Wake whoever waits in the chat ``chat_id`` and whoever waits for any change."""
        chat = self.by_id.get(chat_id) if chat_id is not None else None
        if chat is not None:
            chat.wake()
        async with self.changed:
            self.changed.notify_all()

    def to_api(self, message: ChatMessage) -> dict[str, Any]:
        """A stored message as the Bot API's Message object."""
        chat = self.chat(message.chat_id)
        chat_json: dict[str, Any] = {
            "id": message.chat_id,
            "type": "private",
            **{
                key: chat.user[key]
                for key in ("first_name", "last_name", "username")
                if key in chat.user
            },
        }
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user if message.from_bot else chat.user,
            "chat": chat_json,
            "date": message.date,
        }
        if message.text is not None:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.caption is not None:
            data["caption"] = message.caption
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.photo is not None:
            width, height = image_size(message.photo.data)
            data["photo"] = [
                {
                    "file_id": message.photo.file_id,
                    "file_unique_id": message.photo.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": message.photo.size,
                }
            ]
        if message.document is not None:
            data["document"] = {
                "file_id": message.document.file_id,
                "file_unique_id": message.document.file_unique_id,
                "file_name": message.document.file_name,
                "mime_type": message.document.mime_type,
                "file_size": message.document.size,
            }
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        return data
