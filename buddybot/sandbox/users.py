"""The people in the sandbox: a test or the demo acts through them as a person in Telegram."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from buddybot.sandbox.chats import Button, CallbackAnswer, ChatMessage, ReplyKeyboard
from buddybot.sandbox.webapps import launch_url

DEFAULT_TIMEOUT = 10.0


class SandboxSide(Protocol):
    """The sandbox as its people act through it; ``TelegramSandbox`` is one.

    A protocol rather than the server's class, so that the server can make people without
    the two modules importing each other.
    """

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Telegram User object."""

    def new_message_id(self, chat_id: int) -> int:
        """The next message id in a chat."""

    def add_user_message(self, chat_id: int, message: ChatMessage) -> None:
        """Record a message a person sent."""

    def to_api(self, message: ChatMessage) -> dict[str, Any]:
        """A stored message as the Bot API's Message object."""

    async def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot."""

    async def deliver_again(self, update_id: int) -> None:
        """Deliver an update once more with its own id (scripts reach it through a person)."""

    def register_callback(self) -> str:
        """A new callback query id, waiting for its answer."""

    def set_blocked(self, chat_id: int, blocked: bool) -> None:
        """Mark whether a person has blocked the bot."""

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """All messages of a chat, both directions, deleted ones left out."""

    def keyboard(self, chat_id: int) -> ReplyKeyboard | None:
        """The reply keyboard the person sees under the text field, if any."""

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """What the bot answered to a button press, or None if it has not answered (yet)."""

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds."""

    def launch_data(self, user: dict[str, Any], signed_at: datetime) -> str:
        """Telegram's signed launch data for a Mini App this person opens."""

    def menu_button(self, chat_id: int) -> dict[str, Any] | None:
        """The chat's own menu button (setChatMenuButton), if the bot set one."""

    async def wait_in_chat(
        self, chat_id: int, condition: Callable[[], bool], timeout: float = 10.0
    ) -> None:
        """Wait until ``condition()`` holds, re-checked after calls about this chat."""


@dataclass
class Press:
    """A button press that was sent to the bot."""

    query_id: str
    update_id: int
    message: ChatMessage


