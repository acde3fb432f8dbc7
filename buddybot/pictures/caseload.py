"""A professional's caseload in one picture: per client this week's contacts (a bar; a
hatched "?" when not known), their mood (a dot on five faces) and a mark for those who
need attention. Clients in the digest's order: who needs attention first."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from buddybot.pictures.lettering import isolate, lettering

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
    """The caseload picture as PNG bytes."""
    height = 1.6 + 0.45 * max(1, len(rows))
    figure = Figure(figsize=(9, height), dpi=120)
    contacts_axes, mood_axes = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    positions = list(range(len(rows)))[::-1]  # first row at the top
    known = [row.contacts if row.contacts is not None else 0 for row in rows]
    top = max([*known, 4])
    for position, row in zip(positions, rows, strict=True):
        if row.contacts is None:
            # No bar: an unknown week is not "as many as the most" (nor zero), just "?".
            contacts_axes.text(0, position, " ?", ha="left", va="center", color=UNKNOWN)
        else:
            contacts_axes.barh(position, row.contacts, color=BAR)
            contacts_axes.text(row.contacts, position, f" {row.contacts}", va="center", fontsize=8)
        if row.mood is not None:
            mood_axes.plot([row.mood], [position], "o", color=MOOD)
    labels = [("! " if row.needs_attention else "") + isolate(row.name) for row in rows]
    contacts_axes.set_yticks(positions, labels)
    for label, row in zip(contacts_axes.get_yticklabels(), rows, strict=True):
        if row.needs_attention:
            label.set_color(ATTENTION)
            label.set_fontweight("bold")
    contacts_axes.set_xlim(0, top * 1.15)
    contacts_axes.set_xlabel(texts.contacts)
    mood_axes.set_xlim(0.5, 5.5)
    mood_axes.set_xticks([1, 2, 3, 4, 5])
    mood_axes.set_xlabel(texts.mood)
    mood_axes.grid(axis="x", color="#EEEEEE")
    for axes in (contacts_axes, mood_axes):
        axes.spines[["top", "right"]].set_visible(False)
    figure.suptitle(texts.title)
    figure.text(
        0.01,
        0.01,
        f"? = {texts.not_known}    ! = {texts.attention}",
        fontsize=8,
        color="#777777",
    )
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
