"""Pictures for the person who looks at them (issue 17, item 5): the client's own week as a
simple picture and their circle as "Your network"; no circle for an empty network; every
text readable on a phone (412 px wide); changes whose markers cannot be confused."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from buddybot.handlers.digest import weeks_texts
from buddybot.handlers.myweek import own_week_texts
from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.metrics import WeekFigures
from buddybot.network import Comparison, Contact, ContactKind, Domain, Move
from buddybot.pictures import circle
from buddybot.pictures.caseload import CaseloadRow, CaseloadTexts, draw_caseload
from buddybot.pictures.circle import (
    FADING_COLOUR,
    FADING_FACE,
    KIND_STYLE,
    NEW_COLOUR,
    background_figure,
    draw_circle,
    legend_entries,
    render_circle,
)
from buddybot.pictures.lettering import PHONE_WIDTH_PX, READABLE_PX, shown_px
from buddybot.pictures.ownweek import (
    MAX_CHIPS,
    OwnWeekTexts,
    Person,
    WeekCount,
    draw_own_week,
    has_content,
)
from buddybot.pictures.weeks import draw_weeks
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from tests.clocked import client_id_of, with_network
from tests.journeys import joined_client

MONDAY = date(2026, 11, 30)
WEEKS = [MONDAY - timedelta(weeks=n) for n in range(11, -1, -1)]
LABELS = ["Mama", "Papa", "Buurvrouw Rita", "Jan van de voetbal", "Fikkie", "Praatgroep"]


def _contacts(count: int) -> list[Contact]:
    kinds, domains = list(ContactKind), list(Domain)
    return [
        Contact(n + 1, kinds[n % 4], f"{LABELS[n % len(LABELS)]} {n}", 1 + n % 3, domains[n % 10])
        for n in range(count)
    ]


def _changes(contacts: list[Contact]) -> Comparison:
    """contacts[1] came from circle 3 to 1, contacts[2] went from 1 to 3; one is new, one
    gone."""
    contacts[1] = Contact(2, contacts[1].kind, contacts[1].label, 1, contacts[1].domain)
    contacts[2] = Contact(3, contacts[2].kind, contacts[2].label, 3, contacts[2].domain)
    gone = Contact(99, ContactKind.PERSON, "Buurvrouw Rita", 2, Domain.NEIGHBOURHOOD)
    return Comparison(
        added=(contacts[0],),
        removed=(gone,),
        closer=(Move(contacts[1], 3, 1),),
        further=(Move(contacts[2], 1, 3),),
    )


def _own_week_texts(language: str) -> OwnWeekTexts:
    return own_week_texts(translator(language), date(2026, 11, 24))


def _weeks_row() -> list[WeekCount]:
    return [
        WeekCount(f"{day.day}/{day.month}", None if n == 2 else n + 1, shown=n == 5)
        for n, day in enumerate(WEEKS[-6:])
    ]


def _every_picture(language: str) -> dict[str, Figure]:
    """Each picture the bot sends, as a figure, with as much on it as it gets."""
    tr = translator(language)
    contacts = _contacts(40)
    changes = _changes(contacts)
    texts = circle_texts(tr, "Amira")
    every_domain = {d.value: 1 + n % 3 for n, d in enumerate(Domain)} | {"buddy": 1}
    figures = {
        week: WeekFigures(sent=3, answered=0 if n in (4, 5) else 3, by_domain=every_domain)
        for n, week in enumerate(WEEKS)
    }
    rows = [
        CaseloadRow(name, None if n == 1 else n * 3, None if n == 1 else 1 + n % 5, n < 2)
        for n, name in enumerate(["Amira", "Joe", "Lotte", "Youssef", "Sara", "Kevin"])
    ]
    caseload_texts = CaseloadTexts(
        tr("digest.overview_title", start="30 nov"),
        tr("digest.chart_contacts"),
        tr("digest.chart_mood"),
        tr("digest.chart_not_known"),
        tr("digest.overview_attention"),
    )
    people = [Person(c.label, c.kind) for c in contacts[:9]] + [Person("Bram", None)]
    return {
        "circle": draw_circle(contacts, texts, changes=changes, fading={5}),
        "circle, own": draw_circle(contacts, circle_texts(tr, "Amira", own=True)),
        "circle background": background_figure(texts, 3, True),
        "circle background, no changes": background_figure(texts, 3, False),
        "weeks": draw_weeks(WEEKS, figures, weeks_texts(tr, "Amira", WEEKS)),
        "caseload": draw_caseload(rows, caseload_texts),
        "own week": draw_own_week(people, _weeks_row(), _own_week_texts(language)),
        "own week, nobody": draw_own_week([], _weeks_row(), _own_week_texts(language)),
    }


def _texts(figure: Figure) -> list[Text]:
    FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]  # tick labels exist once drawn
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_text_on_every_picture_is_readable_on_a_phone(language: str) -> None:
    """Shown 412 px wide (a phone), every text is at least 11 px tall: labels, legends,
    ticks and footnotes too (before: 5.1 px, 8 pt on a 1080 px picture)."""
    for name, figure in _every_picture(language).items():
        width = figure.get_figwidth() * figure.dpi
        assert width == 1080, name
        texts = _texts(figure)
        assert texts, name
        sizes = [
            (t.get_text(), shown_px(float(t.get_fontsize()), figure.dpi, width)) for t in texts
        ]
        small = [(text, round(px, 1)) for text, px in sizes if px < READABLE_PX]
        assert small == [], (name, PHONE_WIDTH_PX, small)


def test_the_professionals_chart_names_only_a_few_domains() -> None:
    figures = {
        week: WeekFigures(sent=1, answered=1, by_domain={"family": 5}, mood=3.0) for week in WEEKS
    }
    figures[MONDAY] = WeekFigures(
        sent=1, answered=1, by_domain={d.value: 1 for d in Domain} | {"family": 5, "care": 3}
    )
    figure = draw_weeks(WEEKS, figures, weeks_texts(translator("en"), "Amira", WEEKS))
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["Family", "Friends", "Care", "Other", "Mood (1–5)"]


def _arrow(figure: Figure, gid: str) -> FancyArrowPatch:
    (arrow,) = [p for p in figure.axes[0].patches if p.get_gid() == gid]
    assert isinstance(arrow, FancyArrowPatch)
    return arrow


def test_a_move_shows_its_direction_and_fading_looks_unlike_a_move() -> None:
    contacts = _contacts(8)
    changes = _changes(contacts)
    figure = draw_circle(contacts, circle_texts(translator("en"), "Amira"), changes=changes)
    closer, further = _arrow(figure, "closer"), _arrow(figure, "further")
    # From the old circle to the new: towards the middle, or away from it.
    for arrow, inwards in ((closer, True), (further, False)):
        vertices = np.asarray(arrow.get_path().vertices)
        radii = np.hypot(vertices[:, 0], vertices[:, 1])
        start = radii[0]
        assert (radii.min() < start - 0.5) if inwards else (radii.max() > start + 0.5)
    assert closer.get_linestyle() != further.get_linestyle()
    assert to_hex(closer.get_edgecolor()) != to_hex(further.get_edgecolor())

    background = background_figure(circle_texts(translator("en"), "Amira"), 3, True)
    legend = background.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[-5:] == ["new", "moved closer", "moved further away", "gone", "fading"]
    looks: dict[str, tuple[str, ...]] = {}
    for label, handle in zip(labels[-5:], legend.legend_handles[-5:], strict=True):
        if isinstance(handle, Line2D):
            looks[label] = (
                "marker",
                str(handle.get_marker()),
                to_hex(handle.get_markerfacecolor()),
                to_hex(handle.get_markeredgecolor()),
            )
        else:
            assert isinstance(handle, FancyArrowPatch)
            looks[label] = ("arrow", to_hex(handle.get_edgecolor()), str(handle.get_linestyle()))
    assert len(set(looks.values())) == 5, looks
    assert looks["fading"][0] == "marker"
    assert looks["moved closer"][0] == looks["moved further away"][0] == "arrow"


def test_a_fading_tie_and_a_moved_one_are_drawn_differently() -> None:
    contacts = _contacts(8)
    changes = _changes(contacts)
    figure = draw_circle(
        contacts, circle_texts(translator("en"), "Amira"), changes=changes, fading={5}
    )
    styles = {}
    for collection in figure.axes[0].collections:
        if collection.get_gid() != "contacts":
            continue
        for x, y in np.asarray(collection.get_offsets()).tolist():
            styles[round(math.hypot(x, y), 3), round(math.atan2(x, y), 3)] = (
                collection.get_alpha(),
                to_hex(np.asarray(collection.get_edgecolor())[0]),
            )
    faded = [style for style in styles.values() if (style[0] or 1.0) < 1]
    assert len(faded) == 1
    # A moved contact is drawn as any other (its arrow tells the move), never pale.
    assert sum(1 for style in styles.values() if style == faded[0]) == 1


def test_the_clients_circle_is_their_network_and_the_professional_sees_whose() -> None:
    assert circle_texts(translator("nl"), "Amira", own=True).title == "Jouw netwerk"
    assert circle_texts(translator("en"), "Amira", own=True).title == "Your network"
    # The name isolated (FSI … PDI), so an Arabic one keeps the Dutch sentence in order.
    assert circle_texts(translator("nl"), "Amira").title == "Het netwerk van \u2068Amira\u2069"


def _chips(figure: Figure) -> int:
    return sum(1 for p in figure.axes[0].patches if p.get_gid() == "chip")


def test_the_clients_week_is_a_simple_picture_of_who_they_saw() -> None:
    texts = _own_week_texts("nl")
    people = [Person(label, ContactKind.PERSON) for label in LABELS] + [Person("Bram", None)]
    figure = draw_own_week(people, _weeks_row(), texts)
    assert len(figure.axes) == 1  # no second axis, no scales
    assert not figure.axes[0].axison
    words = {t.get_text() for t in _texts(figure)}
    assert {
        "Mama",
        "Buurvrouw Rita",
        "Bram (buddy)",
        "Je had contact met:",
        "Mensen per week",
    } <= words
    assert "?" in words  # a week without answers is not known, not zero
    assert _chips(figure) == len(people)

    many = [Person(f"Vriend {n}", ContactKind.PERSON) for n in range(MAX_CHIPS + 2)]
    crowded = draw_own_week(many, _weeks_row(), texts)
    assert _chips(crowded) == MAX_CHIPS
    assert "+ nog 3" in {t.get_text() for t in _texts(crowded)}

    nobody = {t.get_text() for t in _texts(draw_own_week([], _weeks_row(), texts))}
    assert "Deze week niemand." in nobody
    unknown = {t.get_text() for t in _texts(draw_own_week(None, _weeks_row(), texts))}
    assert "Nog geen antwoorden." in unknown


async def test_myweek_and_the_professional_send_no_circle_for_an_empty_network(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    els.catch_up()

    mine = await amira.ask("/myweek")
    assert mine.content.startswith("📅 Your week")
    # Nothing more (no answers yet: no week picture either, item 4 of the review): the next
    # message answers the next command.
    assert (await amira.ask("/myweek")).content.startswith("📅 Your week")

    question = await els.ask("/digest")
    await els.tap(question, "Deze week tot nu")
    assert (await els.next_message()).photo is not None  # the caseload
    digest = await els.next_message()
    await els.press(digest, "📈 Amira")
    chart = await els.next_message()
    assert chart.photo is not None
    assert "Amira" in chart.content
    assert (await els.ask("/digest")).photo is None  # no empty circle came before it

    # With someone in it: "Your network" (still no answers: no week picture).
    await with_network(bot, await client_id_of(bot, amira), "Mama")
    amira.catch_up()
    await amira.ask("/myweek")
    circle = await amira.next_message()
    assert circle.photo is not None
    assert circle.content == "⭕ This is your network, Amira."


def _legend_labels(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.legends[0].get_texts()] if figure.legends else []


def test_the_legend_lists_only_the_kinds_and_changes_on_the_picture(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before, every circle's legend listed all four kinds, and with changes all five of
    new, moved closer, moved further away, gone and fading, whatever was drawn."""
    tr = translator("en")
    texts = circle_texts(tr, "Amira", own=True)
    mama = Contact(1, ContactKind.PERSON, "Mama", 1, Domain.FAMILY)
    fikkie = Contact(2, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY)
    nothing_changed = Comparison(added=(), removed=(), closer=(), further=())
    assert legend_entries([mama, fikkie], changes=nothing_changed) == (
        ContactKind.PERSON,
        ContactKind.ANIMAL,
    )
    assert legend_entries([mama, fikkie], fading={2}) == (
        ContactKind.PERSON,
        ContactKind.ANIMAL,
        "fading",
    )
    new_mama = Comparison(added=(mama,), removed=(), closer=(), further=())
    assert legend_entries([mama], changes=new_mama, fading={1}) == (ContactKind.PERSON, "new")
    assert legend_entries([]) == ()

    # What the picture is drawn with: the legend of its background.
    drawn: list[list[str]] = []
    background = circle.background_figure

    def record(*args: object) -> Figure:
        figure = background(*args)  # type: ignore[arg-type]
        drawn.append(_legend_labels(figure))
        return figure

    monkeypatch.setattr(circle, "background_figure", record)
    monkeypatch.setattr(circle, "_BACKGROUNDS", {})
    render_circle([mama, fikkie], texts, changes=nothing_changed, fading={2})
    render_circle([mama], texts)
    three = [mama, fikkie, Contact(3, ContactKind.PERSON, "Jan", 2, Domain.FRIENDS)]
    render_circle(three, texts, changes=_changes(three))
    assert drawn == [
        ["Person", "Animal", "fading"],
        ["Person"],
        ["Person", "Animal", "new", "moved closer", "moved further away", "gone"],
    ]


