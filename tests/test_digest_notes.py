"""A digest that says what it means (issue 18, item 7): per client, when they last answered,
when they blocked the bot, the messages they wrote that week, when they joined, and for
each flag one concrete next step."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from buddybot.clock import ManualClock
from buddybot.handlers.digest import MESSAGE_SHOWN, digest_messages, excerpt
from buddybot.handlers.pages import visible_length
from buddybot.i18n import translator
from buddybot.metrics import ClientHistory, WeekFigures, client_week, week_of
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services.digest import CaseloadWeek, ClientNotes
from tests.clocked import client_id_of, outbox_sent, prompted, with_network
from tests.journeys import invite, join, professional_joins

BRUSSELS = ZoneInfo("Europe/Brussels")
AGREE = "✅ I'll take part"


@pytest.fixture
def clock() -> ManualClock:
    """A Wednesday noon, whatever day the suite runs: the check-ins below (Mondays and
    Thursdays at 18:00) fall in the same weeks every time."""
    now = datetime.now(UTC)
    days = (2 - now.weekday()) % 7 or 7
    return ManualClock(now.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days))


async def _answer(person: SandboxUser, prompt: ChatMessage, names: list[str], face: str) -> None:
    for name in names or ["Nobody"]:
        await person.tap(prompt, name)
    if names:
        await person.tap(prompt, "🤝 Together ➜")
    await person.tap(prompt, face)
    if prompt.content.startswith("How happy are you with your contacts"):
        await person.tap(prompt, "🙂")
    assert prompt.content.startswith("Thank you, ")


async def _writes(person: SandboxUser, prompt: ChatMessage, text: str) -> None:
    await person.tap(prompt, "💬 Tell Els something")
    assert (await person.ask(text)).content.startswith("✅ Thank you!")


def _section(digest: str, name: str) -> list[str]:
    """The lines of one client's block in the digest."""
    (block,) = [b for b in digest.split("\n\n") if b.split("\n")[0] == name]
    return block.split("\n")


def _day(moment: datetime) -> date:
    return moment.astimezone(BRUSSELS).date()


