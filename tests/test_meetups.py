"""End to end: a buddy logs a meetup in a few taps; it counts as contact for the client."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.storage.models import AuditLog, ContactEvent, Meetup
from tests.journeys import buddy_for, joined_client


async def _buddy_for_amira(
    bot: BotProcess, sandbox: TelegramSandbox, *, agree: bool = True
) -> tuple[SandboxUser, SandboxUser, SandboxUser]:
    els, amira = await joined_client(bot, sandbox)
    return els, amira, await buddy_for(sandbox, els, amira, agree=agree)


async def test_a_buddy_logs_a_meetup_by_tapping(bot: BotProcess, sandbox: TelegramSandbox) -> None:
    _, _, bram = await _buddy_for_amira(bot, sandbox)
    when = await bram.ask("/meetup")
    assert when.content == "When did you meet Amira?"
    await bram.tap(when, "Other day…")
    await bram.tap(when, "⬅️ Back")
    assert when.content == "When did you meet Amira?"
    await bram.tap(when, "Yesterday")
    assert when.content == "What did you do?"
    await bram.tap(when, "☕ Coffee or food")
    await bram.tap(when, "An hour")
    assert when.content.startswith("How did it go?")
    await bram.tap(when, "🙂")
    assert when.content.startswith("Anything else to note?")
    saved = await bram.ask("We went to the market café.")
    assert saved.content == "Saved. ✅ That's 1 meetup this month. 💪"
    assert bot.database is not None
    async with bot.database.transaction() as session:
        meetup = await session.scalar(select(Meetup))
        event = await session.scalar(select(ContactEvent))
    assert meetup is not None
    assert (meetup.activity, meetup.duration_minutes, meetup.how_it_went) == ("food", 60, 4)
    assert meetup.note == "We went to the market café."
    assert event is not None
    assert (event.reported_by, event.mode, event.buddy_id, event.client_id) == (
        "buddy",
        "in_person",
        meetup.buddy_id,
        meetup.client_id,
    )
    assert event.local_date == meetup.local_date
    export = json.loads((await bram.ask("/mydata")).document.data)  # type: ignore[union-attr]
    assert export["meetups"][0]["note"] == "We went to the market café."
    assert export["clients"][0]["client"] == "Amira"


async def test_no_meetups_before_the_client_agrees_and_cancel_keeps_nothing(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira, bram = await _buddy_for_amira(bot, sandbox, agree=False)
    assert (await bram.ask("/meetup")).content.startswith("You can't log a meetup yet")
    amira.catch_up()
    assert "can't do that here" in (await amira.ask("/meetup")).content
    ask = next(m for m in amira.inbox if "to be your buddy" in m.content)
    bram.catch_up()
    await amira.tap(ask, "👍 Yes, fine")
    assert "happy for you to be their buddy" in (await bram.next_message()).content
    when = await bram.ask("/meetup")
    await bram.tap(when, "Today")
    hint = await bram.ask("we walked")
    assert hint.content.startswith("Please tap one of the buttons.")
    await bram.tap(hint, "✖️ Cancel")
    assert hint.content == "Okay, I didn't change anything."
    assert bot.database is not None
    async with bot.database.transaction() as session:
        assert await session.scalar(select(Meetup)) is None


async def test_a_button_tapped_twice_keeps_the_question_where_the_buddy_is(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    _, _, bram = await _buddy_for_amira(bot, sandbox)
    when = await bram.ask("/meetup")
    yesterday = next(b.callback_data for b in when.buttons if b.text == "Yesterday")
    assert yesterday is not None
    await bram.tap(when, "Yesterday")
    assert when.content == "What did you do?"
    # The same button again (a double tap, or a forged day), three times: a short note each
    # time, and the question where Bram is stays on screen with its buttons.
    for data in (yesterday, yesterday, yesterday.replace(":day:1", ":day:999999")):
        press = await bram.press_data(when, data)
        assert "already answered" in str((await bram.answer_to(press)).text)
        assert when.content == "What did you do?"
        assert any(b.text == "☕ Coffee or food" for b in when.buttons)
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    await bram.tap(when, "☕ Coffee or food")
    assert when.content == "How long were you together?"


async def test_skip_tapped_twice_after_saving_is_done_not_refused(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, _, bram = await _buddy_for_amira(bot, sandbox)
    when = await bram.ask("/meetup")
    await bram.tap(when, "Today")
    await bram.tap(when, "🚶 Walk")
    await bram.tap(when, "An hour")
    await bram.tap(when, "😄")
    skip = next(b.callback_data for b in when.buttons if b.text == "Skip")
    assert skip is not None
    await bram.tap(when, "Skip")
    assert when.content.startswith("Saved.")
    again = await bram.press_data(when, skip)  # the same Skip, tapped twice
    assert "already answered" in str((await bram.answer_to(again)).text)
    assert when.content.startswith("Saved.")
    assert bot.database is not None
    async with bot.database.transaction() as session:
        refused = await session.scalar(
            select(func.count()).where(AuditLog.action.like("refused.%"))
        )
        saved = await session.scalar(select(func.count()).select_from(Meetup))
    assert refused == 0
    assert saved == 1