def _fading_legend(figure: Figure) -> tuple[Line2D, PathCollection]:
    legend = figure.legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    handle = legend.legend_handles[labels.index("fading")]
    assert isinstance(handle, Line2D)
    (edge,) = legend.findobj(PathCollection)
    return handle, edge


def test_a_fading_tie_looks_like_its_legend_entry_whatever_its_kind() -> None:
    """Before, a fading tie was a pale version of its kind's colour (a light-blue person):
    unlike its grey legend entry, and like a new one but for the colour of its edge."""
    kinds = list(ContactKind)
    contacts = [Contact(n + 1, kind, f"Oma {n}", 1, Domain.FAMILY) for n, kind in enumerate(kinds)]
    texts = circle_texts(translator("en"), "Lotte")
    figure = draw_circle(contacts, texts, fading={c.contact_id for c in contacts})
    faded = [c for c in figure.axes[0].collections if c.get_gid() == "contacts"]
    assert len(faded) == len(kinds)
    fill, edge = _fading_legend(background_figure(texts, 3, True))
    for collection in faded:
        assert to_hex(np.asarray(collection.get_facecolor())[0]) == FADING_FACE.lower()
        assert to_hex(np.asarray(collection.get_edgecolor())[0]) == FADING_COLOUR.lower()
        # As the legend shows it: the same grey fill, the same dashed edge, as pale.
        assert to_hex(fill.get_markerfacecolor()) == FADING_FACE.lower()
        assert to_hex(np.asarray(edge.get_edgecolor())[0]) == FADING_COLOUR.lower()
        assert collection.get_linestyle() == edge.get_linestyle()
        assert collection.get_linewidth() == edge.get_linewidth()
        assert collection.get_alpha() == edge.get_alpha() == fill.get_alpha()
        styles: list[Any] = list(collection.get_linestyle())  # [(offset, dashes)]
        assert styles[0][1]  # dashed
    # The shape still says the kind.
    shapes = {np.asarray(collection.get_paths()[0].vertices).shape for collection in faded}
    assert len(shapes) > 1


