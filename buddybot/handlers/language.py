"""/language: choose between Dutch and English with two buttons; the menu follows."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from buddybot.context import BuddyContext
from buddybot.handlers.basics import menu_keyboard
from buddybot.handlers.buttons import Pressed, Stale, button, on_press, show
from buddybot.handlers.menu import set_personal_menu
from buddybot.i18n import LANGUAGES, translator
from buddybot.services import people

FEATURE = "lang"


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each named in its own language."""
    return InlineKeyboardMarkup(
        [
            [
                button(translator(language)("language.name"), FEATURE, language)
                for language in LANGUAGES
            ]
        ]
    )


async def ask_language(update: Update, context: BuddyContext) -> None:
    """Show the language buttons."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.tr("language.question"), reply_markup=language_keyboard()
        )


def _parse_language(parts: tuple[str, ...]) -> str | None:
    """``lang:<language>``: one of the languages we speak."""
    return parts[0] if parts in {(lang,) for lang in LANGUAGES} else None


async def _on_language_press(
    pressed: Pressed, language: str, context: BuddyContext
) -> Stale | None:
    """Store the chosen language (for people who joined) and confirm in that language; the
    menu under the text field comes again in it (a new message: an edit cannot carry it)."""
    person = await people.set_language(context.runtime.database, pressed.telegram_user_id, language)
    tr = translator(language)
    query = pressed.query
    await query.answer()
    await show(query, tr("language.chosen_unknown" if person is None else "language.chosen"), None)
    if person is not None and query.message is not None:
        chat_id = query.message.chat.id
        await set_personal_menu(context.bot, chat_id, person.role, tr, context.runtime.settings)
        keyboard = menu_keyboard(person, tr)
        if keyboard is not None:
            await context.bot.send_message(chat_id, tr("menu.changed"), reply_markup=keyboard)
    return None


language_chosen = on_press(_parse_language, _on_language_press)
