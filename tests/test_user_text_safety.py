"""What people type reaches every library that interprets text as plain text: matplotlib's
mathtext, Telegram's HTML, a spreadsheet's formulas (issue 16, item 4)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from matplotlib.figure import Figure

from buddybot.clock import ManualClock
from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.network import Contact, ContactKind, Domain
from buddybot.pictures.caseload import CaseloadRow, CaseloadTexts, render_caseload
from buddybot.pictures.circle import draw_circle, render_circle
from buddybot.pictures.lettering import lettering
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.services.export import FORMULA_STARTS, spreadsheet_cell
from tests.clocked import client_id_of, with_network
from tests.journeys import exported, joined_client

CLIENT = "Jo $_$"
# The spreadsheet formula first: with_network adds them in this order.
LABELS = ('=HYPERLINK("x")', "$$", "<b>x</b>", "a/../b", "a<b", "@cmd", "x $\\frac{1}{2}$")


def _contacts() -> list[Contact]:
    return [
        Contact(number, ContactKind.PERSON, label, 1 + number % 3, Domain.FRIENDS)
        for number, label in enumerate(LABELS, start=1)
    ]


def test_dollars_on_a_picture_are_plain_text_not_mathtext() -> None:
    figure = draw_circle(_contacts(), circle_texts(translator("en"), CLIENT))
    texts = [*figure.texts, *figure.axes[0].texts]
    # The name isolated (FSI … PDI), as every name in a picture's sentence.
    assert "The network of \u2068Jo $_$\u2069" in [text.get_text() for text in texts]
    assert all(not text.get_parse_math() and not text.get_usetex() for text in texts)
    assert render_circle(_contacts(), circle_texts(translator("en"), CLIENT)).startswith(b"\x89PNG")
    picture = render_caseload(
        [CaseloadRow(CLIENT, 1, 3.0, True), CaseloadRow("$$", None, None, False)],
        CaseloadTexts(f"{CLIENT} $", "$x$", "mood", "not known", "attention"),
    )
    assert picture.startswith(b"\x89PNG")


def test_every_text_made_under_the_lettering_is_plain() -> None:
    with lettering():
        figure = Figure()
        axes = figure.add_subplot()
        made = [figure.suptitle("$x$"), axes.set_title("$y$"), axes.text(0, 0, "$z$")]
        axes.set_xticks([0, 1], ["$a$", "$b$"])
        axes.plot([1], label="$c$")
        legend = axes.legend()
        made += [*axes.get_xticklabels(), *legend.get_texts()]
    assert all(not text.get_parse_math() for text in made)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(start: str) -> None:
    assert spreadsheet_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_other_cells_are_left_as_they_are() -> None:
    for value in ("Amira", "Jo $_$", "a=b", "", "2.50", "-1", "-0.25", 3, None):
        assert spreadsheet_cell(value) == value
    assert spreadsheet_cell("-1+1") == "'-1+1"


async def test_odd_names_get_their_pictures_digest_and_export(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """A client called "Jo $_$" with contacts that look like mathtext, HTML, a formula and a
    path: her /network picture and list, her professional's digest with her pictures, and the
    export, all as typed."""
    els, jo = await joined_client(clocked_bot, sandbox, name=CLIENT)
    await with_network(clocked_bot, await client_id_of(clocked_bot, jo), *LABELS)

    jo.catch_up()
    await jo.send("/network")
    picture, listing = await jo.next_message(), await jo.next_message()
    assert picture.photo is not None
    assert CLIENT in picture.content  # the caption
    for label in LABELS:
        assert f"• {label} (" in listing.content  # shown as typed, not as HTML

    clock.advance(timedelta(days=8))  # her first week is now last week
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Vorige week")
    overview = await els.next_message()
    assert overview.photo is not None
    digest = await els.next_message()
    assert CLIENT in digest.content
    await els.press(digest, f"📈 {CLIENT}")
    chart, circle = await els.next_message(), await els.next_message()
    assert chart.photo is not None
    assert circle.photo is not None
    assert CLIENT in chart.content

    # With names (since issue 18, item 8 an export has none unless asked): labels are in it.
    weeks_file, answers_file, _actions = await exported(els, names=True)
    assert weeks_file.document is not None
    assert answers_file.document is not None
    assert CLIENT not in weeks_file.document.file_name
    rows = list(csv.DictReader(io.StringIO(weeks_file.document.data.decode("utf-8-sig"))))
    (row,) = [row for row in rows if row["client"] == CLIENT]
    assert row["new_contacts"].startswith("'=HYPERLINK")
    assert all(label in row["new_contacts"] for label in LABELS)
    for cells in rows:
        assert not any(str(cell).startswith(FORMULA_STARTS) for cell in cells.values())
