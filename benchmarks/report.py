"""Headline figures for ``make bench``'s summary table.

A benchmark prints its own detailed lines and also notes its headline figures here; when
``BENCH_RESULTS`` names a file (``python -m benchmarks.summary`` sets it), each figure is
appended to it as one JSON line.
"""

from __future__ import annotations

import json
import os


def figure(benchmark: str, what: str, value: str, goal: str = "") -> None:
    """Note one headline figure, already formatted with its unit (and the goal, if any)."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as results:
        line = {"benchmark": benchmark, "what": what, "value": value, "goal": goal}
        results.write(json.dumps(line, ensure_ascii=False) + "\n")
