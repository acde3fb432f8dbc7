"""The sandbox behaves like the Bot API: real HTTP, Telegram's JSON and Telegram's errors.

These tests use PTB's own Bot (as the bot does) and, where the raw shape matters, plain HTTP.
"""

from __future__ import annotations

import ast
import asyncio
import struct
import zlib
from collections.abc import AsyncIterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

import buddybot.sandbox
from buddybot.app import file_url_for
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.sandbox.formatting import utf16_length


def png(width: int, height: int) -> bytes:
    """A tiny valid PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def api(sandbox: TelegramSandbox) -> AsyncIterator[Bot]:
    """PTB's Bot pointed at the sandbox, without rate limiter or retries."""
    async with Bot(
        DEFAULT_TOKEN, base_url=sandbox.api_url, base_file_url=file_url_for(sandbox.api_url)
    ) as bot:
        yield bot


async def _raw(
    sandbox: TelegramSandbox, method: str, **params: object
) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox.api_url}{sandbox.token}/{method}", json=params) as response,
    ):
        return response.status, await response.json()


async def test_get_me_and_unknown_token_and_method(sandbox: TelegramSandbox, api: Bot) -> None:
    me = await api.get_me()
    assert me.is_bot
    assert me.username == "BuddyBotSandbox"
    stranger = Bot("1:wrong", base_url=sandbox.api_url)
    with pytest.raises(InvalidToken):
        await stranger.initialize()
    status, body = await _raw(sandbox, "noSuchMethod")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_messages_have_telegrams_shape_and_html_becomes_entities(
    sandbox: TelegramSandbox,
) -> None:
    noor = sandbox.user("Noor", language_code="nl")
    status, body = await _raw(
        sandbox, "sendMessage", chat_id=noor.id, text="<b>Hoi</b> Noor &amp; 🐶", parse_mode="HTML"
    )
    assert status == 200
    message = body["result"]
    assert message["text"] == "Hoi Noor & 🐶"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert message["chat"] == {"id": noor.id, "type": "private", "first_name": "Noor"}
    assert message["from"]["is_bot"] is True
    assert isinstance(message["message_id"], int)
    assert isinstance(message["date"], int)


