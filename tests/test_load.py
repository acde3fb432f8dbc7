"""The load benchmark in a bounded form (issue 7, point 10): 200 clients answering their
check-ins at the same moment, the bot as its own process. ``python -m benchmarks.load``
runs it with 1,000 and prints the press-to-reply times (no timing is asserted here)."""

from __future__ import annotations

import pytest

from benchmarks import load

CLIENTS = 200


def assert_every_answer_stored(outcome: load.Load) -> None:
    assert outcome.taps.stuck == []
    assert outcome.thanked == CLIENTS
    assert outcome.stored == CLIENTS  # each thanked client's check-in is answered, mood and all
    assert outcome.taps.repeated == 0  # nobody had to press twice
    assert len(outcome.taps.to_reply) == outcome.taps.presses  # every press got its reply


async def test_200_clients_answering_at_once_at_telegrams_pace(sqlite_url: str) -> None:
    outcome = await load.run(CLIENTS, limited=True, database_url=sqlite_url, limit=300)
    assert_every_answer_stored(outcome)
    assert outcome.refused_429 == 0  # the bot kept to Telegram's 30 messages/s


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_200_clients_answering_at_once_on_postgresql(database_url: str) -> None:
    outcome = await load.run(CLIENTS, limited=False, database_url=database_url, limit=300)
    assert_every_answer_stored(outcome)
