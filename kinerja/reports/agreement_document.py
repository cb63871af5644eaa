"""The Perjanjian Kinerja as the office signs it (kinerja.agreements gives the content): the
agreement page with both parties, the promise and the superior's duty, signatures; then the
Lampiran with the sasaran, indicators and targets, the programmes or kegiatan with their budget,
and the signatures again. As PDF (printed, issued with a verification code) and as .docx."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from ..agreements import Agreement
from . import word
from .layout import build, data_table, markup, page_size, signature_blocks, text

PROMISE = (
    "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, "
    "dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen "
    "perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami."
)
DUTY = (
    "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian "
    "kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan "
    "dan sanksi."
)
OPENING = (
    "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta "
    "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:"
)
TARGET_HEADERS = ["No", "Sasaran strategis", "Indikator kinerja", "Target"]


def _parties(agreement: Agreement) -> list[tuple[str, str, str]]:
    """(name, function, role sentence) of both parties, as the agreement page states them."""
    dotted = "." * 40
    return [
        (agreement.first.name or dotted, agreement.first.function, "selanjutnya disebut pihak pertama"),
        (agreement.second.name or dotted, agreement.second.function,
         "selaku atasan pihak pertama, selanjutnya disebut pihak kedua"),
    ]  # fmt: skip


def _signers(agreement: Agreement):
    from dataclasses import replace

    return [replace(agreement.second, lead="Pihak Kedua,"), replace(agreement.first, lead="Pihak Pertama,")]


def _date_text(agreement: Agreement) -> str:
    return f"{'.' * 25} {agreement.year}" if agreement.draft else ""


def target_rows(agreement: Agreement) -> list[list]:
    return [[i, row.objective, f"{row.code} {row.indicator}", row.target] for i, row in enumerate(agreement.targets, 1)]


def _budget_headers(agreement: Agreement) -> list[str]:
    what = "Program" if agreement.unit == agreement.organisation.name else "Kegiatan / sub kegiatan"
    return ["No", "Kode", what, "Anggaran (Rp)", "Keterangan"]


def _budget_rows(agreement: Agreement) -> list[list]:
    rows = [[i, row.code, row.name, row.shown, "APBD"] for i, row in enumerate(agreement.programmes, 1)]
    if rows:
        from ..spreadsheets.numbers import display_number

        rows.append(["", "", "Jumlah", display_number(agreement.total), ""])
    return rows or [["—", "", agreement.budget_note, "", ""]]


def pdf_story(agreement: Agreement, width: float) -> list:
    place = agreement.place
    story = [
        markup(f"<u>{escape(agreement.title.upper())}</u>", "title"),
        markup(escape(agreement.unit.upper()), "title"),
        Spacer(1, 5 * mm),
        text(OPENING),
        Spacer(1, 2 * mm),
    ]
    for name, function, role in _parties(agreement):
        story += [text(f"Nama      : {name}"), text(f"Jabatan   : {function}"), text(role), Spacer(1, 2 * mm)]
    story += [text(PROMISE), Spacer(1, 2 * mm), text(DUTY)]
    story.append(
        signature_blocks(
            _signers(agreement), place=place, day=agreement.day, width=width, date_text=_date_text(agreement)
        )
    )
    story += [
        PageBreak(),
        markup(f"LAMPIRAN {escape(agreement.title.upper())}", "title"),
        markup(escape(agreement.unit.upper()), "title"),
        Spacer(1, 4 * mm),
        data_table(TARGET_HEADERS, target_rows(agreement), [10 * mm, 55 * mm, width - 100 * mm, 35 * mm]),
        Spacer(1, 5 * mm),
        data_table(
            _budget_headers(agreement), _budget_rows(agreement),
            [10 * mm, 32 * mm, width - 99 * mm, 35 * mm, 22 * mm],
        ),
        signature_blocks(
            _signers(agreement), place=place, day=agreement.day, width=width, date_text=_date_text(agreement)
        ),
    ]  # fmt: skip
    return story


def render_pdf(agreements: list[Agreement], paper: str = "a4") -> bytes:
    width = page_size(paper)[0] - 24 * mm
    story = []
    for index, agreement in enumerate(agreements):
        if index:
            story.append(PageBreak())
        story += pdf_story(agreement, width)
    first = agreements[0]
    title = first.title if len(agreements) == 1 else f"{first.title} berjenjang ({len(agreements)} unit)"
    return build(story, organisation=first.organisation, title=f"{title} {first.unit}", paper=paper)


def render_docx(agreements: list[Agreement]) -> bytes:
    first = agreements[0]
    document = word.new_document(title=first.title, organisation=first.organisation)
    for index, agreement in enumerate(agreements):
        if index:
            word.page_break(document)
        word.letterhead(document, agreement.organisation)
        docx_pages(document, agreement)
    return word.save(document)


def docx_pages(document, agreement: Agreement) -> None:
    """The agreement page and its lampiran, added to a Word document (also the LKjIP's lampiran)."""
    word.heading(document, agreement.title.upper(), underline=True)
    word.heading(document, agreement.unit.upper())
    word.paragraph(document, OPENING)
    for name, function, role in _parties(agreement):
        word.pairs(document, [("Nama", name), ("Jabatan", function)])
        word.paragraph(document, role)
    word.paragraph(document, PROMISE)
    word.paragraph(document, DUTY)
    word.signatures(
        document, _signers(agreement), place=agreement.place, day=agreement.day, date_text=_date_text(agreement)
    )
    word.page_break(document)
    word.heading(document, f"LAMPIRAN {agreement.title.upper()}")
    word.heading(document, agreement.unit.upper())
    word.data_table(document, TARGET_HEADERS, target_rows(agreement), widths_mm=[10, 50, 75, 35])
    document.add_paragraph()
    word.data_table(document, _budget_headers(agreement), _budget_rows(agreement), widths_mm=[10, 30, 75, 35, 20])
    word.signatures(
        document, _signers(agreement), place=agreement.place, day=agreement.day, date_text=_date_text(agreement)
    )
