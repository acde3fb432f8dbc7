"""Helpers for end-to-end tests with a controllable clock (the ``clocked_bot`` fixture):
run the scheduler tick, find a person's record, move to their next check-in."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from buddybot.clock import ManualClock
from buddybot.network import Contact, ContactKind, Domain
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser
from buddybot.schedule import next_slot
from buddybot.services import checkin_answers, contacts
from buddybot.services.rhythms import rhythm_of
from buddybot.storage import checkins as stored_checkins
from buddybot.storage.models import OutgoingMessage, Participant, Rhythm


async def tick(bot: BotProcess) -> None:
    """Run the scheduler tick once, as the job queue would."""
    assert bot.application is not None
    assert bot.application.job_queue is not None
    (job,) = bot.application.job_queue.get_jobs_by_name("checkin-tick")
    await job.run(bot.application)


async def client_id_of(bot: BotProcess, person: SandboxUser) -> int:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        client = await session.scalar(
            select(Participant).where(Participant.telegram_user_id == person.id)
        )
    assert client is not None
    return client.id


async def next_slot_of(bot: BotProcess, client_id: int, after: datetime) -> datetime:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        record = await session.get(Rhythm, client_id)
        client = await session.get(Participant, client_id)
    assert record is not None
    assert client is not None
    slot = next_slot(rhythm_of(record, client.time_zone), after)
    assert slot is not None
    return slot


async def with_network(bot: BotProcess, client_id: int, *labels: str) -> None:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        for circle, label in enumerate(labels, start=1):
            await contacts.add_contact(
                session,
                client_id,
                Contact(0, ContactKind.PERSON, label, min(circle, 3), Domain.FAMILY),
                by=contacts.Editor("client", client_id),
                now=bot.clock(),
            )


async def prompted(bot: BotProcess, clock: ManualClock, person: SandboxUser) -> ChatMessage:
    """Move the clock to the client's next slot, tick, and return the prompt."""
    client = await client_id_of(bot, person)
    slot = await next_slot_of(bot, client, clock.now)
    clock.now = slot - timedelta(minutes=1)
    await tick(bot)
    assert person.catch_up() == []  # not yet
    clock.now = slot + timedelta(seconds=20)
    await tick(bot)
    return await person.next_message()


async def outbox_sent(bot: BotProcess, timeout: float = 5.0) -> None:
    """Wait until the outbox is empty: every message the bot started was sent and recorded
    (a note arrives a moment before its row is settled)."""
    assert bot.database is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with bot.database.transaction() as session:
            waiting = await session.scalar(select(func.count()).select_from(OutgoingMessage))
        if not waiting:
            return
        assert loop.time() < deadline, f"{waiting} messages still in the outbox"
        await asyncio.sleep(0.02)


async def answered_at(
    bot: BotProcess,
    client_id: int,
    at: datetime,
    seen: list[int],
    *,
    satisfaction: int | None = None,
    mood: int = 3,
) -> None:
    """An answered check-in at ``at``: the contacts ``seen`` (in person), a mood, and a
    satisfaction score when given; written as if the client tapped it then."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        client = await session.get(Participant, client_id)
        assert client is not None
        checkin = await stored_checkins.add_open(session, client_id, at, at.date())
        await checkin_answers.answer_all(
            session,
            checkin,
            client,
            contacts=dict.fromkeys(seen, "in_person"),
            mood=mood,
            satisfaction=satisfaction,
            now=at,
        )
