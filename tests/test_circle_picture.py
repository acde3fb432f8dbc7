"""The circle picture: phone-sized, not blank, one marker per contact, changes marked."""

from __future__ import annotations

import io
import random

import matplotlib.image
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.network import Comparison, Contact, ContactKind, Domain, Move
from buddybot.pictures.caseload import CaseloadRow, CaseloadTexts, render_caseload
from buddybot.pictures.circle import (
    background_figure,
    draw_circle,
    label_sides,
    render_circle,
)


def crowd(count: int) -> list[Contact]:
    rng = random.Random(7)
    return [
        Contact(
            number + 1,
            rng.choice(list(ContactKind)),
            f"Contact {number + 1}",
            rng.choice([1, 2, 3]),
            rng.choice(list(Domain)),
        )
        for number in range(count)
    ]


def _markers(figure: object, gid: str) -> int:
    axes = figure.axes[0]  # type: ignore[attr-defined]
    return sum(len(c.get_offsets()) for c in axes.collections if c.get_gid() == gid)


def test_forty_contacts_one_marker_each_on_a_phone_sized_picture() -> None:
    contacts = crowd(40)
    texts = circle_texts(translator("nl"), "Amira")
    assert _markers(draw_circle(contacts, texts), "contacts") == 40
    image = matplotlib.image.imread(io.BytesIO(render_circle(contacts, texts)), format="png")
    height, width = image.shape[:2]
    assert width == 1080
    assert height > width
    assert image[..., :3].std() > 0.05  # not blank


def test_changes_are_marked_and_removed_contacts_shown_where_they_were() -> None:
    contacts = crowd(10)
    gone = Contact(99, ContactKind.PERSON, "Ex", 2, Domain.FRIENDS)
    changes = Comparison(
        added=(contacts[0],), removed=(gone,), closer=(Move(contacts[1], 3, 1),), further=()
    )
    figure = draw_circle(contacts, circle_texts(translator("en"), "Amira"), changes=changes)
    assert _markers(figure, "contacts") == 10
    assert _markers(figure, "removed") == 1
    edges = {
        tuple(round(float(v), 2) for v in np.asarray(c.get_edgecolor())[0][:3])
        for c in figure.axes[0].collections
        if c.get_gid() == "contacts"
    }
    assert (0.84, 0.37, 0.0) in edges  # new: vermillion
    background = background_figure(circle_texts(translator("en"), "Amira"), 3, True)
    legend = [t.get_text() for t in background.legends[0].get_texts()]
    assert legend[-5:] == ["new", "moved closer", "moved further away", "gone", "fading"]


def test_fading_ties_are_drawn_paler_with_a_dashed_edge() -> None:
    contacts = crowd(5)
    figure = draw_circle(contacts, circle_texts(translator("en"), "Amira"), fading={3})
    faded = [
        c
        for c in figure.axes[0].collections
        if c.get_gid() == "contacts" and (c.get_alpha() or 1.0) < 1
    ]
    assert len(faded) == 1
    assert np.asarray(faded[0].get_offsets()).shape[0] == 1


def test_every_word_on_the_picture_is_in_the_viewers_language() -> None:
    texts = circle_texts(translator("nl"), "Amira")
    words = {t.get_text() for t in background_figure(texts, 3, True).axes[0].texts}
    assert {"Familie", "Vrienden", "Buurt", "Heel dichtbij"} <= words
    # The name isolated (FSI … PDI): an Arabic name keeps the Dutch title in order.
    assert draw_circle(crowd(3), texts).get_suptitle() == "Het netwerk van \u2068Amira\u2069"


def test_an_empty_network_still_draws_the_circle() -> None:
    image = matplotlib.image.imread(
        io.BytesIO(render_circle([], circle_texts(translator("en"), "Noor"))), format="png"
    )
    assert image.shape[1] == 1080


def test_an_unknown_week_in_the_caseload_picture_has_no_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Missing is not the most (nor zero): only known weeks get a bar (issue 16, item 3)."""
    drawn: list[float] = []
    barh = Axes.barh

    def record(self: Axes, y: object, width: float, *args: object, **kwargs: object) -> object:
        drawn.append(width)
        return barh(self, y, width, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Axes, "barh", record)
    rows = [CaseloadRow("Amira", 10, 4.0, False), CaseloadRow("Joe", None, None, True)]
    texts = CaseloadTexts("Clients", "Contacts", "Mood", "not known", "needs attention")
    assert render_caseload(rows, texts).startswith(b"\x89PNG")
    assert drawn == [10]


def test_labels_and_circle_names_keep_clear_where_it_is_cheap() -> None:
    """Before, "Zus Ine" ran into "Vriendin No…" (all labels under their marker) and the
    circle's name "Very close" lay over Mama's marker (review of issue 17, item 5)."""
    # Two markers side by side (as Zus Ine and Vriendin Noor in Lotte's picture): the
    # second label goes above its marker.
    side_by_side = [((0.0, 0.6), "Zus Ine"), ((0.55, 0.6), "Vriendin No…")]
    assert label_sides(side_by_side, 3) == ["below", "above"]
    assert label_sides([((0.0, 1.05), "Zus Ine"), ((2.5, 1.05), "Mama")], 3) == [
        "below",
        "below",
    ]

    amira = [
        Contact(1, ContactKind.PERSON, "Mama", 1, Domain.FAMILY),
        Contact(2, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY),
    ]
    figure = draw_circle(amira, circle_texts(translator("en"), "Amira", own=True))
    background = background_figure(circle_texts(translator("en"), "Amira", own=True), 3, False)
    FigureCanvasAgg(background).draw()  # type: ignore[no-untyped-call]
    FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]
    names = [
        t.get_window_extent()
        for t in background.axes[0].texts
        if t.get_text() in {"Very close", "Close", "Further away"}
    ]
    assert len(names) == 3
    for collection in figure.axes[0].collections:
        if collection.get_gid() != "contacts":
            continue
        for x, y in figure.axes[0].transData.transform(collection.get_offsets()):
            marker = Bbox.from_extents(x - 10, y - 10, x + 10, y + 10)  # s=260: ±8 pt
            assert not any(marker.overlaps(name) for name in names)
