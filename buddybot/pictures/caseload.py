"""A professional's caseload in one picture: per client this week's contacts (a bar; a
hatched "?" when not known), their mood (a dot on five faces) and a mark for those who
need attention. Clients in the digest's order: who needs attention first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from buddybot.pictures.lettering import SMALL_PT, WIDTH_IN, isolate, lettering, png

BAR = "#0072B2"
UNKNOWN = "#BBBBBB"
ATTENTION = "#D55E00"
MOOD = "#000000"


@dataclass(frozen=True)
class CaseloadRow:
    """One client on the picture."""

    name: str
    contacts: int | None  # None: not known this week
    mood: float | None
    needs_attention: bool


@dataclass(frozen=True)
class CaseloadTexts:
    """Every word on the picture, in the viewer's language."""

    title: str
    contacts: str
    mood: str
    not_known: str
    attention: str


@lettering()
def render_caseload(rows: Sequence[CaseloadRow], texts: CaseloadTexts) -> bytes:
    """The caseload picture as PNG bytes, 1080 px wide and taller with more clients."""
    return png(draw_caseload(rows, texts))


@lettering()
def draw_caseload(rows: Sequence[CaseloadRow], texts: CaseloadTexts) -> Figure:
    """The caseload picture as a matplotlib figure: a row per client, the first on top."""
    height = 2.2 + 0.5 * max(1, len(rows))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=120)
    contacts_axes, mood_axes = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    positions = list(range(len(rows)))[::-1]  # first row at the top
    known = [row.contacts if row.contacts is not None else 0 for row in rows]
    top = max([*known, 4])
    for position, row in zip(positions, rows, strict=True):
        if row.contacts is None:
            # No bar: an unknown week is not "as many as the most" (nor zero), just "?".
            contacts_axes.text(
                0, position, " ?", ha="left", va="center", color="#777777", fontsize=SMALL_PT
            )
        else:
            contacts_axes.barh(position, row.contacts, color=BAR)
            contacts_axes.text(
                row.contacts, position, f" {row.contacts}", va="center", fontsize=SMALL_PT
            )
        if row.mood is not None:
            mood_axes.plot([row.mood], [position], "o", color=MOOD, markersize=10)
    labels = [("! " if row.needs_attention else "") + isolate(row.name) for row in rows]
    contacts_axes.set_yticks(positions, labels)
    for label, row in zip(contacts_axes.get_yticklabels(), rows, strict=True):
        if row.needs_attention:
            label.set_color(ATTENTION)
            label.set_fontweight("bold")
    contacts_axes.set_xlim(0, top * 1.25)
    contacts_axes.set_xlabel(texts.contacts, fontsize=SMALL_PT)
    contacts_axes.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    mood_axes.set_xlim(0.5, 5.5)
    mood_axes.set_xticks([1, 3, 5])
    mood_axes.set_xlabel(texts.mood, fontsize=SMALL_PT)
    mood_axes.grid(axis="x", color="#EEEEEE")
    for axes in (contacts_axes, mood_axes):
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(labelsize=SMALL_PT)
    figure.suptitle(texts.title, fontsize=SMALL_PT + 2)
    # Two lines: side by side they are wider than the picture in Dutch.
    figure.text(
        0.01,
        0.01,
        f"? = {texts.not_known}\n! = {texts.attention}",
        fontsize=SMALL_PT,
        color="#555555",
        va="bottom",
    )
    footnote = 2 * SMALL_PT * 1.3 / 72 + 0.1  # inches
    figure.tight_layout(rect=(0, footnote / height, 1, 1))
    return figure
