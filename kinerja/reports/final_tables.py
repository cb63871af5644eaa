"""Printed tables of the filed performance database, the review notes of every round, and the
LKjIP chapter III tables."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .. import signatures, wording
from ..models import Role
from .layout import build, data_table, markup, page_size, signature_blocks, text


def _signed(organisation, moment, width, *roles):
    """The signature blocks of a document dated by `moment` (today when it has none yet)."""
    day = signatures.local_day(moment)
    return signature_blocks(
        signatures.signers(organisation, day, *roles), place=signatures.town(organisation), day=day, width=width
    )


RECORD_HEADERS = [
    "Kode", "Indikator", "Satuan", "Seksi", "Target", "TW I", "TW II", "TW III", "TW IV",
    "Realisasi s.d. periode", "Capaian (%)", "Kategori",
]  # fmt: skip


def record_rows(records) -> list[list]:
    """The filed database as table rows (numbers stay Decimals), for the PDF and the workbook."""
    return [
        [r.code, r.name, r.unit, r.section, r.target if r.target is not None else r.target_text or None,
         r.real_q1, r.real_q2, r.real_q3, r.real_q4, r.realisation, r.capaian, r.category]
        for r in records
    ]  # fmt: skip


def render_records(cycle, records, paper: str = "a4") -> bytes:
    width = page_size(paper, wide=True)[0] - 24 * mm
    headers, rows = RECORD_HEADERS, record_rows(records)
    fixed = [16, 70, 16, 40, 16, 14, 14, 14, 14, 18, 18]
    widths = [w * mm for w in fixed] + [max(width - sum(fixed) * mm, 18 * mm)]
    filed = f"diarsipkan {timezone.localtime(records[0].filed_at):%d-%m-%Y %H:%M}" if records else "belum diarsipkan"
    story = [
        markup("DATA BASE KINERJA PERANGKAT DAERAH", "title"),
        text(f"{cycle.organisation} · {cycle.period_label} · {filed}"),
        Spacer(1, 3 * mm),
        data_table(headers, rows, widths),
        _signed(cycle.organisation, records[0].filed_at if records else None, width,
                (Role.KEPALA, signatures.MENGETAHUI), (Role.KASUBAG, "")),
    ]  # fmt: skip
    return build(
        story, organisation=cycle.organisation, title=f"Data base kinerja {cycle.period_label}", paper=paper, wide=True
    )


def render_review_notes(cycle, runs, paper: str = "a4") -> bytes:
    width = page_size(paper)[0] - 24 * mm
    rows = []
    for run in runs:
        notes = list(run.review_notes.all())
        decision = f"{run.outcome_label} — {run.closed_by}, {timezone.localtime(run.closed_at):%d-%m-%Y %H:%M}"
        if not notes:
            rows.append([f"Langkah {run.step.number} putaran {run.round}", decision, "-"])
        for note in notes:
            item = (
                note.get_topic_display()
                + (f" {note.indicator.code}" if note.indicator else "")
                + (f" {wording.quarter(note.quarter)}" if note.quarter else "")
            )
            rows.append([f"Langkah {run.step.number} putaran {run.round}", decision, f"{item}: {note.text}"])
    story = [
        markup("CATATAN PEMERIKSAAN HASIL PENGOLAHAN DATA KINERJA", "title"),
        text(f"{cycle.sop_version.name} · {cycle.period_label}"),
        Spacer(1, 3 * mm),
        data_table(
            ["Putaran", "Keputusan", "Catatan revisi"],
            rows or [["-", "Belum ada pemeriksaan", "-"]],
            [35 * mm, 60 * mm, width - 95 * mm],
        ),
        _signed(cycle.organisation, max((run.closed_at for run in runs), default=None), width,
                (Role.SEKRETARIS, ""), (Role.KEPALA, "")),
    ]  # fmt: skip
    return build(story, organisation=cycle.organisation, title=f"Catatan pemeriksaan {cycle.period_label}", paper=paper)


def lkjip_period_suffix(periods: list[str], year: int) -> str:
    """ " (data s.d. TW III 2026)" when the year's own figures are not all filed yet: the title
    must not call quarter figures the year's."""
    if not periods or periods == [f"Tahun {year}"]:
        return ""
    quarters = [p for p in periods if p != f"Tahun {year}"]
    return f" (data s.d. {quarters[-1]})" if len(periods) == 1 else " (sebagian data triwulan)"


