"""The network circle as a picture: concentric rings (closeness), ten sectors (life domains),
one marker per contact with its label; optionally what changed since a date.

Readable on a phone (every text at least 11 px tall when the picture is shown 412 px wide),
colour-blind-safe (Okabe-Ito palette, and kinds differ by marker shape as well as colour),
texts in the viewer's language (given by the caller). A change is never told by colour
alone: a move is an arrow from the old circle to the new one (solid towards the middle,
dashed away from it), a new contact a bold vermillion ring around its marker, a fading tie
a grey marker with a dashed edge (whatever its kind; its shape still says the kind), a gone one
a cross. The legend lists only what is on the picture: the kinds of contact on it and the
changes drawn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Circle, FancyArrowPatch, Wedge
from matplotlib.transforms import IdentityTransform, Transform, offset_copy
from PIL import Image

from buddybot.network import Comparison, Contact, ContactKind, Domain
from buddybot.pictures.lettering import LARGE_PT, SMALL_PT, WIDTH_IN, lettering

DPI = 120
WIDTH_PX = round(WIDTH_IN * DPI)
HEIGHT_PX = WIDTH_PX + 240
# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
KIND_STYLE = {
    ContactKind.PERSON: ("o", "#0072B2"),
    ContactKind.GROUP: ("s", "#E69F00"),
    ContactKind.ANIMAL: ("^", "#009E73"),
    ContactKind.PLACE: ("D", "#CC79A7"),
}
NEW_COLOUR = "#D55E00"
# A move is an arrow: towards the middle solid green, away from it dashed purple.
CLOSER_STYLE = ("#009E73", "solid")
FURTHER_STYLE = ("#CC79A7", (0, (2, 1.5)))
REMOVED_COLOUR = "#999999"
# A new contact: its marker (its kind's colour, a vermillion edge) inside a bold vermillion
# ring, as the legend's entry is a ring.
NEW_EDGE_WIDTH = 3.5
NEW_RING_SIZE = 800
# A fading tie: grey, paler, with a dashed edge, for every kind (the shape tells the kind);
# the legend entry is drawn with the same values, so the two look the same.
FADING_FACE = "#BBBBBB"
FADING_COLOUR = "#555555"
FADING_ALPHA = 0.8
FADING_EDGE_WIDTH = 2.5
FADING_DASHES = (0, (2.5, 1.5))
MARKER_SIZE = 260
SECTOR = 2 * math.pi / len(Domain)
CENTRE_HOLE = 0.6
# Labels longer than this are cut ("Buurvrouw Ri…"): at a size readable on a phone, longer
# ones run into their neighbours.
LABEL_CHARACTERS = 12
# Room around the outer circle for the domain names, in circles.
MARGIN = 0.75


@dataclass(frozen=True)
class CircleTexts:
    """Every word on the picture, in the viewer's language."""

    title: str
    domains: Mapping[Domain, str]
    circles: Mapping[int, str]
    kinds: Mapping[ContactKind, str]
    new: str
    closer: str
    further: str
    removed: str
    fading: str


def _positions(contacts: Sequence[Contact]) -> dict[int, tuple[float, float]]:
    """(x, y) per contact: inside its domain's sector and its circle's ring, spread so that up
    to ~40 labels do not pile up (alternating radii within a crowded cell)."""
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
            positions[contact.contact_id] = _xy(angle, circle - 0.5 + offset)
    return positions


def _xy(angle: float, radius: float) -> tuple[float, float]:
    """Picture coordinates of a point: angle clockwise from the top, radius in circles
    (a hole in the middle, the client, gives the closest circle room for its labels)."""
    distance = CENTRE_HOLE + radius
    return distance * math.sin(angle), distance * math.cos(angle)


@lettering()
def render_circle(
    contacts: Sequence[Contact],
    texts: CircleTexts,
    *,
    changes: Comparison | None = None,
    fading: Collection[int] = (),
    rings: int = 3,
) -> bytes:
    """The circle picture as PNG bytes. ``changes`` (e.g. since last week) marks new and moved
    contacts and shows removed ones greyed out where they were; ``fading`` (contact ids)
    marks ties that are fading. The legend lists what is drawn (:func:`legend_entries`)."""
    rings = max(rings, max((c.circle for c in contacts), default=1))
    # Text is most of the drawing time; unhinted glyphs render ~20 % faster and look the same
    # at this size.
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):
        figure = draw_circle(contacts, texts, changes=changes, fading=fading, rings=rings)
        figure.patch.set_visible(False)
        canvas = FigureCanvasAgg(figure)
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        renderer.clear()
        # The rings, sectors, their words and the legend are the same for every client in a
        # language: drawn once, then copied in before the contacts are drawn on top.
        entries = legend_entries(contacts, changes=changes, fading=fading)
        renderer.restore_region(_background(texts, rings, entries))
        figure.draw(renderer)
    pixels = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    buffer = io.BytesIO()
    # Fast compression: the picture is sent once, and Telegram re-encodes it anyway.
    Image.fromarray(pixels[..., :3]).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@lettering()
