"""How words go onto a picture: in every script people write, and only ever as plain text.

Names and labels are typed by people, in whatever script they write: Latin (Dutch, Turkish,
Polish, Somali), Cyrillic, Arabic, Hebrew, Ethiopic (Tigrinya, Amharic), Chinese, Berber in
Tifinagh, … Every picture draws its texts inside :func:`lettering`, which sets three things:

- ``font.family`` is a list: matplotlib (3.6 and newer) takes each character from the first
  family that has it ("Font fallback", matplotlib's *Fonts in Matplotlib* guide). DejaVu Sans,
  which matplotlib ships, comes first, so Latin, Cyrillic, Greek, Arabic and Hebrew look as
  before; Noto fonts (Debian's ``fonts-noto-core`` and ``fonts-noto-cjk``, installed by
  ``.ci/run`` and the Dockerfile) fill in the rest. A family that is not installed is left out
  (matplotlib would warn about it on every new text style): without them the pictures still
  come, with empty boxes for the missing characters.
- ``text.parse_math`` is off: matplotlib otherwise reads a text with two ``$`` as mathtext,
  so a client called "Jo $_$" got no picture at all (a parse error).
- ``text.usetex`` is off: a text is never handed to LaTeX.

Right-to-left text needs nothing of ours: since 3.11 matplotlib shapes text and orders it
with libraqm (HarfBuzz and a bidi algorithm; "Complex text layout with libraqm" in its 3.11
release notes). The old recipe of ``arabic_reshaper`` plus ``python-bidi`` would now reverse
it (matplotlib issue 32262).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

# In order of preference; a character comes from the first that has it.
FAMILIES = (
    # Ships with matplotlib: Latin, Greek, Cyrillic, Armenian, Georgian, Arabic, Hebrew, and
    # Berber in Tifinagh (Noto Sans Tifinagh has no bold, and matplotlib warns about that).
    "DejaVu Sans",
    "Noto Sans Arabic",  # letters DejaVu lacks (Pashto, Urdu, …)
    "Noto Sans Hebrew",
    "Noto Sans Ethiopic",  # Tigrinya, Amharic
    "Noto Sans Devanagari",
    "Noto Sans Thai",
    "Noto Sans CJK SC",  # Chinese, and Japanese kana and Korean hangul
    "Symbola",  # emoji people put in names ("Mama 💕") and ours (🐾 for an animal), in black
)
# What the Debian packages are called, for the one line that says what is missing.
FONT_PACKAGES = "fonts-noto-core fonts-noto-cjk fonts-symbola"

# Telegram shows a picture as wide as the chat: about 412 px (CSS pixels) on a common
# Android phone. A text is readable there from about 11 px tall (its font size, the em).
PHONE_WIDTH_PX = 412
READABLE_PX = 11.0
# Every picture is 9 inches wide (1080 px at 120 dpi). What counts is a text's size against
# the picture's width, not the dpi: at 9 inches 17.3 pt is 11 px on the phone.
WIDTH_IN = 9.0
SMALL_PT = 18.0  # the smallest text on any picture: 11.4 px on the phone
LARGE_PT = 24.0  # titles


def shown_px(fontsize_pt: float, dpi: float, width_px: float) -> float:
    """How tall (px) a text of ``fontsize_pt`` points on a picture ``width_px`` wide drawn at
    ``dpi`` is when the picture is shown :data:`PHONE_WIDTH_PX` wide."""
    return fontsize_pt * dpi / 72 * PHONE_WIDTH_PX / width_px


@cache
def families() -> tuple[str, ...]:
    """The families of :data:`FAMILIES` that are installed, in order."""
    known = _known()
    missing = [family for family in FAMILIES if family not in known]
    if missing:
        # matplotlib keeps its list of fonts in a cache file, and does not notice fonts
        # installed after it was written: look for their files once.
        _add_installed(missing)
        known = _known()
        missing = [family for family in FAMILIES if family not in known]
    if missing:
        log.info(
            "no font for %s: pictures show boxes for those scripts (install %s)",
            ", ".join(missing),
            FONT_PACKAGES,
        )
    return tuple(family for family in FAMILIES if family in known)


def _known() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _add_installed(missing: list[str]) -> None:
    """Tell matplotlib about the font files of ``missing`` families that are installed. Noto's
    files are named after their family ("NotoSansEthiopic-Regular.ttf"; Debian's CJK
    collection is "NotoSansCJK-Regular.ttc"; Symbola's "Symbola_hint.ttf")."""
    wanted = [family.replace(" ", "").casefold() for family in missing]
    known_files = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        # "NotoSansEthiopic-Regular", "Symbola_hint": the family before the style.
        stem = Path(path).stem.split("-")[0].split("_")[0].casefold()
        if path in known_files or stem in ("notosans", "notoserif"):
            continue
        if any(name.startswith(stem) for name in wanted):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file: go without
                log.info("font file not readable: %s", path)


def isolate(text: str) -> str:
    """``text`` as a bidi isolate (FSI … PDI), for a name set into a text of ours: its
    direction then neither takes nor moves what is around it ("! " before a Hebrew name stays
    in front). Unicode UAX #9, "Explicit Directional Isolates"; W3C, "Inline markup and
    bidirectional text in HTML"."""
    return f"\u2068{text}\u2069"


@contextmanager
def lettering() -> Iterator[None]:
    """Draw inside this (or decorate with it): every text made, and every tick label drawn,
    uses the fonts of :func:`families`, without mathtext or LaTeX. matplotlib reads these
    settings when a text is created, so the whole drawing, saving included, goes inside."""
    with matplotlib.rc_context(
        {"font.family": list(families()), "text.parse_math": False, "text.usetex": False}
    ):
        yield


def png(figure: Figure) -> bytes:
    """A figure drawn off-screen as PNG bytes, at the figure's own size and dpi."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
