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
