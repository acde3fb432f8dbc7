"""The Bot API methods about chats: sending, editing and deleting messages, answering button
presses, command menus and files, each as strict as Telegram (limits, unchanged edits,
callback data size, blocked people) and refused with Telegram's descriptions."""

from __future__ import annotations

import secrets
import time
from typing import Any

from buddybot.sandbox.chats import (
    CallbackAnswer,
    Chat,
    ChatMessage,
    ChatState,
    ReplyKeyboard,
    StoredFile,
)
from buddybot.sandbox.errors import bad_request
from buddybot.sandbox.formatting import EntityParseError, render, utf16_length
from buddybot.sandbox.media import image_size
from buddybot.sandbox.params import Handler, Params

# "Text of the message to be sent, 1-4096 characters after entities parsing" (sendMessage),
# "0-1024 characters after entities parsing" (sendPhoto's caption), callback_data "1-64
# bytes" (InlineKeyboardButton): https://core.telegram.org/bots/api. Characters are UTF-16
# code units, as entity offsets are (https://core.telegram.org/api/entities).
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# Not in the Bot API docs: an inline keyboard of more than 100 buttons is refused with
# "reply markup is too long" (https://github.com/tginfo/Telegram-Limits/issues/228,
# https://github.com/yagop/node-telegram-bot-api/issues/200).
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ChatMethods:
    """The Bot API methods that act on the chats of a ``ChatState``."""

    def __init__(self, state: ChatState) -> None:
        self._state = state

    def handlers(self) -> dict[str, Handler]:
        """These methods by their lower-cased Bot API name."""
        return {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendmediagroup": self._send_media_group,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getfile": self._get_file,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
        }

    async def _get_me(self, _params: Params) -> dict[str, Any]:
        return self._state.bot_user

    def _writable_chat(self, params: Params) -> Chat:
        return self._state.writable_chat(params.number("chat_id"))

    # ----------------------------------------------------------------- sending

    def _markup(self, params: Params) -> dict[str, Any] | None:
        markup = params.obj("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            for row in rows:
                for button in row:
                    self._check_button(button)
            if sum(len(row) for row in rows) > MAX_BUTTONS:
                raise bad_request("reply markup is too long")
        elif "keyboard" in markup:
            _reply_keyboard(markup)
        elif markup.get("remove_keyboard") is not True and markup.get("force_reply") is not True:
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _inline_markup(self, params: Params) -> dict[str, Any] | None:
        """An edit's markup: Telegram edits only inline keyboards; a reply keyboard stays
        where it is until a new message replaces it."""
        markup = self._markup(params)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not (1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA):
            raise bad_request("BUTTON_DATA_INVALID")
        if data is None and not any(
            key in button for key in ("url", "web_app", "login_url", "switch_inline_query", "pay")
        ):
            raise bad_request("text buttons are unallowed in the inline keyboard")

    @staticmethod
    def _text(params: Params) -> tuple[str, list[dict[str, Any]]]:
        raw = params.text("text") or ""
        try:
            text, entities = render(raw, params.text("parse_mode"), params.obj("entities"))
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_length(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text, entities

    @staticmethod
    def _caption(params: Params) -> str | None:
        raw = params.text("caption")
        if raw is None:
            return None
        try:
            caption, _entities = render(raw, params.text("parse_mode"), None)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        if utf16_length(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return caption

    def _bot_message(self, chat: Chat, **content: Any) -> ChatMessage:
        message = ChatMessage(
            message_id=chat.new_message_id(),
            chat_id=int(chat.user["id"]),
            from_bot=True,
            date=int(time.time()),
            **content,
        )
        chat.messages.append(message)
        _keep_keyboard(chat, message.reply_markup)
        return message

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        text, entities = self._text(params)
        message = self._bot_message(
            chat, text=text, entities=entities, reply_markup=self._markup(params)
        )
        return self._state.to_api(message)

    def _store_file(self, params: Params, name: str, default_mime: str) -> StoredFile:
        upload = params.files.get(name)
        if upload is not None:
            data = upload.file.read()
            stored = StoredFile(
                secrets.token_urlsafe(24),
                secrets.token_hex(8),
                upload.filename or name,
                upload.content_type or default_mime,
                data,
            )
            self._state.files[stored.file_id] = stored
            return stored
        reference = params.text(name)
        if reference and reference.startswith("attach://"):
            attached = params.files.get(reference.removeprefix("attach://"))
            if attached is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return self._store_file(Params({}, {name: attached}), name, default_mime)
        if reference and reference in self._state.files:
            return self._state.files[reference]
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        photo = self._store_file(params, "photo", "image/jpeg")
        if image_size(photo.data) == (0, 0):
            raise bad_request("IMAGE_PROCESS_FAILED")
        message = self._bot_message(
            chat, photo=photo, caption=self._caption(params), reply_markup=self._markup(params)
        )
        return self._state.to_api(message)

    async def _send_document(self, params: Params) -> dict[str, Any]:
        chat = self._writable_chat(params)
        document = self._store_file(params, "document", "application/octet-stream")
        message = self._bot_message(
            chat,
            document=document,
            caption=self._caption(params),
            reply_markup=self._markup(params),
        )
        return self._state.to_api(message)

    async def _send_media_group(self, params: Params) -> list[dict[str, Any]]:
        chat = self._writable_chat(params)
        media = params.obj("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified; must be between 2 and 10")
        group_id = secrets.token_hex(8)
        sent = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in {"photo", "document"}:
                raise bad_request("unsupported media type in the sandbox")
            item_params = Params(
                {
                    "media": item.get("media"),
                    "caption": item.get("caption"),
                    "parse_mode": item.get("parse_mode"),
                },
                params.files,
            )
            stored = self._store_file(item_params, "media", "application/octet-stream")
            content = {"photo": stored} if kind == "photo" else {"document": stored}
            sent.append(
                self._bot_message(
                    chat, caption=self._caption(item_params), media_group_id=group_id, **content
                )
            )
        return [self._state.to_api(message) for message in sent]

    async def _send_chat_action(self, params: Params) -> bool:
        self._writable_chat(params)
        return True

    # ----------------------------------------------------------------- editing

    def _editable(self, params: Params) -> ChatMessage:
        if params.has("inline_message_id"):
            raise bad_request("inline messages are not supported in the sandbox")
        chat = self._writable_chat(params)
        message = chat.find(params.number("message_id") or 0)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _edited(self, message: ChatMessage) -> dict[str, Any]:
        message.edits += 1
        message.edit_date = int(time.time())
        message.edited_at = time.monotonic()
        return self._state.to_api(message)

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        message = self._editable(params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(params)
        markup = self._inline_markup(params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message.text, message.entities, message.reply_markup = text, entities, markup
        return self._edited(message)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        message = self._editable(params)
        markup = self._inline_markup(params)
        if markup == message.reply_markup or (not markup and not message.reply_markup):
            raise bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message.reply_markup = markup
        return self._edited(message)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._state.chat(params.number("chat_id") or 0)
        message = chat.find(params.number("message_id") or 0)
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.required_text("callback_query_id")
        if query_id not in self._state.callbacks or self._state.callbacks[query_id] is not None:
            raise bad_request(_QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.text("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self._state.callbacks[query_id] = CallbackAnswer(text, params.flag("show_alert"))
        return True

    # ----------------------------------------------------------------- commands and files

    @staticmethod
    def _scope_key(params: Params) -> tuple[str, str]:
        scope = params.obj("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        key = str(scope["type"]) + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        language = params.text("language_code") or ""
        if language and (len(language) != 2 or not language.isalpha()):
            raise bad_request("invalid language code specified")
        return key, language

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an array of at most 100 BotCommand")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not (1 <= len(name) <= 32) or not all(
                c.islower() or c.isdigit() or c == "_" for c in name
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(description) <= 256):
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._state.commands[self._scope_key(params)] = [
            {"command": command["command"], "description": command["description"]}
            for command in commands
        ]
        return True

    async def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        return self._state.commands.get(self._scope_key(params), [])

    async def _delete_my_commands(self, params: Params) -> bool:
        self._state.commands.pop(self._scope_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: Params) -> bool:
        # Only a private chat's own button here; the bot-wide default is not modelled.
        button = params.obj("menu_button") or {"type": "default"}
        kind = button.get("type") if isinstance(button, dict) else None
        if kind == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not button.get("text") or not url.startswith(("https://", "http://127.0.0.1")):
                raise bad_request("BUTTON_URL_INVALID")
        elif kind not in ("default", "commands"):
            raise bad_request("can't parse menu button JSON object")
        self._writable_chat(params).menu_button = button
        return True

    async def _get_chat_menu_button(self, params: Params) -> dict[str, Any]:
        return self._writable_chat(params).menu_button or {"type": "default"}

    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self._state.files.get(params.required_text("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": f"files/{stored.file_id}",
        }


def _reply_keyboard(markup: dict[str, Any]) -> ReplyKeyboard:
    """A ReplyKeyboardMarkup as the person sees it; refused as Telegram refuses a malformed
    one (rows of buttons, each a text or a KeyboardButton with a text)."""
    rows = markup["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    texts = [
        [button if isinstance(button, str) else _button_text(button) for button in row]
        for row in rows
    ]
    return ReplyKeyboard(
        texts, bool(markup.get("is_persistent")), bool(markup.get("resize_keyboard"))
    )


def _button_text(button: Any) -> str:
    text = button.get("text") if isinstance(button, dict) else None
    if not isinstance(text, str) or not text:
        raise bad_request("keyboard button text is empty")
    return text


def _keep_keyboard(chat: Chat, markup: dict[str, Any] | None) -> None:
    """A sent message with a reply keyboard puts it under the text field; one with
    ``remove_keyboard`` takes it away; any other message leaves it as it is."""
    if markup is None:
        return
    if "keyboard" in markup:
        chat.keyboard = _reply_keyboard(markup)
    elif markup.get("remove_keyboard") is True:
        chat.keyboard = None
