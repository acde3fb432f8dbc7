"""Two whole bot processes in webhook mode on one database, behind a load balancer (the
sandbox spreads webhook deliveries over both): each due prompt reaches its person exactly
once, every answer is stored whichever replica gets it (also when a press is delivered
twice, to both), each professional gets one weekly digest, and people's messages are
answered whichever replica gets them."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from benchmarks.tapping import Taps, answer_checkin, answered_with_mood
from buddybot.clock import utcnow
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from tests.conftest import free_port, webhook_settings
from tests.journeys import clients_due_now, professionals_due_now

PEOPLE = 500
PROFESSIONALS = 20


@pytest.fixture
async def replicas(
    database_url: str,
) -> AsyncIterator[tuple[TelegramSandbox, BotProcess, BotProcess]]:
    # No flood limit: this is about "once", not about Telegram's pace.
    async with TelegramSandbox(flood_limit=0) as sandbox:
        ports = [free_port(), free_port()]
        public = f"http://127.0.0.1:{ports[0]}/telegram"  # what the load balancer exposes
        processes = []
        for port in ports:
            settings = webhook_settings(sandbox, database_url, port).model_copy(
                update={"webhook_url": public, "tick_seconds": 1, "send_rate": 1000}
            )
            processes.append(BotProcess(settings))
        await processes[0].start()  # migrates first; the second finds the schema ready
        await processes[1].start()
        sandbox.balance_webhooks([f"http://127.0.0.1:{port}/telegram" for port in ports])
        try:
            yield sandbox, processes[0], processes[1]
        finally:
            for process in processes:
                await process.stop()


async def test_two_replicas_prompt_once_lose_no_answer_and_send_one_digest_each(
    replicas: tuple[TelegramSandbox, BotProcess, BotProcess], database_url: str
) -> None:
    sandbox, first, _ = replicas
    people = [sandbox.user(f"Client {number}") for number in range(PEOPLE)]
    professionals = [sandbox.user(f"Professional {number}") for number in range(PROFESSIONALS)]
    assert first.database is not None
    async with first.database.transaction() as session:
        await clients_due_now(session, [person.id for person in people], utcnow())
        await professionals_due_now(session, [person.id for person in professionals], utcnow())

    def delivered() -> Counter[int]:
        return Counter(
            int(call.params["chat_id"])
            for call in sandbox.calls_of("sendMessage")
            if call.status == 200
        )

    everyone = len(people) + len(professionals)
    await sandbox.wait_for(lambda: sum(delivered().values()) >= everyone, timeout=60)

    # Every client answers at once, each press going to either replica; one in ten of them
    # has each press delivered a second time (a retry the load balancer sends elsewhere).
    taps = Taps()
    deadline = time.monotonic() + 120
    thanked = await asyncio.gather(
        *(
            answer_checkin(person, taps, patience=30, deadline=deadline, twice=number % 10 == 0)
            for number, person in enumerate(people)
        )
    )
    await asyncio.sleep(2.5)  # two more ticks each: nothing is sent a second time
    sent = delivered()
    assert set(sent) == {person.id for person in [*people, *professionals]}
    assert max(sent.values()) == 1  # one prompt per client, one digest per professional
    assert all(person.inbox[0].content.startswith("📋 Weekoverzicht") for person in professionals)
    assert taps.stuck == []
    assert all(thanked)
    assert taps.repeated == 0
    assert len(await answered_with_mood(database_url)) == PEOPLE  # no answer lost

    # Messages from people land on both replicas and every one is answered.
    for person in people[:10]:
        person.catch_up()
        answer = await person.ask("/help")
        assert "/checkin" in answer.content, answer.content
    assert len(sandbox.webhook_deliveries) == 2
    assert all(count >= PEOPLE for count in sandbox.webhook_deliveries.values())
