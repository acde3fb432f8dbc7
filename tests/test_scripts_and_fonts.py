"""Names in every script people write come out on the pictures, and never in the log
(issue 16, item 5)."""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
from collections.abc import Iterator
from datetime import date

import matplotlib.image
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from buddybot import logs
from buddybot.handlers.network import circle_texts
from buddybot.i18n import translator
from buddybot.metrics import WeekFigures
from buddybot.network import Contact, ContactKind, Domain
from buddybot.pictures import lettering
from buddybot.pictures.caseload import CaseloadRow, CaseloadTexts, render_caseload
from buddybot.pictures.circle import render_circle
from buddybot.pictures.weeks import WeeksTexts, render_weeks
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from tests.clocked import client_id_of, with_network
from tests.journeys import joined_client

CLIENT = "ሰላም"  # Ethiopic (Tigrinya, Amharic)
CONTACTS = (
    "李小龙",  # Chinese
    "محمد أمين",  # Arabic
    "Жанна",  # Cyrillic
    "שלום",  # Hebrew
    "Ayşe Çağ",  # Turkish
    "ⵜⴰⵎⴰⵣⵉⵖⵜ",  # Berber, in Tifinagh
    "ዳዊት",  # Ethiopic again: a contact, not only the client
    "Mama 💕",  # an emoji in a name
    "Fikkie 🐾",  # and the one the bot itself puts beside an animal
)
MISSING_FONTS = [family for family in lettering.FAMILIES if family not in lettering.families()]
needs_fonts = pytest.mark.skipif(
    bool(MISSING_FONTS),
    reason=f"fonts not installed: {', '.join(MISSING_FONTS)} "
    f"(apt-get install {lettering.FONT_PACKAGES}; .ci/run does)",
)


def _non_ascii(*texts: str) -> set[str]:
    return {char for text in texts for char in text if not char.isascii() and not char.isspace()}


def _fonts() -> list[FT2Font]:
    """The fonts the pictures' texts are drawn with, in the order matplotlib falls back."""
    return [
        font_manager.get_font(
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        )
        for family in lettering.families()
    ]


def _pictures() -> list[bytes]:
    """The circle, the caseload and the twelve weeks, each with the names on it."""
    contacts = [
        Contact(number, ContactKind.PERSON, label, 1 + number % 3, list(Domain)[number])
        for number, label in enumerate(CONTACTS, start=1)
    ]
    monday = date(2026, 11, 30)
    weeks_texts = WeeksTexts(
        title=f"{CLIENT}: 12 weeks",
        contacts="contacts",
        mood="mood",
        not_known="not known",
        domains={"family": CONTACTS[0]},
        week_label={monday: "30/11"},
    )
    week = WeekFigures(sent=2, answered=2, events=3, by_domain={"family": 3}, mood=4.0)
    return [
        render_circle(contacts, circle_texts(translator("en"), CLIENT)),
        render_caseload(
            [CaseloadRow(name, 2, 3.0, index % 2 == 0) for index, name in enumerate(CONTACTS)],
            CaseloadTexts(CLIENT, "contacts", "mood", "not known", "attention"),
        ),
        render_weeks([monday], {monday: week}, weeks_texts),
    ]


@needs_fonts
def test_every_character_of_every_script_has_a_font() -> None:
    fonts = _fonts()
    without = sorted(
        char
        for char in _non_ascii(CLIENT, *CONTACTS)
        if not any(font.get_char_index(ord(char)) for font in fonts)
    )
    assert without == [], [unicodedata.name(char) for char in without]


@needs_fonts
def test_pictures_with_names_in_every_script_draw_every_glyph() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pictures = _pictures()
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    for picture in pictures:
        image = matplotlib.image.imread(io.BytesIO(picture), format="png")
        assert image[..., :3].std() > 0.05  # not blank


def test_the_pictures_come_without_the_fonts_too() -> None:
    """On a laptop without the Noto fonts: empty boxes, but a picture."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs, where the fonts are absent
        assert all(picture.startswith(b"\x89PNG") for picture in _pictures())


def test_right_to_left_text_is_left_to_matplotlib() -> None:
    """matplotlib 3.11 shapes and orders text itself (libraqm); pre-shaped text (the old
    arabic_reshaper + python-bidi recipe) would come out reversed."""
    assert tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) >= (3, 11)
    assert lettering.isolate("שלום") == "\u2068שלום\u2069"


@pytest.fixture
def warnings_in_the_log() -> Iterator[None]:
    """Python warnings go to the log, as `buddybot run` sets it up (pytest records them
    otherwise)."""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logging.captureWarnings(False)
        logging.captureWarnings(True)
        try:
            yield
        finally:
            logging.captureWarnings(False)


def test_a_librarys_warning_reaches_the_log_without_its_text(
    debug_logging: None, warnings_in_the_log: None, caplog: pytest.LogCaptureFixture
) -> None:
    logs.configure(logging.DEBUG)
    warnings.warn(f"Glyph missing: {CLIENT} (\\N{{ETHIOPIC SYLLABLE SA}})", stacklevel=1)
    (record,) = [r for r in caplog.records if r.name == logs.WARNINGS_LOGGER]
    assert record.getMessage().startswith("UserWarning at ")
    assert "test_scripts_and_fonts.py" in record.getMessage()
    assert CLIENT not in caplog.text
    assert "ETHIOPIC" not in caplog.text


async def test_names_in_every_script_reach_the_pictures_and_never_the_log(
    bot: BotProcess,
    sandbox: TelegramSandbox,
    caplog: pytest.LogCaptureFixture,
    warnings_in_the_log: None,
) -> None:
    """A client named ሰላም with 李小龙 and others on her map opens /network; her professional
    opens the digest and her pictures. Every logger at DEBUG, the picture libraries too."""
    caplog.set_level(logging.DEBUG)
    for library in ("matplotlib", "PIL"):
        caplog.set_level(logging.DEBUG, logger=library)
    els, client = await joined_client(bot, sandbox, name=CLIENT)
    await with_network(bot, await client_id_of(bot, client), *CONTACTS)

    client.catch_up()
    await client.send("/network")
    picture = await client.next_message()
    assert picture.photo is not None
    assert "李小龙" in (await client.next_message()).content

    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Deze week tot nu")
    assert (await els.next_message()).photo is not None  # the caseload
    digest = await els.next_message()
    await els.press(digest, f"📈 {CLIENT}")
    chart, circle = await els.next_message(), await els.next_message()
    assert chart.photo is not None
    assert circle.photo is not None

    log = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    characters = _non_ascii(CLIENT, *CONTACTS)
    assert sorted(char for char in characters if char in log) == []
    named = {unicodedata.name(char) for char in characters}
    assert sorted(name for name in named if name in log) == []
