"""/start, /help, /privacy, the menu under the text field, and the kind answers to anything
the bot does not understand."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from html import escape
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import filters

from buddybot.commands import command_of_menu_text, commands_for, menu_for, menu_texts
from buddybot.context import BuddyContext
from buddybot.handlers.buttons import Pressed, Stale, button, on_press, show
from buddybot.handlers.mini_app import set_menu_button
from buddybot.i18n import Translator, text_key
from buddybot.services import privacy as privacy_service
from buddybot.services.people import Person, Role

PRIVACY = "priv"
# The privacy notice: a short message, and its details behind "Tell me more", a page at a
# time, so that no message asks more than ~40 words of reading.
PRIVACY_PAGES = (
    text_key("privacy.notice"),
    text_key("privacy.page.keep"),
    text_key("privacy.page.who"),
    text_key("privacy.page.how_long"),
    text_key("privacy.page.rights"),
    text_key("privacy.page.telegram"),
)

Action = Callable[[Update, BuddyContext], Coroutine[Any, Any, None]]


def menu_keyboard(person: Person, tr: Translator) -> ReplyKeyboardMarkup | None:
    """The menu under the text field for this person, in their language: always at hand
    (persistent) and no taller than its buttons. None for someone without a menu (not
    known, or stopped)."""
    rows = menu_for(person.role, tr)
    if not rows or person.consent_withdrawn:
        return None
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


NO_MENU = ReplyKeyboardRemove()

# What a tap on a menu button sends: exactly one of the buttons' texts, in any language.
MENU_TAP = filters.Text(sorted(menu_texts()))


def menu_tapped(actions: Mapping[str, Action]) -> Action:
    """A PTB callback for the menu: the tapped button's text names a command, and the tap
    does what that command does (``actions``: command name → its handler)."""

    async def tapped(update: Update, context: BuddyContext) -> None:
        message = update.effective_message
        name = command_of_menu_text(message.text or "") if message is not None else None
        action = actions.get(name) if name is not None else None
        if action is None:
            await not_understood(update, context)
            return
        await action(update, context)

    return tapped


async def send_menu(context: BuddyContext, chat_id: int, person: Person, tr: Translator) -> None:
    """A short message that puts the person's menu under the text field and says what its
    buttons are for (after joining, and after coming back)."""
    keyboard = menu_keyboard(person, tr)
    if keyboard is not None:
        text = tr("menu.intro_buddy" if person.role is Role.BUDDY else "menu.intro_client")
        await context.bot.send_message(chat_id, text, reply_markup=keyboard)


async def start(update: Update, context: BuddyContext) -> None:
    """Greet the person. Unknown people learn what the bot is; nothing about them is stored.
    Someone known gets their menu back with the greeting."""
    person = context.person
    if person.is_known:
        text = context.tr("start.welcome_back", name=escape(person.first_name or ""))
    else:
        text = context.tr("start.unknown")
    await _reply(update, text, menu_keyboard(person, context.tr))
    chat = update.effective_chat
    if person.is_known and chat is not None:
        # The chat's menu button too: people who joined before there was a Mini App get
        # theirs here; someone who stopped gets Telegram's own.
        role = Role.UNKNOWN if person.consent_withdrawn else person.role
        await set_menu_button(context.bot, chat.id, role, context.tr, context.runtime.settings)


async def help_command(update: Update, context: BuddyContext) -> None:
    """Short: the menu does the usual things; the commands stay for who likes to type."""
    tr, person = context.tr, context.person
    commands = " ".join(f"/{command.name}" for command in commands_for(person.role))
    keyboard = menu_keyboard(person, tr)
    lines = [tr("help.menu")] if keyboard is not None else []
    if not person.is_known:
        lines.append(tr("help.need_invitation"))
    lines.append(tr("help.commands", commands=commands))
    await _reply(update, "\n\n".join(lines), keyboard)


async def privacy(update: Update, context: BuddyContext) -> None:
    """The privacy notice in plain language: short, with the details one tap away."""
    text, keyboard = await _privacy_page(context, 0)
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def _privacy_page(context: BuddyContext, page: int) -> tuple[str, InlineKeyboardMarkup]:
    default = context.runtime.settings.retention_months
    months = await privacy_service.retention_of(context.runtime.database, context.person, default)
    tr = context.tr
    retention = tr.plural("privacy.retention", months)
    text = tr(PRIVACY_PAGES[page], retention=retention)
    nav = page_buttons(tr, page, len(PRIVACY_PAGES) - 1, lambda to: (PRIVACY, str(to)))
    return text, InlineKeyboardMarkup([nav])


def _parse_privacy_page(parts: tuple[str, ...]) -> int | None:
    """``priv:<page>``: a page of the privacy notice that exists."""
    if len(parts) != 1 or not parts[0].isdigit() or int(parts[0]) >= len(PRIVACY_PAGES):
        return None
    return int(parts[0])


async def _on_privacy_page(pressed: Pressed, page: int, context: BuddyContext) -> Stale | None:
    text, keyboard = await _privacy_page(context, page)
    await pressed.query.answer()
    await show(pressed.query, text, keyboard)
    return None


privacy_button = on_press(_parse_privacy_page, _on_privacy_page)


def page_buttons(
    tr: Translator, page: int, last: int, data: Callable[[int], tuple[str, ...]]
) -> list[InlineKeyboardButton]:
    """The way through a text told in steps: on its short first message (page 0) "Tell me
    more"; on each page after it Back, and Next until the last page. ``data(page)``: the
    callback parts that show that page."""
    if page == 0:
        return [button(tr("button.more"), *data(1))]
    nav = [button(tr("button.back"), *data(page - 1))]
    if page < last:
        nav.append(button(tr("button.next"), *data(page + 1)))
    return nav


async def not_understood(update: Update, context: BuddyContext) -> None:
    """Typed text or an unknown command: a gentle pointer to /help, nothing changes."""
    await _reply(
        update, context.tr("fallback.text" if context.person.is_known else "fallback.unknown")
    )


async def not_for_role(update: Update, tr: Translator) -> None:
    """A command that exists, but not for this person's role."""
    await _reply(update, tr("command.not_for_you"))


async def _reply(update: Update, text: str, keyboard: ReplyKeyboardMarkup | None = None) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard)
