"""End to end with a controllable clock: prompts at the client's local time, a check-in
answered by taps, one reminder, expiry, restarts, blocked users and server errors."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from buddybot.clock import ManualClock
from buddybot.roles import ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkins
from buddybot.storage import claims
from buddybot.storage.models import (
    AuditLog,
    Checkin,
    CheckinStatus,
    ContactEvent,
    Mood,
    Participant,
    Rhythm,
    Satisfaction,
)
from tests.clocked import client_id_of as _client_id
from tests.clocked import next_slot_of as _next_slot
from tests.clocked import prompted as _prompted
from tests.clocked import tick
from tests.clocked import with_network as _with_network
from tests.conftest import sandbox_settings
from tests.journeys import add_contact, buddy_for, joined_client


async def test_a_client_answers_a_check_in_at_their_local_time_by_tapping(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await _client_id(clocked_bot, amira)
    await _with_network(clocked_bot, client_id, "Mama", "Jan")
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    local = clock.now.astimezone(ZoneInfo("Europe/Brussels"))
    assert (local.hour, local.minute) == (18, 0)
    # The prompt is the first question: tapping a name begins the check-in.
    assert prompt.content == (
        "Hi Amira! 👋 Who have you been in touch with over the past few days? Tap the names."
    )
    await amira.tap(prompt, "Mama")
    await amira.tap(prompt, "Jan")
    assert [b.text for b in prompt.buttons][:2] == ["✅ Mama", "✅ Jan"]
    assert prompt.content.endswith("Done? Then tap below how you were in touch.")
    await amira.tap(prompt, "🔀 Different ways ➜")
    assert prompt.content == "How were you in touch with Mama?"
    await amira.tap(prompt, "🤝 Together")
    assert prompt.content == "How were you in touch with Jan?"
    await amira.tap(prompt, "📞 Call")
    assert prompt.content.startswith("How do you feel today?")
    await amira.tap(prompt, "🙂")
    assert prompt.content.startswith("How happy are you with your contacts")  # first: baseline
    await amira.tap(prompt, "😄")
    assert prompt.content == (
        "Thank you, Amira! 🌱 This week you were in touch with 2 people from your network."
    )
    # A message for the professional is offered under the thank-you, not asked.
    els.catch_up()  # run on a Sunday, the way to Monday's slot passed Els's Monday digest
    await amira.tap(prompt, "💬 Tell Els something")
    assert prompt.content.endswith("✍️ Type your message for Els below.")
    kept = await amira.ask("Thank you for Tuesday!")
    assert kept.content == (
        "✅ Thank you! I'll pass your message on to Els.\n\n"
        "May Els also let the team read your message?"
    )
    forwarded = await els.next_message()
    assert forwarded.content == "💬 Amira schrijft: Thank you for Tuesday!"

    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        checkin = await session.scalar(select(Checkin))
        events = list(await session.scalars(select(ContactEvent).order_by(ContactEvent.id)))
        mood = await session.scalar(select(Mood.score))
        satisfaction = await session.scalar(select(Satisfaction.score))
    assert checkin is not None
    assert checkin.status is CheckinStatus.ANSWERED
    assert checkin.sent_at is not None
    assert checkin.answered_at is not None
    assert [(e.mode, e.reported_by) for e in events] == [
        ("in_person", "client"),
        ("call", "client"),
    ]
    assert (mood, satisfaction) == (4, 5)
    # Pressing an old button again changes nothing.
    edits = prompt.edits
    press = await amira.press_data(prompt, f"ci:{checkin.id}:mood:1")
    assert "already answered" in str((await amira.answer_to(press)).text)
    # The stale buttons go (a crash may have stopped the bot before the thank-you came):
    # the thank-you is shown, with what can still be done under it.
    await amira.wait_for_edit(prompt, edits)
    assert prompt.content.startswith("Thank you, Amira!")
    assert [b.text for b in prompt.buttons] == ["⬅️ Back", "💬 Tell Els something"]
    async with clocked_bot.database.transaction() as session:
        assert list(await session.scalars(select(Mood.score))) == [4]


async def test_one_reminder_then_the_check_in_expires_and_stays_missing(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    sent_at = clock.now
    clock.now = sent_at + timedelta(hours=2)
    await tick(clocked_bot)
    assert amira.catch_up() == []
    clock.now = sent_at + timedelta(hours=3, minutes=1)
    await tick(clocked_bot)
    reminder = await amira.next_message()
    assert reminder.content.startswith("Do you have a minute for your check-in? 🙂\n\nHi Amira! 👋")
    # One live copy of the question: the prompt points down to the reminder.
    await amira.wait_for_edit(prompt, 0)
    assert prompt.content == "Your check-in goes on in the message below. 👇"
    assert prompt.buttons == []
    clock.now = sent_at + timedelta(hours=5)
    await tick(clocked_bot)
    assert amira.catch_up() == []  # one reminder only
    clock.now = sent_at + timedelta(hours=24, minutes=1)
    edits = reminder.edits
    stale = reminder.buttons[0].callback_data or ""
    await tick(clocked_bot)
    await amira.wait_for_edit(reminder, edits)
    assert reminder.content.startswith("This check-in is closed.")
    press = await amira.press_data(reminder, stale)
    assert "already closed" in str((await amira.answer_to(press)).text)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        checkin = await session.scalar(select(Checkin))
        moods = await session.scalar(select(func.count()).select_from(Mood))
    assert checkin is not None
    assert checkin.status is CheckinStatus.EXPIRED
    assert moods == 0  # missing stays missing


async def test_the_professional_sets_the_reminder_and_the_time_to_answer(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    caseload = await els.ask("/clients")
    await els.tap(caseload, "Amira")
    els.catch_up()
    show = next(b.callback_data for b in caseload.buttons if b.text == "🗓️ Ritme")
    forged = await els.press_data(caseload, re.sub(r"\d+", "0", show or ""))  # no such client
    assert "werkt niet meer" in str((await els.answer_to(forged)).text)
    await els.press(caseload, "🗓️ Ritme")
    rhythm = await els.next_message()
    assert "Na 3 uur krijg je één herinnering." in rhythm.content
    assert "Je kan 24 uur lang antwoorden." in rhythm.content
    assert "Tijdzone: Europe/Brussels" in rhythm.content
    await els.tap(rhythm, "⌛ Tijd om te antwoorden")
    await els.tap(rhythm, "12 uur")
    await els.tap(rhythm, "⏰ Herinnering")
    assert [b.text for b in rhythm.buttons][:5] == ["1 uur", "2 uur", "3 uur", "6 uur", "12 uur"]
    await els.tap(rhythm, "12 uur")  # not before the window ends: refused, nothing changes
    assert rhythm.content.startswith("De herinnering moet komen voor")
    await els.tap(rhythm, "⬅️ Terug")
    assert "Je kan 12 uur lang antwoorden." in rhythm.content
    await els.tap(rhythm, "⏰ Herinnering")
    await els.tap(rhythm, "1 uur")
    assert "Na 1 uur krijg je één herinnering." in rhythm.content
    assert "After 1 hour you get one reminder." in (await amira.ask("/schedule")).content

    prompt = await _prompted(clocked_bot, clock, amira)
    sent_at = clock.now
    clock.now = sent_at + timedelta(minutes=61)
    await tick(clocked_bot)
    reminder = await amira.next_message()
    assert "Do you have a minute" in reminder.content
    clock.now = sent_at + timedelta(hours=11)
    await tick(clocked_bot)
    assert not reminder.content.startswith("This check-in is closed.")
    clock.now = sent_at + timedelta(hours=12, minutes=1)
    edits = reminder.edits
    await tick(clocked_bot)
    await amira.wait_for_edit(reminder, edits)
    assert reminder.content.startswith("This check-in is closed.")
    assert prompt.content == "Your check-in goes on in the message below. 👇"


async def test_not_now_is_fine_and_checkin_starts_one_any_time(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    await amira.tap(prompt, "Not now")
    assert prompt.content == "No problem, see you next time! 🌱"
    question = await amira.ask("/checkin")
    assert "Your network is still empty" in question.content
    hint = await amira.ask("I saw my sister")
    assert hint.content.startswith("Please tap one of the buttons.")
    await amira.tap(hint, "Nobody")
    assert hint.content.startswith("How do you feel today?")


async def test_a_restart_between_materialising_and_sending_sends_once(
    sandbox: TelegramSandbox, sqlite_url: str, clock: ManualClock
) -> None:
    settings = sandbox_settings(sandbox, sqlite_url, tick_seconds=600)
    first = BotProcess(settings, clock=clock)
    await first.start()
    _, amira = await joined_client(first, sandbox)
    amira.catch_up()
    client_id = await _client_id(first, amira)
    clock.now = await _next_slot(first, client_id, clock.now) + timedelta(seconds=5)
    assert first.database is not None
    async with first.database.transaction() as session:
        assert await checkins.materialise(session, clock.now) == 1
    async with first.database.transaction() as session:
        claimed = await checkins.claim_prompts(session, clock.now)
    assert len(claimed) == 1
    await first.stop()  # dies after claiming, before sending

    second = BotProcess(settings, clock=clock)
    await second.start()
    try:
        await tick(second)
        assert amira.catch_up() == []  # the claim is fresh: another process may be sending
        clock.now += claims.STALE_CLAIM + timedelta(seconds=1)
        await tick(second)
        await amira.next_message()
        await tick(second)
        await tick(second)
        assert len([m for m in amira.inbox if "Who have you been in touch with" in m.content]) == 1
    finally:
        await second.stop()


async def test_a_blocked_bot_makes_the_client_unreachable_until_they_write_again(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    client_id = await _client_id(clocked_bot, amira)

    async def status() -> ParticipantStatus:
        assert clocked_bot.database is not None
        async with clocked_bot.database.transaction() as session:
            client = await session.get(Participant, client_id)
        assert client is not None
        return client.status

    async def becomes(wanted: ParticipantStatus) -> None:
        for _ in range(100):
            if await status() is wanted:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"status stayed {await status()}, not {wanted}")

    await amira.block()
    await becomes(ParticipantStatus.UNREACHABLE)
    to_amira = len(
        [c for c in sandbox.calls_of("sendMessage") if c.params["chat_id"] == str(amira.id)]
    )
    clock.now = await _next_slot(clocked_bot, client_id, clock.now) + timedelta(seconds=5)
    await tick(clocked_bot)
    after = len(
        [c for c in sandbox.calls_of("sendMessage") if c.params["chat_id"] == str(amira.id)]
    )
    assert after == to_amira  # no prompt to someone unreachable
    await amira.unblock()
    await amira.ask("/start")
    await becomes(ParticipantStatus.ACTIVE)


async def test_a_prompt_to_someone_who_blocked_marks_them_unreachable(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    client_id = await _client_id(clocked_bot, amira)
    sandbox.set_blocked(amira.id, True)  # blocked without Telegram telling the bot
    clock.now = await _next_slot(clocked_bot, client_id, clock.now) + timedelta(seconds=5)
    await tick(clocked_bot)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        client = await session.get(Participant, client_id)
        checkin = await session.scalar(select(Checkin))
    assert client is not None
    assert client.status is ParticipantStatus.UNREACHABLE
    assert checkin is not None
    assert checkin.status is CheckinStatus.FAILED


async def test_a_server_error_is_retried_and_the_prompt_still_arrives(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    slot = await _next_slot(clocked_bot, await _client_id(clocked_bot, amira), clock.now)
    clock.now = slot - timedelta(minutes=1)
    await tick(clocked_bot)  # whatever else was due (a digest) goes first
    calls = len(sandbox.calls_of("sendMessage"))
    sandbox.inject_fault("sendMessage", 502)
    clock.now = slot + timedelta(seconds=20)
    await tick(clocked_bot)
    prompt = await amira.next_message()
    assert "Who have you been in touch with" in prompt.content
    assert [c.status for c in sandbox.calls_of("sendMessage")[calls:]] == [502, 200]


async def test_schedule_time_change_pause_and_resume(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    summary = await amira.ask("/schedule")
    assert summary.content.startswith("🗓️ Check-ins on Monday and Thursday, at 18:00.")
    assert "After 3 hours you get one reminder." in summary.content
    assert [b.text for b in summary.buttons] == ["🕐 Other time"]  # days are for Els
    await amira.tap(summary, "🕐 Other time")
    await amira.tap(summary, "20:00")
    assert summary.content.startswith("🗓️ Check-ins on Monday and Thursday, at 20:00.")
    forged = await amira.press_data(summary, f"sch:{await _client_id(clocked_bot, amira)}:day:2")
    assert "no longer works" in str((await amira.answer_to(forged)).text)

    # Els adds Wednesday from the client's details.
    caseload = await els.ask("/clients")
    await els.tap(caseload, "Amira")
    els.catch_up()
    await els.press(caseload, "🗓️ Ritme")
    rhythm = await els.next_message()
    assert rhythm.content.startswith("🗓️ Check-ins op maandag en donderdag, om 20:00.")
    await els.tap(rhythm, "📅 Dagen kiezen")
    await els.tap(rhythm, "wo")
    await els.tap(rhythm, "⬅️ Terug")
    assert rhythm.content.startswith("🗓️ Check-ins op maandag, woensdag en donderdag, om 20:00.")
    assert "Tijdzone: Europe/Brussels" in rhythm.content

    # Amira moved to New York: Els picks the place, paging through America.
    await els.tap(rhythm, "🌍 Tijdzone")
    assert [b.text for b in rhythm.buttons][:2] == ["Europa", "Afrika"]
    await els.tap(rhythm, "Amerika")
    pages = 1
    while not any(b.text.startswith("New York (UTC") for b in rhythm.buttons):
        await els.tap(rhythm, "Volgende ▶️")
        pages += 1
    assert pages > 2  # the places of America are many, twelve a page
    await els.tap(rhythm, "◀️ Vorige")  # and back again
    await els.tap(rhythm, "Volgende ▶️")
    await els.tap(rhythm, next(b.text for b in rhythm.buttons if b.text.startswith("New York")))
    assert rhythm.content.startswith("🗓️ Check-ins op maandag, woensdag en donderdag, om 20:00.")
    assert "Tijdzone: America/New_York" in rhythm.content
    client_id = await _client_id(clocked_bot, amira)
    for data in (
        f"sch:{client_id}:zone:Mars/Olympus",
        f"sch:{client_id}:zone:Europe/Atlantis",
        f"sch:{client_id}:area:Etc",
        f"sch:{client_id}:area:Europe:x",
    ):
        press = await els.press_data(rhythm, data)
        assert "werkt niet meer" in str((await els.answer_to(press)).text)
    press = await amira.press_data(summary, f"sch:{client_id}:zone:Europe/Brussels")
    assert "no longer works" in str((await amira.answer_to(press)).text)  # only for Els

    # A paused week sends nothing; after /resume the next slot comes at 20:00 local.
    question = await amira.ask("/pause")
    await amira.tap(question, "Until I type /resume")
    assert question.content.startswith("Okay, no check-ins for now.")
    for _ in range(3):
        clock.now = await _next_slot(clocked_bot, client_id, clock.now) + timedelta(seconds=5)
        await tick(clocked_bot)
    assert amira.catch_up() == []
    assert (await amira.ask("/resume")).content == "Great, Amira! Your check-ins are back on. ✅"
    prompt = await _prompted(clocked_bot, clock, amira)
    assert "Who have you been in touch with" in prompt.content
    assert clock.now.astimezone(ZoneInfo("America/New_York")).hour == 20


async def test_a_press_before_the_sender_recorded_the_prompt_still_starts_it(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Found with two replicas: a client tapped Start on another replica before the sending
    one had recorded the prompt as sent, and was told the check-in was closed."""
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:  # as if not yet recorded
        await session.execute(
            update(Checkin).values(status=CheckinStatus.SENDING, sent_at=None, message_id=None)
        )
    await amira.tap(prompt, "Nobody")  # the prompt's first press begins it
    assert prompt.content.startswith("How do you feel today?")
    async with clocked_bot.database.transaction() as session:
        checkin = (await session.scalars(select(Checkin))).one()
    assert checkin.status == CheckinStatus.SENT
    assert checkin.sent_at is not None
    assert checkin.message_id == prompt.message_id