def draw_circle(
    contacts: Sequence[Contact],
    texts: CircleTexts,
    *,
    changes: Comparison | None = None,
    fading: Collection[int] = (),
    rings: int = 3,
) -> Figure:
    """The contacts, their labels and the title as a matplotlib figure, without the common
    background (see ``background_figure``). Markers are collections with gid "contacts" and
    "removed", moves arrows with gid "closer" and "further", so a test can count them."""
    rings = max(rings, max((c.circle for c in contacts), default=1))
    removed = list(changes.removed) if changes else []
    positions = _positions([*contacts, *removed])
    new_ids = {c.contact_id for c in changes.added} if changes else set()

    figure, axes = _canvas(rings)

    # One scatter per marker style (not per contact): drawing cost grows with artists.
    groups: dict[tuple[ContactKind, str], list[Contact]] = {}
    for contact in contacts:
        look = (
            "new"
            if contact.contact_id in new_ids
            else "fading"
            if contact.contact_id in fading
            else "plain"
        )
        groups.setdefault((contact.kind, look), []).append(contact)
    for (kind, look), members in groups.items():
        axes.scatter(
            [positions[c.contact_id][0] for c in members],
            [positions[c.contact_id][1] for c in members],
            marker=KIND_STYLE[kind][0],
            zorder=3,
            gid="contacts",
            **marker_look(kind, look),
        )
    fresh = [c for c in contacts if c.contact_id in new_ids]
    if fresh:
        axes.scatter(
            [positions[c.contact_id][0] for c in fresh],
            [positions[c.contact_id][1] for c in fresh],
            s=NEW_RING_SIZE,
            marker="o",
            facecolors="none",
            edgecolors=NEW_COLOUR,
            linewidths=NEW_EDGE_WIDTH,
            zorder=3,
            gid="new",
        )
    if removed:
        axes.scatter(
            [positions[c.contact_id][0] for c in removed],
            [positions[c.contact_id][1] for c in removed],
            s=200,
            marker="x",
            c=REMOVED_COLOUR,
            linewidths=3.0,
            zorder=2,
            gid="removed",
        )
    if changes:
        for gid, moves, style in (
            ("closer", changes.closer, CLOSER_STYLE),
            ("further", changes.further, FURTHER_STYLE),
        ):
            for move in moves:
                _draw_move(axes, positions[move.contact.contact_id], move.from_circle, gid, style)
    below = offset_copy(axes.transData, fig=figure, y=-LABEL_GAP_PT, units="points")
    above = offset_copy(axes.transData, fig=figure, y=LABEL_GAP_PT, units="points")
    labelled = [*contacts, *removed]
    sides = label_sides([(positions[c.contact_id], short_label(c.label)) for c in labelled], rings)
    for contact, side in zip(labelled, sides, strict=True):
        x, y = positions[contact.contact_id]
        gone = contact in removed
        axes.text(
            x,
            y,
            short_label(contact.label),
            transform=below if side == "below" else above,
            ha="center",
            va="top" if side == "below" else "bottom",
            fontsize=SMALL_PT,
            color="#777777" if gone else "black",
            zorder=4,
        )

    figure.suptitle(texts.title, fontsize=LARGE_PT, y=0.985)
    return figure


def marker_look(kind: ContactKind, look: str) -> dict[str, Any]:
    """How a contact's marker is drawn (scatter arguments but its shape): "plain", "new" (its
    colour in a bold vermillion ring) or "fading" (grey, paler, a dashed edge: the same for
    every kind, and the same as its legend entry)."""
    colour = KIND_STYLE[kind][1]
    if look == "new":
        return {"s": MARKER_SIZE, "c": colour, "edgecolors": NEW_COLOUR, "linewidths": 2.0}
    if look == "fading":
        return {
            "s": MARKER_SIZE,
            "c": FADING_FACE,
            "alpha": FADING_ALPHA,
            "edgecolors": FADING_COLOUR,
            "linewidths": FADING_EDGE_WIDTH,
            "linestyles": [FADING_DASHES],
        }
    return {"s": MARKER_SIZE, "c": colour, "edgecolors": "white", "linewidths": 1.0}