async def test_the_digest_says_when_each_client_answered_blocked_wrote_joined_and_what_next(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els = await professional_joins(clocked_bot, sandbox)
    people = {}
    for name in ("Amira", "Karim", "Noah"):
        people[name] = sandbox.user(name, language_code="en")
        await join(people[name], await invite(els, "👤 Een cliënt", name), "English", AGREE)
    amira, karim, noah = people["Amira"], people["Karim"], people["Noah"]
    await with_network(clocked_bot, await client_id_of(clocked_bot, amira), "Mama", "Jan")
    for person in people.values():
        person.catch_up()

    # Thursday: Amira and Noah answer, Karim does not.
    first = await prompted(clocked_bot, clock, amira)
    await _answer(amira, first, ["Mama"], "😄")
    await _answer(noah, await noah.next_message(), [], "🙂")
    noah_answered = _day(clock.now)
    # Noah blocks the bot; Telegram does not say so until the next prompt fails.
    sandbox.set_blocked(noah.id, True)

    # The next week, Monday: Amira answers and writes (Noah's prompt fails).
    karim.catch_up()
    second = await prompted(clocked_bot, clock, amira)
    blocked = _day(clock.now)
    # Lies joins that Monday.
    lies = sandbox.user("Lies", language_code="en")
    await join(lies, await invite(els, "👤 Een cliënt", "Lies"), "English", AGREE)
    lies_joined = _day(clock.now)
    await _answer(amira, second, ["Jan"], "🙁")
    await _writes(amira, second, "Ik heb een nieuwe buurvrouw <3 & ze is lief")
    # Thursday: Amira answers and writes a long message.
    long_message = " ".join(f"woord{n}" for n in range(80))
    third = await prompted(clocked_bot, clock, amira)
    await _answer(amira, third, ["Mama", "Jan"], "🙁")
    await _writes(amira, third, long_message)
    amira_answered = _day(clock.now)

    # The Monday after, Els asks for last week's digest.
    monday = week_of(_day(clock.now)) + timedelta(weeks=1)
    clock.now = datetime.combine(monday, datetime.min.time(), BRUSSELS) + timedelta(hours=8)
    await outbox_sent(clocked_bot)  # Amira's message has reached Els
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Vorige week")
    assert (await els.next_message()).photo is not None
    digest = (await els.next_message()).content

    def on(day: date) -> str:
        return format_date(day, format="d MMMM y", locale="nl")

    assert _section(digest, "Noah") == [
        "Noah",
        "⚠️ niet bereikbaar (bot geblokkeerd)",
        "👉 Zoek op een andere manier contact met Noah (bellen, langsgaan) en vraag of Noah"
        " de bot wil deblokkeren. Zodra Noah de bot iets stuurt, komen de check-ins terug.",
        f"Laatste antwoord op {on(noah_answered)}.",
        f"Heeft de bot geblokkeerd op {on(blocked)}.",
        "Deze week zijn er geen check-ins verstuurd.",  # the one tried did not get through
        "Contacten: niet gekend (geen antwoord)",
    ]
    karim_lines = _section(digest, "Karim")
    assert karim_lines[1:4] == [
        "⚠️ twee weken geen antwoord",
        "👉 Vraag Karim of het moment van de check-in nog past, of verander het bij"
        " /clients → Karim → 🗓️ Ritme.",
        "Nog geen check-in beantwoord.",
    ]
    amira_lines = _section(digest, "Amira")
    assert amira_lines[1:4] == [
        "⚠️ stemming gedaald",
        "👉 Vraag Amira hoe het gaat en wat zwaar weegt; plan zo nodig een gesprek.",
        f"Laatste antwoord op {on(amira_answered)}.",
    ]
    short, cut = amira_lines[-2:]
    when = format_date(blocked, format="EEE d MMM", locale="nl")
    assert short == f"💬 Amira schreef op {when}: “Ik heb een nieuwe buurvrouw <3 & ze is lief”"
    when = format_date(amira_answered, format="EEE d MMM", locale="nl")
    shown = excerpt(long_message)[0]
    assert cut == (
        f"💬 Amira schreef op {when}: “{shown} …” (het hele bericht staat in deze chat,"
        " op de dag dat het kwam)"
    )
    assert long_message.startswith(shown + " ")
    assert "Doet mee sinds " + on(lies_joined) + "." in _section(digest, "Lies")


def test_a_long_message_is_shortened_between_words_and_kept_on_one_line() -> None:
    assert excerpt("Kort\nbericht  hier") == ("Kort bericht hier", False)
    text = "a" * 200 + " " + "b" * 200
    assert excerpt(text) == ("a" * 200, True)
    assert excerpt("x" * 1000) == ("x" * MESSAGE_SHOWN, True)  # one long word: at the limit


def test_a_caseload_writing_long_messages_still_comes_in_messages_telegram_takes() -> None:
    week = date(2026, 11, 30)
    history = ClientHistory(1, "Amira", {week: WeekFigures(sent=2, answered=2)}, {}, {}, [])
    weeks = [
        client_week(ClientHistory(n, f"Client {n}", history.weeks, {}, {}, []), week)
        for n in range(1, 41)
    ]
    messages = tuple((week, "woord " * 2000) for _ in range(3))
    notes = {n: ClientNotes(last_answer=week, messages=messages) for n in range(1, 41)}
    caseload = CaseloadWeek(week, weeks, {}, notes)
    texts = digest_messages(translator("nl"), caseload)
    assert len(texts) > 1
    assert all(visible_length(text) <= 4096 for text in texts)
    assert sum(text.count("💬 Client") for text in texts) == 3 * 40


async def test_the_digest_says_when_a_client_blocked_the_bot_when_telegram_tells_us(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """The usual case: Telegram says the bot was blocked before any prompt fails. The day
    came only from a failed prompt, so the digest showed none."""
    els = await professional_joins(clocked_bot, sandbox)
    amira = sandbox.user("Amira", language_code="en")
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), "English", AGREE)
    await amira.block()
    await asyncio.sleep(0.3)  # the member update is handled
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Deze week tot nu")
    assert (await els.next_message()).photo is not None
    digest = (await els.next_message()).content
    today = format_date(_day(datetime.now(UTC)), format="d MMMM y", locale="nl")
    assert f"Heeft de bot geblokkeerd op {today}." in _section(digest, "Amira")
