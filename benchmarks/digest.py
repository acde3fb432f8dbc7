"""How fast the digest is: ``python -m benchmarks.digest [--clients 2000 20000]``.

1. One professional's digest: 25 clients with a year of twice-weekly check-ins, computed
   without pictures (goal < 0.5 s).
2. One 12-week chart (goal < 250 ms).
3. One pass over 2,000 and 20,000 clients × 52 weeks (≈ 2 million contact events for
   20,000), on SQLite and, with BUDDYBOT_TEST_POSTGRES_URL set, on PostgreSQL, two ways:
   "digest" — last week's metrics for every client of the region (the weekly digest of all
   of them; it reads what the digest looks at: twelve weeks of figures and half a year of
   mentions; goals < 30 s SQLite, < 15 s PostgreSQL, peak memory < 500 MB for 20,000), and
   "export" — the metrics of every one of the 52 weeks of every client (the research
   export, which reads everything). Each pass runs in a child process so its peak memory is
   its own; the baseline is that process's memory before the pass.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path

from sqlalchemy import select

from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.history import seed
from benchmarks.report import figure
from buddybot.metrics import week_of, weeks_back
from buddybot.roles import ParticipantRole
from buddybot.services import digest
from buddybot.storage import migrate
from buddybot.storage.database import Database
from buddybot.storage.models import Participant, Professional

TODAY = date(2026, 11, 25)
WEEKS = 52


async def _database(url: str) -> Database:
    database = Database(url)
    await migrate.upgrade(database)
    return database


async def one_digest(folder: Path) -> tuple[float, float]:
    """Median seconds for one professional's digest (25 clients, a year), and one chart."""
    # Imported here, not at the top: the child process of the passes must not carry
    # matplotlib and the Telegram library in the memory it reports.
    from buddybot.handlers.digest import digest_messages, weeks_texts
    from buddybot.i18n import translator
    from buddybot.pictures.weeks import render_weeks

    database = await _database(f"sqlite+aiosqlite:///{folder / 'digest.db'}")
    try:
        professional_id, _ = await seed(database, 25, WEEKS, TODAY)
        tr = translator("nl")
        week = digest.last_full_week(TODAY)
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            async with database.transaction() as session:
                professional = await session.get(Professional, professional_id)
                assert professional is not None
                caseload = await digest.caseload_week(session, professional, week)
            digest_messages(tr, caseload)
            timings.append(time.perf_counter() - started)
        weeks = [*weeks_back(week, 11), week]
        figures = next(iter(caseload.series.values()))
        render_weeks(weeks, figures, weeks_texts(tr, "Amira", weeks))  # warm-up
        charts = []
        for _ in range(10):
            started = time.perf_counter()
            render_weeks(weeks, figures, weeks_texts(tr, "Amira", weeks))
            charts.append(time.perf_counter() - started)
        return statistics.median(timings[1:]), statistics.median(charts)
    finally:
        await database.dispose()


def _peak_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec (a child would
    report its parent's peak), so the address space's own high-water mark is read first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _pass(url: str, only_last: bool) -> None:
    """The child process: one pass; prints seconds, client-weeks, flagged, memory."""
    database = Database(url)
    before = _peak_mb()
    started = time.perf_counter()
    rows = flagged = 0
    async with database.transaction() as session:
        clients = list(
            await session.scalars(
                select(Participant)
                .where(Participant.role == ParticipantRole.CLIENT)
                .order_by(Participant.id)
            )
        )
        first = {
            client.id: week_of(client.consent_given_at.date())
            for client in clients
            if client.consent_given_at is not None
        }
        async for _, week in digest.every_client_week(
            session, clients, first, digest.last_full_week(TODAY), only_last=only_last
        ):
            rows += 1
            flagged += bool(week.flags)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    await database.dispose()
    print(f"{seconds:.2f} {rows} {flagged} {before:.0f} {peak:.0f}")


def _measure_pass(url: str, kind: str) -> list[float]:
    out = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "benchmarks.digest", f"--{kind}-pass", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [float(value) for value in out]


async def bulk(clients: int, url: str) -> tuple[int, dict[str, list[float]]]:
    """Seed ``clients`` × 52 weeks at ``url``; returns the events and both passes' figures."""
    database = await _database(url)
    try:
        _, events = await seed(database, clients, WEEKS, TODAY)
    finally:
        await database.dispose()
    return events, {kind: _measure_pass(url, kind) for kind in ("digest", "export")}


async def main(sizes: list[int], backends: list[str]) -> None:
    """Run the measurements and print them."""
    with tempfile.TemporaryDirectory() as folder:
        one, chart = await one_digest(Path(folder))
        print("digest of one professional (25 clients, 52 weeks of answers), no pictures:")
        print(f"  {one * 1000:7.1f} ms   (goal < 500 ms: {'ok' if one < 0.5 else 'over'})")
        figure("digest", "one professional's digest", f"{one * 1000:.0f} ms", "< 500 ms")
        print("one 12-week chart:")
        print(f"  {chart * 1000:7.1f} ms   (goal < 250 ms: {'ok' if chart < 0.25 else 'over'})")
        figure("digest", "one 12-week chart", f"{chart * 1000:.0f} ms", "< 250 ms")
        print(f"one pass over {WEEKS} weeks of answers, child process:")
        print(
            "  database     clients   contact events   pass     client-weeks   seconds"
            "   ×first  peak MB (start)"
        )
        for backend in backends:
            first_seconds: dict[str, float] = {}
            for size in sizes:
                async with AsyncExitStack() as cleanup:
                    url = (
                        f"sqlite+aiosqlite:///{Path(folder) / f'bulk{size}.db'}"
                        if backend == "SQLite"
                        else await cleanup.enter_async_context(postgres_database())
                    )
                    if url is None:
                        print(f"  {postgres_skipped()}")
                        break
                    events, passes = await bulk(size, url)
                for kind, (seconds, rows, _, start, peak) in passes.items():
                    first_seconds.setdefault(kind, seconds)
                    figure(
                        "digest",
                        f"{kind} pass, {size:,} clients × {WEEKS} weeks, {backend}",
                        f"{seconds:.1f} s, peak {peak:.0f} MB",
                    )
                    print(
                        f"  {backend:11s} {size:8d} {events:16,d}   {kind:6s} {rows:14,.0f}"
                        f" {seconds:9.1f}   ×{seconds / first_seconds[kind]:4.1f}"
                        f" {peak:8.0f} ({start:.0f})"
                    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument(
        "--databases", nargs="+", default=["SQLite", "PostgreSQL"], choices=["SQLite", "PostgreSQL"]
    )
    parser.add_argument("--digest-pass", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--export-pass", metavar="URL", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.digest_pass:
        asyncio.run(_pass(arguments.digest_pass, only_last=True))
    elif arguments.export_pass:
        asyncio.run(_pass(arguments.export_pass, only_last=False))
    else:
        asyncio.run(main(arguments.clients, arguments.databases))