# What the legend can list after the kinds of contact, in this order.
CHANGES = ("new", "closer", "further", "removed", "fading")
LegendEntry = ContactKind | str


def legend_entries(
    contacts: Sequence[Contact],
    *,
    changes: Comparison | None = None,
    fading: Collection[int] = (),
) -> tuple[LegendEntry, ...]:
    """What the legend of a picture of ``contacts`` lists: the kinds of contact on it, then
    the changes drawn on it (:data:`CHANGES`), nothing that is not there."""
    kinds = {contact.kind for contact in contacts}
    new_ids = {c.contact_id for c in changes.added} if changes else set()
    drawn = {
        "new": any(c.contact_id in new_ids for c in contacts),
        "closer": bool(changes and changes.closer),
        "further": bool(changes and changes.further),
        "removed": bool(changes and changes.removed),
        "fading": any(c.contact_id in fading and c.contact_id not in new_ids for c in contacts),
    }
    return (
        *(kind for kind in KIND_STYLE if kind in kinds),
        *(change for change in CHANGES if drawn[change]),
    )


# A label's distance from its marker's centre, and the boxes :func:`label_sides` guesses
# (in pixels: a marker's half width, a character's width and a line's height at SMALL_PT).
LABEL_GAP_PT = 13
_MARKER_PX = 13.0
_CHARACTER_PX = SMALL_PT * DPI / 72 * 0.55
_LINE_PX = SMALL_PT * DPI / 72 * 1.2

Box = tuple[float, float, float, float]  # left, bottom, right, top (pixels)


def label_sides(labels: Sequence[tuple[tuple[float, float], str]], rings: int) -> list[str]:
    """Where each label goes, "below" its marker or "above" it: below unless it would run
    into a marker, a label placed before it or a circle's name, and above would not. The
    boxes are a guess from the number of characters (cheap, and on the safe side)."""
    scale = WIDTH_PX / (2 * (CENTRE_HOLE + rings + MARGIN))  # pixels per circle
    points = [(x * scale, y * scale) for (x, y), _ in labels]
    taken: list[Box] = [
        (x - _MARKER_PX, y - _MARKER_PX, x + _MARKER_PX, y + _MARKER_PX) for x, y in points
    ]
    taken += [
        (box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)
        for box in _circle_name_boxes(rings)
    ]
    gap = LABEL_GAP_PT * DPI / 72
    sides = []
    for index, ((x, y), (_, text)) in enumerate(zip(points, labels, strict=True)):
        half = len(text) * _CHARACTER_PX / 2
        own = taken[index]
        others = [box for number, box in enumerate(taken) if box is not own]
        under = (x - half, y - gap - _LINE_PX, x + half, y - gap)
        over = (x - half, y + gap, x + half, y + gap + _LINE_PX)
        side, box = "below", under
        if _hits(under, others) and not _hits(over, others):
            side, box = "above", over
        sides.append(side)
        taken.append(box)
    return sides


def _circle_name_boxes(rings: int) -> list[Box]:
    """Where the circles' names are (in circles; a guess for names up to 14 characters)."""
    return [
        (-0.9, CENTRE_HOLE + ring - 0.15, 0.9, CENTRE_HOLE + ring + 0.15)
        for ring in range(1, rings + 1)
    ]


def _hits(box: Box, others: Sequence[Box]) -> bool:
    left, bottom, right, top = box
    return any(
        left < o_right and o_left < right and bottom < o_top and o_bottom < top
        for o_left, o_bottom, o_right, o_top in others
    )


def short_label(label: str) -> str:
    """``label`` cut to :data:`LABEL_CHARACTERS` (with "…"), so it stays readable at size."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _draw_move(
    axes: Axes, to: tuple[float, float], from_circle: int, gid: str, style: tuple[str, Any]
) -> None:
    """An arrow from where the contact was (the middle of its old circle, at the same angle)
    to where it is: pointing at the middle for a move closer, away from it for one further."""
    angle = math.atan2(to[0], to[1])
    start = _xy(angle, from_circle - 0.5)
    colour, linestyle = style
    arrow = FancyArrowPatch(
        start,
        to,
        arrowstyle="-|>",
        mutation_scale=28,
        color=colour,
        linewidth=3.5,
        linestyle=linestyle,
        # Bent, so that it comes in from the side and not through the label under the marker.
        connectionstyle="arc3,rad=0.35",
        shrinkA=0,
        shrinkB=11,  # points: the head stops at the marker's edge
        zorder=2.5,
        gid=gid,
    )
    axes.add_patch(arrow)


def _canvas(rings: int) -> tuple[Figure, Axes]:
    """An empty picture with its drawing area set up for ``rings`` circles: the title above,
    the legend below, the circle square between them."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    bottom, size = 170 / HEIGHT_PX, WIDTH_PX / HEIGHT_PX
    axes = figure.add_axes((0.0, bottom, 1.0, size))
    reach = CENTRE_HOLE + rings + MARGIN
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-reach, reach)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.patch.set_alpha(0)
    return figure, axes


