"""Two replicas behind a load balancer: ``python -m benchmarks.replicas [--prompts 2000]
[--clients 2000] [--professionals 50]`` (0 prompts or 0 clients skips that part).

Telegram's limit shared (issue 16, item 9), on PostgreSQL: ``--prompts`` check-ins due at
once are sent by two ``buddybot run`` processes in webhook mode against a sandbox that, like
Telegram, refuses more than 30 sends in any second of the bot (over both). Each replica is
set to 30 messages/s and takes its send slots from the database they share. Reported side
by side: one replica (a quarter of the prompts), two replicas, and two replicas each pacing
only itself (as before, and still so on SQLite; a quarter of the prompts): combined
messages/s (goal ≥ 27), the most sends in any one second (goal ≤ 30) and the 429s (goal 0).
``tests/test_shared_pace.py`` runs it with 300 prompts (CI).

Once and not lost: two ``buddybot run`` processes in webhook mode on one database
(PostgreSQL when BUDDYBOT_TEST_POSTGRES_URL is set, else one SQLite file), the sandbox
spreading its webhook deliveries over both as a load balancer would. Every client has a
check-in due and every professional their weekly digest; once all are out, every client
answers at once, and one in ten has each press delivered a second time (a retry that lands
on the other replica). At the end: each prompt and each digest went out exactly once, and
every answer is in the database.
``tests/test_replicas.py`` runs it with 500 clients (CI).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import processes
from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.load import percentiles
from benchmarks.report import figure
from benchmarks.tapping import (
    Taps,
    answer_checkin,
    answered_with_mood,
    everyone_due,
    is_digest,
    is_prompt,
)
from buddybot.sandbox import TelegramSandbox

TELEGRAM_RATE = 30


@dataclass
class Pace:
    """How fast the replicas sent together, seen from Telegram's side (the sandbox)."""

    replicas: int
    prompts: int
    database: str
    moments: list[float] = field(default_factory=list)  # each send's arrival, 429s too
    refused_429: int = 0
    delivered: int = 0  # clients who got their prompt

    @property
    def rate(self) -> float:
        """Messages a second, from the first send to the last."""
        span = self.moments[-1] - self.moments[0] if len(self.moments) > 1 else 0.0
        return self.delivered / span if span else 0.0

    @property
    def busiest_second(self) -> int:
        """The most sends (tried, refused or not) in any one second."""
        return most_in_any_second(self.moments)


def most_in_any_second(moments: list[float]) -> int:
    """The most of ``moments`` (sorted, in seconds) within any window of one second, as
    Telegram counts: a send at t and one at t + 1.0 are in different windows."""
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def pace(
    prompts: int, replicas: int, database_url: str, *, database: str, limit: float = 300
) -> Pace:
    """``prompts`` check-ins due at once, sent by ``replicas`` webhook replicas at
    Telegram's 30/s against a sandbox that refuses more (see the module's docstring)."""
    outcome = Pace(replicas, prompts, database)
    async with TelegramSandbox(flood_limit=TELEGRAM_RATE) as sandbox:
        people = [sandbox.user(f"Client {number}") for number in range(prompts)]
        await everyone_due(database_url, [])  # migrated before the replicas start
        ports = [processes.free_port() for _ in range(replicas)]
        public = f"http://127.0.0.1:{ports[0]}/telegram"
        running = []
        try:
            for port in ports:
                environment = {
                    **processes.bot_environment(sandbox, database_url, tick_seconds=1),
                    **processes.webhook_environment(public, port),
                    "BUDDYBOT_SEND_RATE": str(TELEGRAM_RATE),
                }
                running.append(await processes.start_webhook(sandbox, environment))
            # Due once every replica runs, so they all take part from the first prompt.
            await everyone_due(database_url, people)
            deadline = time.monotonic() + limit
            while _delivered(sandbox) < prompts:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)  # coarse: the sandbox times each send itself
        finally:
            for replica in running:
                await processes.terminate(replica)
        outcome.moments = sorted(sandbox.send_moments)
        outcome.refused_429 = sandbox.flood_violations
        outcome.delivered = _delivered(sandbox)
    return outcome


def _delivered(sandbox: TelegramSandbox) -> int:
    return len(
        {call.params["chat_id"] for call in sandbox.calls_of("sendMessage") if call.status == 200}
    )


def report_pace(runs: list[Pace]) -> None:
    """The runs side by side, against the first (one replica)."""
    print(f"Telegram's limit ({TELEGRAM_RATE} sends in any second), check-ins due at once:")
    print(
        f"  {'':<40} {'prompts':>11} {'msg/s':>6} {'×1 replica':>11} {'busiest s':>10} {'429s':>6}"
    )
    baseline = runs[0].rate or 1.0
    for run in runs:
        alone = "" if run.database == "PostgreSQL" else ", each pacing alone"
        name = f"{run.replicas} replica{'s' if run.replicas > 1 else ''} ({run.database}{alone})"
        print(
            f"  {name:<40} {run.delivered:5}/{run.prompts:<5} {run.rate:6.1f}"
            f" {run.rate / baseline:11.2f} {run.busiest_second:10} {run.refused_429:6}"
        )
    shared = next(run for run in runs if run.replicas == 2 and run.database == "PostgreSQL")
    figure(
        "replicas",
        f"2 webhook replicas share Telegram's 30/s, {shared.prompts} prompts, PostgreSQL",
        f"{shared.rate:.1f} msg/s, busiest second {shared.busiest_second}, "
        f"429s {shared.refused_429}",
        "≥ 27 msg/s, ≤ 30, 0",
    )


