"""Editable Word documents (.docx, python-docx): the documents offices finish by hand. The same
letterhead, tables and signature blocks as the PDFs, in plain Word parts (paragraphs, tables
with Word's own grid) so that an office edits them like any of its own documents."""

from __future__ import annotations

import io
import logging
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..wording import letterhead_lines, long_date

logger = logging.getLogger(__name__)

FONT = "Arial"
# Characters XML 1.0 cannot hold (a control character pasted into a name would otherwise make
# the whole document fail): removed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value) -> str:
    return _NOT_XML.sub("", str(value if value is not None else ""))


def new_document(*, wide: bool = False, title: str = "", organisation=None):
    """An A4 document (landscape when `wide`) in the office's type, with its metadata."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    document.core_properties.title = clean(title)
    document.core_properties.author = clean(getattr(organisation, "name", ""))
    document.core_properties.comments = "Dibuat oleh Sistem Kinerja Kecamatan"
    return document


def letterhead(document, organisation) -> None:
    """The kop surat: the crest (if the organisation has one) beside the government, the office
    and its address, and a double rule beneath."""
    crest = _crest_bytes(organisation)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(25), Mm(145)
    if crest:
        left.paragraphs[0].add_run().add_picture(io.BytesIO(crest), height=Mm(20))
    heading = letterhead_lines(organisation)
    lines = [
        *[(line, size, True) for line, size in zip(heading, (12, 14) if len(heading) == 2 else (13,), strict=False)],
        (" · ".join(p for p in (organisation.address, organisation.phone and f"Telp. {organisation.phone}",
                                organisation.email, organisation.postal_code and f"Kode Pos {organisation.postal_code}")
                    if p), 8, False),
    ]  # fmt: skip
    first = True
    for text, size, bold in lines:
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(clean(text))
        run.bold, run.font.size = bold, Pt(size)
    rule = document.add_paragraph()
    _border_below(rule)


def _crest_bytes(organisation) -> bytes | None:
    if not getattr(organisation, "crest_id", None):
        return None
    try:
        with organisation.crest.file.open("rb") as handle:
            return handle.read()
    except Exception:  # a missing or unreadable file: the letterhead without the crest, said in the log
        logger.warning("Lambang %s tidak dapat dibaca; dokumen Word dibuat tanpa lambang.", organisation, exc_info=True)
        return None


def _border_below(paragraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def heading(document, text: str, *, size: int = 12, underline: bool = False):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean(text))
    run.bold, run.underline, run.font.size = True, underline, Pt(size)
    return paragraph


def chapter(document, text: str):
    """A chapter or section heading in Word's own heading style (the navigation pane lists it)."""
    paragraph = document.add_heading(clean(text), level=1)
    for run in paragraph.runs:
        run.font.name, run.font.size = FONT, Pt(12)
    return paragraph


def paragraph(document, text: str, *, bold: bool = False, justify: bool = True, size: float | None = None):
    added = document.add_paragraph()
    if justify:
        added.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = added.add_run(clean(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return added


def pairs(document, rows: list[tuple[str, str]], *, label_mm: float = 35):
    """ "Nama : ..." lines as a borderless two-column table."""
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(label_mm), Mm(130)
        cells[0].text, cells[1].text = clean(label), f": {clean(value)}"
    return table


def data_table(document, headers: list[str], rows: list[list], *, widths_mm: list[float] | None = None, size=9):
    """A gridded table with a bold, shaded header row repeated on every page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean(text))
        run.bold, run.font.size = True, Pt(size)
        _shade(cell, "E9EEF5")
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = ""
            cell.paragraphs[0].add_run(clean(value if value is not None else "—")).font.size = Pt(size)
    if widths_mm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=False):
                cell.width = Mm(width)
    return table


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def signatures(document, signers, *, place: str, day, date_text: str = "") -> None:
    """Signature blocks side by side (the last, the maker, under "Place, date"): lead, function,
    room to sign, the name underlined and bold, pangkat/golongan, NIP (none for a Bupati)."""
    document.add_paragraph()
    signers = list(signers)
    columns = ([None] if len(signers) == 1 else []) + signers  # one signer signs on the right half
    table = document.add_table(rows=1, cols=len(columns))
    for index, (cell, signer) in enumerate(zip(table.rows[0].cells, columns, strict=True)):
        if signer is None:
            continue
        last = index == len(columns) - 1
        lines = [
            f"{place}, {date_text or long_date(day)}" if last else "",
            signer.lead,
            signer.function,
            "",
            "",
            "",
        ]
        for number, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(clean(line))
        name = cell.add_paragraph()
        run = name.add_run(clean(signer.name) if signer.name else "(" + "." * 40 + ")")
        run.bold, run.underline = bool(signer.name), bool(signer.name)
        name.paragraph_format.space_after = Pt(0)
        if signer.pangkat:
            cell.add_paragraph(clean(signer.pangkat)).paragraph_format.space_after = Pt(0)
        if not signer.elected:
            cell.add_paragraph(f"NIP. {clean(signer.nip)}" if signer.nip else "NIP. " + "." * 24)


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
