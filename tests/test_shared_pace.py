"""Several replicas share Telegram's limit (issue 16, item 9): on PostgreSQL every replica
takes its send slots from the database, so together they stay within 30 messages in any
second and Telegram never answers 429; a 429 that comes anyway is still waited out; without
the database a send is paced by its own process rather than held up. ``python -m
benchmarks.replicas`` measures it with 2,000 prompts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from itertools import pairwise

import pytest
from telegram.ext import AIORateLimiter, ExtBot

from benchmarks import replicas
from benchmarks.databases import POSTGRES_ENV, postgres_database
from buddybot.app import rate_limiter
from buddybot.pace import SharedPace, SharedRateLimiter
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.storage import migrate, pace
from buddybot.storage.database import Database

PROMPTS = 300


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database (the shared pace is PostgreSQL's only)."""
    async with postgres_database("buddybot_test") as url:
        if url is None:
            pytest.skip(f"{POSTGRES_ENV} is not set")
        yield url


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[Database]:
    """A migrated PostgreSQL database."""
    database = Database(postgres_url)
    await migrate.upgrade(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.mark.postgres
async def test_two_replicas_fanning_out_together_stay_within_telegrams_limit(
    postgres_url: str,
) -> None:
    outcome = await replicas.pace(PROMPTS, 2, postgres_url, database="PostgreSQL", limit=90)
    assert outcome.delivered == PROMPTS
    assert outcome.refused_429 == 0
    # Counted over every send tried, refused or not, in any window of one second.
    assert outcome.busiest_second <= replicas.TELEGRAM_RATE
    # Near the limit, not below it: the goal of ≥ 27 is measured by the benchmark; this
    # short run starts and ends with one replica's tick boundaries, so a little less.
    assert outcome.rate >= 25


@pytest.mark.postgres
async def test_replicas_take_slots_one_after_the_other_from_the_database(
    postgres: Database,
) -> None:
    step = timedelta(milliseconds=40)
    slots: list[float] = []

    async def replica() -> None:
        async with postgres.engine.connect() as connection:
            for _ in range(10):
                asked = time.monotonic()
                slots.append(asked + await pace.take(connection, step))

    await asyncio.gather(replica(), replica())
    slots.sort()
    gaps = [later - earlier for earlier, later in pairwise(slots)]
    # 20 slots 40 ms apart over both; a round trip (about 1 ms here) blurs each a little.
    assert all(0.030 < gap < 0.050 for gap in gaps), gaps
    assert slots[-1] - slots[0] == pytest.approx(19 * 0.040, abs=0.02)


@pytest.mark.postgres
async def test_the_limit_is_shared_on_postgresql_and_a_429_is_still_waited_out(
    postgres: Database, sandbox: TelegramSandbox, sqlite_url: str
) -> None:
    sqlite = Database(sqlite_url)
    try:
        assert isinstance(rate_limiter(30, sqlite), AIORateLimiter)  # one process: PTB's
    finally:
        await sqlite.dispose()
    limiter = rate_limiter(30, postgres)
    assert isinstance(limiter, SharedRateLimiter)
    els = sandbox.user("Els", language_code="nl")
    sandbox.inject_fault("sendMessage", 429, retry_after=1)
    async with ExtBot(DEFAULT_TOKEN, base_url=sandbox.api_url, rate_limiter=limiter) as bot:
        await bot.send_message(els.id, "Hallo")
    assert [call.status for call in sandbox.calls_of("sendMessage")] == [429, 200]
    assert limiter.shared.fallbacks == 0


async def test_without_the_database_a_send_is_paced_by_its_own_process() -> None:
    shared = SharedPace("postgresql+asyncpg://nobody@127.0.0.1:1/nothing", rate=30)
    try:
        started = time.monotonic()
        await shared.wait_for_slot()
        await shared.wait_for_slot()
        assert time.monotonic() - started < 3  # not held up (a refused connection is quick)
        assert shared.fallbacks == 2
    finally:
        await shared.close()


def test_the_busiest_second_counts_as_telegram_does() -> None:
    assert replicas.most_in_any_second([]) == 0
    assert replicas.most_in_any_second([0.0, 0.5, 0.999, 1.0, 1.5]) == 3
    assert replicas.most_in_any_second([n / 30 for n in range(31)]) == 30
