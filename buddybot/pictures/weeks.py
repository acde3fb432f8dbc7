"""A client's last weeks as a picture: contacts per week stacked by life domain, and the
mood as a line on five faces. A week without answers is marked as not known (a "?" over
an empty slot), never drawn as zero."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from buddybot.metrics import Week, reported
from buddybot.network import Domain
from buddybot.pictures.lettering import lettering

# Okabe & Ito colours, repeated with hatching for the last domains (ten domains and the
# buddy need more colours than a colour-blind-safe palette has).
_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
ORDER: tuple[str, ...] = (*(domain.value for domain in Domain), "buddy")
STYLE = {
    name: (_PALETTE[index % len(_PALETTE)], "" if index < len(_PALETTE) else "//")
    for index, name in enumerate(ORDER)
}
MOOD_COLOUR = "#000000"


@dataclass(frozen=True)
class WeeksTexts:
    """Every word on the chart, in the viewer's language."""

    title: str
    contacts: str
    mood: str
    not_known: str
    domains: Mapping[str, str]  # domain value (and "buddy") → name
    week_label: Mapping[date, str]  # Monday → short label under the bar


@lettering()
def render_weeks(weeks: Sequence[date], figures: Mapping[date, Week], texts: WeeksTexts) -> bytes:
    """The chart as PNG bytes, one bar per Monday in ``weeks`` (oldest first)."""
    figure = Figure(figsize=(9, 5), dpi=120)
    axes = figure.add_subplot()
    positions = range(len(weeks))
    bottoms = [0.0] * len(weeks)
    shown: set[str] = set()
    for name in ORDER:
        heights = [
            float(figures[week].by_domain.get(name, 0)) if week in figures else 0.0
            for week in weeks
        ]
        if not any(heights):
            continue
        colour, hatch = STYLE[name]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            label=texts.domains.get(name, name),
        )
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights, strict=True)]
        shown.add(name)
    top = max([*bottoms, 4.0])
    for position, bottom, week in zip(positions, bottoms, weeks, strict=True):
        week_figures = figures.get(week)
        if week_figures is None or not reported(week_figures):
            # Above what is known (a buddy's meetups): the client's own contacts are unknown.
            axes.text(
                position,
                bottom + top * 0.03,
                "?",
                ha="center",
                va="bottom",
                color="#777777",
                fontsize=14,
            )
    axes.set_ylim(0, top * 1.15)
    axes.set_ylabel(texts.contacts)
    axes.set_xticks(list(positions), [texts.week_label.get(week, "") for week in weeks], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)

    mood_axes = axes.twinx()
    # Missing weeks are gaps in the line (NaN), not a line drawn through them.
    moods: list[float] = []
    for week in weeks:
        mood = figures[week].mood if week in figures else None
        moods.append(math.nan if mood is None else mood)
    if any(not math.isnan(mood) for mood in moods):
        mood_axes.plot(
            list(positions), moods, color=MOOD_COLOUR, marker="o", linewidth=2, label=texts.mood
        )
    mood_axes.set_ylim(0.5, 5.5)
    mood_axes.set_yticks([1, 2, 3, 4, 5])
    mood_axes.set_ylabel(texts.mood)
    mood_axes.spines[["top"]].set_visible(False)

    handles, labels = axes.get_legend_handles_labels()
    mood_handles, mood_labels = mood_axes.get_legend_handles_labels()
    if handles or mood_handles:
        axes.legend(
            handles + mood_handles,
            labels + mood_labels,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.08),
            fontsize=8,
            ncols=6,
            frameon=False,
        )
    axes.set_title(texts.title)
    figure.text(0.99, 0.01, f"? = {texts.not_known}", ha="right", fontsize=8, color="#777777")
    figure.tight_layout()
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