def test_a_new_contact_is_its_kinds_colour_in_a_bold_ring_unlike_a_fading_one() -> None:
    mama = Contact(1, ContactKind.PERSON, "Mama", 1, Domain.FAMILY)
    oma = Contact(2, ContactKind.PERSON, "Oma", 1, Domain.FAMILY)
    texts = circle_texts(translator("en"), "Lotte")
    changes = Comparison(added=(mama,), removed=(), closer=(), further=())
    figure = draw_circle([mama, oma], texts, changes=changes, fading={2})
    collections = figure.axes[0].collections
    (ring,) = [c for c in collections if c.get_gid() == "new"]
    assert to_hex(np.asarray(ring.get_edgecolor())[0]) == NEW_COLOUR.lower()
    assert len(np.asarray(ring.get_facecolor())) == 0 or np.asarray(ring.get_facecolor())[0][3] == 0
    assert np.asarray(ring.get_linewidth())[0] >= 3
    marker_faces = {
        to_hex(np.asarray(c.get_facecolor())[0])
        for c in collections
        if c.get_gid() == "contacts" and (c.get_alpha() or 1.0) == 1.0
    }
    assert marker_faces == {KIND_STYLE[ContactKind.PERSON][1].lower()}
    legend = background_figure(texts, 3, True).legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    new = legend.legend_handles[labels.index("new")]
    assert isinstance(new, Line2D)
    assert to_hex(new.get_markeredgecolor()) == NEW_COLOUR.lower()
    fill, _ = _fading_legend(background_figure(texts, 3, True))
    assert to_hex(new.get_markerfacecolor()) != to_hex(fill.get_markerfacecolor())


