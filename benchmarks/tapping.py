"""A client tapping through a check-in as the crash and load benchmarks need it: Nobody
(on the prompt itself), a face, a face — pressing again when the bot does not answer in time, as a
person would, and noting how long each answer took."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from buddybot.clock import utcnow
from buddybot.sandbox import ChatMessage, SandboxUser
from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, CheckinStatus, Mood
from tests.journeys import clients_due_now, professionals_due_now

# The buttons a client presses, by the end of their callback data.
STEPS = (":nobody", ":mood:4", ":sat:5")
DIGEST_START = "📋 Weekoverzicht"  # professionals without a language get Dutch


@dataclass
class Taps:
    """What happened to the presses of many clients together."""

    presses: int = 0
    repeated: int = 0  # pressed again because no answer came within the patience
    to_answer: list[float] = field(default_factory=list)  # press → the button stops spinning
    to_reply: list[float] = field(default_factory=list)  # press → the next question is shown
    stuck: list[str] = field(default_factory=list)  # where someone could not go on


def button(message: ChatMessage, ending: str) -> str | None:
    """The callback data of the message's button that ends with ``ending``, if any."""
    for candidate in message.buttons:
        if candidate.callback_data and candidate.callback_data.endswith(ending):
            return candidate.callback_data
    return None


def is_prompt(message: ChatMessage) -> bool:
    """A check-in prompt (it has the Nobody button, or had it and was edited since)."""
    return button(message, STEPS[0]) is not None or message.edits > 0


def is_thanks(message: ChatMessage) -> bool:
    """The thank-you: none of the check-in's questions (nor their Stop) is on it."""
    return not any(button(message, ending) for ending in (*STEPS, ":stop", ":skip"))


def is_digest(message: ChatMessage) -> bool:
    """A weekly digest (of a professional seeded by :func:`everyone_due`)."""
    return message.content.startswith(DIGEST_START)


async def answer_checkin(
    person: SandboxUser, taps: Taps, *, patience: float, deadline: float, twice: bool = False
) -> bool:
    """Wait for the person's prompt and tap it through; True when the thank-you came.
    ``twice``: Telegram delivers each press a second time (a webhook retry, a restart)."""

    def prompts() -> list[ChatMessage]:
        return [m for m in person.inbox if button(m, STEPS[0]) is not None]

    try:
        await person.sandbox.wait_in_chat(
            person.id, lambda: bool(prompts()), timeout=max(deadline - time.monotonic(), 0)
        )
    except TimeoutError:
        taps.stuck.append("no prompt came")
        return False
    message = prompts()[0]
    for step in STEPS:
        while (data := button(message, step)) is not None:
            if time.monotonic() > deadline:
                taps.stuck.append(f"{message.text!r} {step}")
                return False
            edits = message.edits
            pressed = time.monotonic()
            press = await person.press_data(message, data)
            if twice:
                await person.sandbox.deliver_again(press.update_id)
            taps.presses += 1
            try:
                await person.wait_for_edit(message, edits, timeout=patience)
            except (TimeoutError, AssertionError):
                taps.repeated += 1  # no answer: the bot may be down; press again
                continue
            answer = person.sandbox.callback_answer(press.query_id)
            if answer is not None:
                taps.to_answer.append(answer.at - pressed)
            assert message.edited_at is not None
            taps.to_reply.append(message.edited_at - pressed)
    if not is_thanks(message):
        taps.stuck.append(f"{message.text!r} {[b.callback_data for b in message.buttons]}")
    return is_thanks(message)


async def answered_with_mood(database_url: str) -> set[int]:
    """The participants with an answered check-in that holds exactly one mood."""
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            answered = await session.execute(
                select(Checkin.participant_id, func.count(Mood.id))
                .join(Mood, Mood.checkin_id == Checkin.id)
                .where(Checkin.status == CheckinStatus.ANSWERED)
                .group_by(Checkin.participant_id)
            )
            return {participant for participant, moods in answered if moods == 1}
    finally:
        await database.dispose()


async def everyone_due(
    database_url: str, clients: list[SandboxUser], professionals: Sequence[SandboxUser] = ()
) -> None:
    """Migrate the database and seed it: every client has a check-in due now, every
    professional their weekly digest."""
    database = Database(database_url)
    try:
        await migrate.upgrade(database)
        async with database.transaction() as session:
            now = utcnow()
            await clients_due_now(session, [person.id for person in clients], now)
            if professionals:
                await professionals_due_now(session, [person.id for person in professionals], now)
    finally:
        await database.dispose()
