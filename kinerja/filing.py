"""Step 10 of the SOP: the approved result filed as the office's performance database (locked;
corrected only by amendments), its soft copy (one zip of every original and generated report,
with a manifest of SHA-256 checksums, verifiable on demand) and its hard copy (one PDF bundle in
the SOP's order, ready to print and sign)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import permissions, results, uploads, workflow
from .models import (
    Amendment,
    CompletenessCheck,
    Cycle,
    CycleArchive,
    Evidence,
    GroupingReport,
    Narrative,
    PerformanceRecord,
    Role,
    StepRun,
    StrategicObjective,
    Submission,
    User,
)
from .workflow import NotAllowed, WorkflowError

ZIP = "application/zip"


def _decimal2(value):
    from decimal import Decimal

    return value.quantize(Decimal("0.01")) if value is not None else None


def file_database(
    run: StepRun, *, by: User, overdue_reason: str = "", at: datetime.datetime | None = None
) -> CycleArchive:
    """File every indicator's result, build the archive and the bundle, close step 10."""
    now = at or timezone.now()
    workflow.expect_step(run, 10, "Pengarsipan ke data base kinerja")
    workflow.check_can_act(run, by, now)
    cycle = run.cycle
    with transaction.atomic():
        workflow.lock_cycle(cycle.pk)
        if PerformanceRecord.objects.filter(cycle=cycle).exists():
            raise workflow.AlreadyDone("Data siklus ini sudah diarsipkan ke data base kinerja.")
        for r in results.indicator_results(cycle):
            # A number goes to `target`; a range or a predicate, as written, to `target_text`.
            target = r.period_target.cell if r.period_target else None
            written = isinstance(target, str)
            record = PerformanceRecord(
                organisation=cycle.organisation,
                cycle=cycle,
                indicator=r.indicator,
                year=cycle.year,
                quarter=cycle.quarter,
                code=r.indicator.code,
                name=r.indicator.name,
                unit=r.indicator.unit,
                objective=str(r.indicator.objective) if r.indicator.objective else "",
                section=r.indicator.section.name,
                is_iku=r.indicator.is_iku,
                target=None if written else target,
                target_text=target if written else "",
                real_q1=r.realisations.get(1),
                real_q2=r.realisations.get(2),
                real_q3=r.realisations.get(3),
                real_q4=r.realisations.get(4),
                realisation=r.year_to_date,
                capaian=_decimal2(r.year_capaian.value),
                category=r.category,
                filed_by=by,
                filed_at=now,
            )
            record._history_user = by
            record.save()
        archive = build_archive(cycle, by=by, at=now)
        workflow.complete_step(
            run,
            by=by,
            note="Data base kinerja PD diarsipkan (hard copy dan soft copy).",
            overdue_reason=overdue_reason,
            at=now,
        )
    return archive


@workflow.input_check(10)
def _filed(run: StepRun, outcome: str) -> str | None:
    if not CycleArchive.objects.filter(cycle=run.cycle).exists():
        return "Arsipkan data ke data base kinerja di halaman data base (langkah 10)."
    return None


# The archive -----------------------------------------------------------------------------------


@dataclass
class Entry:
    path: str
    data: bytes
    made_by: str
    made_at: datetime.datetime
    kind: str  # "asli" (an upload as it came) or "laporan" (generated)


def _stored(stored, path, kind="asli") -> Entry:
    with stored.file.open("rb") as handle:
        data = handle.read()
    return Entry(path, data, str(stored.uploaded_by or "impor baris perintah"), stored.uploaded_at, kind)