@lettering()
def background_figure(
    texts: CircleTexts,
    rings: int,
    with_changes: bool,
    entries: Sequence[LegendEntry] | None = None,
) -> Figure:
    """What every circle picture in one language with the same legend has in common, as a
    figure. The legend lists ``entries`` (:func:`legend_entries`); without them every kind,
    and every change when ``with_changes``."""
    figure, axes = _canvas(rings)
    figure.patch.set_facecolor("white")
    _draw_background(axes, texts, rings)
    if entries is None:
        entries = (*KIND_STYLE, *(CHANGES if with_changes else ()))
    _draw_legend(figure, texts, entries)
    return figure


# Agg buffer regions (matplotlib gives them no public type).
_BACKGROUNDS: dict[tuple[object, ...], Any] = {}
# Each is a full picture in memory (about 6 MB): a few languages × ring counts × legends.
_MAX_BACKGROUNDS = 12


def _background(texts: CircleTexts, rings: int, entries: tuple[LegendEntry, ...]) -> Any:
    key = (
        tuple(texts.domains.items()),
        tuple(texts.circles.items()),
        tuple(texts.kinds.items()),
        texts.new,
        texts.closer,
        texts.further,
        texts.removed,
        texts.fading,
        rings,
        entries,
    )
    if key not in _BACKGROUNDS:
        figure = background_figure(texts, rings, False, entries)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()  # type: ignore[no-untyped-call]
        if len(_BACKGROUNDS) >= _MAX_BACKGROUNDS:
            _BACKGROUNDS.pop(next(iter(_BACKGROUNDS)))
        _BACKGROUNDS[key] = canvas.copy_from_bbox(figure.bbox)  # type: ignore[no-untyped-call]
    return _BACKGROUNDS[key]


