"""How long the circle picture takes: ``python -m benchmarks.circle [--runs N]``.

Side by side: an empty circle (rings, sectors, legend: the fixed cost, the baseline) and
10, 20 and 40 contacts with this week's changes marked. The target is under 300 ms for 40
contacts on a laptop; the ratio to the baseline says what the contacts add.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.report import figure
from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.network import Comparison, Contact, ContactKind, Domain, Move
from buddybot.pictures.circle import render_circle


def _contacts(count: int) -> list[Contact]:
    kinds, domains = list(ContactKind), list(Domain)
    return [
        Contact(n + 1, kinds[n % 4], f"Contact {n + 1}", 1 + n % 3, domains[(n * 7) % 10])
        for n in range(count)
    ]


def _time(contacts: list[Contact], runs: int) -> float:
    texts = circle_texts(translator("nl"), "Amira")
    changes = (
        Comparison(added=(contacts[0],), removed=(), closer=(Move(contacts[1], 3, 1),), further=())
        if len(contacts) > 1
        else None
    )
    render_circle(contacts, texts, changes=changes)  # warm-up: fonts, caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render_circle(contacts, texts, changes=changes)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(runs: int) -> None:
    """Print the median time per picture for each size, and its ratio to the empty circle."""
    baseline = _time([], runs)
    print(f"circle picture, 1080 px wide, median of {runs} runs:")
    print(f"  empty circle   {baseline * 1000:6.1f} ms   ×1.00 (baseline)")
    for count in (10, 20, 40):
        median = _time(_contacts(count), runs)
        verdict = "ok" if count != 40 or median < 0.3 else "over the 300 ms target"
        ratio = median / baseline
        print(f"  {count:2d} contacts    {median * 1000:6.1f} ms   ×{ratio:.2f}  {verdict}")
    figure("circle", "circle picture, 40 contacts", f"{median * 1000:.0f} ms", "< 300 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    main(parser.parse_args().runs)