async def test_text_limits_are_enforced(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    with pytest.raises(BadRequest, match="Message is too long"):
        await api.send_message(noor.id, "x" * 4097)
    # Telegram counts UTF-16 code units: 2048 emoji are 4096 units and still fit.
    assert utf16_length("🙂" * 2048) == 4096
    await api.send_message(noor.id, "🙂" * 2048)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await api.send_message(noor.id, " ")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await api.send_message(noor.id, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Chat not found"):
        await api.send_message(424242, "hello")


async def test_callback_data_over_64_bytes_is_refused(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 64)]])
    await api.send_message(noor.id, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await api.send_message(noor.id, "too long", reply_markup=too_long)


async def test_a_keyboard_of_more_than_100_buttons_is_refused(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    noor = sandbox.user("Noor")
    rows = [[InlineKeyboardButton(str(n), callback_data=str(n))] for n in range(100)]
    await api.send_message(noor.id, "fits", reply_markup=InlineKeyboardMarkup(rows))
    one_more = InlineKeyboardMarkup([*rows, [InlineKeyboardButton("x", callback_data="x")]])
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await api.send_message(noor.id, "too many", reply_markup=one_more)


async def test_edits_apply_and_an_unchanged_edit_is_refused(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    noor = sandbox.user("Noor")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    sent = await api.send_message(noor.id, "Vraag?", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await api.edit_message_text("Vraag?", noor.id, sent.message_id, reply_markup=keyboard)
    await api.edit_message_text("Antwoord!", noor.id, sent.message_id)
    message = noor.inbox[0]
    assert (message.text, message.buttons, message.edits) == ("Antwoord!", [], 1)
    await api.edit_message_reply_markup(noor.id, sent.message_id, reply_markup=keyboard)
    assert [button.text for button in message.buttons] == ["Ja"]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await api.edit_message_reply_markup(noor.id, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await api.edit_message_text("x", noor.id, 9999)
    assert await api.delete_message(noor.id, sent.message_id)
    assert noor.inbox == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await api.delete_message(noor.id, sent.message_id)


async def test_a_reply_keyboard_stays_under_the_text_field_until_replaced_or_removed(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    noor = sandbox.user("Noor")
    assert noor.menu == []
    menu = ReplyKeyboardMarkup(
        [["💬 Check in", "📅 My week"]], resize_keyboard=True, is_persistent=True
    )
    await api.send_message(noor.id, "Your buttons are below.", reply_markup=menu)
    await api.send_message(noor.id, "Another message")  # a message without one keeps it
    assert noor.menu == ["💬 Check in", "📅 My week"]
    assert noor.menu_keyboard is not None
    assert (noor.menu_keyboard.persistent, noor.menu_keyboard.resized) == (True, True)
    assert noor.inbox[0].buttons == []  # not an inline keyboard under the message

    # A tap sends the button's text as an ordinary message.
    await noor.tap_menu("📅 My week")
    sent = sandbox.messages(noor.id)[-1]
    assert (sent.from_bot, sent.text) == (False, "📅 My week")
    with pytest.raises(AssertionError, match="no menu button"):
        await noor.tap_menu("❓ Help")

    # Telegram edits only inline keyboards.
    with pytest.raises(BadRequest, match="Inline keyboard expected"):
        await api.edit_message_text("x", noor.id, noor.inbox[0].message_id, reply_markup=menu)  # type: ignore[arg-type]

    await api.send_message(noor.id, "Bye", reply_markup=ReplyKeyboardRemove())
    assert noor.menu == []


async def test_a_blocked_person_cannot_be_written_to(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    await noor.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await api.send_message(noor.id, "hello")
    updates = await api.get_updates()
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    await noor.unblock()
    await api.send_message(noor.id, "welcome back")


async def test_get_updates_confirms_with_offset_and_long_polls(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    noor = sandbox.user("Noor")
    first = await noor.send("een")
    await noor.send("twee")
    updates = await api.get_updates()
    assert [update.update_id for update in updates] == [first, first + 1]
    assert updates[0].message is not None
    assert updates[0].message.text == "een"
    # Without confirming, the same updates come again; an offset confirms them.
    assert len(await api.get_updates()) == 2
    assert await api.get_updates(offset=first + 2) == ()

    async def later() -> None:
        await asyncio.sleep(0.3)
        await noor.send("drie")

    task = asyncio.create_task(later())
    waited = await api.get_updates(offset=first + 2, timeout=5)
    await task
    assert [update.message.text for update in waited if update.message] == ["drie"]


async def test_commands_are_a_bot_command_entity(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    await noor.send("/start abc")
    (update,) = await api.get_updates()
    assert update.message is not None
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start")


async def test_callback_queries_are_answered_once(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    await api.send_message(noor.id, "Vraag?", reply_markup=keyboard)
    press = await noor.press(noor.inbox[0], "Ja")
    (update,) = await api.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "yes"
    assert update.callback_query.message is not None
    assert await api.answer_callback_query(press.query_id, "Bedankt")
    assert (await noor.answer_to(press)).text == "Bedankt"
    with pytest.raises(BadRequest, match="Query is too old"):
        await api.answer_callback_query(press.query_id)


async def test_webhook_blocks_get_updates_and_is_reported(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    await api.set_webhook("http://127.0.0.1:9/nowhere", secret_token="abc")
    with pytest.raises(Conflict, match="webhook is active"):
        await api.get_updates()
    noor = sandbox.user("Noor")
    await noor.send("hallo")
    await sandbox.wait_for(lambda: "last_error_message" in sandbox.webhook_info())
    info = await api.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/nowhere"
    assert info.pending_update_count == 1
    assert info.last_error_message is not None
    assert await api.delete_webhook(drop_pending_updates=True)
    assert await api.get_updates() == ()


async def test_photos_documents_and_albums_are_kept(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    picture = png(108, 60)
    photo = await api.send_photo(noor.id, picture, caption="<b>Je netwerk</b>", parse_mode="HTML")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (108, 60)
    assert photo.caption == "Je netwerk"
    assert sandbox.file(photo.photo[-1].file_id).data == picture
    document = await api.send_document(noor.id, b"a,b\n1,2\n", filename="week.csv")
    assert document.document is not None
    assert document.document.file_name == "week.csv"
    assert sandbox.file(document.document.file_id).data == b"a,b\n1,2\n"
    downloaded = await (await api.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"a,b\n1,2\n"
    album = await api.send_media_group(
        noor.id, [InputMediaPhoto(png(10, 10)), InputMediaDocument(b"x", filename="x.txt")]
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id is not None
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await api.send_photo(noor.id, picture, caption="x" * 1025)
    with pytest.raises(BadRequest):
        await api.send_photo(noor.id, b"not an image")


async def test_command_menus_per_scope_and_language(sandbox: TelegramSandbox, api: Bot) -> None:
    await api.set_my_commands([BotCommand("help", "Hulp")], language_code="nl")
    await api.set_my_commands([BotCommand("help", "Help")])
    assert [c.description for c in await api.get_my_commands(language_code="nl")] == ["Hulp"]
    assert [c.description for c in await api.get_my_commands()] == ["Help"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await api.set_my_commands([BotCommand("Not-Valid", "x")])


async def test_injected_faults(sandbox: TelegramSandbox, api: Bot) -> None:
    noor = sandbox.user("Noor")
    sandbox.inject_fault("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await api.send_message(noor.id, "a")
    assert caught.value.retry_after == 3
    sandbox.inject_fault("sendMessage", 502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await api.send_message(noor.id, "b")
    slow = sandbox.inject_fault(None, 200, delay=0.2)
    await api.send_message(noor.id, "c")
    assert slow.times == 0
    assert [message.text for message in noor.inbox] == ["c"]
    assert [call.status for call in sandbox.calls_of("sendMessage")] == [429, 502, 200]


async def test_flood_limit_answers_429(api: Bot) -> None:
    async with TelegramSandbox(flood_limit=5) as strict:
        noor = strict.user("Noor")
        async with Bot(DEFAULT_TOKEN, base_url=strict.api_url) as bot:
            for number in range(5):
                await bot.send_message(noor.id, f"{number}")
            with pytest.raises(RetryAfter):
                await bot.send_message(noor.id, "one too many")
        assert strict.flood_violations == 1


async def test_a_second_poller_ends_the_first_with_a_conflict(
    sandbox: TelegramSandbox, api: Bot
) -> None:
    first = asyncio.create_task(api.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(DEFAULT_TOKEN, base_url=sandbox.api_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)


async def test_personal_texts_are_names_and_what_people_typed(sandbox: TelegramSandbox) -> None:
    amira = sandbox.user("Amira", last_name="Secretname", username="amira_x")
    await amira.send("/start")
    await amira.send("Mama")
    await amira.send("  Thanks for the letter!  ")
    await amira.send("ok")  # too short to look for
    assert sandbox.personal_texts() == {
        "Amira",
        "Secretname",
        "amira_x",
        "Mama",
        "Thanks for the letter!",
    }


def test_no_module_of_the_sandbox_imports_one_that_imports_it_back() -> None:
    # Imports under TYPE_CHECKING or inside functions count too: a cycle hidden there is
    # still one module that cannot be read or changed without the other.
    package = Path(buddybot.sandbox.__file__).parent
    prefix = "buddybot.sandbox."
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        if path.stem == "__init__":
            continue
        imported = graph.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix):
                imported.add(str(node.module).removeprefix(prefix))
            elif isinstance(node, ast.Import):
                imported |= {
                    alias.name.removeprefix(prefix)
                    for alias in node.names
                    if alias.name.startswith(prefix)
                }
    assert {"chats", "server", "users"} <= graph.keys()
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        pytest.fail(f"import cycle in the sandbox: {error.args[1]}")
