"""Small pieces every handler needs: who is writing, in which language, and how to answer."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.i18n import Translator, translator
from buddybot.services import checkins, people
from buddybot.services.people import Person

# Five faces for every 1-5 scale (mood, satisfaction, how a meetup went), sad to happy.
FACES = ("😞", "🙁", "😐", "🙂", "😄")


def button(text: str, *parts: str) -> InlineKeyboardButton:
    """An inline button whose callback data is ``parts`` joined (see ``callbacks.encode``)."""
    return InlineKeyboardButton(text, callback_data=callbacks.encode(*parts))


def faces_row(*parts: str) -> list[InlineKeyboardButton]:
    """The five faces as one row of buttons; each press sends ``parts`` plus its score."""
    return [button(face, *parts, str(score)) for score, face in enumerate(FACES, start=1)]


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
