"""The crash-restart harness in a bounded form (issue 7, point 7): the bot as its own
process, killed with SIGKILL at random moments while clients answer, restarted each time.
``python -m benchmarks.crash`` runs it in full (200 clients, 20 kills)."""

from __future__ import annotations

from benchmarks import crash


async def test_no_acknowledged_answer_is_lost_when_the_bot_is_killed_again_and_again() -> None:
    outcome = await crash.run(clients=40, kills=6, limit=300)
    assert outcome.kills == 6
    assert outcome.lost_answers == []
    assert outcome.integrity == "ok"
    assert outcome.prompted == 40  # every due prompt went out at least once
    # A kill between Telegram's answer and our record can resend one prompt; 0.1 % of a
    # region's prompts — here one at most.
    assert outcome.duplicate_prompts <= 1
    assert outcome.taps.stuck == []
    assert outcome.thanked == 40  # nobody was left with a question they could not answer
    # One digest per professional: received once, or claimed and waiting for its retry.
    assert outcome.digests_lost == 0
    assert max(outcome.digests.values(), default=1) == 1
