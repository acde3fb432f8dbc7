"""A report as a PDF document, from plain blocks of text, tables and pictures (fpdf2).

The words come translated and ready; this module only lays them out on A4 pages. Names are
typed by people in any script, so the text font is DejaVu Sans (shipped with matplotlib)
with the installed fonts of ``lettering.families()`` as fallbacks, added only when a text
needs one (a CJK font takes a second to read), and text shaping by HarfBuzz (``uharfbuzz``)
for Arabic and Hebrew: fpdf2's "Unicode" and "Text shaping" documentation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from matplotlib import font_manager

from buddybot.pictures.lettering import families

FONT = "text"
PAGE_MARGIN_MM = 15
BODY_PT = 10.5
HEADING_PT = 13
TITLE_PT = 18


@dataclass(frozen=True)
class Heading:
    """A section's title."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``small`` for notes under a table or picture."""

    text: str
    small: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of cells under a header row; the first column is the widest."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Pictures:
    """PNG pictures side by side (one or two), each with a caption under it."""

    pngs: tuple[bytes, ...]
    captions: tuple[str, ...] = ()


Block = Heading | Paragraph | Table | Pictures


@dataclass(frozen=True)
class Report:
    """A whole report: title, a line under it, and its blocks in order."""

    title: str
    subtitle: str
    blocks: Sequence[Block] = field(default_factory=tuple)
    footer: str = ""  # on every page, e.g. "Confidential: care data"


@cache
def _font_file(family: str) -> str | None:
    try:
        return str(
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        )
    except ValueError:
        return None


@cache
def _characters(path: str) -> frozenset[int]:
    """The code points a font file has (the first font of a collection)."""
    if path.endswith(".ttc"):
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    return frozenset(font.getBestCmap() or {})


def _fallbacks(text: str) -> list[tuple[str, str]]:
    """(family, file) of the fonts needed for the characters of ``text`` DejaVu Sans lacks."""
    main = _font_file("DejaVu Sans")
    assert main is not None, "matplotlib ships DejaVu Sans"
    missing = {ord(ch) for ch in text if ch.isprintable()} - _characters(main)
    needed = []
    for family in families()[1:]:
        path = _font_file(family)
        if not missing or path is None:
            continue
        covered = missing & _characters(path)
        if covered:
            needed.append((family, path))
            missing -= covered
    return needed


def _all_text(report: Report) -> str:
    parts: list[str] = [report.title, report.subtitle, report.footer]
    for block in report.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [*block.header, *(cell for row in block.rows for cell in row)]
        else:
            parts += block.captions
    return "".join(parts)


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}", align="C")
        self.set_text_color(0)


def _document(report: Report) -> _Document:
    pdf = _Document(format="A4")
    pdf.footer_text = report.footer
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_auto_page_break(True, margin=18)
    main = _font_file("DejaVu Sans")
    bold = _font_file("DejaVu Sans:bold") or str(Path(main or "").with_name("DejaVuSans-Bold.ttf"))
    pdf.add_font(FONT, "", main)
    pdf.add_font(FONT, "B", bold)
    extra = _fallbacks(_all_text(report))
    for family, path in extra:
        pdf.add_font(family, "", path)
    if extra:
        pdf.set_fallback_fonts([family for family, _ in extra], exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_title(report.title)
    pdf.set_creator("BuddyBot")
    return pdf


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FONT, size=BODY_PT)
    first = 0.46
    rest = (1 - first) / max(1, len(block.header) - 1)
    widths = (first, *([rest] * (len(block.header) - 1)))
    with pdf.table(
        col_widths=tuple(round(w * 100) for w in widths),
        text_align=("LEFT", *(["CENTER"] * (len(widths) - 1))),
        line_height=BODY_PT * 0.55,
        first_row_as_headings=True,
    ) as table:
        for cells in (block.header, *block.rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(3)


def _pictures(pdf: FPDF, block: Pictures) -> None:
    width = pdf.epw / len(block.pngs) - (4 if len(block.pngs) > 1 else 0)
    top = pdf.get_y()
    heights = []
    for n, png in enumerate(block.pngs):
        x = pdf.l_margin + n * (width + 8 if len(block.pngs) > 1 else 0)
        placed = pdf.image(BytesIO(png), x=x, y=top, w=width)
        heights.append(placed.rendered_height)
    pdf.set_y(top + max(heights) + 1)
    if block.captions:
        pdf.set_font(FONT, size=8.5)
        for n, caption in enumerate(block.captions):
            pdf.set_x(pdf.l_margin + n * (width + 8))
            pdf.cell(width, 4.5, caption, align="C")
        pdf.ln(7)


def _write(pdf: FPDF, blocks: Iterable[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            if pdf.get_y() > pdf.h - 60:
                pdf.add_page()
            pdf.ln(2)
            pdf.set_font(FONT, "B", HEADING_PT)
            pdf.multi_cell(0, 7, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            pdf.set_font(FONT, size=8.5 if block.small else BODY_PT)
            pdf.multi_cell(0, 5.2, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            if pdf.get_y() > pdf.h - 110:
                pdf.add_page()
            _pictures(pdf, block)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, text selectable, fonts embedded as subsets)."""
    pdf = _document(report)
    pdf.add_page()
    pdf.set_font(FONT, "B", TITLE_PT)
    pdf.multi_cell(0, 9, report.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=BODY_PT)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 5.5, report.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(3)
    _write(pdf, report.blocks)
    return bytes(pdf.output())
