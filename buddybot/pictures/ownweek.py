"""A client's own week as a simple picture (``/myweek``): the people they were in touch with
as big labelled chips, each with the shape and colour of its kind on the circle, and their
last weeks as a row of numbers ("how many people"). No axes, no scales, few words: it tells
what they did, not what their professional reads in the chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen: render to memory only

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from buddybot.network import ContactKind
from buddybot.pictures.circle import KIND_STYLE
from buddybot.pictures.lettering import LARGE_PT, SMALL_PT, WIDTH_IN, lettering, png

DPI = 120
# Chips on the picture; more people than this end in a "+ 3 more" chip.
MAX_CHIPS = 8
CHIP_CHARACTERS = 14  # a longer name is cut ("Buurvrouw Rit…"), to fit its chip
NAME_PT = 22.0
COUNT_PT = 26.0
BUDDY_STYLE = ("h", "#56B4E9")  # the buddy need not be on the map: a shape of their own
THIS_WEEK = "#0072B2"
EARLIER = "#9CC3E0"
NOT_KNOWN = "#777777"
# Layout, in inches from the top.
TOP = 1.05
ROW = 0.8
WEEKS_HEIGHT = 2.9


@dataclass(frozen=True)
class Person:
    """Someone the client was in touch with: their label, and the kind of contact (None for
    the buddy: the label is their first name, "" when not known)."""

    label: str
    kind: ContactKind | None


@dataclass(frozen=True)
class WeekCount:
    """One week in the row at the bottom: its label ("30 nov"), how many people (None when
    not known: no answers that week), and whether it is the week the picture is about."""

    label: str
    people: int | None
    shown: bool = False


@dataclass(frozen=True)
class OwnWeekTexts:
    """Every word on the picture, in the client's language. ``more(n)`` says "+ n more"."""

    title: str
    seen: str  # above the chips: "You were in touch with"
    nobody: str  # instead of chips, when nobody was noted that week
    not_known: str  # instead of chips, when there were no answers that week
    weeks: str  # above the row of weeks: "People per week"
    more: Callable[[int], str]
    # The buddy's chip: "Bram (buddy)" (``buddy(name)``), or "Your buddy" without a name;
    # the hexagon alone would say nothing.
    buddy: Callable[[str], str]
    your_buddy: str


@lettering()
def render_own_week(
    people: Sequence[Person] | None, weeks: Sequence[WeekCount], texts: OwnWeekTexts
) -> bytes:
    """The picture as PNG bytes, 1080 px wide (taller with more people). ``people`` is who
    the client was in touch with, most often first (None: not known, no answers); ``weeks``
    the last few weeks, oldest first."""
    return png(draw_own_week(people, weeks, texts))


