"""A client's last weeks as a picture for their professional: contacts per week stacked by
life domain (the few with most contacts apart), and the mood as a line on five faces. A
week without answers is marked as not known (a "?" over an empty slot), never drawn as
zero."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from buddybot.metrics import Week, reported
from buddybot.network import Domain
from buddybot.pictures.lettering import SMALL_PT, lettering, png

# Okabe & Ito colours. At a size readable on a phone there is room in the legend for a
# few domains: the ones with the most contacts get a colour, the rest are "other".
_PALETTE = ["#0072B2", "#E69F00", "#009E73"]
OTHER_COLOUR = "#BBBBBB"
SHOWN_DOMAINS = len(_PALETTE)
ORDER: tuple[str, ...] = (*(domain.value for domain in Domain), "buddy")
OTHER = "other"
MOOD_COLOUR = "#000000"
WIDTH_PX, HEIGHT_PX, DPI = 1080, 600, 120
# Every other week is named under its bar: twelve names do not fit at a readable size.
LABEL_EVERY = 2
LABELS = 6  # week names under a long chart
QUESTION_MARKS_UP_TO = 12  # weeks; a longer chart shows missing weeks as grey bands
NOT_KNOWN_BAND = "#e6e6e6"


@dataclass(frozen=True)
class WeeksTexts:
    """Every word on the chart, in the viewer's language."""

    title: str
    contacts: str
    mood: str
    not_known: str
    domains: Mapping[str, str]  # domain value (and "buddy") → name
    week_label: Mapping[date, str]  # Monday → short label under the bar
    # The name for the domains not shown apart; None: every domain apart (a wide legend).
    other: str | None = None


def shown_domains(weeks: Sequence[date], figures: Mapping[date, Week]) -> list[str]:
    """The domains (values of ``ORDER``) drawn with a colour of their own: the
    :data:`SHOWN_DOMAINS` with the most contacts over ``weeks``, in ``ORDER``; if only one
    more had contacts it is shown too rather than called "other"."""
    totals = {
        name: sum(figures[week].by_domain.get(name, 0) for week in weeks if week in figures)
        for name in ORDER
    }
    present = [name for name in ORDER if totals[name]]
    if len(present) <= SHOWN_DOMAINS + 1:
        return present
    most = sorted(present, key=lambda name: -totals[name])[:SHOWN_DOMAINS]
    return [name for name in ORDER if name in most]


@lettering()
def render_weeks(weeks: Sequence[date], figures: Mapping[date, Week], texts: WeeksTexts) -> bytes:
    """The chart as PNG bytes (1080 × 600 px), one bar per Monday in ``weeks`` (oldest
    first)."""
    return png(draw_weeks(weeks, figures, texts))


@lettering()
def draw_weeks(weeks: Sequence[date], figures: Mapping[date, Week], texts: WeeksTexts) -> Figure:
    """The chart as a matplotlib figure: contacts per week stacked by domain (the most
    frequent apart, the rest as "other"), the mood as a line on a second axis."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_axes((0.12, 0.33, 0.76, 0.56))
    positions = range(len(weeks))
    bottoms = [0.0] * len(weeks)
    shown = shown_domains(weeks, figures) if texts.other is not None else list(ORDER)
    colours = dict(zip(shown, _PALETTE * len(ORDER), strict=False))
    for name in [*shown, OTHER]:
        heights = [
            float(_count(figures[week].by_domain, name, shown)) if week in figures else 0.0
            for week in weeks
        ]
        if not any(heights):
            continue
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            color=colours.get(name, OTHER_COLOUR),
            edgecolor="white",
            label=texts.other if name == OTHER and texts.other else texts.domains.get(name, name),
        )
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights, strict=True)]
    top = max([*bottoms, 4.0])
    # A "?" per missing week reads at 12 bars; at 26 or 52 they run into each other, and a
    # grey band behind the bar (named in the legend) says the same.
    banded = len(weeks) > QUESTION_MARKS_UP_TO
    for position, bottom, week in zip(positions, bottoms, weeks, strict=True):
        week_figures = figures.get(week)
        if (week_figures is None or not reported(week_figures)) and banded:
            axes.axvspan(position - 0.5, position + 0.5, color=NOT_KNOWN_BAND, zorder=0, lw=0)
        elif week_figures is None or not reported(week_figures):
            # Above what is known (a buddy's meetups): the client's own contacts are unknown.
            axes.text(
                position,
                bottom + top * 0.03,
                "?",
                ha="center",
                va="bottom",
                color="#777777",
                fontsize=SMALL_PT,
                fontweight="bold",
            )
    axes.set_ylim(0, top * 1.2)
    axes.set_ylabel(texts.contacts, fontsize=SMALL_PT)
    # The newest week is always named; from there back every other one (fewer on a long
    # chart: about six names fit under the bars).
    every = max(LABEL_EVERY, math.ceil(len(weeks) / LABELS))
    labels = [
        texts.week_label.get(week, "") if (len(weeks) - 1 - index) % every == 0 else ""
        for index, week in enumerate(weeks)
    ]
    axes.set_xticks(list(positions), labels)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    axes.tick_params(labelsize=SMALL_PT)
    axes.spines[["top", "right"]].set_visible(False)

    mood_axes = axes.twinx()
    # Missing weeks are gaps in the line (NaN), not a line drawn through them.
    moods: list[float] = []
    for week in weeks:
        mood = figures[week].mood if week in figures else None
        moods.append(math.nan if mood is None else mood)
    if any(not math.isnan(mood) for mood in moods):
        mood_axes.plot(
            list(positions), moods, color=MOOD_COLOUR, marker="o", linewidth=3, label=texts.mood
        )
    mood_axes.set_ylim(0.5, 5.5)
    mood_axes.set_yticks([1, 3, 5])
    mood_axes.set_ylabel(texts.mood, fontsize=SMALL_PT)
    mood_axes.tick_params(labelsize=SMALL_PT)
    mood_axes.spines[["top"]].set_visible(False)

    handles, labels = axes.get_legend_handles_labels()
    mood_handles, mood_labels = mood_axes.get_legend_handles_labels()
    if banded:
        mood_handles.append(Patch(color=NOT_KNOWN_BAND))
        mood_labels.append(texts.not_known)
    if handles or mood_handles:
        figure.legend(
            handles + mood_handles,
            labels + mood_labels,
            loc="lower left",
            bbox_to_anchor=(0.01, 0.07),
            fontsize=SMALL_PT,
            ncols=3,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.0,
        )
    figure.suptitle(texts.title, fontsize=SMALL_PT + 2, y=0.985)
    if not banded:
        figure.text(
            0.99, 0.01, f"? = {texts.not_known}", ha="right", fontsize=SMALL_PT, color="#555555"
        )
    return figure


def _count(by_domain: Mapping[str, int], name: str, shown: Sequence[str]) -> int:
    """Contacts of ``name`` that week; for :data:`OTHER`, of every domain not shown."""
    if name != OTHER:
        return by_domain.get(name, 0)
    return sum(count for domain, count in by_domain.items() if domain not in shown)