def report_entries(cycle: Cycle, *, by: User, at: datetime.datetime) -> list[Entry]:
    """Every report of the cycle as PDF, in the order of the SOP (also the bundle's order)."""
    from .analysis_steps import grouping_tables
    from .reports import analysis_report, completeness_checklist, disposition_sheet, final_tables, receipt_checklist
    from .submissions import receipt_matrix

    maker = str(by)
    entries = [Entry("laporan/01-lembar-disposisi.pdf", disposition_sheet.render(cycle.letter), maker, at, "laporan")]
    kinds, rows = receipt_matrix(cycle)
    entries.append(
        Entry("laporan/02-ceklist-penerimaan.pdf", receipt_checklist.render(cycle, kinds, rows), maker, at, "laporan")
    )
    checks = list(
        CompletenessCheck.objects.filter(run__cycle=cycle)
        .select_related("section", "run", "checked_by")
        .order_by("run__round", "section__order")
    )
    entries.append(
        Entry("laporan/03-ceklist-kelengkapan.pdf", completeness_checklist.render(cycle, checks), maker, at, "laporan")
    )
    data = results.indicator_results(cycle)
    narratives = [
        (f"Indikator {n.indicator}" if n.indicator else f"Sasaran {n.objective}", n)
        for n in Narrative.objects.filter(cycle=cycle).select_related("indicator", "objective")
    ]
    entries.append(
        Entry(
            "laporan/04-laporan-analisa.pdf",
            analysis_report.render_analysis(cycle, data, results.differences(cycle, data), narratives),
            maker,
            at,
            "laporan",
        )
    )
    grouping = GroupingReport.objects.filter(run__cycle=cycle).first()
    if grouping:
        entries.append(
            Entry(
                "laporan/05-laporan-pengelompokan.pdf",
                analysis_report.render_grouping(cycle, grouping_tables(cycle, grouping.groupings, data)),
                maker,
                at,
                "laporan",
            )
        )
    reviews = list(
        StepRun.objects.filter(cycle=cycle, step__number__in=(8, 9), closed_at__isnull=False)
        .select_related("step", "closed_by")
        .prefetch_related("review_notes__indicator")
        .order_by("closed_at")
    )
    entries.append(
        Entry(
            "laporan/06-catatan-pemeriksaan.pdf", final_tables.render_review_notes(cycle, reviews), maker, at, "laporan"
        )
    )
    records = list(PerformanceRecord.objects.filter(cycle=cycle).order_by("code"))
    entries.append(
        Entry(
            "laporan/07-tabel-data-base-kinerja.pdf", final_tables.render_records(cycle, records), maker, at, "laporan"
        )
    )
    return entries


