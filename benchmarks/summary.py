"""``make bench``: every benchmark in turn (each prints its details), then one table of the
headline figures. ``python -m benchmarks.summary [--quick]`` (quick: smaller runs)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    # (module, arguments, arguments when --quick)
    ("benchmarks.round_trip", [], ["--messages", "50"]),
    ("benchmarks.circle", [], []),
    ("benchmarks.scheduler", [], ["--prompts", "500"]),
    ("benchmarks.answers", [], ["--presses", "100"]),
    ("benchmarks.digest", [], ["--clients", "200", "2000"]),
    ("benchmarks.crash", [], ["--clients", "40", "--kills", "6"]),
    ("benchmarks.load", [], ["--clients", "200"]),
    ("benchmarks.replicas", [], ["--clients", "500", "--professionals", "20"]),
    ("benchmarks.mini_app", [], []),
]


def main(quick: bool) -> int:
    """Run them all; print the table; non-zero when one failed."""
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results.jsonl"
        results.touch()
        for module, arguments, quick_arguments in BENCHMARKS:
            print(f"\n=== python -m {module} {' '.join(quick_arguments if quick else arguments)}")
            sys.stdout.flush()
            started = time.perf_counter()
            done = subprocess.run(  # noqa: S603 - our own interpreter and modules
                [sys.executable, "-m", module, *(quick_arguments if quick else arguments)],
                env={**os.environ, "BENCH_RESULTS": str(results)},
                check=False,
            )
            print(f"({time.perf_counter() - started:.0f} s)")
            if done.returncode != 0:
                failed.append(module)
        rows = [json.loads(line) for line in results.read_text().splitlines() if line]
    print("\n=== summary\n")
    print(_table(rows))
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


def _table(rows: list[dict[str, str]]) -> str:
    header = {"benchmark": "benchmark", "what": "what", "value": "figure", "goal": "goal"}
    every = [header, *rows]
    widths = {key: max(len(row[key]) for row in every) for key in header}
    lines = [" | ".join(row[key].ljust(widths[key]) for key in header) for row in every]
    lines.insert(1, "-+-".join("-" * widths[key] for key in header))
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    sys.exit(main(parser.parse_args().quick))
