"""Small pieces every handler needs: who is writing, in which language, and how to answer."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update, User

from buddybot.context import BuddyContext
from buddybot.i18n import Translator, translator
from buddybot.services import checkins, people
from buddybot.services.people import Person


@dataclass(frozen=True)
class Reply:
    """A text with optional buttons, to send or to put in place of the tapped message."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Sender:
    """The person behind an update and a translator in their language."""

    person: Person
    tr: Translator


async def identify_sender(update: Update, context: BuddyContext) -> Sender:
    """Look up who sent the update; unknown people get a translator from their app language."""
    user = _user(update)
    async with context.runtime.database.transaction() as session:
        person = await people.identify(session, user.id)
        if person.unreachable:
            # They write or tap again, so they can be reached: prompts resume.
            await checkins.mark_reachable(session, user.id)
    return Sender(person, translator_for(person, user, context))


def translator_for(person: Person, user: User | None, context: BuddyContext) -> Translator:
    """The translator for this person: their choice, their app's language, or the default."""
    default = context.runtime.settings.default_language
    code = user.language_code if user else None
    return translator(people.language_of(person, code, default), default)


def _user(update: Update) -> User:
    user = update.effective_user
    if user is None:
        # Handlers are registered for private messages and button presses, which always
        # carry a user; reaching this is a programming error.
        raise RuntimeError("update without a user")
    return user
