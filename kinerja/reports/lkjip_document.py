"""The whole LKjIP as PDF (with a table of contents, issued with a verification code) and as an
editable .docx (Word headings, so its navigation pane and its own table of contents work). The
content comes from kinerja.lkjip; both renderings print the same parts in the same order."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from ..lkjip import Lkjip
from ..models import ReportText
from ..spreadsheets.numbers import display_number
from . import agreement_document, word
from .layout import build_with_contents, data_table, heading, markup, page_size, signature_blocks, text

FOREWORD = (
    "Puji syukur ke hadirat Tuhan Yang Maha Esa, Laporan Kinerja Instansi Pemerintah (LKjIP) {unit} tahun {year} "
    "dapat diselesaikan. LKjIP ini disusun sesuai Peraturan Menteri PANRB Nomor 53 Tahun 2014 sebagai wujud "
    "pertanggungjawaban kinerja, dari data kinerja yang dikumpulkan, diperiksa, dianalisis dan diarsipkan menurut "
    "SOP pengumpulan dan pengolahan data kinerja."
)
STRUCTURE_HEADERS = ["Unit kerja", "Pimpinan unit", "Nama", "Staf"]
RENSTRA_HEADERS = ["Sasaran strategis", "Indikator kinerja utama", "Target akhir Renstra"]
EFFICIENCY_HEADERS = ["Kode", "Program", "Pagu (Rp)", "Realisasi (Rp)", "Serapan (%)", "Rata-rata capaian (%)",
                      "Indikator", "Penilaian"]  # fmt: skip
BUDGET_HEADERS = ["Kode", "Program / kegiatan / sub kegiatan", "Pagu (Rp)", "Realisasi (Rp)", "Serapan (%)"]
ACTION_HEADERS = ["Kode", "Indikator", "Satuan", "Target TW I", "Target TW II", "Target TW III", "Target TW IV"]
CHAPTERS = {
    "summary": "Ikhtisar Eksekutif",
    "one": "Bab I Pendahuluan",
    "two": "Bab II Perencanaan Kinerja",
    "three": "Bab III Akuntabilitas Kinerja",
    "four": "Bab IV Penutup",
    "annex": "Lampiran",
}


def _efficiency_rows(report: Lkjip) -> list[list]:
    return [
        [r.code, r.name, display_number(r.pagu), display_number(r.realisation), display_number(r.absorption),
         display_number(r.capaian), r.indicators, r.verdict]
        for r in report.efficiency
    ]  # fmt: skip


def _structure_rows(report: Lkjip) -> list[list]:
    return [[r.unit, r.function, r.name, r.staff] for r in report.structure]


def _sections(report: Lkjip):
    """The LKjIP part by part: (heading level, heading, [blocks]); a block is ("text", str),
    ("table", headers, rows, widths in mm for a landscape-free A4 page), ("notes", [(label, text)])."""
    t = report.texts
    yield (
        0,
        CHAPTERS["summary"],
        [("text", s) for s in report.summary]
        + ([("text", t[ReportText.Part.SUMMARY])] if t[ReportText.Part.SUMMARY] else []),
    )
    yield 0, CHAPTERS["one"], []
    yield 1, "A. Gambaran umum", [("text", t[ReportText.Part.PROFILE])]
    yield 1, "B. Tugas pokok dan fungsi", [("text", t[ReportText.Part.TASKS])]
    yield 1, "C. Struktur organisasi", [("table", STRUCTURE_HEADERS, _structure_rows(report), [55, 55, 55, 15])]
    yield 1, "D. Isu strategis", [("text", t[ReportText.Part.ISSUES])]
    yield 0, CHAPTERS["two"], []
    yield 1, "A. Rencana strategis", [("table", RENSTRA_HEADERS, report.renstra, [65, 80, 35])]
    agreement = report.agreement
    yield 1, f"B. Perjanjian Kinerja tahun {report.year}", [
        ("text", f"Perjanjian Kinerja {agreement.unit} tahun {report.year} antara {agreement.first.function} dan "
                 f"{agreement.second.function} (selengkapnya pada Lampiran):"),
        ("table", agreement_document.TARGET_HEADERS, agreement_document.target_rows(agreement), [10, 50, 85, 35]),
    ]  # fmt: skip
    yield 0, CHAPTERS["three"], [("text", report.period_note)] if report.period_note else []
    for index, table in enumerate(report.chapter3, 1):
        shown = (0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12)  # the period is said once, above the tables
        rows = [[r[i] for i in shown] for r in table.rows]
        headers = [table.headers[i] for i in shown]
        yield (
            1,
            f"A.{index} Sasaran {table.title}",
            [
                ("table", headers, rows, [13, 33, 13, 12, 13, 13, 13, 13, 13, 13, 13, 14]),
                ("notes", table.notes),
            ],
        )
    yield 1, "B. Efisiensi penggunaan sumber daya", [
        ("text", "Capaian kinerja dibandingkan dengan penyerapan anggaran per program: efisien bila rata-rata "
                 "capaian indikator yang didukung program tidak lebih rendah dari serapan anggarannya."),
        ("table", EFFICIENCY_HEADERS, _efficiency_rows(report), [16, 40, 22, 22, 16, 18, 26, 20]),
    ]  # fmt: skip
    yield 1, "C. Realisasi anggaran", [("table", BUDGET_HEADERS, report.budget_rows, [30, 80, 25, 25, 20])]
    yield 0, CHAPTERS["four"], [("text", t[ReportText.Part.CLOSING])]
    yield 0, CHAPTERS["annex"], []
    yield 1, "Lampiran 1. Rencana Aksi", [("table", ACTION_HEADERS, report.action_plan, [16, 70, 18, 19, 19, 19, 19])]
    yield (
        1,
        "Lampiran 2. Tabel pengukuran kinerja",
        [
            (
                "table",
                report.measurement_headers,
                report.measurement,
                [13, 30, 12, 14, 12, 12, 12, 12, 11, 12, 11, 12, 11],
            )
        ],
    )


def render_pdf(report: Lkjip, paper: str = "a4") -> bytes:
    width = page_size(paper)[0] - 24 * mm
    scale = width / (180 * mm)
    front = [
        Spacer(1, 30 * mm),
        markup("LAPORAN KINERJA INSTANSI PEMERINTAH (LKjIP)", "title"),
        markup(escape(report.organisation.name.upper()), "title"),
        markup(f"TAHUN {report.year}", "title"),
        Spacer(1, 10 * mm),
        markup("<b>Kata pengantar</b>", "title"),
        text(FOREWORD.format(unit=report.organisation.name, year=report.year)),
        signature_blocks([report.signer], place=report.place, day=report.day, width=width),
    ]
    story = []
    for level, title, blocks in _sections(report):
        if level == 0 and story and not isinstance(story[-1], PageBreak):
            story.append(PageBreak())
        story.append(heading(title, level))
        story.append(Spacer(1, 2 * mm))
        for block in blocks:
            story += _pdf_block(block, scale)
    story += [PageBreak(), *agreement_document.pdf_story(report.agreement, width)]
    return build_with_contents(story, organisation=report.organisation, title=report.title, paper=paper, front=front)


def _pdf_block(block, scale: float) -> list:
    kind = block[0]
    if kind == "text":
        return [text(block[1]), Spacer(1, 2 * mm)]
    if kind == "notes":
        return [
            markup(f"<b>{escape(label)}.</b> {escape(note).replace(chr(10), '<br/>')}", "small")
            for label, note in block[1]
        ]
    _kind, headers, rows, widths = block
    return [data_table(headers, rows or [["—"] * len(headers)], [w * mm * scale for w in widths]), Spacer(1, 3 * mm)]


def render_docx(report: Lkjip) -> bytes:
    document = word.new_document(title=report.title, organisation=report.organisation)
    word.letterhead(document, report.organisation)
    for line in (
        "LAPORAN KINERJA INSTANSI PEMERINTAH (LKjIP)",
        report.organisation.name.upper(),
        f"TAHUN {report.year}",
    ):
        word.heading(document, line, size=14)
    word.chapter(document, "Kata pengantar")
    word.paragraph(document, FOREWORD.format(unit=report.organisation.name, year=report.year))
    word.signatures(document, [report.signer], place=report.place, day=report.day)
    for level, title, blocks in _sections(report):
        if level == 0:
            word.page_break(document)
            word.chapter(document, title)
        else:
            document.add_heading(word.clean(title), level=2)
        for block in blocks:
            kind = block[0]
            if kind == "text":
                word.paragraph(document, block[1])
            elif kind == "notes":
                for label, note in block[1]:
                    word.paragraph(document, f"{label}. {note}", size=9)
            else:
                _kind, headers, rows, widths = block
                word.data_table(document, headers, rows or [["—"] * len(headers)], widths_mm=widths, size=8)
                document.add_paragraph()
    word.page_break(document)
    agreement_document.docx_pages(document, report.agreement)
    return word.save(document)
