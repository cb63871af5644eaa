"""Shared page layout of printed artefacts: paper sizes, the organisation's letterhead (kop
surat), page numbers, paragraph styles and the escaping every user string needs."""

from __future__ import annotations

import io
import logging
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from .. import verification
from ..spreadsheets.numbers import format_number
from ..wording import letterhead_lines

logger = logging.getLogger(__name__)

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


CREST_HEIGHT = 16 * mm  # the height of the letterhead's three lines


def crest_image(organisation):
    """The organisation's crest (lambang daerah) for the kop surat, read once per document; None
    without one, or when its file cannot be read (the document is made without it, never refused)."""
    if not getattr(organisation, "crest_id", None):
        return None
    from reportlab.lib.utils import ImageReader

    try:
        with organisation.crest.file.open("rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except Exception:  # a missing or unreadable file: the letterhead without the crest, said in the log
        logger.warning("Lambang %s tidak dapat dibaca; dokumen dicetak tanpa lambang.", organisation, exc_info=True)
        return None


def letterhead(canvas, doc, organisation, crest=None, seal=None) -> None:
    """The kop surat at the top of a page: the crest on the left (if the organisation has one),
    the regional government, the organisation, its address, and a double rule beneath; on the
    first page of an issued document, its QR code on the right."""
    width, height = doc.pagesize
    top = height - 12 * mm
    canvas.saveState()
    if crest is not None:
        image_width, image_height = crest.getSize()
        drawn = CREST_HEIGHT * image_width / max(image_height, 1)
        canvas.drawImage(crest, doc.leftMargin, top - 12 * mm, width=drawn, height=CREST_HEIGHT, mask="auto")
    if seal is not None and doc.page == 1:
        qr_code(canvas, seal.url, width - doc.rightMargin - QR_SIZE, top - 11.5 * mm, QR_SIZE)
    # The heading as the office writes it: two lines (12 and 14 points), or one line of 13 points
    # set smaller where it would reach the crest or the QR code.
    heading_room = width - 2 * (doc.leftMargin + CREST_HEIGHT + 3 * mm)
    lines = letterhead_lines(organisation)
    if len(lines) == 2:
        placed = [(lines[0], 12, top), (lines[1], 14, top - 6 * mm)]
    else:
        placed = [(lines[0], 13, top - 3 * mm)]
    for line, size, baseline in placed:
        while size > 8 and canvas.stringWidth(line, "Helvetica-Bold", size) > heading_room:
            size -= 0.5
        canvas.setFont("Helvetica-Bold", size)
        canvas.drawCentredString(width / 2, baseline, line)
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
    # Between the crest and the QR code: a long address is set smaller rather than over them.
    room = width - 2 * (doc.leftMargin + CREST_HEIGHT + 3 * mm)
    size = 8.0
    while size > 6 and canvas.stringWidth(contact, "Helvetica", size) > room:
        size -= 0.5
    canvas.setFont("Helvetica", size)
    canvas.drawCentredString(width / 2, top - 11 * mm, contact)
    canvas.setLineWidth(1.5)
    canvas.line(doc.leftMargin, top - 13.5 * mm, width - doc.rightMargin, top - 13.5 * mm)
    canvas.setLineWidth(0.5)
    canvas.line(doc.leftMargin, top - 14.5 * mm, width - doc.rightMargin, top - 14.5 * mm)
    canvas.restoreState()


QR_SIZE = 14 * mm  # 0.4-0.5 mm a module for an address of 45-70 characters: a phone reads it


def qr_code(canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code of `value` drawn as one filled path (a row's run of dark modules is one
    rectangle), lower left corner at (x, y), with no quiet zone: the page's margin is one."""
    import segno

    matrix = segno.make(value, error="m", micro=False).matrix
    count = len(matrix)
    module = size / count
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        bottom = y + size - (row_index + 1) * module
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, bottom, (column - start) * module, module)
                start = None
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
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
    numbered: bool = True,
) -> bytes:
    """Lay out a story on pages with the letterhead and the footer (the title, the verification
    code of an issued document, "Halaman n dari N") and return the PDF bytes.
    `stats`, when given, receives the number of pages; `numbered=False` leaves the page numbers
    to a whole the document is part of (the print bundle's cover)."""
    buffer = io.BytesIO()
    size = page_size(paper, wide=wide)
    doc = _document(SimpleDocTemplate, buffer, size, organisation, title)

    decorate = _page_decorator(organisation, size)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=footed_canvas(footer or title, numbered))
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
    """Labels with tick boxes laid out in `columns` columns; the labels as plain text in the
    style's type (a Paragraph per label cost most of a lembar disposisi)."""
    box = 5 * mm
    col = width / columns
    font, size, leading = plain_type(style)
    fit = text_fitter(font, size, col - box - 2)
    cells = [[TickBox(ticked), fit(str(label))] for label, ticked in items]
    rows = []
    for start in range(0, len(cells), columns):
        row = []
        for cell in cells[start : start + columns]:
            row.extend(cell)
        row.extend(["", ""] * (columns - len(cells[start : start + columns])))
        rows.append(row)
    table = Table(rows or [["", ""]], colWidths=[box, col - box] * columns)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, size, leading),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def plain_type(style: str) -> tuple[str, float, float]:
    """The font, size and leading of a paragraph style, for plain-text table cells."""
    chosen = STYLES[style]
    return chosen.fontName, chosen.fontSize, chosen.leading


