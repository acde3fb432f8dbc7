"""What a fresh reviewer found when trying to break the check-in of issue 17, each as a
test: typed text goes to the question asked last, nothing given is lost, and a double
tap or an old button never takes away the thank-you."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import contacts
from buddybot.storage import models
from buddybot.storage.models import Checkin, CheckinStatus, ContactEvent, Meetup, Mood
from tests.clocked import client_id_of, prompted, tick, with_network
from tests.journeys import buddy_for, joined_client


def _texts(message: ChatMessage) -> list[str]:
    return [b.text for b in message.buttons]


async def _prompt(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, *labels: str
) -> tuple[SandboxUser, SandboxUser, ChatMessage]:
    els, amira = await joined_client(bot, sandbox)
    await with_network(bot, await client_id_of(bot, amira), *labels)
    amira.catch_up()
    return els, amira, await prompted(bot, clock, amira)


async def _answers(bot: BotProcess) -> tuple[list[str | None], list[int], list[str]]:
    """The stored contact events' modes, moods, and the check-ins' statuses."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        modes = list(await session.scalars(select(ContactEvent.mode).order_by(ContactEvent.id)))
        moods = list(await session.scalars(select(Mood.score)))
        statuses = [c.status.value for c in await session.scalars(select(Checkin))]
    return modes, moods, statuses


