"""Two whole bot processes in webhook mode on one database, behind a load balancer (the
sandbox spreads webhook deliveries over both; issue 7, point 8): each due prompt reaches its
person exactly once, every answer is stored whichever replica gets it (also when a press is
delivered twice, to both), each professional gets one weekly digest. ``python -m
benchmarks.replicas`` runs it with 2,000 clients."""

from __future__ import annotations

from benchmarks import replicas

CLIENTS = 500
PROFESSIONALS = 20


async def test_two_replicas_prompt_once_lose_no_answer_and_send_one_digest_each(
    database_url: str,
) -> None:
    outcome = await replicas.run(CLIENTS, PROFESSIONALS, database_url, limit=300)
    assert outcome.taps.stuck == []
    assert outcome.missed == 0
    assert outcome.duplicates == 0
    assert outcome.thanked == CLIENTS
    assert outcome.stored == CLIENTS  # no answer lost
    assert outcome.taps.repeated == 0
    # The load balancer really spread the deliveries over both replicas.
    assert len(outcome.deliveries) == 2
    assert min(outcome.deliveries) >= CLIENTS