def cell_text(value) -> str:
    """A table cell's text: numbers the Indonesian way (1.234,5), a dash for a missing value."""
    if value is None:
        return "—"
    if type(value) is str:
        return value
    return format_number(value) if hasattr(value, "as_tuple") else str(value)


def wrap_text(value: str, font: str, size: float, width: float) -> str:
    """The text broken into lines that fit `width` (words longer than a line are cut), joined
    by newlines. A table cell holding a plain string is drawn as text, never read as markup,
    and costs a fraction of a Paragraph: the long tables of 500 indicators use these."""
    return text_fitter(font, size, width)(value)


def text_fitter(font: str, size: float, width: float):
    """`wrap_text` for one column: the font looked up once, for the thousands of cells of a
    long table."""
    measure = getFont(font).stringWidth
    space = measure(" ", size)

    def fit(value: str) -> str:
        if "\n" not in value and measure(value, size) <= width:
            return value  # most cells: one measurement
        lines = []
        for paragraph in value.split("\n"):
            words = []
            for word in paragraph.split():
                while len(word) > 1 and measure(word, size) > width:
                    cut = max(1, int(len(word) * width / measure(word, size)))
                    while cut > 1 and measure(word[:cut], size) > width:
                        cut -= 1
                    words.append(word[:cut])
                    word = word[cut:]
                words.append(word)
            line, used = [], 0.0
            for word in words:
                length = measure(word, size)
                if line and used + space + length > width:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                used += (space if line else 0) + length
                line.append(word)
            lines.append(" ".join(line))
        return "\n".join(lines)

    return fit


# Cell padding of the data tables (points), and their type.
CELL_PADDING = 3
CELL_FONT, CELL_SIZE, CELL_LEADING = "Helvetica", 7.5, 9
HEAD_FONT = "Helvetica-Bold"


def _cell_style(name: str, font: str) -> CellStyle:
    style = CellStyle(name)
    style.fontname, style.fontsize, style.leading = font, CELL_SIZE, CELL_LEADING
    style.leftPadding = style.rightPadding = CELL_PADDING
    style.topPadding = style.bottomPadding = 2  # the 4 points in `data_table`'s row heights
    style.valign = "TOP"
    return style


def data_table(headers, rows, widths):
    """A gridded table with a bold, shaded header row repeated on every page; values shown the
    Indonesian way (1.234,5), as plain text wrapped to the column. Every cell of a row shares
    one cell style (reportlab would otherwise make and restyle one per cell: 7,000 of them in
    the analysis of 500 indicators)."""
    inner = [w - 2 * CELL_PADDING for w in widths]
    data = [[wrap_text(str(h), HEAD_FONT, CELL_SIZE, inner[i]) for i, h in enumerate(headers)]]
    fitters = [text_fitter(CELL_FONT, CELL_SIZE, w) for w in inner]
    data += [[fit(cell_text(v)) for fit, v in zip(fitters, row, strict=False)] for row in rows]
    head, body = _cell_style("kepala", HEAD_FONT), _cell_style("isi", CELL_FONT)
    styles = [[head] * len(headers)] + [[body] * len(headers) for _ in rows]
    # Row heights known from the wrapped lines, so reportlab does not measure every row again
    # for each page the table is split over.
    heights = [max(cell.count("\n") for cell in row) * CELL_LEADING + CELL_LEADING + 4 for row in data]
    table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=1, cellStyles=styles)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
    return table