def print_bundle(reports: list[Entry]) -> bytes:
    """The report PDFs merged into one, in the order given (the SOP's)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for entry in reports:
        if entry.path.endswith(".pdf"):
            writer.append(io.BytesIO(entry.data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def original_entries(cycle: Cycle) -> list[Entry]:
    entries = []
    if cycle.letter.attachment_id:
        stored = cycle.letter.attachment
        entries.append(_stored(stored, f"asli/surat/{uploads.download_name(stored, 'surat')}"))
    for s in Submission.objects.filter(cycle=cycle, file__isnull=False).select_related(
        "file__uploaded_by", "section", "kind"
    ):
        entries.append(_stored(s.file, f"asli/seksi/{s.section.code}/{s.kind.code}-v{s.version}-{s.status}.xlsx"))
    for e in Evidence.objects.filter(cycle=cycle, file__isnull=False).select_related(
        "file__uploaded_by", "section", "indicator"
    ):
        entries.append(
            _stored(
                e.file,
                f"asli/bukti/{e.section.code}/{e.indicator.code}-{e.pk}-{uploads.download_name(e.file, 'bukti')}",
            )
        )
    return entries


def records_workbook(cycle: Cycle, records) -> bytes:
    from .analysis_steps import Table
    from .reports.final_tables import RECORD_HEADERS, record_rows
    from .spreadsheets.exporter import workbook_from_tables

    table = Table("Data base kinerja", RECORD_HEADERS, record_rows(records))
    return workbook_from_tables([table], title=f"Data base kinerja {cycle.period_label}")


@dataclass
class ArchiveContents:
    zip_data: bytes
    bundle_data: bytes
    manifest: list[dict]


def archive_contents(cycle: Cycle, *, by: User, at: datetime.datetime) -> ArchiveContents:
    """The zip (originals, reports, the database table as a workbook, manifest) and the PDF
    bundle of the reports in the SOP's order, made in memory."""
    reports = report_entries(cycle, by=by, at=at)
    records = list(PerformanceRecord.objects.filter(cycle=cycle).order_by("code"))
    workbook = Entry(
        "laporan/07-tabel-data-base-kinerja.xlsx", records_workbook(cycle, records), str(by), at, "laporan"
    )
    entries = original_entries(cycle) + reports + [workbook]
    manifest = [
        {
            "path": e.path,
            "sha256": hashlib.sha256(e.data).hexdigest(),
            "size": len(e.data),
            "made_by": e.made_by,
            "made_at": timezone.localtime(e.made_at).isoformat(timespec="seconds"),
            "kind": e.kind,
        }
        for e in entries
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            archive.writestr(entry.path, entry.data)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return ArchiveContents(buffer.getvalue(), print_bundle(reports), manifest)


def build_archive(cycle: Cycle, *, by: User, at: datetime.datetime) -> CycleArchive:
    """Write the zip and the PDF bundle (`archive_contents`), and keep both."""
    contents = archive_contents(cycle, by=by, at=at)
    name = f"arsip-{cycle.organisation.code}-{cycle.year}{f'-tw{cycle.quarter}' if cycle.quarter else ''}.zip"
    stored_zip = uploads.store_bytes(
        contents.zip_data, organisation=cycle.organisation, by=by, original_name=name, content_type=ZIP
    )
    stored_bundle = uploads.store_bytes(
        contents.bundle_data, organisation=cycle.organisation, by=by, original_name=name.replace(".zip", ".pdf"),
        content_type="application/pdf",
    )  # fmt: skip
    archive = CycleArchive(
        cycle=cycle, file=stored_zip, bundle=stored_bundle, manifest=contents.manifest, created_by=by, created_at=at
    )
    archive._history_user = by
    archive.save()
    return archive


def verify(archive: CycleArchive, data: bytes | None = None) -> list[str]:
    """Check an archive against its manifest; the problems found, in Indonesian (none: intact)."""
    problems = []
    if data is None:
        with archive.file.file.open("rb") as handle:
            data = handle.read()
    if hashlib.sha256(data).hexdigest() != archive.file.sha256:
        problems.append("Checksum berkas arsip tidak sama dengan yang dicatat saat pengarsipan.")
    try:
        zipped = zipfile.ZipFile(io.BytesIO(data))
        names = set(zipped.namelist())
        inside = json.loads(zipped.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return problems + ["Arsip rusak atau manifesnya hilang."]
    if inside != archive.manifest:
        problems.append("Manifes di dalam arsip berbeda dengan manifes yang dicatat.")
    for item in archive.manifest:
        if item["path"] not in names:
            problems.append(f"{item['path']}: tidak ada di arsip.")
            continue
        if hashlib.sha256(zipped.read(item["path"])).hexdigest() != item["sha256"]:
            problems.append(f"{item['path']}: isinya berubah (SHA-256 tidak cocok).")
    extra = names - {item["path"] for item in archive.manifest} - {"manifest.json"}
    problems += [f"{name}: tidak tercantum di manifes." for name in sorted(extra)]
    return problems


# Amendments and reads ---------------------------------------------------------------------------

AMENDERS = {Role.KASUBAG, Role.KEPALA}


def amend(record: PerformanceRecord, *, by: User, field: str, new_value, reason: str, approver: str) -> Amendment:
    """Correct a filed figure explicitly; the record itself never changes."""
    permissions.forget_positions(by)
    if not (permissions.roles_in(by, record.organisation) & AMENDERS):
        raise NotAllowed("Amandemen data base kinerja diajukan oleh Kasubag Perencanaan dan Pelaporan atau Camat.")
    if field not in dict(Amendment.FIELDS):
        raise WorkflowError("Pilih isian yang dikoreksi: target, realisasi, atau capaian.")
    if not (reason or "").strip() or not (approver or "").strip():
        raise WorkflowError("Amandemen wajib berisi alasan dan nama pejabat yang menyetujui.")
    previous = record.amendments.filter(field=field).order_by("-created_at").first()
    amendment = Amendment(
        record=record,
        field=field,
        old_value=previous.new_value if previous else getattr(record, field),
        new_value=new_value,
        reason=reason.strip(),
        approver=approver.strip()[:200],
        created_by=by,
        created_at=timezone.now(),
    )
    amendment._history_user = by
    amendment.save()
    return amendment


def with_amendments(records, amendments=None):
    """The records with their amendments loaded once, as a plain list `amendment_list` (cheaper
    than a related manager's `.all()` per record and per field)."""
    from django.db.models import Prefetch

    return records.prefetch_related(
        Prefetch("amendments", queryset=amendments or Amendment.objects.all(), to_attr="amendment_list")
    )


def current_value(record: PerformanceRecord, field: str):
    """The value after the latest amendment of a field (the original when never amended)."""
    latest = None
    amendments = getattr(record, "amendment_list", None)
    for amendment in record.amendments.all() if amendments is None else amendments:
        if amendment.field == field and (latest is None or amendment.created_at > latest.created_at):
            latest = amendment
    if latest:
        return latest.new_value
    if field == "target" and record.target is None:
        return record.target_text or None  # a range or a predicate, as filed
    return getattr(record, field)


def capaian_groups(organisation, year: int) -> tuple[dict[str, list[Decimal]], dict[str, list[Decimal]]]:
    """The capaian (after its latest amendment) of every record filed for the year, grouped by
    strategic objective and by section: two queries, no model objects (the dashboard reads all)."""
    records = PerformanceRecord.objects.filter(organisation=organisation, year=year).values_list(
        "pk", "objective", "section", "capaian"
    )
    amended = dict(
        Amendment.objects.filter(record__organisation=organisation, record__year=year, field="capaian")
        .order_by("created_at", "pk")
        .values_list("record_id", "new_value")
    )  # later amendments overwrite earlier ones
    by_objective: dict[str, list[Decimal]] = {}
    by_section: dict[str, list[Decimal]] = {}
    for pk, objective, section, capaian in records:
        value = amended.get(pk, capaian)
        if value is not None:
            by_objective.setdefault(objective or "Tanpa sasaran", []).append(value)
            by_section.setdefault(section, []).append(value)
    return by_objective, by_section


def lkjip_tables(organisation, year: int):
    """LKjIP chapter III: per objective, each indicator's target, realisation and capaian for the
    year, compared with the two previous years' filed figures."""
    from .analysis_steps import Table

    records = with_amendments(
        PerformanceRecord.objects.filter(organisation=organisation, year__in=[year, year - 1, year - 2])
    ).order_by("year", "quarter")
    latest: dict[tuple[str, int], PerformanceRecord] = {}

    def rank(record):  # the annual record first, then the latest quarter
        return 5 if record.quarter is None else record.quarter

    for record in records:
        key = (record.code, record.year)
        if key not in latest or rank(record) > rank(latest[key]):
            latest[key] = record
    tables = []
    headers = [
        "Indikator", "Satuan", "Target", "Realisasi", "Capaian (%)",
        f"Capaian {year - 1} (%)", f"Capaian {year - 2} (%)", "Target akhir Renstra", "Realisasi terhadap Renstra (%)",
    ]  # fmt: skip
    renstra = dict(
        PerformanceRecord.objects.filter(organisation=organisation, year=year).values_list(
            "code", "indicator__renstra_target"
        )
    )
    objectives = list(StrategicObjective.objects.filter(organisation=organisation))
    by_objective: dict[str, list] = {}
    for (_code, record_year), record in sorted(latest.items()):
        if record_year == year:
            by_objective.setdefault(record.objective or "Tanpa sasaran", []).append(record)
    for name in [str(o) for o in objectives] + ["Tanpa sasaran"]:
        rows = []
        for record in by_objective.get(name, []):
            before = latest.get((record.code, year - 1))
            earlier = latest.get((record.code, year - 2))
            rows.append(
                [
                    f"{record.code} {record.name}",
                    record.unit,
                    current_value(record, "target"),
                    current_value(record, "realisation"),
                    current_value(record, "capaian"),
                    current_value(before, "capaian") if before else None,
                    current_value(earlier, "capaian") if earlier else None,
                    renstra.get(record.code),
                    _renstra_share(current_value(record, "realisation"), renstra.get(record.code)),
                ]
            )
        if rows:
            tables.append(Table(name, headers, rows))
    return tables


def _renstra_share(realisation, renstra_target):
    if realisation is None or not renstra_target:
        return None
    return (realisation / renstra_target * 100).quantize(Decimal("0.01"))


def pk_draft(organisation, year: int) -> bytes:
    """Next year's Perjanjian Kinerja draft: active indicators with next year's targets (or this
    year's where next year's are not set yet)."""
    from .analysis_steps import Table
    from .models import Indicator, Target
    from .spreadsheets.exporter import workbook_from_tables

    indicators = list(
        Indicator.objects.filter(organisation=organisation, active=True)
        .select_related("objective", "section")
        .order_by("code")
    )
    targets = {
        (t.indicator_id, t.year): t
        for t in Target.objects.filter(indicator__in=indicators, year__in=[year, year + 1], quarter__isnull=True)
    }
    rows = []
    for indicator in indicators:
        target = targets.get((indicator.pk, year + 1)) or targets.get((indicator.pk, year))
        rows.append(
            [
                str(indicator.objective) if indicator.objective else "",
                indicator.code,
                indicator.name,
                indicator.unit,
                target.cell if target else None,
                "target tahun depan" if targets.get((indicator.pk, year + 1)) else f"target {year} (sesuaikan)",
                indicator.section.name,
            ]
        )
    table = Table(
        f"Rancangan PK {year + 1}",
        ["Sasaran", "Kode", "Indikator", "Satuan", f"Target {year + 1}", "Asal target", "Penanggung jawab"],
        rows,
    )
    return workbook_from_tables([table], title=f"Rancangan Perjanjian Kinerja {organisation.name} tahun {year + 1}")
