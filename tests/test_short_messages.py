"""No bot message in onboarding, check-ins, meetups, network editing, /help and /privacy
asks more than 40 words of reading, in Dutch or in English (issue 17, item 4; the design
rule "one question per message, at most ~40 words"). Longer content (the consent, the
privacy notice) is told in steps behind "Tell me more".

Two levels: every catalog text of these flows with realistic values filled in, and every
message the bot really sends while people go through the flows in the sandbox.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Any

import pytest

from buddybot.commands import commands_for
from buddybot.i18n import LANGUAGES, Translator, catalog_texts, read_catalog, translator
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services.people import Role
from tests.journeys import add_contact, invite, joined_client, professional_invitation

LIMIT = 40
_TAG = re.compile(r"<[^>]+>")


def words(text: str) -> int:
    """The words a person reads in a message: after HTML tags are stripped, the tokens
    between spaces that hold a letter or a digit (an emoji, a bullet or a dash alone is
    not a word; "/myweek" and "24" are)."""
    return sum(1 for token in _TAG.sub(" ", text).split() if any(c.isalnum() for c in token))


def test_words_are_counted_plainly() -> None:
    assert words("<b>Wie ziet het?</b> Els van Kring Gent. 👋") == 7
    assert words("• Mama (Familie) – /myweek, 24 maanden") == 5
    assert words("") == 0


# The keys of the flows the rule covers, by prefix.
FLOW_PREFIXES = (
    "start.",  # /start
    "help.",  # /help
    "privacy.",  # /privacy, a page at a time
    "language.",  # /language, and choosing one on joining
    "join.",  # onboarding: the invitation link
    "consent.",  # onboarding: the consent, a page at a time, and the welcome
    "menu.",  # the menu under the text field and what it says
    "buddy.",  # onboarding: a client asked about their new buddy
    "meetup.",  # a buddy's meetup
    "network.",  # the network map and list
    "add.",  # network editing: adding someone
    "change.",  # network editing: changing someone
    "remove.",  # network editing: taking someone out
    "told.",  # network editing: the client told about a change made for them
    "kind.",  # network editing buttons
    "circle.",
    "domain.",
    "frequency.",
    "support.",
    "button.",  # Back, Next, Cancel, Skip, Tell me more, the stale-button note
    "flow.",  # "please tap a button", "nothing changed"
    "fallback.",  # typed text the bot does not understand
    "checkin.",  # the client's check-in (composed messages: tests/test_checkin_taps.py)
    "reply.",  # a professional's answer to a client: the frame around it ("text" is empty)
)
# Not covered, with the reason: a client's own words, forwarded to their professional
# whole (issue 17, item 6) — the bot does not shorten what people write.
LEFT_OUT = {"checkin.forwarded", "checkin.forwarded_part"}


def _samples(tr: Translator) -> dict[str, Any]:
    """Realistic values for every placeholder of these flows, on the long side."""
    return {
        "name": "Amira",
        "client": "Amira",
        "clients": "Amira",
        "buddy": "Bram",
        "professional": "Els",
        "organisation": "Kring Gent",
        "label": "Jan van de voetbal",
        "circle": tr("circle.1"),
        "domain": tr("domain.leisure"),
        "retention": tr.plural("privacy.retention", 24),
        "commands": " ".join(f"/{command.name}" for command in commands_for(Role.CLIENT)),
        "what": tr("told.added", label="Jan van de voetbal", circle="x", domain="y"),
        "day": tr.date(date(2026, 12, 9)),
        "date": tr.date(date(2026, 12, 9)),
        "count": 3,
        "max": 100,
        "part": 1,
        "parts": 2,
        "text": "",
    }


def _flow_texts(language: str) -> dict[str, tuple[str, ...]]:
    texts = catalog_texts(read_catalog(language))
    return {
        key: (text,) if isinstance(text, str) else text
        for key, text in texts.items()
        if key.startswith(FLOW_PREFIXES) and key not in LEFT_OUT
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_these_flows_fits_in_forty_words(language: str) -> None:
    tr = translator(language)
    values = _samples(tr)
    too_long = {}
    for key, forms in _flow_texts(language).items():
        for form in forms:
            names = {name for _, name, _, _ in string.Formatter().parse(form) if name}
            missing = names - set(values)
            assert not missing, f"no sample value for {missing} in {key}"
            count = words(form.format(**values))
            if count > LIMIT:
                too_long[key] = count
    assert not too_long, f"{language}: more than {LIMIT} words: {too_long}"


# ------------------------------------------------------------------ end to end


def _sent_texts(sandbox: TelegramSandbox) -> list[str]:
    """Every text the bot sent or put in place of a message, and every caption: what
    people read, one message at a time (an edit is a message read anew)."""
    texts = []
    for call in sandbox.calls:
        if call.status != 200:
            continue
        if call.method in ("sendmessage", "editmessagetext"):
            texts.append(str(call.params.get("text", "")))
        elif call.method in ("sendphoto", "senddocument") and call.params.get("caption"):
            texts.append(str(call.params["caption"]))
    return texts


def _assert_short(sandbox: TelegramSandbox) -> None:
    sent = _sent_texts(sandbox)
    assert sent, "nothing was sent"
    too_long = [(words(text), text) for text in sent if words(text) > LIMIT]
    assert not too_long, too_long


async def _read_all_pages(person: SandboxUser, message: ChatMessage, more: str, next_: str) -> None:
    """Tap "Tell me more", then Next to the last page, then Back once."""
    await person.tap(message, more)
    while any(button.text == next_ for button in message.buttons):
        await person.tap(message, next_)
    back = next(b.text for b in message.buttons if "⬅️" in b.text)
    await person.tap(message, back)


_MORE = {"nl": "ℹ️ Vertel me meer", "en": "ℹ️ Tell me more"}
_NEXT = {"nl": "Verder ➜", "en": "Next ➜"}
_LANGUAGE = {"nl": "Nederlands", "en": "English"}
_AGREE = {"nl": "✅ Ik doe mee", "en": "✅ I'll take part"}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_onboarding_help_privacy_and_a_meetup_stay_short(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    """A professional, a client and a buddy join (reading the consent's every page), look
    at /help, /privacy (every page), /start and /language; the buddy logs a meetup, going
    back once, typing where a button is expected and typing a note."""
    els = sandbox.user("Els", language_code=language)
    await els.ask(f"/start {await professional_invitation(bot)}")
    client_kind = "👤 Een cliënt" if language == "nl" else "👤 A client"
    buddy_kind = "🤝 Een buddy" if language == "nl" else "🤝 A buddy"

    amira = sandbox.user("Amira", language_code=language)
    welcome = await amira.ask(f"/start {await invite(els, client_kind, 'Amira')}")
    await amira.tap(welcome, _LANGUAGE[language])
    await _read_all_pages(amira, welcome, _MORE[language], _NEXT[language])
    await amira.tap(welcome, _AGREE[language])

    bram = sandbox.user("Bram", language_code=language)
    code = await invite(els, buddy_kind, "Bram", client="Amira")
    welcome = await bram.ask(f"/start {code}")
    await bram.tap(welcome, _LANGUAGE[language])
    await _read_all_pages(bram, welcome, _MORE[language], _NEXT[language])
    await bram.tap(welcome, _AGREE[language])
    await sandbox.wait_for(lambda: any("🤝" in m.content for m in amira.inbox))
    ask = next(m for m in amira.inbox if m.buttons and "🤝" in m.content)
    await amira.tap(ask, ask.buttons[0].text)
    # Els hears that Bram joined and that Amira agreed; Bram that Amira agreed.
    await sandbox.wait_for(lambda: len([m for m in els.inbox if "Bram" in m.content]) >= 3)
    await sandbox.wait_for(lambda: any("Amira" in m.content for m in bram.inbox))

    for person in (els, amira, bram):
        person.catch_up()
        await person.ask("/help")
        await person.ask("/start")
        notice = await person.ask("/privacy")
        await _read_all_pages(person, notice, _MORE[language], _NEXT[language])
    question = await amira.ask("/language")
    await amira.tap(question, _LANGUAGE[language])

    bram.catch_up()
    when = await bram.ask("/meetup")
    await bram.tap(when, when.buttons[2].text)  # another day: the week's days
    await bram.tap(when, when.buttons[-2].text)  # Back
    await bram.tap(when, when.buttons[1].text)  # yesterday
    await bram.send("a walk")  # typed where a button is expected
    hint = await bram.next_message()
    await bram.tap(hint, hint.buttons[0].text)  # an activity
    await bram.tap(hint, hint.buttons[0].text)  # half an hour
    await bram.tap(hint, hint.buttons[3].text)  # 🙂
    await bram.ask("We went to the market café.")
    _assert_short(sandbox)


async def test_network_editing_stays_short(bot: BotProcess, sandbox: TelegramSandbox) -> None:
    """A client (English) adds, changes and removes people; her professional (Dutch) adds
    one with her, and she is told."""
    els, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    await amira.tap_menu("👥 My network")
    await sandbox.wait_for(lambda: any(m.buttons for m in amira.unread()))
    listing = next(m for m in amira.catch_up() if m.buttons)
    listing = await add_contact(
        amira,
        listing,
        "🧑 Person",
        "Jan van de voetbal",
        "🙂 Close: important to me",
        "⚽ Free time",
        extras=True,
    )
    await amira.tap(listing, "➕ Add someone else")
    await amira.tap(listing, "🐾 Animal")
    step = await amira.ask("Fikkie")
    await amira.tap(step, "⬅️ Back")
    await amira.tap(step, "✖️ Cancel")
    await amira.send("/network")
    await sandbox.wait_for(lambda: any(m.buttons for m in amira.unread()))
    listing = next(m for m in amira.catch_up() if m.buttons)
    await amira.tap(listing, "✏️ Change")
    await amira.tap(listing, "Jan van de voetbal")
    await amira.tap(listing, "How close")
    await amira.tap(listing, "❤️ Very close: very important to me")
    await amira.send("/network")
    await sandbox.wait_for(lambda: any(m.buttons for m in amira.unread()))
    listing = next(m for m in amira.catch_up() if m.buttons)
    await amira.tap(listing, "🗑️ Remove")
    await amira.tap(listing, "Jan van de voetbal")
    await amira.tap(listing, "Yes, remove")

    caseload = await els.ask("/clients")
    await els.tap(caseload, "Amira")
    await els.press(caseload, "🕸️ Netwerk")
    await sandbox.wait_for(lambda: any(m.buttons for m in els.unread()))
    els_listing = next(m for m in els.catch_up() if m.buttons and "➕ Toevoegen" in str(m.buttons))
    await els.tap(els_listing, "➕ Toevoegen")
    await els.tap(els_listing, "👥 Groep")
    step = await els.ask("Praatgroep")
    await els.tap(step, "🙂 Dichtbij: belangrijk voor Amira")
    await els.tap(step, "🩺 Hulp")
    await els.tap(step, "Verder ➜")
    await els.tap(step, "Verder ➜")
    await els.tap(step, "Overslaan")
    await sandbox.wait_for(lambda: any("Praatgroep" in m.content for m in amira.unread()))
    _assert_short(sandbox)