class Sketch(Flowable):
    """A chart drawn straight onto the page from plain shapes (rectangles, lines, polylines and
    text, coordinates from its lower left corner). reportlab's graphics shapes check every
    attribute they are given and cost most of a small report."""

    def __init__(self, width: float, height: float):
        super().__init__()
        self.width, self.height = width, height
        self.shapes: list[tuple] = []

    def rect(self, x, y, width, height, fill) -> None:
        self.shapes.append(("rect", x, y, width, height, fill))

    def line(self, x1, y1, x2, y2, colour=colors.black, width: float = 0.5) -> None:
        self.shapes.append(("line", x1, y1, x2, y2, colour, width))

    def polyline(self, points, colour, width: float = 1.2) -> None:
        self.shapes.append(("polyline", tuple(points), colour, width))

    def text(self, x, y, value: str, size: float = 6.5, anchor: str = "start", colour=colors.black) -> None:
        self.shapes.append(("text", x, y, value, size, anchor, colour))

    def wrap(self, available_width, available_height):
        # The chart may reach into the frame's padding; reportlab would refuse it otherwise.
        return min(self.width, available_width), self.height

    def draw(self):
        canvas = self.canv
        for kind, *args in self.shapes:
            if kind == "rect":
                x, y, width, height, fill = args
                canvas.setFillColor(fill)
                canvas.rect(x, y, width, height, stroke=0, fill=1)
            elif kind == "line":
                x1, y1, x2, y2, colour, width = args
                canvas.setStrokeColor(colour)
                canvas.setLineWidth(width)
                canvas.line(x1, y1, x2, y2)
            elif kind == "polyline":
                points, colour, width = args
                canvas.setStrokeColor(colour)
                canvas.setLineWidth(width)
                canvas.lines([(*a, *b) for a, b in zip(points, points[1:], strict=False)])
            else:
                x, y, value, size, anchor, colour = args
                canvas.setFillColor(colour)
                canvas.setFont("Helvetica", size)
                {"start": canvas.drawString, "middle": canvas.drawCentredString, "end": canvas.drawRightString}[anchor](
                    x, y, value
                )


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


def _page_decorator(organisation, size):
    crest = crest_image(organisation)
    seal = verification.current()

    def decorate(canvas, doc):
        letterhead(canvas, doc, organisation, crest, seal)

    return decorate


FOOTER_BASELINE = 8 * mm
FOOTER_SIZE = 7.5


def footer_line(canvas, page_width: float, left: str, page: int, pages: int, code: str = "") -> None:
    """The footer of a page: the title on the left, the verification code in the middle, "Halaman
    n dari N" on the right (nothing there when `pages` is 0)."""
    canvas.saveState()
    canvas.setFont("Helvetica", FOOTER_SIZE)
    right = f"Halaman {page} dari {pages}" if pages else ""
    margin = 12 * mm
    middle = f"Kode verifikasi {code}" if code else ""
    room = page_width - 2 * margin - canvas.stringWidth(right, "Helvetica", FOOTER_SIZE) - 6 * mm
    if middle:
        room -= canvas.stringWidth(middle, "Helvetica", FOOTER_SIZE) + 6 * mm
    canvas.drawString(margin, FOOTER_BASELINE, wrap_text(left, "Helvetica", FOOTER_SIZE, room).split("\n")[0])
    if middle:
        canvas.drawRightString(
            page_width - margin - canvas.stringWidth(right, "Helvetica", FOOTER_SIZE) - 6 * mm, FOOTER_BASELINE, middle
        )
    canvas.drawRightString(page_width - margin, FOOTER_BASELINE, right)
    canvas.restoreState()


def footed_canvas(footer: str, numbered: bool = True, at_end=None):
    """A canvas class that holds its pages until the document ends, then gives each its footer
    with the number of pages ("Halaman 2 dari 5") and the issued document's code. `at_end`, when
    given, is called with the canvas once every page is laid out, before any is written: what it
    draws as a form (`beginForm`) appears wherever a page used that form (`doForm`)."""
    from reportlab.pdfgen.canvas import Canvas

    seal = verification.current()
    code = seal.printed if seal else ""

    class FootedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            if at_end is not None:
                at_end(self)
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                footer_line(self, self._pagesize[0], footer, number, total if numbered else 0, code)
                Canvas.showPage(self)
            Canvas.save(self)

    return FootedCanvas


