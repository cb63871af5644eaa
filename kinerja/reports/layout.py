"""Shared page layout of printed artefacts: paper sizes, the organisation's letterhead (kop
surat), page numbers, paragraph styles and the escaping every user string needs."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

# F4 (folio), the paper Indonesian offices print on besides A4.
F4 = (215 * mm, 330 * mm)
PAPER = {"a4": A4, "f4": F4}

_base = getSampleStyleSheet()
STYLES = {
    "body": ParagraphStyle("body", parent=_base["Normal"], fontName="Helvetica", fontSize=8.5, leading=10.5),
    "small": ParagraphStyle("small", parent=_base["Normal"], fontName="Helvetica", fontSize=7.5, leading=9),
    "tiny": ParagraphStyle("tiny", parent=_base["Normal"], fontName="Helvetica", fontSize=6, leading=7),
    "bold": ParagraphStyle("bold", parent=_base["Normal"], fontName="Helvetica-Bold", fontSize=8.5, leading=10.5),
    "center": ParagraphStyle(
        "center", parent=_base["Normal"], fontName="Helvetica-Bold", fontSize=8.5, leading=10.5, alignment=TA_CENTER
    ),
    "small_center": ParagraphStyle(
        "small_center", parent=_base["Normal"], fontName="Helvetica-Bold", fontSize=7, leading=8.5, alignment=TA_CENTER
    ),
    "title": ParagraphStyle(
        "title", parent=_base["Title"], fontName="Helvetica-Bold", fontSize=12, leading=15, alignment=TA_CENTER
    ),
}
GRID = colors.HexColor("#333333")
HEADER_FILL = colors.HexColor("#e9eef5")


def text(value, style: str = "body") -> Paragraph:
    """A paragraph of user or database text. reportlab reads markup in Paragraph, so every
    string is escaped: a '<' would crash the report and a tag could open a server file."""
    return Paragraph(escape(str(value if value is not None else "")).replace("\n", "<br/>"), STYLES[style])


def markup(trusted: str, style: str = "body") -> Paragraph:
    """A paragraph whose markup this code wrote itself (never user input)."""
    return Paragraph(trusted, STYLES[style])


def page_size(paper: str = "a4", *, wide: bool = False):
    size = PAPER.get(paper, A4)
    return landscape(size) if wide else size


def letterhead(canvas, doc, organisation) -> None:
    """The kop surat at the top of a page: the regional government, the organisation, its
    address, and a double rule beneath."""
    width, height = doc.pagesize
    top = height - 12 * mm
    canvas.saveState()
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(width / 2, top, organisation.government.upper())
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawCentredString(width / 2, top - 6 * mm, organisation.name.upper())
    canvas.setFont("Helvetica", 8)
    contact = " · ".join(
        part
        for part in (
            organisation.address,
            f"Telp. {organisation.phone}" if organisation.phone else "",
            organisation.email,
            f"Kode Pos {organisation.postal_code}" if organisation.postal_code else "",
        )
        if part
    )
    canvas.drawCentredString(width / 2, top - 11 * mm, contact)
    canvas.setLineWidth(1.5)
    canvas.line(doc.leftMargin, top - 13.5 * mm, width - doc.rightMargin, top - 13.5 * mm)
    canvas.setLineWidth(0.5)
    canvas.line(doc.leftMargin, top - 14.5 * mm, width - doc.rightMargin, top - 14.5 * mm)
    canvas.restoreState()


LETTERHEAD_HEIGHT = 30 * mm


def build(
    story,
    *,
    organisation,
    title: str,
    paper: str = "a4",
    wide: bool = False,
    footer: str = "",
    stats: dict | None = None,
) -> bytes:
    """Lay out a story on pages with the letterhead and "Halaman n" and return the PDF bytes.
    `stats`, when given, receives the number of pages."""
    buffer = io.BytesIO()
    size = page_size(paper, wide=wide)
    doc = _document(SimpleDocTemplate, buffer, size, organisation, title)

    decorate = _page_decorator(organisation, size, footer or title)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    if stats is not None:
        stats["pages"] = doc.page
    return buffer.getvalue()


class TickBox(Flowable):
    """A small square, crossed when ticked: the boxes of Indonesian office forms."""

    def __init__(self, ticked: bool, size: float = 3.2 * mm):
        super().__init__()
        self.ticked, self.size = ticked, size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        c, s = self.canv, self.size
        c.setLineWidth(0.6)
        c.rect(0, 0, s, s)
        if self.ticked:
            c.setLineWidth(1.1)
            c.line(s * 0.18, s * 0.5, s * 0.42, s * 0.2)
            c.line(s * 0.42, s * 0.2, s * 0.85, s * 0.85)


def checklist(items, *, columns: int, width: float, style: str = "body"):
    """Labels with tick boxes laid out in `columns` columns."""
    from reportlab.platypus import Table, TableStyle

    cells = [[TickBox(ticked), text(label, style)] for label, ticked in items]
    rows = []
    for start in range(0, len(cells), columns):
        row = []
        for cell in cells[start : start + columns]:
            row.extend(cell)
        row.extend(["", ""] * (columns - len(cells[start : start + columns])))
        rows.append(row)
    box = 5 * mm
    col = width / columns
    table = Table(rows or [["", ""]], colWidths=[box, col - box] * columns)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def cell_text(value) -> str:
    """A table cell's text: numbers the Indonesian way (1.234,5), a dash for a missing value."""
    from ..spreadsheets.numbers import format_number

    if value is None:
        return "—"
    return format_number(value) if hasattr(value, "as_tuple") else str(value)


