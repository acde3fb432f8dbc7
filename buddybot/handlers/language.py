"""/language: choose between Dutch and English with two buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers.basics import stale_button
from buddybot.handlers.buttons import button
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


async def language_chosen(update: Update, context: BuddyContext) -> None:
    """Store the chosen language (for people who joined) and confirm in that language."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or parsed.parts not in {(lang,) for lang in LANGUAGES}:
        await stale_button(update, context)
        return
    language = parsed.parts[0]
    async with context.runtime.database.transaction() as session:
        person = await people.choose_language(session, query.from_user.id, language)
    tr = translator(language)
    await query.answer()
    await query.edit_message_text(
        tr("language.chosen_unknown" if person is None else "language.chosen")
    )
    if person is not None and query.message is not None:
        await set_personal_menu(context.bot, query.message.chat.id, person.role, tr)
