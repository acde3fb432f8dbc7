"""How long a check-in takes a client, from the prompt to the thank-you, at network sizes
of 10, 30 and 100 with 1, 5 and 10 people seen (issue 17, item 1): counted in taps, and in
seconds by a plain model of a person reading and tapping (below), plus the bot's own time.

The goal (``shared/design/ux.md``): at most 8 taps with up to 5 people seen, whatever the
network's size; one more tap at most for each further person; at most 60 seconds.

Run with ``-s`` to see the table: ``pytest -s tests/test_checkin_taps.py``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.network import Contact, ContactKind, Domain, Frequency
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkin_answers, contacts
from buddybot.storage import checkins as stored
from buddybot.storage import models
from tests.clocked import client_id_of, prompted, tick, with_network
from tests.journeys import joined_client
from tests.test_short_messages import _assert_short

# A person's time, after the Keystroke-Level Model (Card, Moran & Newell, 1980): 1.35 s to
# take in each new screen (M), 1.1 s to point plus 0.2 s to tap (P + B) per button; and
# reading at 100 words a minute, a slow reader's pace (adults read about 240).
NEW_SCREEN_S = 1.35
TAP_S = 1.3
WORD_S = 0.6


def words(text: str) -> int:
    """Words a person reads: tokens with a letter or digit, tags left out."""
    return sum(1 for token in re.sub(r"<[^>]+>", " ", text).split() if re.search(r"\w", token))


@dataclass
class Taken:
    """One check-in: taps, the bot's seconds (press → the next question on screen) and
    the modelled seconds of the person."""

    taps: int = 0
    bot_s: float = 0.0
    read_s: float = 0.0

    @property
    def person_s(self) -> float:
        return self.read_s + self.taps * TAP_S + self.bot_s


def new_words(before: str, after: str) -> int:
    """The words of the lines of ``after`` that ``before`` did not show (a line added
    under the same question is all there is to read)."""
    shown = set(before.splitlines())
    return sum(words(line) for line in after.splitlines() if line not in shown)


async def _tap(person: SandboxUser, prompt: ChatMessage, text: str, taken: Taken) -> None:
    before = prompt.content
    started = time.monotonic()
    await person.tap(prompt, text)
    taken.bot_s += time.monotonic() - started
    taken.taps += 1
    if prompt.content != before and not prompt.content.startswith("Thank you"):
        # A new question to read (a toggle keeps the text); the thank-you is the end.
        taken.read_s += NEW_SCREEN_S + WORD_S * new_words(before, prompt.content)


async def _network_with_history(
    bot: BotProcess, client_id: int, size: int, seen: int, clock: ManualClock
) -> list[str]:
    """``size`` contacts across the three circles, and four answered weeks in which the
    client saw the same ``seen`` people, spread over the network; returns their names. The
    fifth check-in asks satisfaction too: the longest one."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        for n in range(size):
            contact = Contact(0, ContactKind.PERSON, f"Persoon {n:03d}", 1 + n % 3, Domain.FAMILY)
            await contacts.add_contact(
                session, client_id, contact, by=contacts.Editor("client", client_id), now=clock.now
            )
        ids = list(
            await session.scalars(
                select(models.Contact.id)
                .where(models.Contact.client_id == client_id)
                .order_by(models.Contact.id)
            )
        )
        chosen = [n * size // seen for n in range(seen)]
        client = await session.get(models.Participant, client_id)
        assert client is not None
        for week in range(4, 0, -1):
            at = clock.now - timedelta(weeks=week)
            checkin = await stored.add_open(session, client_id, at, at.date())
            await checkin_answers.answer_all(
                session,
                checkin,
                client,
                contacts={ids[n]: "in_person" for n in chosen},
                mood=4,
                satisfaction=4,
                now=at,
            )
    return [f"Persoon {n:03d}" for n in chosen]


async def _check_in(person: SandboxUser, prompt: ChatMessage, names: list[str]) -> Taken:
    """Tap through the prompt as a client would: each name (turning the page when it is
    not in sight), how (once for all), the mood, and satisfaction when asked."""
    taken = Taken(read_s=NEW_SCREEN_S + WORD_S * words(prompt.content))
    for name in names:
        while name not in [b.text for b in prompt.buttons]:
            await _tap(person, prompt, "Next ▶️", taken)
        await _tap(person, prompt, name, taken)
    await _tap(person, prompt, "🤝 Together ➜", taken)
    await _tap(person, prompt, "🙂", taken)
    if prompt.content.startswith("How happy are you"):
        await _tap(person, prompt, "😄", taken)
    assert prompt.content.startswith("Thank you, Amira!")
    return taken


@pytest.mark.parametrize("size", [10, 30, 100])
@pytest.mark.parametrize("seen", [1, 5, 10])
async def test_a_check_in_takes_few_taps_whatever_the_networks_size(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, size: int, seen: int
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    names = await _network_with_history(clocked_bot, client_id, size, seen, clock)
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    taken = await _check_in(amira, prompt, names)
    print(
        f"\ncheck-in: {size:3d} contacts, {seen:2d} seen: {taken.taps:2d} taps, "
        f"person {taken.person_s:4.1f} s (bot {taken.bot_s:4.2f} s)"
    )
    assert taken.taps <= 8 + max(0, seen - 5)  # with satisfaction asked, the longest kind
    if seen <= 5:
        assert taken.person_s <= 60
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        latest = await stored.latest_answered(session, client_id)
        assert latest is not None
        events = await session.scalars(
            select(models.ContactEvent).where(models.ContactEvent.checkin_id == latest.id)
        )
        assert len(list(events)) == seen


async def test_in_a_big_network_without_history_a_typed_name_finds_the_person(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """The first check-in knows no one seen lately: the closest come first, and anyone
    else is a typed name away (a part of a name shows those it may be, to tap)."""
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    await with_network(clocked_bot, client_id, *(f"Buur {n:03d}" for n in range(99)), "Oma Rosa")
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    assert prompt.content.endswith("Don't see someone? Type their name to find them.")
    assert "Oma Rosa" not in [b.text for b in prompt.buttons]
    found = await amira.ask("oma rosa")  # typed on the prompt: it begins the check-in
    assert "✅ Oma Rosa" in [b.text for b in found.buttons][:2]
    several = await amira.ask("Buur 05")
    # Those it may be come first, to tap: ten, a page.
    assert [b.text for b in several.buttons][:10] == [f"Buur {n:03d}" for n in range(50, 60)]
    await amira.tap(several, "Buur 057")
    unknown = await amira.ask("Tante Zoë")
    assert unknown.content.startswith(
        "I can't find “Tante Zoë” in your network. Tap ➕ Someone new to add them."
    )
    await amira.tap(unknown, "📞 Call ➜")
    await amira.tap(unknown, "🙂")
    await amira.tap(unknown, "🙂")
    assert unknown.content.startswith("Thank you, Amira!")
    async with clocked_bot.database.transaction() as session:  # type: ignore[union-attr]
        latest = await stored.latest_answered(session, client_id)
        assert latest is not None
        labels = await session.scalars(
            select(models.Contact)
            .join(models.ContactEvent, models.ContactEvent.contact_id == models.Contact.id)
            .where(models.ContactEvent.checkin_id == latest.id)
        )
        assert sorted(contact.label for contact in labels) == ["Buur 057", "Oma Rosa"]
    # Nothing typed here went to the professional as a message.
    assert not [m for m in els.catch_up() if "schrijft" in m.content]


async def test_text_typed_at_a_prompt_not_yet_begun_that_names_nobody_is_not_taken(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    await with_network(clocked_bot, await client_id_of(clocked_bot, amira), "Mama")
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    answer = await amira.ask("hello")
    assert "can't find" not in answer.content
    assert prompt.buttons[0].text == "Mama"  # nothing chosen


_LABELS = {
    "en": {
        "different": "🔀 Different ways ➜",
        "together": "🤝 Together",
        "back": "⬅️ Back",
        "stop": "✖️ Stop",
        "go_on": "▶️ Go on",
        "write": "💬 Tell Els something",
    },
    "nl": {
        "different": "🔀 Verschillend ➜",
        "together": "🤝 Samen",
        "back": "⬅️ Terug",
        "stop": "✖️ Stoppen",
        "go_on": "▶️ Verder",
        "write": "💬 Iets zeggen aan Els",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_every_message_of_a_check_in_is_short_in_both_languages(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, language: str
) -> None:
    """The prompt, its reminder, a name not found, each question, Stop, Back, the
    thank-you and the message under it: none over 40 words (issue 17, item 4)."""
    label = _LABELS[language]
    chosen = {"nl": "Nederlands", "en": "English"}[language]
    els, amira = await joined_client(clocked_bot, sandbox, language=chosen)
    client_id = await client_id_of(clocked_bot, amira)
    await with_network(clocked_bot, client_id, *(f"Buur {n:02d}" for n in range(12)))
    amira.catch_up()
    await prompted(clocked_bot, clock, amira)
    clock.now += timedelta(hours=3, minutes=1)
    await tick(clocked_bot)
    reminder = await amira.next_message()
    await amira.tap(reminder, "Buur 00")
    question = await amira.ask("Tante Zoë")  # a name not on the map
    assert question.buttons
    await amira.tap(question, "Buur 01")
    for tap in (label["different"], label["together"], label["back"], label["stop"]):
        await amira.tap(question, tap)
    await amira.tap(question, label["go_on"])
    # Back on the first person's how, where Stop left it: the answer given is marked.
    for tap in ("✅ " + label["together"], label["together"], "🙂", "🙂", label["write"]):
        await amira.tap(question, tap)
    els.catch_up()
    await amira.ask("Tot dinsdag!")
    _assert_short(sandbox)


async def test_a_first_check_in_offers_first_those_the_client_sees_often(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """No history yet: the five people the client said they see every week, spread over a
    network of a hundred, are on the first page, and the longest check-in (the first asks
    satisfaction too) takes 8 taps."""
    _, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    weekly = {7, 29, 51, 73, 95}
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        for n in range(100):
            contact = Contact(
                0,
                ContactKind.PERSON,
                f"Persoon {n:03d}",
                3,
                Domain.FAMILY,
                frequency=Frequency.WEEKLY if n in weekly else Frequency.YEARLY,
            )
            await contacts.add_contact(
                session, client_id, contact, by=contacts.Editor("client", client_id), now=clock.now
            )
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    names = [f"Persoon {n:03d}" for n in sorted(weekly)]
    assert [b.text for b in prompt.buttons][:5] == names
    taken = await _check_in(amira, prompt, names)
    assert taken.taps == 8