def data_table(headers, rows, widths):
    """A gridded table with a shaded header row repeated on every page; values are shown the
    Indonesian way (1.234,5) and escaped."""
    from reportlab.platypus import Table, TableStyle

    data = [[text(h, "bold") for h in headers]] + [[text(cell_text(v), "small") for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]
    table.setStyle(TableStyle([*style, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _document(cls, buffer, size, organisation, title: str):
    """A page template with room for the letterhead and the footer, and the PDF's metadata."""
    return cls(
        buffer,
        pagesize=size,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=LETTERHEAD_HEIGHT,
        bottomMargin=14 * mm,
        title=title,
        author=organisation.name,
        subject=title,
        creator="Sistem Kinerja Kecamatan",
    )


def _page_decorator(organisation, size, footer):
    def decorate(canvas, doc):
        letterhead(canvas, doc, organisation)
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(doc.leftMargin, 8 * mm, footer)
        canvas.drawRightString(size[0] - doc.rightMargin, 8 * mm, f"Halaman {doc.page}")
        canvas.restoreState()

    return decorate


def heading(title: str, level: int = 0):
    """A heading that the table of contents of `build_with_contents` lists."""
    style = STYLES["bold"] if level else ParagraphStyle("h1", parent=STYLES["title"], alignment=0, fontSize=11.5)
    paragraph = Paragraph(escape(title), style)
    paragraph._toc_entry = (level, title)
    return paragraph


def build_with_contents(story, *, organisation, title: str, paper: str = "a4", wide: bool = False) -> bytes:
    """Like `build`, with a table of contents (page numbers filled by a second pass)."""
    from reportlab.platypus import PageBreak
    from reportlab.platypus.tableofcontents import TableOfContents

    buffer = io.BytesIO()
    size = page_size(paper, wide=wide)

    class Document(SimpleDocTemplate):
        def afterFlowable(self, flowable):
            entry = getattr(flowable, "_toc_entry", None)
            if entry:
                self.notify("TOCEntry", (entry[0], escape(entry[1]), self.page))

    doc = _document(Document, buffer, size, organisation, title)
    contents = TableOfContents()
    contents.levelStyles = [
        ParagraphStyle("toc0", parent=STYLES["body"], fontSize=9.5, leading=13),
        ParagraphStyle("toc1", parent=STYLES["body"], fontSize=8.5, leading=11, leftIndent=12),
    ]

    decorate = _page_decorator(organisation, size, title)
    full = [
        Paragraph(escape(title), STYLES["title"]),
        Paragraph("Daftar isi", STYLES["bold"]),
        contents,
        PageBreak(),
        *story,
    ]
    doc.multiBuild(full, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
