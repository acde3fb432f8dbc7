"""The network circle as a picture: concentric rings (closeness), ten sectors (life domains),
one marker per contact with its label; optionally what changed since a date.

Readable on a phone (1080 px wide), colour-blind-safe (Okabe-Ito palette, and kinds differ
by marker shape as well as colour), texts in the viewer's language (given by the caller).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.projections.polar import PolarAxes
from matplotlib.transforms import offset_copy

from buddybot.network import Comparison, Contact, ContactKind, Domain

WIDTH_PX = 1080
DPI = 120
# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
KIND_STYLE = {
    ContactKind.PERSON: ("o", "#0072B2"),
    ContactKind.GROUP: ("s", "#E69F00"),
    ContactKind.ANIMAL: ("^", "#009E73"),
    ContactKind.PLACE: ("D", "#CC79A7"),
}
NEW_COLOUR = "#D55E00"
MOVED_COLOUR = "#56B4E9"
REMOVED_COLOUR = "#999999"
SECTOR = 2 * math.pi / len(Domain)
CENTRE_HOLE = 0.6


@dataclass(frozen=True)
class CircleTexts:
    """Every word on the picture, in the viewer's language."""

    title: str
    domains: Mapping[Domain, str]
    circles: Mapping[int, str]
    kinds: Mapping[ContactKind, str]
    new: str
    moved: str
    removed: str


def _positions(contacts: Sequence[Contact]) -> dict[int, tuple[float, float]]:
    """(angle, radius) per contact: inside its domain's sector and its circle's ring, spread
    so that up to ~40 labels do not pile up (alternating radii within a crowded cell)."""
    cells: dict[tuple[Domain, int], list[Contact]] = {}
    for contact in sorted(contacts, key=lambda c: (c.label.casefold(), c.contact_id)):
        cells.setdefault((contact.domain, contact.circle), []).append(contact)
    order = list(Domain)
    positions = {}
    for (domain, circle), members in cells.items():
        start = order.index(domain) * SECTOR
        count = len(members)
        for index, contact in enumerate(members):
            angle = start + SECTOR * (index + 1) / (count + 1)
            # Stagger radii in crowded cells so neighbouring labels sit at different heights.
            offset = (-0.22, 0.22)[index % 2] if count > 1 else 0.0
            positions[contact.contact_id] = (angle, circle - 0.5 + offset)
    return positions


def render_circle(
    contacts: Sequence[Contact],
    texts: CircleTexts,
    *,
    changes: Comparison | None = None,
    rings: int = 3,
) -> bytes:
    """The circle picture as PNG bytes. ``changes`` (e.g. since last week) marks new and moved
    contacts and shows removed ones greyed out where they were."""
    rings = max(rings, max((c.circle for c in contacts), default=1))
    removed = list(changes.removed) if changes else []
    positions = _positions([*contacts, *removed])
    new_ids = {c.contact_id for c in changes.added} if changes else set()
    moved_ids = (
        {m.contact.contact_id for m in (*changes.closer, *changes.further)} if changes else set()
    )

    figure = Figure(figsize=(WIDTH_PX / DPI, (WIDTH_PX + 240) / DPI), dpi=DPI)
    axes = figure.add_axes((0.09, 0.15, 0.82, 0.76), projection="polar")
    assert isinstance(axes, PolarAxes)
    axes.set_ylim(0, rings)
    # A hole in the middle (the client) gives the closest circle room for its labels.
    axes.set_rorigin(-CENTRE_HOLE)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.spines["polar"].set_visible(False)
    axes.set_theta_zero_location("N")
    axes.set_theta_direction(-1)
    _draw_background(axes, texts, rings)

    # One scatter per marker style (not per contact): drawing cost grows with artists.
    groups: dict[tuple[str, str, str], list[Contact]] = {}
    for contact in contacts:
        marker, colour = KIND_STYLE[contact.kind]
        edge = (
            NEW_COLOUR
            if contact.contact_id in new_ids
            else MOVED_COLOUR
            if contact.contact_id in moved_ids
            else "white"
        )
        groups.setdefault((marker, colour, edge), []).append(contact)
    for (marker, colour, edge), members in groups.items():
        axes.scatter(
            [positions[c.contact_id][0] for c in members],
            [positions[c.contact_id][1] for c in members],
            s=150,
            marker=marker,
            c=colour,
            edgecolors=edge,
            linewidths=3.0 if edge != "white" else 1.0,
            zorder=3,
            gid="contacts",
        )
    if removed:
        axes.scatter(
            [positions[c.contact_id][0] for c in removed],
            [positions[c.contact_id][1] for c in removed],
            s=120,
            marker="x",
            c=REMOVED_COLOUR,
            zorder=2,
            gid="removed",
        )
    below = offset_copy(axes.transData, fig=figure, y=-10, units="points")
    for contact in [*contacts, *removed]:
        angle, radius = positions[contact.contact_id]
        gone = contact in removed
        axes.text(
            angle,
            radius,
            contact.label,
            transform=below,
            ha="center",
            va="top",
            fontsize=8 if gone else 9,
            color=REMOVED_COLOUR if gone else "black",
            zorder=4,
        )

    figure.suptitle(texts.title, fontsize=18, y=0.975)
    _draw_legend(figure, texts, changes is not None)
    buffer = io.BytesIO()
    # Fast compression: the picture is sent once; Telegram re-encodes it anyway.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _draw_background(axes: PolarAxes, texts: CircleTexts, rings: int) -> None:
    shades = ("#F2F2F2", "#FFFFFF")
    for index, domain in enumerate(Domain):
        axes.bar(
            index * SECTOR + SECTOR / 2,
            rings,
            width=SECTOR,
            bottom=0,
            color=shades[index % 2],
            edgecolor="#CCCCCC",
            linewidth=0.8,
            zorder=0,
        )
        axes.text(
            index * SECTOR + SECTOR / 2,
            rings + 0.18,
            texts.domains[domain],
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            zorder=1,
        )
    for ring in range(1, rings + 1):
        theta = [i * 2 * math.pi / 200 for i in range(201)]
        axes.plot(theta, [ring] * len(theta), color="#888888", linewidth=1.0, zorder=1)
        axes.text(
            math.radians(2),
            ring - 0.08,
            texts.circles.get(ring, str(ring)),
            fontsize=8,
            color="#555555",
            ha="left",
            va="top",
            zorder=1,
        )
    axes.text(0.5, 0.5, "★", transform=axes.transAxes, ha="center", va="center", fontsize=22)


def _draw_legend(figure: Figure, texts: CircleTexts, with_changes: bool) -> None:
    handles = [
        Line2D(
            [],
            [],
            marker=marker,
            color=colour,
            linestyle="",
            markersize=10,
            label=texts.kinds[kind],
        )
        for kind, (marker, colour) in KIND_STYLE.items()
    ]
    if with_changes:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                color="#BBBBBB",
                markeredgecolor=NEW_COLOUR,
                markeredgewidth=3,
                linestyle="",
                markersize=10,
                label=texts.new,
            ),
            Line2D(
                [],
                [],
                marker="o",
                color="#BBBBBB",
                markeredgecolor=MOVED_COLOUR,
                markeredgewidth=3,
                linestyle="",
                markersize=10,
                label=texts.moved,
            ),
            Line2D(
                [],
                [],
                marker="x",
                color=REMOVED_COLOUR,
                linestyle="",
                markersize=10,
                label=texts.removed,
            ),
        ]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=4,
        fontsize=11,
        frameon=False,
        bbox_to_anchor=(0.5, 0.01),
    )