def _draw_background(axes: Axes, texts: CircleTexts, rings: int) -> None:
    outer = CENTRE_HOLE + rings
    shades = ("#F2F2F2", "#FFFFFF")
    for index, domain in enumerate(Domain):
        # Wedge angles run counter-clockwise from the right; ours clockwise from the top.
        start = 90 - math.degrees((index + 1) * SECTOR)
        axes.add_patch(
            Wedge(
                (0, 0),
                outer,
                start,
                start + math.degrees(SECTOR),
                width=rings,
                facecolor=shades[index % 2],
                edgecolor="none",
                zorder=0,
            )
        )
        x, y = _xy(index * SECTOR + SECTOR / 2, rings + 0.35)
        axes.text(
            x,
            y,
            texts.domains[domain],
            ha="center",
            va="center",
            fontsize=SMALL_PT,
            fontweight="bold",
            zorder=1,
        )
    spokes = [[_xy(index * SECTOR, 0), _xy(index * SECTOR, rings)] for index in range(len(Domain))]
    axes.add_collection(LineCollection(spokes, colors="#CCCCCC", linewidths=0.8, zorder=1))
    for ring in range(rings + 1):
        axes.add_patch(
            Circle(
                (0, 0), CENTRE_HOLE + ring, fill=False, edgecolor="#888888", linewidth=1.0, zorder=1
            )
        )
        if ring:
            # On its circle's line at the top, between the two sectors: the markers sit
            # between the lines, so the name does not cover one (:func:`_circle_name_boxes`).
            axes.text(
                0,
                CENTRE_HOLE + ring,
                texts.circles.get(ring, str(ring)),
                fontsize=SMALL_PT,
                color="#555555",
                ha="center",
                va="center",
                zorder=1,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
    axes.text(0, 0, "★", ha="center", va="center", fontsize=30, zorder=2)


class _Arrow:
    """A legend entry drawn as an arrow (a move), in the style it has on the picture."""

    def __init__(self, style: tuple[str, Any], label: str) -> None:
        self.style = style
        self.label = label

    def get_label(self) -> str:
        return self.label


class _ArrowHandler(HandlerBase):
    def create_artists(  # type: ignore[override]
        self,
        legend: Legend,
        orig_handle: _Arrow,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Transform,
    ) -> list[FancyArrowPatch]:
        colour, linestyle = orig_handle.style
        middle = height / 2 - ydescent
        arrow = FancyArrowPatch(
            (-xdescent, middle),
            (width - xdescent, middle),
            arrowstyle="-|>",
            mutation_scale=fontsize,
            color=colour,
            linewidth=3,
            linestyle=linestyle,
            transform=trans,
        )
        return [arrow]


class _Fading:
    """The legend entry of a fading tie, drawn as the marker is on the picture."""

    def __init__(self, label: str) -> None:
        self.label = label

    def get_label(self) -> str:
        return self.label


class _FadingHandler(HandlerBase):
    def create_artists(  # type: ignore[override]
        self,
        legend: Legend,
        orig_handle: _Fading,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Transform,
    ) -> list[Artist]:
        centre = (width / 2 - xdescent, height / 2 - ydescent)
        look = marker_look(ContactKind.PERSON, "fading")
        # The fill (the entry's colours, as a marker) and over it the dashed edge: a line's
        # marker has no dashed edge, a scatter's has.
        fill = Line2D(
            [centre[0]],
            [centre[1]],
            marker=KIND_STYLE[ContactKind.PERSON][0],
            linestyle="",
            markersize=math.sqrt(look["s"]),
            markerfacecolor=look["c"],
            markeredgecolor=look["edgecolors"],
            markeredgewidth=0,
            alpha=look["alpha"],
            transform=trans,
        )
        shape = MarkerStyle(KIND_STYLE[ContactKind.PERSON][0])
        edge = PathCollection(
            [shape.get_path().transformed(shape.get_transform())],  # as a scatter's
            sizes=[look["s"]],
            offsets=[centre],
            offset_transform=trans,
            transform=IdentityTransform(),  # sizes in points, as a scatter's
            facecolors="none",
            edgecolors=look["edgecolors"],
            linewidths=look["linewidths"],
            linestyles=look["linestyles"],
            alpha=look["alpha"],
        )
        return [fill, edge]


def _draw_legend(figure: Figure, texts: CircleTexts, entries: Sequence[LegendEntry]) -> None:
    """The legend: the kinds of contact in ``entries`` in the first columns, then the
    changes, filled column by column."""
    handles: list[Any] = [
        Line2D(
            [],
            [],
            marker=KIND_STYLE[entry][0],
            color=KIND_STYLE[entry][1],
            linestyle="",
            markersize=14,
            label=texts.kinds[entry],
        )
        for entry in entries
        if isinstance(entry, ContactKind)
    ]
    kinds = len(handles)
    changes: dict[str, Callable[[], Any]] = {
        "new": lambda: _changed(
            texts.new, face="white", edge=NEW_COLOUR, width=NEW_EDGE_WIDTH, size=18
        ),
        "closer": lambda: _Arrow(CLOSER_STYLE, texts.closer),
        "further": lambda: _Arrow(FURTHER_STYLE, texts.further),
        "removed": lambda: _changed(
            texts.removed, marker="x", face=REMOVED_COLOUR, edge=REMOVED_COLOUR, width=3
        ),
        "fading": lambda: _Fading(texts.fading),
    }
    handles += [changes[entry]() for entry in entries if not isinstance(entry, ContactKind)]
    if not handles:
        return
    figure.legend(
        handles=handles,
        # Filled column by column: the kinds first, then what changed.
        ncol=min(3, len(handles)) if len(handles) > kinds else max(1, kinds),
        loc="lower center",
        fontsize=SMALL_PT,
        frameon=False,
        bbox_to_anchor=(0.5, 0.005),
        handlelength=2.2,
        columnspacing=1.2,
        handler_map={_Arrow: _ArrowHandler(), _Fading: _FadingHandler()},
    )


def _changed(
    label: str,
    *,
    edge: str,
    marker: str = "o",
    face: str = "#BBBBBB",
    width: float = 3,
    size: float = 14,
) -> Line2D:
    """A legend entry for one kind of change drawn on a marker (new, gone)."""
    return Line2D(
        [],
        [],
        marker=marker,
        color=face,
        markeredgecolor=edge,
        markeredgewidth=width,
        linestyle="",
        markersize=size,
        label=label,
    )