def heading(title: str, level: int = 0):
    """A heading that the table of contents of `build_with_contents` lists."""
    style = STYLES["bold"] if level else ParagraphStyle("h1", parent=STYLES["title"], alignment=0, fontSize=11.5)
    paragraph = Paragraph(escape(title), style)
    paragraph._toc_entry = (level, title)
    return paragraph


def _headings(story) -> list[tuple[int, str]]:
    """The table-of-contents entries of a story, in order (also inside KeepTogether)."""
    found = []
    for flowable in story:
        if getattr(flowable, "_toc_entry", None):
            found.append(flowable._toc_entry)
        found.extend(_headings(getattr(flowable, "_content", None) or []))
    return found


CONTENTS_SIZE, CONTENTS_LEADING = 9, 12
PAGE_NUMBER_WIDTH = 14 * mm


class PageNumberSlot(Flowable):
    """Where the contents give a heading's page: a form drawn here by name, whose number is
    written when the document's pages are known (reportlab lets a page use a form defined later).
    Placed in a right-aligned, bottom-aligned cell, the number stands where the cell's own text
    would stand, and in the page's reading order."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def wrap(self, available_width, available_height):
        return 0, CONTENTS_LEADING

    def draw(self):
        self.canv.doForm(self.name)


def _contents(entries: list[tuple[int, str]], slots: list[str], width: float):
    """The table of contents: one row per heading (indented by level) and its page number."""
    room = width - PAGE_NUMBER_WIDTH - 6
    titles = [
        wrap_text("    " * level + title, CELL_FONT if level else HEAD_FONT, CONTENTS_SIZE, room)
        for level, title in entries
    ]
    rows = [[title, PageNumberSlot(slot)] for title, slot in zip(titles, slots, strict=True)]
    table = Table(rows or [["", ""]], colWidths=[width - PAGE_NUMBER_WIDTH, PAGE_NUMBER_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), CELL_FONT, CONTENTS_SIZE, CONTENTS_LEADING),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
            + [
                ("FONT", (0, i), (0, i), HEAD_FONT, CONTENTS_SIZE, CONTENTS_LEADING)
                for i, (level, _t) in enumerate(entries)
                if level == 0
            ]
        )
    )
    return table


def build_with_contents(
    story, *, organisation, title: str, paper: str = "a4", wide: bool = False, front: list | None = None
) -> bytes:
    """Like `build`, with a table of contents on the first page(s), after the `front` pages when
    given (a cover and a foreword, which the contents do not list). One layout pass: each
    heading's page is recorded as it is placed, and the contents' page numbers (forms the
    contents use, `PageNumberSlot`) are written once every page is known."""
    size = page_size(paper, wide=wide)
    entries = _headings(story)
    slots = [f"DaftarIsi{index}" for index in range(len(entries))]
    recorded: list[int] = []

    class Document(SimpleDocTemplate):
        def afterFlowable(self, flowable):
            if getattr(flowable, "_toc_entry", None):
                recorded.append(self.page)

    def page_numbers(canvas) -> None:
        pages = [str(page) for page in recorded]
        if len(pages) != len(entries):  # a heading split or repeated: fall back to the order seen
            pages = (pages + ["—"] * len(entries))[: len(entries)]
        for slot, page in zip(slots, pages, strict=True):
            # The form's origin is the slot's lower right corner; the number's baseline where a
            # bottom-aligned line of the cell's type would be.
            canvas.beginForm(slot, lowerx=-PAGE_NUMBER_WIDTH, lowery=0, upperx=0, uppery=CONTENTS_LEADING)
            canvas.setFont(CELL_FONT, CONTENTS_SIZE)
            canvas.drawRightString(0, CONTENTS_LEADING - CONTENTS_SIZE, page)
            canvas.endForm()

    buffer = io.BytesIO()
    doc = _document(Document, buffer, size, organisation, title)
    width = size[0] - doc.leftMargin - doc.rightMargin
    full = [
        *(front or []),
        *([PageBreak()] if front else []),
        Paragraph(escape(title), STYLES["title"]),
        Paragraph("Daftar isi", STYLES["bold"]),
        _contents(entries, slots, width),
        PageBreak(),
        *story,
    ]
    decorate = _page_decorator(organisation, size)
    doc.build(full, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=footed_canvas(title, at_end=page_numbers))
    return buffer.getvalue()


SIGN_SPACE = 18 * mm  # room to sign (and stamp)


def signature_blocks(signers, *, place: str, day, width: float, date_text: str = ""):
    """Signature blocks side by side, the last one (the document's maker) under "Place, date":
    the function (with "Mengetahui," where it applies), room to sign, the name underlined, the
    pangkat/golongan and the NIP (none for an elected Bupati). A vacant position leaves a dotted line
    for the name; `date_text` replaces the date (a draft's "........ 2027")."""
    from reportlab.platypus import KeepTogether, Spacer

    from ..wording import long_date

    signers = list(signers)
    columns = []
    for index, signer in enumerate(signers):
        last = index == len(signers) - 1
        name = markup(f"<b><u>{escape(signer.name)}</u></b>", "body") if signer.name else text("(" + "." * 40 + ")")
        blank = "\u00a0"  # an empty line keeps its height, so the blocks' lines stay level
        cell = [
            text(f"{place}, {date_text or long_date(day)}" if last else blank),
            text(signer.lead or blank),
            text(signer.function),
            Spacer(1, SIGN_SPACE),
            name,
            text(signer.pangkat or blank),
            text(blank if signer.elected else f"NIP. {signer.nip}" if signer.nip else "NIP. " + "." * 24),
        ]
        columns.append(cell)
    if len(columns) == 1:  # one signer signs on the right half, as letters are signed
        columns.insert(0, "")
    column = width / max(len(columns), 1)
    table = Table([columns], colWidths=[column] * len(columns))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 4)]))
    return KeepTogether([Spacer(1, 6 * mm), table])


