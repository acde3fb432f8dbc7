"""The weekly digest end to end: a month of check-ins answered by taps, then the digest at
Monday 09:00 (once), on demand, with a client's pictures; nobody else sees these clients."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from buddybot.clock import ManualClock
from buddybot.handlers.digest import (
    DigestPart,
    PicturesPress,
    digest_parts,
    parse_pictures,
    split_message,
)
from buddybot.metrics import week_of
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.storage.models import AuditLog, Digest
from tests.clocked import client_id_of, prompted, tick, with_network
from tests.journeys import (
    exported,
    invite,
    join,
    joined_client,
    professional_invitation,
    professional_joins,
    professionals_due_now,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def clock() -> ManualClock:
    """The month below as if it started at noon on a Wednesday, whatever day the suite runs:
    its seven check-ins (Mondays and Thursdays) then fall in the same weeks, and the figures
    asserted stay the same. The bot dates everything by this clock (joining, contacts,
    check-ins), so real time need not move with it."""
    now = datetime.now(UTC)
    days = (2 - now.weekday()) % 7 or 7
    return ManualClock(now.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days))


def _days(span: tuple[date, date], language: str) -> str:
    """A week as the digest names it ("14 dec – 20 dec")."""
    return " – ".join(format_date(day, format="d MMM", locale=language) for day in span)


async def _answer(person: SandboxUser, prompt: ChatMessage, names: list[str], face: str) -> None:
    """Answer a check-in fully by taps."""
    if not names:
        await person.tap(prompt, "Nobody")
    for name in names:
        await person.tap(prompt, name)
    if names:
        await person.tap(prompt, "🤝 Together ➜")
    await person.tap(prompt, face)
    if prompt.content.startswith("How happy are you with your contacts"):
        await person.tap(prompt, "🙂")
    assert prompt.content.startswith("Thank you, ")


def test_long_digests_are_split_between_blocks_and_never_inside_a_line() -> None:
    blocks = ["title", *(f"<b>Client {n}</b>\n" + "\n".join(["x" * 60] * 5) for n in range(40))]
    messages = split_message(blocks, limit=1000)
    assert len(messages) > 1
    assert all(len(message) <= 1000 for message in messages)
    lines = [line for message in messages for line in message.split("\n") if line]
    assert lines == [line for block in blocks for line in block.split("\n")]
    # One block longer than a message on its own is broken between its lines.
    long_block = "\n".join(f"line {n} " + "y" * 50 for n in range(40))
    parts = split_message([long_block], limit=500)
    assert all(len(part) <= 500 for part in parts)
    assert "\n".join(parts).replace("\n\n", "\n") == long_block
    assert split_message(["😀" * 600], limit=1000) == ["😀" * 499 + "…"]  # UTF-16 units


async def test_a_month_of_check_ins_becomes_the_monday_digest(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els = await professional_joins(clocked_bot, sandbox)
    amira = sandbox.user("Amira", language_code="en")
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), "English", "✅ I'll take part")
    joe = sandbox.user("Joe", language_code="en")
    await join(joe, await invite(els, "👤 Een cliënt", "Joe"), "English", "✅ I'll take part")
    amira_id = await client_id_of(clocked_bot, amira)
    await with_network(clocked_bot, amira_id, "Mama", "Jan")
    els.catch_up()
    joe.catch_up()

    # Four weeks (from Thursday to the Thursday three weeks later; the clock starts on a
    # Wednesday): Amira answers all seven
    # check-ins, happy at first and sad in the last week; Joe answers none.
    for number in range(7):
        prompt = await prompted(clocked_bot, clock, amira)
        joe.catch_up()
        names = ["Mama", "Jan"] if number % 2 else ["Jan"]
        await _answer(amira, prompt, names, "🙁" if number >= 5 else "😄")
    els.catch_up()

    # Monday 09:00 local: the digest about last week comes once, whatever the ticks.
    today = clock.now.astimezone(BRUSSELS).date()
    monday = week_of(today) + timedelta(weeks=1)
    clock.now = (
        clock.now.astimezone(BRUSSELS).replace(
            year=monday.year, month=monday.month, day=monday.day, hour=8, minute=59
        )
    ).astimezone(clock.now.tzinfo)
    await tick(clocked_bot)
    assert els.catch_up() == []
    clock.now += timedelta(minutes=2)
    await tick(clocked_bot)
    overview = await els.next_message()
    assert overview.photo is not None
    assert overview.content.startswith("👥 Je cliënten in één oogopslag")
    digest = await els.next_message()
    await tick(clocked_bot)
    clock.now += timedelta(hours=1)
    await tick(clocked_bot)
    last_week = (monday - timedelta(weeks=1), monday - timedelta(days=1))
    assert digest.content.startswith(f"📋 Weekoverzicht, {_days(last_week, 'nl')}")
    # What ▲▼ compare with, said in the digest itself (issue 18, item 7).
    assert "▲▼ = vergeleken met het gemiddelde van de 4 weken ervoor." in digest.content
    assert "2 cliënten hebben aandacht nodig" in digest.content
    assert "• Amira: stemming gedaald" in digest.content
    assert "• Joe: twee weken geen antwoord" in digest.content
    assert "Check-ins: 2 van 2 beantwoord" in digest.content
    # 3 this week against (1 + 3 + 3) / 3 in the weeks before (the week before: missing)
    assert "Contacten: 3 keer, met 2 personen ▲" in digest.content
    assert "Stemming: 2,0 op 5 ▼" in digest.content
    assert "Contacten: niet gekend (geen antwoord)" in digest.content  # Joe: missing, not 0
    assert [b.text for b in digest.buttons] == ["📈 Joe", "📈 Amira"]  # most urgent first
    assert els.catch_up() == []  # no second digest
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        weeks = list(await session.scalars(select(Digest.week).order_by(Digest.week)))
        # One digest per week: also the Mondays during the month had theirs.
        assert weeks == [monday - timedelta(weeks=n) for n in range(4, 0, -1)]
        viewed = select(func.count()).where(AuditLog.action == "digest.viewed")
        assert await session.scalar(viewed) == 2 * len(weeks)  # each client, each digest

    # The pictures of one client, on a button.
    await els.press(digest, "📈 Amira")
    chart, circle = await els.next_message(), await els.next_message()
    assert chart.photo is not None
    assert circle.photo is not None
    assert "Amira" in chart.content

    # Amira sees the same about herself, in her words (Monday morning: last week).
    amira.catch_up()
    mine = await amira.ask("/myweek")
    assert mine.content.startswith(f"📅 Your week, {_days(last_week, 'en')}")
    assert "You answered 2 of 2 check-ins." in mine.content
    assert "You were in touch 3 times, with 2 people. ▲" in mine.content
    assert "How you felt: 🙁 (2.0 of 5)" in mine.content
    assert mine.content.endswith(
        "Els sees this same overview, with a note to pay attention: mood went down."
    )
    own_chart, own_circle = await amira.next_message(), await amira.next_message()
    assert own_chart.photo is not None
    assert own_circle.photo is not None

    # The same figures as spreadsheets: a row per client-week, missing weeks left empty
    # (with names, asked for: since issue 18, item 8 an export has none by default).
    weeks_file, answers_file, _actions = await exported(els, names=True)
    assert weeks_file.document is not None
    assert answers_file.document is not None
    assert weeks_file.document.file_name == "buddybot-weeks.csv"
    week_rows = list(csv.DictReader(io.StringIO(weeks_file.document.data.decode("utf-8-sig"))))
    start = last_week[0].isoformat()
    amira_last = next(
        row for row in week_rows if row["client"] == "Amira" and row["week_start"] == start
    )
    assert amira_last["checkins_answered"] == "2"
    assert amira_last["contact_events"] == "3"
    assert amira_last["events_family"] == "3"  # with_network puts everyone in family
    assert amira_last["mood_mean"] == "2.00"
    assert amira_last["flags"] == "mood_down"
    joe_last = next(
        row for row in week_rows if row["client"] == "Joe" and row["week_start"] == start
    )
    assert (joe_last["contact_events"], joe_last["mood_mean"]) == ("", "")  # missing, not 0
    assert joe_last["flags"] == "no_answers"
    answers = list(csv.DictReader(io.StringIO(answers_file.document.data.decode("utf-8-sig"))))
    assert sum(1 for row in answers if row["kind"] == "mood") == 7
    assert "Thank" not in answers_file.document.data.decode("utf-8-sig")  # no free text

    # On demand, this week so far: nothing answered yet, and nobody is flagged for that.
    question = await els.ask("/digest")
    await els.tap(question, "Deze week tot nu")
    assert (await els.next_message()).photo is not None
    so_far = await els.next_message()
    assert so_far.content.startswith("📋 Deze week tot nu,")

    # Another professional sees nothing of Els's clients, not even with her buttons.
    piet = sandbox.user("Piet", language_code="nl")
    welcome = await piet.ask(f"/start {await professional_invitation(clocked_bot, 'Kring Brugge')}")
    assert "Welkom" in welcome.content
    question = await piet.ask("/digest")
    await piet.tap(question, "Vorige week")
    assert "nog geen cliënten" in (await piet.next_message()).content
    forged = await piet.press_data(digest, digest.buttons[1].callback_data or "")
    assert "no longer works" in str(
        (await piet.answer_to(forged)).text
    ) or "werkt niet meer" in str((await piet.answer_to(forged)).text)
    assert piet.catch_up() == []


async def test_the_professional_chooses_when_the_digest_comes(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els = await professional_joins(clocked_bot, sandbox)
    question = await els.ask("/digest")
    assert "Je weekoverzicht komt op maandag om 09:00." in question.content
    await els.tap(question, "⏰ Ander moment kiezen")
    await els.tap(question, "woensdag")
    await els.tap(question, "17:00")
    assert question.content == "🗓️ Je weekoverzicht komt op woensdag om 17:00."
    forged = await els.press_data(question, "dgm:at:6:1700")  # Sunday is not offered
    assert "werkt niet meer" in str((await els.answer_to(forged)).text)

    local = clock.now.astimezone(BRUSSELS)
    wednesday = week_of(local.date()) + timedelta(weeks=1, days=2)
    clock.now = datetime.combine(wednesday, time(16, 59), BRUSSELS)
    await tick(clocked_bot)
    assert els.catch_up() == []
    clock.now += timedelta(minutes=2)
    await tick(clocked_bot)
    digest = await els.next_message()  # no clients: no picture, just the text
    assert digest.content.startswith("📋 Weekoverzicht,")
    assert "Er zijn nog geen cliënten aangesloten." in digest.content


async def test_digest_export_and_myweek_are_each_for_their_own_people(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    visitor = sandbox.user("Jonas", language_code="en")
    for person, command, refusal in (
        (amira, "/digest", "You can't do that here."),
        (amira, "/export", "You can't do that here."),
        (els, "/myweek", "Dit kan je hier niet doen."),
        (visitor, "/digest", "You can't do that here."),
        (visitor, "/myweek", "You can't do that here."),
    ):
        reply = await person.ask(command)
        assert reply.content.startswith(refusal), (command, reply.content)
        assert reply.photo is None
        assert reply.document is None
        assert person.unread() == []


async def test_a_digest_to_a_professional_who_blocked_the_bot_is_tried_once(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els = await professional_joins(clocked_bot, sandbox)
    await els.block()
    monday = week_of(clock.now.astimezone(BRUSSELS).date()) + timedelta(weeks=1)
    clock.now = datetime.combine(monday, time(9, 1), BRUSSELS)
    before = len(sandbox.calls_of("sendMessage"))
    await tick(clocked_bot)
    refused = [call.status for call in sandbox.calls_of("sendMessage")[before:]]
    assert refused == [403]
    for minutes in (10, 60, 600):  # not retried in a loop
        clock.now = datetime.combine(monday, time(9, 1), BRUSSELS) + timedelta(minutes=minutes)
        await tick(clocked_bot)
    assert len(sandbox.calls_of("sendMessage")) == before + 1


async def test_a_digest_button_tapped_twice_sends_it_again_without_failing(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    els = await professional_joins(bot, sandbox)
    question = await els.ask("/digest")
    last_week = next(b.callback_data for b in question.buttons if b.text == "Vorige week")
    assert last_week is not None
    for _ in range(2):  # the second tap finds the buttons gone already
        press = await els.press_data(question, last_week)
        await els.answer_to(press)
        assert "nog geen cliënten" in (await els.next_message()).content
    assert question.buttons == []
    assert not [r for r in caplog.records if "failed" in r.getMessage()]


def test_a_pictures_button_names_a_monday_as_the_bot_writes_it() -> None:
    assert parse_pictures(("7", "2026-11-30")) == PicturesPress(7, date(2026, 11, 30))
    # Other spellings of a day, and a day that is no Monday: not a button the bot made.
    for week in ("20261130", "2026-W49-1", "2026-12-01", "2026-11-31"):
        assert parse_pictures(("7", week)) is None


async def test_a_digest_that_cannot_be_made_fails_alone_and_is_tried_again_after_a_pause(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people = [sandbox.user(name, language_code="nl") for name in ("Anna", "Bart", "Cato")]
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        await professionals_due_now(session, [person.id for person in people], clock.now)
    broken = {"left": 1}

    def first_one_breaks(*args: Any, **kwargs: Any) -> list[DigestPart]:
        if broken["left"]:
            broken["left"] -= 1
            raise ValueError("a digest that cannot be made")
        return digest_parts(*args, **kwargs)

    monkeypatch.setattr("buddybot.jobs.digest_parts", first_one_breaks)
    await tick(clocked_bot)
    got = [person for person in people if person.catch_up()]
    assert len(got) == 2  # the other professionals' digests went on
    (waiting,) = [person for person in people if person not in got]
    clock.now += timedelta(seconds=30)
    await tick(clocked_bot)
    assert waiting.catch_up() == []  # not every tick: after a pause
    clock.now += timedelta(seconds=31)
    await tick(clocked_bot)
    assert "Weekoverzicht" in (await waiting.next_message()).content
    assert [p.catch_up() for p in people] == [[], [], []]  # once each


async def test_the_first_digest_says_when_a_client_joined_not_that_nothing_was_sent(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, _ = await joined_client(bot, sandbox)
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Vorige week")
    await els.next_message()  # the caseload picture
    digest = await els.next_message()
    today = datetime.now(BRUSSELS).date()
    joined = format_date(today, format="d MMMM y", locale="nl")
    assert f"Doet mee sinds {joined}, na deze week: nog niets te vertellen." in digest.content
    assert "Deze week zijn er geen check-ins verstuurd." not in digest.content