async def test_someone_elses_check_in_buttons_are_refused_and_logged(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    data = next(b.callback_data for b in prompt.buttons if b.text == "Nobody") or ""
    mallory = sandbox.user("Mallory", language_code="en")
    greeting = await mallory.ask("/start")
    press = await mallory.press_data(greeting, data)
    assert "no longer works" in str((await mallory.answer_to(press)).text)
    for forged in ("ci:abc:start", "ci:999999:start", data.replace(":nobody", ":mood:9")):
        press = await amira.press_data(prompt, forged)
        await amira.answer_to(press)
    # Numbers a database cannot hold, digits of other scripts: a kind note, not a failure.
    for forged in ("ci:99999999999999999999:start", "ci:²:start", "ci:٣:start"):
        press = await amira.press_data(prompt, forged)
        assert "no longer works" in str((await amira.answer_to(press)).text)
    assert prompt.content.startswith("Hi Amira! 👋 Who have you been in touch with")  # unchanged
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        refused = list(
            await session.scalars(
                select(AuditLog.action).where(AuditLog.action == "refused.checkin")
            )
        )
    assert len(refused) == 2  # Mallory's press, and the check-in that does not exist


async def test_the_weekly_buddy_prompt_leads_into_a_meetup(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    bram = await buddy_for(sandbox, els, amira)

    prompt = await _prompted(clocked_bot, clock, bram)  # Friday 18:00
    assert prompt.content == "Hi Bram! 👋 Did you meet Amira this week?"
    assert clock.now.astimezone(ZoneInfo("Europe/Brussels")).weekday() == 4
    await bram.tap(prompt, "✅ Yes")
    assert prompt.content == "When did you meet Amira?"
    await bram.tap(prompt, "Today")
    await bram.tap(prompt, "🚶 Walk")
    await bram.tap(prompt, "Two hours")
    await bram.tap(prompt, "😄")
    await bram.tap(prompt, "Skip")
    assert prompt.content == "Saved. ✅ That's 1 meetup this month. 💪"

    second = await _prompted(clocked_bot, clock, bram)  # a week later
    await bram.tap(second, "No")
    assert second.content.startswith("No problem! Would you like to say why?")
    thanks = await bram.ask("Amira was ill.")
    assert thanks.content == "Thank you, Bram! See you next week. 🌱"
    assert clocked_bot.database is not None
    bram_id = await _client_id(clocked_bot, bram)
    async with clocked_bot.database.transaction() as session:
        statuses = list(
            await session.scalars(
                select(Checkin.status).where(Checkin.participant_id == bram_id).order_by(Checkin.id)
            )
        )
        reason = await session.scalar(
            select(Checkin.data)
            .where(Checkin.participant_id == bram_id)
            .order_by(Checkin.id.desc())
        )
    assert statuses == [CheckinStatus.ANSWERED, CheckinStatus.ANSWERED]
    assert reason == {"reason": "Amira was ill."}


async def test_the_week_the_clocks_go_back_prompts_stay_at_six_in_the_evening(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    client_id = await _client_id(clocked_bot, amira)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        record = await session.get(Rhythm, client_id)
        assert record is not None
        record.checked_until = datetime(2026, 10, 20, tzinfo=UTC)
    clock.now = datetime(2026, 10, 20, tzinfo=UTC)
    brussels = ZoneInfo("Europe/Brussels")
    local_times = []
    for _ in range(3):  # Thursday 22 Oct (summer time), Monday 26 and Thursday 29 (winter)
        prompt = await _prompted(clocked_bot, clock, amira)
        local_times.append(clock.now.astimezone(brussels).strftime("%a %d %H:%M"))
        await amira.tap(prompt, "Not now")
    assert local_times == ["Thu 22 18:00", "Mon 26 18:00", "Thu 29 18:00"]
    async with clocked_bot.database.transaction() as session:
        rows = await session.scalar(select(func.count()).where(Checkin.participant_id == client_id))
    assert rows == 3


async def test_someone_new_is_added_to_the_network_from_inside_the_check_in(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await _prompted(clocked_bot, clock, amira)
    await amira.tap(prompt, "➕ Someone new…")
    assert prompt.content == "Who or what do you want to add?"
    await amira.tap(prompt, "🧑 Person")
    step = await amira.ask("Buurvrouw Rita")
    await amira.tap(step, "🙂 Close: important to me")
    await amira.tap(step, "🏘️ Neighbourhood")
    await amira.tap(step, "Next ➜")
    await amira.tap(step, "Next ➜")
    await amira.tap(step, "Skip")
    assert step.content.startswith("✅ Buurvrouw Rita is now in your network")
    # A second new person without leaving the check-in (issue 17, item 3).
    step = await add_contact(
        amira,
        step,
        "🧑 Person",
        "Oom Karim",
        "🙂 Close: important to me",
        "👪 Family",
        add="➕ Add someone else",
    )
    assert step.content.startswith("✅ Oom Karim is now in your network")
    await amira.tap(step, "Go on with your check-in ➜")
    assert "Who have you been in touch with" in step.content
    assert {b.text for b in step.buttons[:2]} == {"✅ Buurvrouw Rita", "✅ Oom Karim"}
    await amira.tap(step, "🔀 Different ways ➜")
    assert step.content == "How were you in touch with Buurvrouw Rita?"  # chosen first


async def test_a_pause_until_a_chosen_date(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    question = await amira.ask("/pause")
    await amira.tap(question, "📅 Until a date…")
    assert question.content == "Until which day? Check-ins start again that day."
    second_monday = question.buttons[1]
    forged = await amira.press_data(question, "pau:on:20991231")
    assert "no longer works" in str((await amira.answer_to(forged)).text)
    await amira.tap(question, second_monday.text)
    assert question.content.startswith("Okay, no check-ins until ")
    until = datetime.strptime((second_monday.callback_data or "").split(":")[-1], "%Y%m%d")
    client_id = await _client_id(clocked_bot, amira)
    while True:  # every slot before that Monday passes without a prompt
        slot = await _next_slot(clocked_bot, client_id, clock.now)
        if slot.astimezone(ZoneInfo("Europe/Brussels")).date() >= until.date():
            break
        clock.now = slot + timedelta(seconds=5)
        await tick(clocked_bot)
    assert amira.catch_up() == []
    prompt = await _prompted(clocked_bot, clock, amira)
    assert "Who have you been in touch with" in prompt.content
    assert clock.now.astimezone(ZoneInfo("Europe/Brussels")).date() == until.date()


async def test_a_press_on_a_message_the_bot_no_longer_sees_is_answered_anew(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    _, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    question = await amira.ask("/checkin")
    nobody = next(b.callback_data for b in question.buttons if b.text == "Nobody")
    assert nobody is not None
    await amira.press_on_gone(question, nobody)
    mood = await amira.next_message()
    assert mood.content.startswith("How do you feel today?")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def _answer_ticking(amira: SandboxUser, prompt: ChatMessage, contact: str) -> str:
    """Answer a prompted check-in ticking ``contact``; returns the thank-you."""
    await amira.tap(prompt, contact)
    await amira.tap(prompt, "🤝 Together ➜")
    await amira.tap(prompt, "🙂")
    if prompt.content.startswith("How happy are you"):
        await amira.tap(prompt, "🙂")
    return prompt.content


async def test_the_thank_you_and_myweek_count_the_people_of_a_week_the_same_way(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Thursday's check-in ticks Mama, Monday's ticks Jan: the thank-you on Monday and
    /myweek in the same minute give one figure, from one definition (issue 16, item 3)."""
    _, amira = await joined_client(clocked_bot, sandbox)
    client_id = await _client_id(clocked_bot, amira)
    await _with_network(clocked_bot, client_id, "Mama", "Jan")
    amira.catch_up()
    days: list[int] = []
    while len(days) < 2 or days[-1] != 0:  # a Thursday, then the Monday after it
        prompt = await _prompted(clocked_bot, clock, amira)
        weekday = clock.now.astimezone(ZoneInfo("Europe/Brussels")).weekday()
        if not days and weekday != 3:
            continue
        days.append(weekday)
        thanks = await _answer_ticking(amira, prompt, "Mama" if weekday == 3 else "Jan")
    assert days == [3, 0]
    assert (
        thanks
        == "Thank you, Amira! 🌱 This week you were in touch with 1 person from your network."
    )
    mine = await amira.ask("/myweek")
    assert "You were in touch 1 time, with 1 person." in mine.content
