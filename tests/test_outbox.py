"""Nothing lost to a passing Telegram problem (issue 16, item 1), and nothing sent whose
moment has passed (item 11): prompts, reminders and the messages the bot starts are kept in
the database, tried again with growing pauses across restarts, until their window closes.
Only a permanent answer (blocked, deactivated, chat not found) ends them at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buddybot import sender
from buddybot.clock import ManualClock
from buddybot.roles import ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ApiCall, SandboxUser, TelegramSandbox
from buddybot.services.checkins import CATCH_UP_GRACE
from buddybot.settings import Settings
from buddybot.storage.models import Checkin, CheckinStatus, OutgoingMessage, Participant
from tests.clocked import client_id_of, next_slot_of, outbox_sent, prompted, tick
from tests.conftest import running, sandbox_settings
from tests.journeys import joined_client

PROMPT = "Who have you been in touch with"
# PTB's HTTPXRequest waits this long for an answer by default (seconds).
READ_TIMEOUT = 5.0


def _settings(sandbox: TelegramSandbox, database_url: str) -> Settings:
    return sandbox_settings(sandbox, database_url, tick_seconds=600)


@asynccontextmanager
async def _bot(settings: Settings, clock: ManualClock) -> AsyncIterator[BotProcess]:
    async with running(BotProcess(settings, clock=clock)) as process:
        yield process


async def _checkin(bot: BotProcess) -> Checkin:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        checkin = await session.scalar(select(Checkin).order_by(Checkin.id.desc()))
    assert checkin is not None
    return checkin


async def _waiting(bot: BotProcess) -> int:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(OutgoingMessage)) or 0)


@pytest.fixture(autouse=True)
def quick_in_call_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender's pauses between tries within one call are real time; hours of failing
    ticks would take minutes of it."""
    monkeypatch.setattr(sender, "BACKOFF_SECONDS", 0.001)


def _sent_to(sandbox: TelegramSandbox, person: SandboxUser) -> list[ApiCall]:
    """The bot's sendMessage calls to one person (others get messages at the same time)."""
    return [c for c in sandbox.calls_of("sendMessage") if c.params.get("chat_id") == str(person.id)]


def _stop_notes(els: SandboxUser) -> list[str]:
    return [m.content for m in els.inbox if "is gestopt" in m.content]


async def _recorded(bot: BotProcess) -> None:
    """Wait until the outbox holds a message that was tried and whose try is recorded (a
    try ends a moment after its last call; a busy machine stretches that moment)."""
    assert bot.database is not None
    for _ in range(1000):
        async with bot.database.transaction() as session:
            rows = list(await session.scalars(select(OutgoingMessage)))
        if rows and all(row.attempts > 0 and row.claimed_at is None for row in rows):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the outbox's try was never recorded")


async def test_a_prompt_hit_by_a_passing_outage_is_sent_a_minute_later_after_a_restart(
    sandbox: TelegramSandbox, database_url: str, clock: ManualClock
) -> None:
    settings = _settings(sandbox, database_url)
    async with _bot(settings, clock) as first:
        _, amira = await joined_client(first, sandbox)
        amira.catch_up()
        slot = await next_slot_of(first, await client_id_of(first, amira), clock.now)
        clock.now = slot + timedelta(seconds=5)
        # 18:00: sendMessage answers 502 three times (every in-call try), then works again.
        sandbox.inject_fault("sendMessage", 502, times=sender.SEND_ATTEMPTS)
        await tick(first)
        assert amira.catch_up() == []
        checkin = await _checkin(first)
        assert checkin.status is CheckinStatus.SCHEDULED  # not failed: not yet sent
        assert checkin.retry_at == clock.now + sender.FIRST_RETRY

    async with _bot(settings, clock) as second:  # a restart keeps it pending
        clock.now += timedelta(seconds=30)
        await tick(second)
        assert amira.catch_up() == []  # the pause is not over yet
        clock.now += timedelta(seconds=31)
        await tick(second)
        prompt = await amira.next_message()
        assert PROMPT in prompt.content
        await tick(second)
        assert len([m for m in amira.inbox if PROMPT in m.content]) == 1
        assert (await _checkin(second)).status is CheckinStatus.SENT


