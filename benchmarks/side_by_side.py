"""Presses timed side by side with a baseline press, on each database: the medians, their
ratio to the baseline, and each goal met or not (``benchmarks.desk``,
``benchmarks.mini_app``)."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from benchmarks.databases import postgres_database, postgres_skipped
from benchmarks.report import figure

RUNS = 5


async def median(work: Callable[[], Awaitable[Any]], runs: int = RUNS) -> float:
    """Seconds, the median of ``runs`` runs after a first one (caches, the database's plans)."""
    await work()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


@asynccontextmanager
async def databases(backends: list[str], file_name: str) -> AsyncIterator[list[tuple[str, str]]]:
    """``(backend, URL)`` for each of ``backends`` ("SQLite", "PostgreSQL") that can be had:
    a SQLite file in a temporary folder, a throw-away PostgreSQL database (said and left out
    when no server is set). All are removed afterwards."""
    async with AsyncExitStack() as cleanup:
        folder = cleanup.enter_context(tempfile.TemporaryDirectory())
        found = []
        for backend in backends:
            if backend == "SQLite":
                found.append((backend, f"sqlite+aiosqlite:///{Path(folder) / file_name}"))
                continue
            url = await cleanup.enter_async_context(postgres_database())
            if url is None:
                print(f"  {postgres_skipped()}")
            else:
                found.append((backend, url))
        yield found


def print_rows(
    benchmark: str,
    backend: str,
    timings: Mapping[str, float],
    goals: Mapping[str, float],
    *,
    width: int = 34,
) -> None:
    """One line per press: its median, × the first press (the baseline) and its goal; the
    presses with a goal noted as headline figures for ``make bench``."""
    baseline_name, baseline = next(iter(timings.items()))
    for what, seconds in timings.items():
        goal = goals.get(what)
        verdict = (
            ""
            if goal is None
            else f"< {goal * 1000:.0f} ms: " + ("ok" if seconds < goal else "over")
        )
        print(
            f"  {backend:11s}  {what:{width}s} {seconds * 1000:7.0f} ms  "
            f"×{seconds / baseline:5.2f}     {verdict}"
        )
        if goal is not None:
            figure(
                benchmark,
                f"{what}, {backend}",
                f"{seconds * 1000:.0f} ms (×{seconds / baseline:.2f} {baseline_name})",
                f"< {goal * 1000:.0f} ms",
            )
