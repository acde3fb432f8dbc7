"""The organisation in one picture, for its coordinator: per row (the whole organisation, each
work model, each professional's caseload) how many networks grew, stayed or shrank since
intake, as one bar split in three with the counts on it. A group of fewer than five clients
gets no bar, only the words that say it is not shown. No client's name is on it: the rows
are groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from buddybot.pictures.lettering import SMALL_PT, WIDTH_IN, isolate, lettering, png

# Okabe–Ito colours, told apart with any colour vision; "stayed" grey, as neither.
GREW = "#009E73"
STAYED = "#BBBBBB"
SHRANK = "#D55E00"
NOT_SHOWN = "#777777"
MIN_LABELLED = 0.05  # of the axis: a bar part narrower than this carries no number


@dataclass(frozen=True)
class OrganisationRow:
    """One group on the picture: its name, and grew / stayed / shrank (None: not shown).
    ``heading``: the first row of a section (the whole, the work models, the caseloads),
    drawn in bold."""

    name: str
    counts: tuple[int, int, int] | None
    heading: bool = False


@dataclass(frozen=True)
class OrganisationTexts:
    """Every word on the picture, in the viewer's language."""

    title: str
    clients: str  # under the axis: "clients"
    grew: str
    stayed: str
    shrank: str
    not_shown: str  # "fewer than 5 clients: not shown"


@lettering()
def render_organisation(rows: Sequence[OrganisationRow], texts: OrganisationTexts) -> bytes:
    """The organisation picture as PNG bytes, 1080 px wide and taller with more rows."""
    return png(draw_organisation(rows, texts))


@lettering()
def draw_organisation(rows: Sequence[OrganisationRow], texts: OrganisationTexts) -> Figure:
    """The organisation picture as a matplotlib figure, the first row on top."""
    height = 2.6 + 0.6 * max(1, len(rows))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=120)
    axes = figure.subplots()
    positions = list(range(len(rows)))[::-1]
    widest = max([sum(row.counts) for row in rows if row.counts] + [5])
    for position, row in zip(positions, rows, strict=True):
        if row.counts is None:
            axes.text(0, position, texts.not_shown, va="center", color=NOT_SHOWN, fontsize=SMALL_PT)
            continue
        left = 0
        for count, colour in zip(row.counts, (GREW, STAYED, SHRANK), strict=True):
            if count:
                axes.barh(position, count, left=left, color=colour, height=0.7)
            # A count only on a part wide enough to hold it: on a narrow one the numbers
            # ran into each other (the whole organisation sets the axis).
            if count and count / widest >= MIN_LABELLED:
                # The count on its part of the bar, dark on light and light on dark.
                ink = "#000000" if colour == STAYED else "#FFFFFF"
                axes.text(
                    left + count / 2,
                    position,
                    str(count),
                    ha="center",
                    va="center",
                    color=ink,
                    fontsize=SMALL_PT,
                )
            left += count
    axes.set_yticks(positions, [isolate(row.name) for row in rows])
    for label, row in zip(axes.get_yticklabels(), rows, strict=True):
        if row.heading:
            label.set_fontweight("bold")
    axes.set_xlim(0, widest * 1.05)
    axes.set_xlabel(texts.clients, fontsize=SMALL_PT)
    axes.tick_params(labelsize=SMALL_PT)
    axes.spines[["top", "right"]].set_visible(False)
    legend = [
        Patch(color=GREW, label=f"▲ {texts.grew}"),
        Patch(color=STAYED, label=f"= {texts.stayed}"),
        Patch(color=SHRANK, label=f"▼ {texts.shrank}"),
    ]
    figure.legend(handles=legend, loc="lower center", ncols=3, fontsize=SMALL_PT, frameon=False)
    figure.suptitle(texts.title, fontsize=SMALL_PT + 2)
    _margins(figure, axes, height)
    return figure


def _margins(figure: Figure, axes: Axes, height: float) -> None:
    """Room for the names on the left, the title above and the axis' words and legend
    below, measured on the names themselves: tight_layout drew the whole picture once more
    to find the same (a third of its time)."""
    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]
    names = max(label.get_window_extent(renderer).width for label in axes.get_yticklabels())
    width_px = WIDTH_IN * figure.dpi
    legend_in = SMALL_PT * 2.2 / 72  # one line of legend and its padding
    axis_in = SMALL_PT * 3.4 / 72  # the counts under the axis and its word
    title_in = (SMALL_PT + 2) * 2.2 / 72
    figure.subplots_adjust(
        left=min(0.6, (names + 0.25 * figure.dpi) / width_px),
        right=0.97,
        bottom=(legend_in + axis_in) / height,
        top=1 - title_in / height,
    )
