"""Back and Stop in a check-in (issue 17, item 1): every step after the first has Back,
which shows the earlier question with the answer given marked; Stop keeps everything;
Back on the thank-you reopens the check-in while it is open, its stored answers standing
until it is answered anew."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.storage.models import Checkin, CheckinStatus, ContactEvent, Mood, Satisfaction
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import joined_client


def _texts(message: ChatMessage) -> list[str]:
    return [b.text for b in message.buttons]


async def _stored(bot: BotProcess) -> tuple[list[str | None], list[int], list[int]]:
    """The contact events' modes, the moods and the satisfaction scores stored."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        modes = list(await session.scalars(select(ContactEvent.mode).order_by(ContactEvent.id)))
        moods = list(await session.scalars(select(Mood.score)))
        satisfaction = list(await session.scalars(select(Satisfaction.score)))
    return modes, moods, satisfaction


async def _prompt_with(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> tuple[SandboxUser, SandboxUser, ChatMessage]:
    els, amira = await joined_client(bot, sandbox)
    await with_network(bot, await client_id_of(bot, amira), "Mama", "Jan")
    amira.catch_up()
    return els, amira, await prompted(bot, clock, amira)


async def test_back_on_every_step_shows_the_answer_given_and_changes_only_what_is_retapped(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt_with(clocked_bot, sandbox, clock)
    assert "⬅️ Back" not in _texts(prompt)  # the first question has nothing before it
    for tap in ("Mama", "Jan", "🔀 Different ways ➜", "🤝 Together", "📞 Call"):
        await amira.tap(prompt, tap)
    assert prompt.content.startswith("How do you feel today?")
    await amira.tap(prompt, "😞")  # a wrong tap
    assert prompt.content.startswith("How happy are you with your contacts")
    assert _texts(prompt)[-2:] == ["⬅️ Back", "✖️ Stop"]

    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content.startswith("How do you feel today?")
    assert "✅ 😞" in _texts(prompt)
    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content == "How were you in touch with Jan?"
    assert "✅ 📞 Call" in _texts(prompt)
    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content == "How were you in touch with Mama?"
    assert "✅ 🤝 Together" in _texts(prompt)
    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content.startswith("Hi Amira! 👋 Who have you been in touch with")
    assert {"✅ Mama", "✅ Jan", "✅ 🔀 Different ways ➜"} <= set(_texts(prompt))

    # Forward again: only the mood is tapped differently.
    for tap in ("✅ 🔀 Different ways ➜", "✅ 🤝 Together", "✅ 📞 Call", "🙂", "😄"):
        await amira.tap(prompt, tap)
    assert prompt.content.startswith("Thank you, Amira!")
    assert await _stored(clocked_bot) == (["in_person", "call"], [4], [5])

    # Back from the thank-you: the answers stand until answered again.
    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content.startswith("How happy are you with your contacts")
    assert "✅ 😄" in _texts(prompt)
    assert await _stored(clocked_bot) == (["in_person", "call"], [4], [5])
    await amira.tap(prompt, "🙂")
    assert prompt.content.startswith("Thank you, Amira!")
    assert await _stored(clocked_bot) == (["in_person", "call"], [4], [4])


async def test_once_for_all_back_from_the_mood_is_the_who_question_with_how_marked(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt_with(clocked_bot, sandbox, clock)
    await amira.tap(prompt, "Mama")
    await amira.tap(prompt, "📞 Call ➜")
    await amira.tap(prompt, "⬅️ Back")
    assert {"✅ Mama", "Jan", "✅ 📞 Call ➜"} <= set(_texts(prompt))
    await amira.tap(prompt, "Jan")
    await amira.tap(prompt, "🤝 Together ➜")  # how, again, for both
    await amira.tap(prompt, "🙂")
    await amira.tap(prompt, "🙂")
    assert (await _stored(clocked_bot))[0] == ["in_person", "in_person"]


async def test_stop_keeps_what_was_given_and_go_on_comes_back_to_the_same_question(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt_with(clocked_bot, sandbox, clock)
    await amira.tap(prompt, "Mama")
    await amira.tap(prompt, "💬 Message ➜")
    await amira.tap(prompt, "✖️ Stop")
    assert prompt.content == "No problem! What you chose so far is kept. Tap Go on when you like."
    assert _texts(prompt) == ["▶️ Go on"]
    clock.now += timedelta(hours=2)
    await amira.tap(prompt, "▶️ Go on")
    assert prompt.content.startswith("How do you feel today?")
    await amira.tap(prompt, "⬅️ Back")
    assert {"✅ Mama", "✅ 💬 Message ➜"} <= set(_texts(prompt))
    await amira.tap(prompt, "✅ 💬 Message ➜")
    await amira.tap(prompt, "😐")
    await amira.tap(prompt, "😐")
    assert await _stored(clocked_bot) == (["message"], [3], [3])


async def test_no_back_once_the_check_in_has_closed(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt_with(clocked_bot, sandbox, clock)
    for tap in ("Nobody", "🙂", "🙂"):
        await amira.tap(prompt, tap)
    back = next(b.callback_data for b in prompt.buttons if b.text == "⬅️ Back")
    assert back is not None
    clock.now += timedelta(hours=25)  # the answer window (24 h) has passed
    edits = prompt.edits
    press = await amira.press_data(prompt, back)
    assert (await amira.answer_to(press)).text == (
        "This check-in has closed. Your answers stay as they are."
    )
    await amira.wait_for_edit(prompt, edits)
    assert prompt.content.startswith("Thank you, Amira!")  # the thank-you stays
    assert "⬅️ Back" not in _texts(prompt)
    assert await _stored(clocked_bot) == ([], [4], [4])
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        answered = await session.scalar(
            select(func.count()).where(Checkin.status == CheckinStatus.ANSWERED)
        )
    assert answered == 1


async def test_a_message_for_the_professional_can_be_called_off(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, prompt = await _prompt_with(clocked_bot, sandbox, clock)
    for tap in ("Nobody", "🙂", "🙂", "💬 Tell Els something"):
        await amira.tap(prompt, tap)
    await amira.tap(prompt, "✖️ Cancel")
    assert prompt.content.startswith("Thank you, Amira!")
    assert "💬 Tell Els something" in _texts(prompt)
    els.catch_up()
    answer = await amira.ask("hello there")
    assert "Thank you! I'll pass" not in answer.content
    assert els.catch_up() == []