async def test_a_buddys_note_is_not_taken_by_the_weekly_question_still_open(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    bram = await buddy_for(sandbox, els, amira)
    bram.catch_up()
    weekly = await prompted(clocked_bot, clock, bram)
    assert weekly.content.startswith("Hi Bram! 👋 Did you meet Amira")
    meetup = await bram.ask("/meetup")
    for tap in ("Yesterday", "🚶 Walk", "An hour", "😄"):
        await bram.tap(meetup, tap)
    answer = await bram.ask("We walked to the park")
    assert "Who have you been in touch with" not in answer.content
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        notes = [m.note for m in await session.scalars(select(Meetup))]
    assert notes == ["We walked to the park"]


async def test_a_check_in_begun_after_tell_els_takes_the_name_typed(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama", "Jan")
    for tap in ("Nobody", "🙂", "🙂", "💬 Tell Els something"):
        await amira.tap(prompt, tap)
    els.catch_up()
    question = await amira.ask("/checkin")
    chosen = await amira.ask("Mama")
    assert "✅ Mama" in _texts(chosen)
    assert question.content.startswith("Hi Amira!")
    await asyncio.sleep(0.3)
    assert not [m for m in els.catch_up() if "schrijft" in m.content]


async def test_the_message_for_els_reaches_her_hours_later_and_under_an_older_thank_you(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira, first = await _prompt(clocked_bot, sandbox, clock, "Mama")
    for tap in ("Nobody", "🙂", "🙂"):
        await amira.tap(first, tap)
    second = await prompted(clocked_bot, clock, amira)
    for tap in ("Nobody", "🙂"):
        await amira.tap(second, tap)
    await amira.tap(first, "💬 Tell Els something")  # under the older thank-you
    clock.now += timedelta(hours=3)
    els.catch_up()
    kept = await amira.ask("Please call me, I am not ok")
    assert kept.content == (
        "✅ Thank you! I'll pass your message on to Els.\n\n"
        "May Els also let the team read your message?"
    )
    forwarded = await els.next_message()
    assert forwarded.content == "💬 Amira schrijft: Please call me, I am not ok"


async def test_back_from_the_thank_you_and_walking_away_keeps_the_answers_given(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama")
    for tap in ("Mama", "🤝 Together ➜", "🙂", "🙂"):
        await amira.tap(prompt, tap)
    await amira.tap(prompt, "⬅️ Back")
    assert await _answers(clocked_bot) == (["in_person"], [4], ["reminded"])
    clock.now += timedelta(hours=3, minutes=5)
    await tick(clocked_bot)
    assert not [m for m in amira.catch_up() if "Do you have a minute" in m.content]
    clock.now += timedelta(hours=22)  # the answer window has passed
    await tick(clocked_bot)
    assert await _answers(clocked_bot) == (["in_person"], [4], ["answered"])
    # Answered anew instead, the new answers replace the old ones.
    third = await prompted(clocked_bot, clock, amira)
    for tap in ("Mama", "📞 Call ➜", "😐", "⬅️ Back", "✅ 😐", "⬅️ Back", "🙁"):
        await amira.tap(third, tap)
    assert third.content.startswith("Thank you, Amira!")
    modes, moods, statuses = await _answers(clocked_bot)
    assert (modes, sorted(moods), statuses) == (["in_person", "call"], [2, 4], ["answered"] * 2)


async def test_a_face_tapped_twice_leaves_the_thank_you_and_its_buttons(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama")
    for tap in ("Nobody", "🙂"):
        await amira.tap(prompt, tap)
    last = next(b.callback_data for b in prompt.buttons if b.text == "😄")
    assert last is not None
    await amira.tap(prompt, "😄")
    again = await amira.press_data(prompt, last)
    assert (await amira.answer_to(again)).text == "You've already answered that. 🙂"
    await asyncio.sleep(0.3)  # the same thank-you: nothing to edit
    assert prompt.content.startswith("Thank you, Amira!")
    assert _texts(prompt) == ["⬅️ Back", "💬 Tell Els something"]


async def test_a_contact_taken_off_the_map_after_it_was_chosen_is_not_asked_about(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama", "Jan")
    client_id = await client_id_of(clocked_bot, amira)
    await amira.tap(prompt, "Mama")
    await amira.tap(prompt, "Jan")
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:  # the professional removes Mama
        mama = await session.scalar(
            select(models.Contact).where(
                models.Contact.client_id == client_id, models.Contact.removed_at.is_(None)
            )
        )
        assert mama is not None
        await contacts.remove_contact(
            session, mama, by=contacts.Editor("professional", 1), now=clocked_bot.clock()
        )
    await amira.tap(prompt, "🔀 Different ways ➜")
    assert prompt.content == "How were you in touch with Jan?"
    for tap in ("🤝 Together", "🙂", "🙂"):
        await amira.tap(prompt, tap)
    assert prompt.content.startswith("Thank you, Amira! 🌱 This week you were in touch with 1 ")
    assert (await _answers(clocked_bot))[0] == ["in_person"]


async def test_typed_text_at_the_who_question_is_read_as_names_only_when_it_is_one(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama", "Jan", "Oma Karim")
    await amira.tap(prompt, "Oma Karim")
    yes = await amira.ask("ja")  # yes, not Jan
    assert yes.content.startswith("Please tap one of the buttons.")
    assert "✅ Jan" not in _texts(yes)
    both = await amira.ask("Mama en Jan")
    assert {"✅ Mama", "✅ Jan", "✅ Oma Karim"} <= set(_texts(both))
    smile = await amira.ask("😀")
    assert smile.content.startswith("Please tap one of the buttons.")


async def test_the_reminder_greets_once_and_nobody_seen_is_not_a_count(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, _ = await _prompt(clocked_bot, sandbox, clock, "Mama")
    clock.now += timedelta(hours=3, minutes=1)
    await tick(clocked_bot)
    reminder = await amira.next_message()
    assert reminder.content.count("Amira") == 1
    for tap in ("Nobody", "🙂", "🙂"):
        await amira.tap(reminder, tap)
    assert reminder.content == "Thank you, Amira! 🌱 Good to hear from you."
    assert (await _answers(clocked_bot))[2] == [CheckinStatus.ANSWERED.value]


async def test_someone_new_called_off_goes_straight_back_to_the_check_in(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    _, amira, prompt = await _prompt(clocked_bot, sandbox, clock, "Mama")
    await amira.tap(prompt, "Mama")
    await amira.tap(prompt, "➕ Someone new…")
    assert prompt.content == "Who or what do you want to add?"
    await amira.tap(prompt, "⬅️ Back")
    assert prompt.content.startswith("Hi Amira! 👋 Who have you been in touch with")
    assert "✅ Mama" in _texts(prompt)
    # Called off later on, after the name: the check-in's question comes back there too.
    await amira.tap(prompt, "➕ Someone new…")
    await amira.tap(prompt, "🧑 Person")
    step = await amira.ask("Tante Zoë")
    await amira.tap(step, "✖️ Cancel")
    assert step.content.startswith("Hi Amira! 👋 Who have you been in touch with")
    assert "✅ Mama" in _texts(step)
    assert "Tante Zoë" not in _texts(step)