def test_the_buddys_chip_says_buddy() -> None:
    """Before, the buddy's chip was a hexagon and "Bram", explained nowhere."""
    for language, unknown in (("nl", "Je buddy"), ("en", "Your buddy")):
        texts = _own_week_texts(language)
        people = [Person("Mama", ContactKind.PERSON), Person("Bram", None)]
        words = {t.get_text() for t in _texts(draw_own_week(people, _weeks_row(), texts))}
        assert "Bram (buddy)" in words
        assert "Bram" not in words
        nameless = draw_own_week([Person("", None)], _weeks_row(), texts)
        assert unknown in {t.get_text() for t in _texts(nameless)}
    long = draw_own_week([Person("Alexandrina-Maria", None)], _weeks_row(), _own_week_texts("nl"))
    labels = [t.get_text() for t in _texts(long) if "(buddy)" in t.get_text()]
    assert labels
    assert labels[0].endswith("… (buddy)")


def test_a_week_picture_with_nothing_on_it_is_not_made() -> None:
    unknown = [WeekCount(f"{n}/11", None, shown=n == 5) for n in range(6)]
    assert not has_content(None, unknown)
    assert has_content([], unknown)  # answered: nobody
    assert has_content(None, _weeks_row())  # earlier weeks have their numbers
    assert has_content([Person("Mama", ContactKind.PERSON)], unknown)


async def test_myweek_without_any_answers_sends_no_week_picture(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Before, a client without answers got "📅 Your week in a picture." with "No answers
    yet" on it and nothing else."""
    _, amira = await joined_client(bot, sandbox)
    amira.catch_up()
    mine = await amira.ask("/myweek")
    assert mine.content.startswith("📅 Your week")
    # The next message answers the next command: no picture came in between.
    again = await amira.ask("/help")
    assert again.photo is None
    assert not again.content.startswith("📅 Your week in a picture")
