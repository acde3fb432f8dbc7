"""Two replicas behind a load balancer: ``python -m benchmarks.replicas [--clients 2000]
[--professionals 50]``.

Two ``buddybot run`` processes in webhook mode on one database (PostgreSQL when
BUDDYBOT_TEST_POSTGRES_URL is set, else one SQLite file), the sandbox spreading its webhook
deliveries over both as a load balancer would. Every client has a check-in due and every
professional their weekly digest; once all are out, every client answers at once, and one in
ten has each press delivered a second time (a retry that lands on the other replica). At the
end: each prompt and each digest went out exactly once, and every answer is in the database.
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
from benchmarks.databases import postgres_database
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
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--professionals", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.clients, arguments.professionals))
