"""The buttons that open the Mini App (docs/webapp.md): the client's circle under `/network`
and as the chat's menu button, the professional's dashboard under `/clients` and as theirs.
Nothing when no Mini App is configured (``BUDDYBOT_WEBAPP_URL``)."""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from buddybot.i18n import Translator, text_key
from buddybot.services.people import Role
from buddybot.settings import Settings

CIRCLE_PAGE = "/app/circle"
DASHBOARD_PAGE = "/app/dashboard"


def circle_button(tr: Translator, settings: Settings) -> InlineKeyboardButton | None:
    """The button "Place on the circle": the client's own circle, by touch."""
    if settings.webapp_url is None:
        return None
    return InlineKeyboardButton(
        tr("webapp.button.circle"), web_app=WebAppInfo(settings.webapp_url + CIRCLE_PAGE)
    )


def dashboard_button(tr: Translator, settings: Settings) -> InlineKeyboardButton | None:
    """The button "Dashboard": the caseload and each client through time."""
    if settings.webapp_url is None:
        return None
    return InlineKeyboardButton(
        tr("webapp.button.dashboard"), web_app=WebAppInfo(settings.webapp_url + DASHBOARD_PAGE)
    )


async def set_menu_button(
    bot: Bot, chat_id: int, role: Role, tr: Translator, settings: Settings
) -> None:
    """The chat's menu button: the circle for a client, the dashboard for a professional,
    Telegram's default (the commands) for anyone else. Launch data comes with a menu
    button's Mini App (not with a reply keyboard's: https://core.telegram.org/bots/webapps),
    so this is how "from the menu" opens it."""
    if settings.webapp_url is None:
        return
    pages = {
        Role.CLIENT: (CIRCLE_PAGE, text_key("webapp.menu.circle")),
        Role.PROFESSIONAL: (DASHBOARD_PAGE, text_key("webapp.menu.dashboard")),
    }
    if role not in pages:
        await bot.set_chat_menu_button(chat_id, MenuButtonDefault())
        return
    page, text = pages[role]
    button = MenuButtonWebApp(tr(text), WebAppInfo(settings.webapp_url + page))
    await bot.set_chat_menu_button(chat_id, button)