def renumbered(parts: list[bytes], label: str) -> bytes:
    """PDFs joined into one whose every page gets a line above its letterhead: `label`, the
    current issued document's code, and "Halaman n dari N" counted across the whole (the print
    bundle). Each part keeps its own footer (its title, its own code, its own pages): nothing
    printed on a part is hidden or changed. The line is a small content stream appended to each
    page, its fonts added under names of its own: no page's content is parsed or rewritten
    (pypdf's merge_page did, and took most of a bundle's time)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    seal = verification.current()
    left = f"{label} · Kode verifikasi {seal.printed}" if seal else label
    fonts = {}
    for name, base in (("/KinerjaBundel", "/Helvetica"), ("/KinerjaBundelTebal", "/Helvetica-Bold")):
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        fonts[name] = writer._add_object(font)
    opening = DecodedStreamObject()
    opening.set_data(b"q\n")
    opening_ref = writer._add_object(opening)
    closing = DecodedStreamObject()
    closing.set_data(b"Q\n")
    closing_ref = writer._add_object(closing)
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        right = f"Halaman {number} dari {total}"
        right_x = width - 12 * mm - getFont("Helvetica-Bold").stringWidth(right, 7.5)
        baseline = height - 6.5 * mm
        line = DecodedStreamObject()
        line.set_data(
            (
                f"q 0 g BT /KinerjaBundel 7 Tf {12 * mm:.2f} {baseline:.2f} Td ({_pdf_text(left)}) Tj ET "
                f"BT /KinerjaBundelTebal 7.5 Tf {right_x:.2f} {baseline:.2f} Td ({_pdf_text(right)}) Tj ET Q\n"
            ).encode("latin-1")
        )
        contents = page.get("/Contents")
        existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([opening_ref, *existing, closing_ref, writer._add_object(line)])
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[NameObject("/Resources")] = resources
        page_fonts = resources.get("/Font")
        page_fonts = page_fonts.get_object() if page_fonts is not None else DictionaryObject()
        resources[NameObject("/Font")] = page_fonts
        for name, ref in fonts.items():
            page_fonts[NameObject(name)] = ref
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_text(value: str) -> str:
    """A string for a PDF text operator in WinAnsi: parentheses and backslashes escaped, a
    character WinAnsi lacks shown as "?" (the bundle's line holds a title, a code and numbers)."""
    encoded = value.encode("cp1252", errors="replace").decode("latin-1")
    return encoded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