class SandboxUser:
    """One person with a private chat with the bot."""

    def __init__(self, sandbox: SandboxSide, user: dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.user = user
        self.id = int(user["id"])
        self._seen = 0  # how many of the bot's messages this person has read

    @property
    def first_name(self) -> str:
        """The name Telegram shows for this person."""
        return str(self.user["first_name"])

    # ----------------------------------------------------------------- acting

    async def send(self, text: str) -> int:
        """Type and send a text; a leading ``/command`` is marked as a command as Telegram does.

        Returns the update id.
        """
        message = ChatMessage(
            message_id=self.sandbox.new_message_id(self.id),
            chat_id=self.id,
            from_bot=False,
            date=int(time.time()),
            text=text,
        )
        self.sandbox.add_user_message(self.id, message)
        payload = self.sandbox.to_api(message)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            payload["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        update = await self.sandbox.push_update("message", payload)
        return int(update["update_id"])

    async def tap_menu(self, button: str) -> int:
        """Tap a button of the menu under the text field (the reply keyboard): Telegram
        sends its text as an ordinary message. Returns the update id."""
        if button not in self.menu:
            shown = ", ".join(repr(text) for text in self.menu) or "none"
            raise AssertionError(f"no menu button {button!r}; the menu shows: {shown}")
        return await self.send(button)

    async def press(self, message: ChatMessage, button: str) -> Press:
        """Tap the inline button whose text (or, failing that, callback data) is ``button``."""
        chosen = self._find_button(message, button)
        if chosen.callback_data is None:
            raise AssertionError(f"button {button!r} opens a link, it sends nothing to the bot")
        return await self.press_data(message, chosen.callback_data)

    async def tap(
        self, message: ChatMessage, button: str, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Tap a button and wait until the bot has answered by editing that message."""
        edits = message.edits
        await self.press(message, button)
        await self.wait_for_edit(message, edits, timeout)

    async def press_data(self, message: ChatMessage, data: str) -> Press:
        """Send a button press with any callback data, as a forged or outdated client could."""
        query_id = self.sandbox.register_callback()
        payload = {
            "id": query_id,
            "from": self.user,
            "message": self.sandbox.to_api(message),
            "chat_instance": str(self.id * 7919),
            "data": data,
        }
        update = await self.sandbox.push_update("callback_query", payload)
        return Press(query_id, int(update["update_id"]), message)

    async def press_on_gone(self, message: ChatMessage, data: str) -> Press:
        """Press a button of ``message`` as Telegram sends it once it no longer shows the
        bot that message: an inaccessible message (date 0, only its id and chat)."""
        query_id = self.sandbox.register_callback()
        gone = {"message_id": message.message_id, "chat": {"id": self.id, "type": "private"}}
        payload = {
            "id": query_id,
            "from": self.user,
            "message": {**gone, "date": 0},
            "chat_instance": str(self.id * 7919),
            "data": data,
        }
        update = await self.sandbox.push_update("callback_query", payload)
        return Press(query_id, int(update["update_id"]), message)

    def launch_data(self, signed_at: datetime | None = None) -> str:
        """The signed launch data Telegram gives a Mini App this person opens at
        ``signed_at`` (default: now); what the page sends with every API call."""
        user = {k: v for k, v in self.user.items() if k != "is_bot"}
        return self.sandbox.launch_data(user, signed_at or datetime.now(UTC))

    def open_web_app(
        self, message: ChatMessage, button: str, signed_at: datetime | None = None
    ) -> str:
        """Tap a ``web_app`` button under ``message``: the URL Telegram opens, the signed
        launch data in its fragment."""
        url = self._find_button(message, button).web_app
        if url is None:
            raise AssertionError(f"the button {button!r} opens no Mini App")
        return launch_url(url, self.launch_data(signed_at))

    def open_menu_app(self, signed_at: datetime | None = None) -> str:
        """Tap the chat's menu button, which the bot made open a Mini App: the URL Telegram
        opens."""
        button = self.sandbox.menu_button(self.id) or {}
        if button.get("type") != "web_app":
            raise AssertionError(f"the chat's menu button opens no Mini App: {button}")
        return launch_url(str(button["web_app"]["url"]), self.launch_data(signed_at))

    async def block(self) -> None:
        """Block the bot: sends fail with 403 and the bot gets a my_chat_member update."""
        self.sandbox.set_blocked(self.id, True)
        await self._member_update("member", "kicked")

    async def unblock(self) -> None:
        """Unblock the bot again."""
        self.sandbox.set_blocked(self.id, False)
        await self._member_update("kicked", "member")

    async def _member_update(self, old: str, new: str) -> None:
        chat = {"id": self.id, "type": "private", "first_name": self.first_name}
        bot = self.sandbox.bot_user

        def member(status: str) -> dict[str, Any]:
            # Telegram gives a "kicked" member an until_date; 0 means forever.
            return {
                "user": bot,
                "status": status,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        await self.sandbox.push_update(
            "my_chat_member",
            {
                "chat": chat,
                "from": self.user,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # ----------------------------------------------------------------- reading

    @property
    def menu(self) -> list[str]:
        """The buttons of the menu under the text field (the reply keyboard) now; empty
        when the bot shows none."""
        keyboard = self.sandbox.keyboard(self.id)
        return keyboard.texts if keyboard is not None else []

    @property
    def menu_keyboard(self) -> ReplyKeyboard | None:
        """The reply keyboard itself, to check how it is shown (persistent, resized)."""
        return self.sandbox.keyboard(self.id)

    @property
    def inbox(self) -> list[ChatMessage]:
        """Every message the bot sent this person that is still there, edits applied."""
        return [message for message in self.sandbox.messages(self.id) if message.from_bot]

    async def next_message(self, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """The next message from the bot this person has not read yet, waiting if needed."""
        await self.sandbox.wait_in_chat(self.id, lambda: len(self.inbox) > self._seen, timeout)
        message = self.inbox[self._seen]
        self._seen += 1
        return message

    async def ask(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> ChatMessage:
        """Send a text and wait for the bot's next message."""
        await self.send(text)
        return await self.next_message(timeout)

    async def answer_to(self, press: Press, timeout: float = DEFAULT_TIMEOUT) -> CallbackAnswer:
        """Wait until the bot answered a button press (the little toast or alert)."""
        await self.sandbox.wait_for(
            lambda: self.sandbox.callback_answer(press.query_id) is not None, timeout
        )
        answer = self.sandbox.callback_answer(press.query_id)
        assert answer is not None
        return answer

    async def wait_for_edit(
        self, message: ChatMessage, edits_before: int, timeout: float = DEFAULT_TIMEOUT
    ) -> ChatMessage:
        """Wait until the bot edited ``message`` again after ``edits_before`` edits."""
        await self.sandbox.wait_in_chat(self.id, lambda: message.edits > edits_before, timeout)
        return message

    def catch_up(self) -> list[ChatMessage]:
        """Read everything the bot sent so far (returns it) without waiting."""
        unread = self.unread()
        self._seen += len(unread)
        return unread

    def unread(self) -> list[ChatMessage]:
        """Messages from the bot this person has not read yet (does not wait)."""
        return self.inbox[self._seen :]

    @staticmethod
    def _find_button(message: ChatMessage, wanted: str) -> Button:
        for button in message.buttons:
            if button.text == wanted:
                return button
        for button in message.buttons:
            if button.callback_data == wanted:
                return button
        shown = ", ".join(repr(button.text) for button in message.buttons) or "none"
        raise AssertionError(f"no button {wanted!r} under the message; buttons: {shown}")