async def test_a_prompt_that_cannot_be_sent_within_its_catch_up_window_is_failed_not_sent_late(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    slot = await next_slot_of(clocked_bot, await client_id_of(clocked_bot, amira), clock.now)
    clock.now = slot + timedelta(seconds=5)
    fault = sandbox.inject_fault("sendMessage", 503, times=10_000)
    while clock.now < slot + CATCH_UP_GRACE + timedelta(hours=1):
        await tick(clocked_bot)
        clock.now += timedelta(minutes=5)
    fault.times = 0
    tries = len(
        [
            c
            for c in sandbox.calls_of("sendMessage")
            if str(c.params.get("chat_id")) == str(amira.id)
        ]
    )
    await tick(clocked_bot)
    assert amira.catch_up() == []
    checkin = await _checkin(clocked_bot)
    assert checkin.status is CheckinStatus.FAILED
    # Growing pauses (1, 2, 4 … 30 minutes): a handful of tries an hour, not one a tick.
    assert sender.SEND_ATTEMPTS * 5 < tries <= sender.SEND_ATTEMPTS * 20
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        client = await session.scalar(
            select(Participant).where(Participant.id == checkin.participant_id)
        )
    assert client is not None
    assert client.status is not ParticipantStatus.UNREACHABLE  # Telegram's trouble, not theirs


async def test_a_note_to_the_professional_survives_an_outage_and_a_restart(
    sandbox: TelegramSandbox, sqlite_url: str, clock: ManualClock
) -> None:
    settings = _settings(sandbox, sqlite_url)
    async with _bot(settings, clock) as first:
        els, amira = await joined_client(first, sandbox)
        question = await amira.ask("/stop")
        calls = len(_sent_to(sandbox, els))
        # The answer to Amira is an edit (and her menu is taken away); the note to Els is
        # the next sendMessage to her.
        sandbox.inject_fault("sendMessage", 502, times=sender.SEND_ATTEMPTS, chat_id=els.id)
        await amira.press(question, "Yes, I'll stop")
        await amira.wait_for_edit(question, 0)
        await sandbox.wait_for(lambda: len(_sent_to(sandbox, els)) >= calls + 3)
        await _recorded(first)
        assert _stop_notes(els) == []
        assert await _waiting(first) == 1

    async with _bot(settings, clock) as second:
        await tick(second)
        assert _stop_notes(els) == []  # its pause is not over
        clock.now += sender.FIRST_RETRY
        await tick(second)
        await outbox_sent(second)
        assert len(_stop_notes(els)) == 1
        await tick(second)
        assert len(_stop_notes(els)) == 1  # once


async def test_a_note_to_someone_who_blocked_the_bot_ends_at_once(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    await els.block()
    question = await amira.ask("/stop")
    calls = len(_sent_to(sandbox, els))
    await amira.press(question, "Yes, I'll stop")
    await amira.wait_for_edit(question, 0)
    await outbox_sent(clocked_bot)
    clock.now += timedelta(hours=1)
    await tick(clocked_bot)
    assert [c.status for c in _sent_to(sandbox, els)[calls:]] == [403]


async def test_a_note_still_failing_when_its_window_closes_is_given_up(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    question = await amira.ask("/stop")
    sandbox.inject_fault("sendMessage", 500, times=10_000)
    await amira.press(question, "Yes, I'll stop")
    await amira.wait_for_edit(question, 0)
    for _ in range(4 * 24):  # four days, a tick an hour
        clock.now += timedelta(hours=1)
        await tick(clocked_bot)
    assert await _waiting(clocked_bot) == 0
    assert _stop_notes(els) == []


async def test_after_downtime_no_reminder_comes_once_the_answer_window_passed(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    sent_at = clock.now
    # Down from before the reminder (3 hours) until after the answer window (24 hours).
    clock.now = sent_at + timedelta(hours=24, minutes=30)
    await tick(clocked_bot)
    assert not [m for m in amira.inbox if "Do you have a minute" in m.content]
    await amira.wait_for_edit(prompt, 0)
    assert prompt.content.startswith("This check-in is closed.")
    first = await _checkin(clocked_bot)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        old = await session.get(Checkin, first.id - 1) or first
    assert old.status is CheckinStatus.EXPIRED
    assert old.reminded_at is None


async def test_a_reply_telegram_is_slow_to_confirm_is_not_called_a_failure(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    # Telegram takes longer than the bot waits (PTB's read time-out, 5 s), then delivers.
    sandbox.inject_fault("sendMessage", 200, delay=READ_TIMEOUT + 1)
    reply = await amira.ask("/help")
    assert "/checkin" in reply.content
    await asyncio.sleep(1)  # the bot's time-out came a second before the reply arrived
    assert [m.content for m in amira.catch_up()] == []  # no "Oops", no second reply


async def test_a_reply_lost_to_a_passing_problem_gets_a_kind_word_once_telegram_is_back(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    sandbox.inject_fault("sendMessage", 502, times=1 + sender.SEND_ATTEMPTS)
    await amira.send("/help")
    await sandbox.wait_for(lambda: sandbox.calls_of("sendMessage")[-1].status == 502)
    await _recorded(clocked_bot)
    assert amira.catch_up() == []
    clock.now += sender.FIRST_RETRY
    await tick(clocked_bot)
    word = await amira.next_message()
    assert word.content.startswith("Sorry, my answer didn't reach you")
    assert "Oops" not in word.content