@lettering()
def draw_own_week(
    people: Sequence[Person] | None, weeks: Sequence[WeekCount], texts: OwnWeekTexts
) -> Figure:
    """The picture as a matplotlib figure (see :func:`render_own_week`). Chips are patches
    with gid "chip", so a test can count them."""
    chips = _chips(people or (), texts)
    rows = max(1, (len(chips) + 1) // 2)
    height = TOP + 0.55 + rows * ROW + WEEKS_HEIGHT
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    figure.patch.set_facecolor("white")
    # One drawing area over the whole picture, in inches from the bottom left.
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH_IN)
    axes.set_ylim(0, height)
    axes.set_axis_off()

    axes.text(0.4, height - 0.5, texts.title, fontsize=LARGE_PT + 2, fontweight="bold", va="center")
    y = height - TOP
    axes.text(0.4, y, texts.seen, fontsize=SMALL_PT + 2, va="center")
    y -= 0.2
    if people is None or not people:
        axes.text(
            0.4,
            y - ROW / 2,
            texts.not_known if people is None else texts.nobody,
            fontsize=NAME_PT,
            color=NOT_KNOWN,
            va="center",
        )
    for index, (label, style) in enumerate(chips):
        left = 0.4 + (index % 2) * 4.2
        middle = y - (index // 2) * ROW - ROW / 2
        _draw_chip(axes, left, middle, label, style)
    _draw_weeks(axes, weeks, texts, WEEKS_HEIGHT)
    return figure


def _chips(
    people: Sequence[Person], texts: OwnWeekTexts
) -> list[tuple[str, tuple[str, str] | None]]:
    """(label, (marker, colour)) per chip; the last says "+ n more" (no marker) when there
    are more people than :data:`MAX_CHIPS`."""
    chips: list[tuple[str, tuple[str, str] | None]] = [
        (_short(person.label), KIND_STYLE[person.kind])
        if person.kind is not None
        else (_buddy_label(person.label, texts), BUDDY_STYLE)
        for person in people
    ]
    if len(chips) > MAX_CHIPS:
        more = len(chips) - (MAX_CHIPS - 1)
        chips = [*chips[: MAX_CHIPS - 1], (texts.more(more), None)]
    return chips


def has_content(people: Sequence[Person] | None, weeks: Sequence[WeekCount]) -> bool:
    """Whether the picture would show anything: who the client was in touch with (nobody
    counts: answered, but nobody), or at least one week's number. Without answers in any of
    its weeks it would be "No answers yet" over a row of "?": nothing to send."""
    return people is not None or any(week.people is not None for week in weeks)


def _buddy_label(name: str, texts: OwnWeekTexts) -> str:
    """ "Bram (buddy)": the name cut so that the whole still fits its chip (the word says
    who it is, so it is never cut)."""
    if not name:
        return texts.your_buddy
    room = max(4, CHIP_CHARACTERS + 3 - len(texts.buddy("")))
    return texts.buddy(_short(name, room))


def _short(label: str, characters: int = CHIP_CHARACTERS) -> str:
    if len(label) <= characters:
        return label
    return label[: characters - 1].rstrip() + "…"


def _draw_chip(
    axes: Axes, left: float, middle: float, label: str, style: tuple[str, str] | None
) -> None:
    width, height = 3.9, ROW - 0.15
    axes.add_patch(
        FancyBboxPatch(
            (left, middle - height / 2),
            width,
            height,
            boxstyle="round,pad=0,rounding_size=0.3",
            facecolor="#F2F2F2",
            edgecolor="#CCCCCC",
            linewidth=1.5,
            gid="chip",
        )
    )
    text_left = left + 0.25
    if style is not None:
        marker, colour = style
        axes.scatter([left + 0.4], [middle], s=420, marker=marker, c=colour, zorder=3)
        text_left = left + 0.8
    axes.text(text_left, middle, label, fontsize=NAME_PT, va="center", zorder=3)


def _draw_weeks(
    axes: Axes, weeks: Sequence[WeekCount], texts: OwnWeekTexts, section: float
) -> None:
    """The last weeks at the bottom: a bar per week with its number on top, "?" for a week
    without answers; the week the picture is about in a darker blue."""
    axes.text(0.4, section - 0.35, texts.weeks, fontsize=SMALL_PT + 2, va="center")
    base, tallest = 0.55, section - 1.45  # inches
    most = max([4, *(week.people or 0 for week in weeks)])
    step = (WIDTH_IN - 0.8) / max(1, len(weeks))
    for index, week in enumerate(weeks):
        centre = 0.4 + step * (index + 0.5)
        number = "?" if week.people is None else str(week.people)
        bar = 0.0 if week.people is None else tallest * week.people / most
        if bar:
            axes.add_patch(
                Rectangle(
                    (centre - step * 0.3, base),
                    step * 0.6,
                    bar,
                    facecolor=THIS_WEEK if week.shown else EARLIER,
                    gid="week",
                )
            )
        axes.text(
            centre,
            base + bar + 0.08,
            number,
            ha="center",
            va="bottom",
            fontsize=COUNT_PT,
            fontweight="bold",
            color=NOT_KNOWN if week.people is None else "black",
        )
        axes.text(
            centre,
            base - 0.1,
            week.label,
            ha="center",
            va="top",
            fontsize=SMALL_PT,
            fontweight="bold" if week.shown else "normal",
        )
