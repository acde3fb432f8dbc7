"""Crash-restart harness: ``python -m benchmarks.crash [--clients 200] [--kills 20]``.

The bot runs as its own process (``buddybot run``, polling, SQLite) against the sandbox
while every client has a check-in due and answers it by tapping (Nobody, a face,
a face), pressing again when the bot does not answer within a few seconds — as a
person would. Meanwhile the bot is killed with SIGKILL at random moments and restarted.
At the end these must hold:

- every answer the bot acknowledged (the next question or the thank-you appeared) is stored:
  every client who got the thank-you has an answered check-in with their mood;
- every due prompt was sent at least once, and duplicates stay below 0.1 %;
- every professional (one per ten clients, their digest due too) got one weekly digest, or
  has it claimed and waiting for the 5-minute retry (killed between claim and record);
- the database passes SQLite's integrity check.

``tests/test_crash_restart.py`` runs it small (CI); ``make bench`` runs it in full.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import signal
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from benchmarks import processes
from benchmarks.report import figure
from benchmarks.tapping import (
    STEPS,
    Taps,
    answer_checkin,
    answered_with_mood,
    everyone_due,
    is_digest,
    is_prompt,
)
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.storage.database import Database

PATIENCE = 4.0  # seconds a person waits for an answer before pressing again


@dataclass
class Outcome:
    """What the harness saw and found."""

    clients: int
    kills: int
    seconds: float
    prompted: int = 0
    duplicate_prompts: int = 0
    thanked: int = 0
    lost_answers: list[int] = field(default_factory=list)
    integrity: str = ""
    taps: Taps = field(default_factory=Taps)
    professionals: int = 0
    digests: Counter[int] = field(default_factory=Counter)  # per professional: received
    # Claimed but not recorded as sent (killed in between): sent again after the 5-minute
    # stale claim. Those already received would come twice; the others come late.
    digests_pending: int = 0
    digests_pending_received: int = 0

    @property
    def digests_lost(self) -> int:
        """Professionals with no digest and none on its way."""
        return (
            self.professionals
            - len(self.digests)
            - (self.digests_pending - self.digests_pending_received)
        )


class _Bot:
    """``buddybot run`` as a child process that can be killed and started again."""

    def __init__(self, sandbox: TelegramSandbox, url: str) -> None:
        self._sandbox = sandbox
        self._environment = processes.bot_environment(sandbox, url, tick_seconds=1)
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        arguments = ["-m", "buddybot", "run"]
        self._process = await processes.start_polling(self._sandbox, arguments, self._environment)

    async def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self) -> None:
        if self._process is not None:
            await processes.terminate(self._process)


async def _killer(
    bot: _Bot, kills: int, clients: int, taps: Taps, stop: asyncio.Event, seed: int
) -> int:
    """Kill the bot at random moments of the answering: each after a random number of
    presses, so the kills fall while people answer however fast the machine is."""
    chance = random.Random(seed)
    presses_without_kills = len(STEPS) * clients
    moments = sorted(chance.sample(range(1, int(presses_without_kills * 0.9)), kills))
    done = 0
    for moment in moments:
        # A counter the answering clients bump; a kill a few presses late is as random.
        while taps.presses < moment and not stop.is_set():  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if stop.is_set():
            break
        await bot.kill()
        done += 1
        await asyncio.sleep(chance.uniform(0.0, 0.5))
        await bot.start()
    return done


async def run(clients: int, kills: int, *, seed: int = 7, limit: float = 600) -> Outcome:
    """Run the harness once and check the invariants (see the module's docstring)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'crash.db'}"
        async with TelegramSandbox(flood_limit=0) as sandbox:
            people = [sandbox.user(f"Client {n}") for n in range(clients)]
            staff = [sandbox.user(f"Professional {n}") for n in range(max(1, clients // 10))]
            await everyone_due(url, people, staff)
            bot = _Bot(sandbox, url)
            await bot.start()
            outcome = Outcome(clients, 0, 0.0, professionals=len(staff))
            stop = asyncio.Event()
            killer = asyncio.create_task(_killer(bot, kills, clients, outcome.taps, stop, seed))
            deadline = time.monotonic() + limit
            thanked = await asyncio.gather(
                *(
                    answer_checkin(p, outcome.taps, patience=PATIENCE, deadline=deadline)
                    for p in people
                )
            )
            stop.set()
            outcome.kills = await killer
            with contextlib.suppress(TimeoutError):  # a tick or two after the last restart
                await sandbox.wait_for(lambda: all(map(_has_digest, staff)), timeout=5)
            await bot.stop()
            outcome.digests = Counter(
                person.id for person in staff for message in person.inbox if is_digest(message)
            )
            prompts = Counter(
                person.id for person in people for message in person.inbox if is_prompt(message)
            )
        outcome.thanked = sum(thanked)
        outcome.prompted = len(prompts)
        outcome.duplicate_prompts = sum(count - 1 for count in prompts.values())
        await _check_database(url, people, thanked, outcome)
        await _check_digests(url, staff, outcome)
    outcome.seconds = time.monotonic() - started
    return outcome


async def _check_database(
    url: str, people: list[SandboxUser], thanked: list[bool], outcome: Outcome
) -> None:
    with_mood = await answered_with_mood(url)
    database = Database(url)
    try:
        async with database.transaction() as session:
            ids = await session.execute(text("SELECT id FROM participant ORDER BY id"))
            participant_ids = [row[0] for row in ids]
            outcome.integrity = str(
                (await session.execute(text("PRAGMA integrity_check"))).scalar_one()
            )
        # clients_due_now adds the people in order, so the n-th participant is the n-th person.
        outcome.lost_answers = [
            person.id
            for person, participant, thanks in zip(people, participant_ids, thanked, strict=True)
            if thanks and participant not in with_mood
        ]
    finally:
        await database.dispose()


def _has_digest(person: SandboxUser) -> bool:
    return any(map(is_digest, person.inbox))


async def _check_digests(url: str, staff: list[SandboxUser], outcome: Outcome) -> None:
    database = Database(url)
    try:
        async with database.transaction() as session:
            unsent = await session.execute(
                text("SELECT professional_id FROM digest WHERE sent_at IS NULL")
            )
            pending = {row[0] for row in unsent}
            ids = await session.execute(text("SELECT id FROM professional ORDER BY id"))
            # professionals_due_now adds them in order: the n-th is the n-th person.
            received = {
                professional
                for (professional,), person in zip(ids, staff, strict=True)
                if outcome.digests[person.id]
            }
        outcome.digests_pending = len(pending)
        outcome.digests_pending_received = len(pending & received)
    finally:
        await database.dispose()


def report(outcome: Outcome) -> None:
    """Print the outcome and note the headline figures."""
    duplicates = outcome.duplicate_prompts / max(outcome.prompted, 1)
    print(
        f"{outcome.clients} clients answering while the bot was killed {outcome.kills} times "
        f"(SIGKILL) and restarted, {outcome.seconds:.0f} s:"
    )
    print(f"  prompted            {outcome.prompted} of {outcome.clients}")
    print(f"  duplicate prompts   {outcome.duplicate_prompts} ({duplicates:.2%}; goal < 0.1 %)")
    print(f"  thanked             {outcome.thanked} of {outcome.clients}")
    print(f"  acknowledged lost   {len(outcome.lost_answers)} (goal 0)")
    taps = outcome.taps
    print(f"  presses             {taps.presses}, of which pressed again {taps.repeated}")
    print(f"  integrity check     {outcome.integrity}")
    twice = sum(count - 1 for count in outcome.digests.values())
    print(
        f"  digests             {len(outcome.digests)} of {outcome.professionals} received, "
        f"{twice} twice, {outcome.digests_lost} lost; {outcome.digests_pending} waiting for "
        f"the 5-minute retry ({outcome.digests_pending_received} of them received already)"
    )
    for where in taps.stuck:
        print(f"  could not go on: {where}")
    figure(
        "crash",
        f"{outcome.clients} clients, {outcome.kills} SIGKILLs",
        f"lost {len(outcome.lost_answers)}, dup {duplicates:.2%}, "
        f"prompted {outcome.prompted}/{outcome.clients}, digests lost "
        f"{outcome.digests_lost}, twice {twice}, {outcome.integrity}",
        "lost 0, dup < 0.1 %, all prompted, one digest each",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--kills", type=int, default=20)
    arguments = parser.parse_args()
    # A killed bot drops its connections mid-request: expected here, not worth a traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    report(asyncio.run(run(arguments.clients, arguments.kills)))