@dataclass
class Outcome:
    """What the two replicas did."""

    clients: int
    professionals: int
    seconds: float = 0.0
    prompts: Counter[int] = field(default_factory=Counter)  # per client: prompts received
    digests: Counter[int] = field(default_factory=Counter)  # per professional: digests
    thanked: int = 0
    stored: int = 0
    deliveries: list[int] = field(default_factory=list)  # webhook calls per replica
    taps: Taps = field(default_factory=Taps)

    @property
    def duplicates(self) -> int:
        """Prompts and digests that went out more than once."""
        counts = [*self.prompts.values(), *self.digests.values()]
        return sum(count - 1 for count in counts if count > 1)

    @property
    def missed(self) -> int:
        """Clients without a prompt and professionals without a digest."""
        return self.clients - len(self.prompts) + self.professionals - len(self.digests)


async def run(
    clients: int, professionals: int, database_url: str, *, limit: float = 600
) -> Outcome:
    """Seed, start both replicas, let everyone answer, check (see the module's docstring)."""
    outcome = Outcome(clients, professionals)
    started = time.monotonic()
    # No flood limit: this is about "once" and "not lost", not about Telegram's pace.
    async with TelegramSandbox(flood_limit=0) as sandbox:
        people = [sandbox.user(f"Client {number}") for number in range(clients)]
        staff = [sandbox.user(f"Professional {number}") for number in range(professionals)]
        await everyone_due(database_url, people, staff)  # migrated before the replicas start
        ports = [processes.free_port(), processes.free_port()]
        public = f"http://127.0.0.1:{ports[0]}/telegram"  # what the load balancer exposes
        replicas = []
        try:
            for port in ports:
                environment = {
                    **processes.bot_environment(sandbox, database_url, tick_seconds=1),
                    **processes.webhook_environment(public, port),
                }
                replicas.append(await processes.start_webhook(sandbox, environment))
            sandbox.balance_webhooks([f"http://127.0.0.1:{port}/telegram" for port in ports])
            deadline = time.monotonic() + limit
            thanked = await asyncio.gather(
                *(
                    answer_checkin(
                        person, outcome.taps, patience=60, deadline=deadline, twice=n % 10 == 0
                    )
                    for n, person in enumerate(people)
                )
            )
            await sandbox.wait_for(
                lambda: all(person.inbox for person in staff), timeout=deadline - time.monotonic()
            )
            await asyncio.sleep(2.5)  # two more ticks each: nothing goes out a second time
        finally:
            for replica in replicas:
                await processes.terminate(replica)
        outcome.thanked = sum(thanked)
        outcome.prompts = Counter(
            person.id for person in people for message in person.inbox if is_prompt(message)
        )
        outcome.digests = Counter(
            person.id for person in staff for message in person.inbox if is_digest(message)
        )
        outcome.deliveries = sorted(sandbox.webhook_deliveries.values())
    outcome.stored = len(await answered_with_mood(database_url))
    outcome.seconds = time.monotonic() - started
    return outcome


def report(outcome: Outcome, database: str) -> None:
    """Print the outcome and note the headline figures."""
    reply = percentiles(outcome.taps.to_reply)
    print(
        f"two webhook replicas on {database}: {outcome.clients} clients answering at once, "
        f"{outcome.professionals} digests, {outcome.seconds:.0f} s"
    )
    print(f"  duplicates (prompts and digests)  {outcome.duplicates} (goal 0)")
    print(f"  missed (prompts and digests)      {outcome.missed} (goal 0)")
    print(f"  thanked                           {outcome.thanked} of {outcome.clients}")
    print(f"  answers stored                    {outcome.stored} of {outcome.clients}")
    print(f"  webhook calls per replica         {outcome.deliveries}")
    print(f"  press → next step p50 / p95       {reply[0]:.2f} s / {reply[1]:.2f} s")
    for where in outcome.taps.stuck[:5]:
        print(f"  could not go on: {where}")
    figure(
        "replicas",
        f"2 webhook replicas, {database}, {outcome.clients} clients, "
        f"{outcome.professionals} digests",
        f"dup {outcome.duplicates}, missed {outcome.missed}, "
        f"stored {outcome.stored}/{outcome.clients}",
        "0, 0, all",
    )


async def main_pace(prompts: int) -> None:
    """One replica, two sharing the pace (PostgreSQL), two pacing alone (SQLite)."""
    runs = []
    for replicas, count in ((1, prompts // 4), (2, prompts)):
        async with postgres_database() as postgres:
            if postgres is None:
                print(f"Telegram's limit shared: {postgres_skipped()}")
                return
            runs.append(await pace(count, replicas, postgres, database="PostgreSQL"))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'pace.db'}"
        runs.append(await pace(prompts // 4, 2, url, database="SQLite"))
    report_pace(runs)


async def main(clients: int, professionals: int) -> None:
    """On PostgreSQL when a server is set, else on one SQLite file."""
    async with postgres_database() as postgres:
        if postgres is not None:
            report(await run(clients, professionals, postgres), "PostgreSQL")
            return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'replicas.db'}"
        report(await run(clients, professionals, url), "SQLite")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--professionals", type=int, default=50)
    arguments = parser.parse_args()
    if arguments.prompts:
        asyncio.run(main_pace(arguments.prompts))
    if arguments.clients:
        asyncio.run(main(arguments.clients, arguments.professionals))