def render_lkjip(organisation, year, tables, paper: str = "a4") -> bytes:
    width = page_size(paper, wide=True)[0] - 24 * mm
    periods = sorted({row[3] for table in tables for row in table.rows})
    story = [markup(f"TABEL BAB III LKjIP TAHUN {year}{lkjip_period_suffix(periods, year).upper()}", "title")]
    if periods and periods != [f"Tahun {year}"]:
        story.append(text(f"Data dari periode terakhir yang diarsipkan: {', '.join(periods)}."))
    story.append(Spacer(1, 3 * mm))
    for table in tables:
        columns = len(table.headers)
        fixed = [16 * mm, 62 * mm, 16 * mm, 20 * mm]  # code, indicator, unit, period
        widths = fixed + [(width - sum(fixed)) / (columns - len(fixed))] * (columns - len(fixed))
        story += [text(table.title, "bold"), Spacer(1, 1 * mm), data_table(table.headers, table.rows, widths)]
        for label, note in table.notes:
            story.append(markup(f"<b>{escape(label)}.</b> {escape(note).replace(chr(10), '<br/>')}", "small"))
        story.append(Spacer(1, 4 * mm))
    story.append(_signed(organisation, None, width, (Role.KEPALA, "")))
    return build(story, organisation=organisation, title=f"Tabel bab III LKjIP {year}", paper=paper, wide=True)


EVIDENCE_HEADERS = ["No", "Seksi", "Indikator", "Jenis", "Berkas di arsip / tautan", "Keterangan", "Ditambahkan"]


def render_evidence(cycle, rows, paper: str = "a4") -> bytes:
    """The list of bukti dukung: each file (with its place in the archive and SHA-256) and each
    link (a link is evidence too, and has no file in the archive to stand for it)."""
    width = page_size(paper, wide=True)[0] - 24 * mm
    fixed = [9, 38, 60, 14, 0, 45, 40]
    fixed[4] = width / mm - sum(fixed)
    story = [
        markup("DAFTAR BUKTI DUKUNG", "title"),
        text(f"{cycle.organisation} · {cycle.period_label}"),
        Spacer(1, 3 * mm),
        data_table(
            EVIDENCE_HEADERS,
            [[i, *row] for i, row in enumerate(rows, 1)] or [["-", "Tidak ada bukti dukung.", "", "", "", "", ""]],
            [w * mm for w in fixed],
        ),
    ]
    return build(
        story, organisation=cycle.organisation, title=f"Daftar bukti dukung {cycle.period_label}", paper=paper,
        wide=True,
    )  # fmt: skip


def render_front_matter(
    cycle, *, filed_at, filed_by: str, contents, pages: int, paper: str = "a4", stats: dict | None = None
) -> bytes:
    """The print bundle's cover (title, office, period, date of filing, how to verify) and its
    table of contents (each report's pages in the bundle, counted from the cover)."""
    from reportlab.platypus import PageBreak

    from .. import verification

    seal = verification.current()
    width = page_size(paper)[0] - 24 * mm
    story = [
        Spacer(1, 35 * mm),
        markup("BUNDEL DATA BASE KINERJA PERANGKAT DAERAH", "title"),
        Spacer(1, 6 * mm),
        markup(f"<b>{escape(str(cycle.organisation).upper())}</b>", "title"),
        markup(escape(cycle.period_label), "title"),
        Spacer(1, 12 * mm),
        text(f"Diarsipkan pada {wording.long_date(timezone.localdate(filed_at))} oleh {filed_by}."),
        text(f"Bundel ini terdiri dari {pages} halaman, bernomor berurutan dari halaman sampul."),
        Spacer(1, 4 * mm),
    ]
    if seal is not None:
        story += [
            text(f"Kode verifikasi: {seal.printed}"),
            text(
                f"Keaslian bundel dapat diperiksa di {seal.url} (atau pindai kode QR di kanan atas). "
                "Setiap laporan di dalamnya juga memiliki kode verifikasinya sendiri di kaki halamannya."
            ),
        ]
    # The bundle is handed over as filed: the Kasubag who filed it, the Camat knowing.
    story.append(_signed(cycle.organisation, filed_at, width, (Role.KEPALA, signatures.MENGETAHUI), (Role.KASUBAG, "")))
    story += [
        PageBreak(),
        markup("DAFTAR ISI", "title"),
        Spacer(1, 4 * mm),
        data_table(["No", "Dokumen", "Halaman"], [[i, t, p] for i, (t, p) in enumerate(contents, 1)],
                   [10 * mm, width - 40 * mm, 30 * mm]),
    ]  # fmt: skip
    return build(
        story, organisation=cycle.organisation, title=f"Bundel data base kinerja {cycle.period_label}", paper=paper,
        stats=stats, numbered=False,
    )  # fmt: skip
