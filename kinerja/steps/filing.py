"""Step 10 of the SOP: the approved result filed as the office's performance database (locked;
corrected only by amendments), its soft copy (one zip of every original and generated report,
with a manifest of SHA-256 checksums, verifiable on demand) and its hard copy (one PDF bundle in
the SOP's order, ready to print and sign)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from .. import masterdata, permissions, uploads, verification
from ..engine import registry, workflow
from ..engine.workflow import NotAllowed, WorkflowError
from ..measurement import analysis, basis, results, targets
from ..models import (
    Amendment,
    BaselineFigure,
    CompletenessCheck,
    Cycle,
    CycleArchive,
    Evidence,
    FilingJob,
    GroupingReport,
    Indicator,
    IssuedDocument,
    Letter,
    Narrative,
    PerformanceRecord,
    SopStep,
    StepRun,
    StrategicObjective,
    Submission,
    Target,
    User,
)
from ..spreadsheets.exporter import workbook_from_tables
from ..spreadsheets.numbers import NotANumber, OtherUnit, parse_number
from .analysis_steps import Table, grouping_tables
from .review import approved_document, check_as_approved
from .submissions import receipt_matrix

ZIP = "application/zip"


def file_database(
    run: StepRun, *, by: User, overdue_reason: str = "", at: datetime.datetime | None = None
) -> CycleArchive:
    """File every indicator's result, build the archive and the bundle, close step 10."""
    now = at or timezone.now()
    kept = []

    def file_records(run: StepRun) -> None:
        cycle = run.cycle
        if PerformanceRecord.objects.filter(cycle=cycle).exists():
            raise workflow.AlreadyDone("Data siklus ini sudah diarsipkan ke data base kinerja.")
        kept_basis = basis.to_file(cycle)  # the master data these figures are computed with (the approval's)
        figures = results.indicator_results(cycle)
        check_as_approved(cycle, figures)
        for r in figures:
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
                **results.filed_figures(r),
                filed_by=by,
                filed_at=now,
            )
            record._history_user = by
            record.save()
        kept.append(build_archive(cycle, by=by, at=now, basis=kept_basis))

    workflow.close_step(
        run, by=by, kind=SopStep.Kind.FILING, note="Data base kinerja PD diarsipkan (hard copy dan soft copy).",
        overdue_reason=overdue_reason, record=file_records, at=now,
    )  # fmt: skip
    return kept[0]


# Step 10 on the worker -------------------------------------------------------------------------

logger = logging.getLogger(__name__)

FAILED_BY_SYSTEM = (
    "Pengarsipan gagal karena kesalahan sistem; tidak ada yang diarsipkan dan langkah 10 tetap terbuka. "
    "Kesalahan dicatat di log server; coba lagi atau hubungi administrator."
)


def request_filing(
    run: StepRun, *, by: User, overdue_reason: str = "", at: datetime.datetime | None = None
) -> FilingJob:
    """Step 10 asked of the task queue's worker: refused here for every reason the worker would
    refuse (the same sentences), then one request per cycle at a time, queued once its row is committed.
    A broker that cannot be reached files in this request instead: nothing waits for a worker
    that was never told."""
    from .. import queue

    now = at or timezone.now()
    workflow.check_close(run, by=by, kind=SopStep.Kind.FILING, overdue_reason=overdue_reason, at=now)
    if PerformanceRecord.objects.filter(cycle_id=run.cycle_id).exists():
        raise workflow.AlreadyDone("Data siklus ini sudah diarsipkan ke data base kinerja.")
    try:
        with transaction.atomic():
            job = FilingJob.objects.create(
                cycle_id=run.cycle_id, overdue_reason=(overdue_reason or "").strip(), requested_by=by,
                requested_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise workflow.WorkflowError(pending_sentence(pending_job(run.cycle_id))) from None
    if not queue.enqueue("file_cycle", job.pk):
        return run_job(job.pk)
    return job


def file_or_request(run: StepRun, *, by: User, overdue_reason: str = "") -> None:
    """What the filing page's button does: with a task queue, ask the worker (request_filing; a
    failure is then shown by the page from the request); without one, file here."""
    from .. import queue

    if queue.available():
        request_filing(run, by=by, overdue_reason=overdue_reason)
    else:
        file_database(run, by=by, overdue_reason=overdue_reason)


def pending_job(cycle_id: int) -> FilingJob | None:
    return FilingJob.objects.filter(cycle_id=cycle_id, status__in=FilingJob.OPEN).select_related("requested_by").first()


def latest_job(cycle_id: int) -> FilingJob | None:
    return FilingJob.objects.filter(cycle_id=cycle_id).select_related("requested_by").first()


def pending_sentence(job: FilingJob | None) -> str:
    if job is None:  # ended between the refusal and this read
        return "Pengarsipan siklus ini baru saja selesai diproses; muat ulang halaman."
    return (
        f"Pengarsipan siklus ini sedang diproses server (diminta oleh {job.requested_by} pukul "
        f"{timezone.localtime(job.requested_at):%H:%M}); tunggu sampai selesai. Tidak ada yang diubah."
    )


def run_job(job_id: int) -> FilingJob:
    """On the worker: file the cycle as the request asked, in one transaction with the step's
    closing (file_database), at the moment it was asked (its deadline and the records' date are
    those of the request) and with the requester's rights checked again now. A job already ended,
    or being filed by another worker (a message delivered twice), is left alone; a worker that died
    rolled its transaction back, so the message delivered again files from the start."""
    FilingJob.objects.filter(pk=job_id, status__in=FilingJob.OPEN).update(
        status=FilingJob.Status.BUILDING, started_at=timezone.now()
    )
    try:
        with transaction.atomic():
            job = (
                FilingJob.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("requested_by")
                .filter(pk=job_id, status__in=FilingJob.OPEN)
                .first()
            )
            if job is None:
                return FilingJob.objects.get(pk=job_id)
            run = workflow.open_run(job.cycle_id, SopStep.Kind.FILING)
            if run is None:
                raise workflow.WorkflowError(workflow.not_open_sentence(SopStep.Kind.FILING))
            file_database(run, by=job.requested_by, overdue_reason=job.overdue_reason, at=job.requested_at)
            job.status, job.finished_at = FilingJob.Status.READY, timezone.now()
            job.save(update_fields=["status", "finished_at"])
            return job
    except workflow.WorkflowError as exc:
        error = f"{exc} Tidak ada yang diarsipkan; langkah 10 tetap terbuka."
    except Exception:
        logger.exception("Pengarsipan siklus (permintaan %s) gagal", job_id)
        error = FAILED_BY_SYSTEM
    FilingJob.objects.filter(pk=job_id, status__in=FilingJob.OPEN).update(
        status=FilingJob.Status.FAILED, error=error, finished_at=timezone.now()
    )
    return FilingJob.objects.get(pk=job_id)


def resume_jobs(older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Queue again every filing asked for more than `older_than` ago and not ended (its message was
    lost with the broker, or its worker died): the periodic task. One being filed right now is
    left alone by run_job."""
    from .. import queue

    stale = FilingJob.objects.filter(status__in=FilingJob.OPEN, requested_at__lt=timezone.now() - older_than)
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        queue.enqueue("file_cycle", pk)
    return len(ids)


def _filed(run: StepRun, outcome: str) -> str | None:
    if not CycleArchive.objects.filter(cycle=run.cycle).exists():
        return "Arsipkan data ke data base kinerja di halaman data base (langkah 10)."
    return None


registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.FILING,
        label="Buka data base kinerja",
        page=lambda run: reverse("kinerja:filing", args=[run.cycle_id]),
        input_checks=(_filed,),
    )
)


# The archive -----------------------------------------------------------------------------------

# Files are copied into the zip in chunks of this size: a worker's memory does not grow with the
# size of the archive (uploads are at most 10 MB each, versions capped per section and kind), only
# with the generated reports, which are built in memory.
CHUNK = 1024 * 1024
DISPOSITION_SHEET = "laporan/01-lembar-disposisi.pdf"
RAHASIA_NOTE = "RAHASIA-TIDAK-DISERTAKAN.txt"
RAHASIA_READERS = (
    "Camat, pencatat surat, orang pada rantai disposisinya (kecuali disposisi yang ditarik sebelum dibaca), "
    "dan administrator kecamatan"
)


@dataclass
class Entry:
    """One file of the archive: generated bytes (a report) or an upload read from storage."""

    path: str
    made_by: str
    made_at: datetime.datetime
    kind: str  # "asli" (an upload as it came) or "laporan" (generated)
    data: bytes | None = None
    source: object = None  # a StoredFile, streamed
    rahasia: bool = False  # a part of a rahasia letter: only for those who may read the letter
    title: str = ""  # a report's name in the print bundle's table of contents

    def open(self):
        return io.BytesIO(self.data) if self.data is not None else self.source.file.open("rb")


def _stored(stored, path, kind="asli", rahasia=False, made_by: str | None = None) -> Entry:
    made_by = made_by or str(stored.uploaded_by or "impor baris perintah")
    return Entry(path, made_by, stored.uploaded_at, kind, source=stored, rahasia=rahasia)


def report_entries(cycle: Cycle, *, by: User, at: datetime.datetime) -> list[Entry]:
    """Every report of the cycle as PDF, in the order of the SOP (also the bundle's order), each
    issued with its own verification code."""
    # Imported here, not at the top: reportlab and pypdf add 0.17 s of CPU to every process that
    # loads this module (each manage.py command, import_kinerja included); only PDF work needs them.
    from ..reports import analysis_report, completeness_checklist, disposition_sheet, final_tables, receipt_checklist

    maker = str(by)
    Kind = IssuedDocument.Kind

    def report(path, kind, render=None, data=None):
        if data is None:
            data = verification.issued_for_cycle(cycle, kind, render, by=by, at=at)
        rahasia = path == DISPOSITION_SHEET and _rahasia(cycle)
        return Entry(path, maker, at, "laporan", data=data, rahasia=rahasia, title=Kind(kind).label)

    sheet = disposition_sheet.issued(cycle.letter, by=by, cycle=cycle, at=at)
    entries = [report(DISPOSITION_SHEET, Kind.DISPOSITION_SHEET, data=sheet)]
    kinds, rows = receipt_matrix(cycle)
    entries.append(
        report("laporan/02-ceklist-penerimaan.pdf", Kind.RECEIPT, lambda: receipt_checklist.render(cycle, kinds, rows))
    )
    checks = list(
        CompletenessCheck.objects.filter(run__cycle=cycle)
        .select_related("section", "run", "checked_by")
        .order_by("run__round", "section__order")
    )
    entries.append(
        report(
            "laporan/03-ceklist-kelengkapan.pdf",
            Kind.COMPLETENESS,
            lambda: completeness_checklist.render(cycle, checks),
        )
    )
    data = results.indicator_results(cycle)
    approved = approved_document(cycle)  # the very document the Camat approved, byte for byte
    if approved is not None:
        with approved.document.file.open("rb") as handle:
            entries.append(report("laporan/04-laporan-analisa.pdf", Kind.ANALYSIS, data=handle.read()))
    else:  # a cycle approved before documents were kept
        entries.append(
            report("laporan/04-laporan-analisa.pdf", Kind.ANALYSIS, lambda: analysis_report.analysis_document(cycle))
        )
    grouping = GroupingReport.objects.filter(run__cycle=cycle).first()
    if grouping:
        tables = grouping_tables(cycle, grouping.groupings, data)
        entries.append(
            report(
                "laporan/05-laporan-pengelompokan.pdf",
                Kind.GROUPING,
                lambda: analysis_report.render_grouping(cycle, tables),
            )
        )
    reviews = list(
        StepRun.objects.filter(cycle=cycle, step__kind=SopStep.Kind.REVIEW, closed_at__isnull=False)
        .select_related("step", "closed_by")
        .prefetch_related("review_notes__indicator")
        .order_by("closed_at")
    )
    entries.append(
        report(
            "laporan/06-catatan-pemeriksaan.pdf",
            Kind.REVIEW_NOTES,
            lambda: final_tables.render_review_notes(cycle, reviews),
        )
    )
    records = list(PerformanceRecord.objects.filter(cycle=cycle).order_by("code"))
    entries.append(
        report(
            "laporan/07-tabel-data-base-kinerja.pdf", Kind.RECORDS, lambda: final_tables.render_records(cycle, records)
        )
    )
    evidence = evidence_rows(cycle)
    entries.append(
        report(
            "laporan/08-daftar-bukti-dukung.pdf", Kind.EVIDENCE, lambda: final_tables.render_evidence(cycle, evidence)
        )
    )
    return entries


def _rahasia(cycle: Cycle) -> bool:
    return cycle.letter.nature == Letter.Nature.RAHASIA


def print_bundle(cycle: Cycle, reports: list[Entry], *, by: User, at: datetime.datetime) -> bytes:
    """The print bundle of the reports (`_bundle`), issued."""
    return _bundle(cycle, reports, by=by, at=at)[0]


def _bundle(
    cycle: Cycle, reports: list[Entry], *, by: User, at: datetime.datetime
) -> tuple[bytes, dict[str, list[int]]]:
    """The print bundle, issued with its own code: a cover, a table of contents, and the report
    PDFs in the order given (the SOP's), every page numbered across the whole ("Halaman 7 dari
    18"); and the pages (first, last; counted from the cover) each report takes in it."""
    from pypdf import PdfReader  # lazy: see report_entries

    from ..reports import final_tables, layout

    parts = [entry for entry in reports if entry.path.endswith(".pdf")]
    counts = [len(PdfReader(io.BytesIO(entry.data)).pages) for entry in parts]
    pages: dict[str, list[int]] = {}
    title = f"Bundel data base kinerja {cycle.period_label}"

    def render() -> bytes:
        front, front_pages = b"", 2  # the cover and one page of contents, checked below
        for _attempt in range(3):
            first, contents = front_pages + 1, []
            for entry, count in zip(parts, counts, strict=True):
                pages[entry.path] = [first, first + count - 1]
                contents.append(
                    (entry.title or entry.path, f"{first}" if count == 1 else f"{first}–{first + count - 1}")
                )
                first += count
            stats: dict = {}
            front = final_tables.render_front_matter(
                cycle, filed_at=at, filed_by=str(by), contents=contents, pages=first - 1, stats=stats
            )
            if stats["pages"] == front_pages:
                break
            front_pages = stats["pages"]
        return layout.renumbered([front, *(entry.data for entry in parts)], title)

    bundle = verification.issued(
        render,
        organisation=cycle.organisation,
        kind=IssuedDocument.Kind.BUNDLE,
        title=title,
        period=cycle.period_label,
        by=by,
        cycle=cycle,
        at=at,
    )
    return bundle, pages


def _evidence_path(e: Evidence) -> str:
    return f"asli/bukti/{e.section.code}/{e.indicator.code}-{e.pk}-{uploads.download_name(e.file, 'bukti')}"


def evidence_rows(cycle: Cycle) -> list[list[str]]:
    """The bukti dukung of a cycle as the archive lists them: a file by its place in the archive
    and its SHA-256, a link by its address."""
    rows = []
    for e in (
        Evidence.objects.filter(cycle=cycle)
        .select_related("file", "section", "indicator", "uploaded_by")
        .order_by("section__order", "indicator__code", "uploaded_at", "pk")
    ):
        where = f"{_evidence_path(e)}\nSHA-256 {e.file.sha256}" if e.file_id else e.url
        added = f"{e.uploaded_by}\n{timezone.localtime(e.uploaded_at):%d-%m-%Y %H:%M}"
        kind = "berkas" if e.file_id else "tautan"
        rows.append([e.section.name, f"{e.indicator.code} {e.indicator.name}", kind, where, e.note, added])
    return rows


def original_entries(cycle: Cycle) -> list[Entry]:
    entries = []
    if cycle.letter.attachment_id:
        stored = cycle.letter.attachment
        entries.append(_stored(stored, f"asli/surat/{uploads.download_name(stored, 'surat')}", rahasia=_rahasia(cycle)))
    for s in Submission.objects.filter(cycle=cycle, file__isnull=False).select_related(
        "file__uploaded_by", "uploaded_by", "section", "kind"
    ):
        path = f"asli/seksi/{s.section.code}/{s.kind.code}-v{s.version}-{s.status}.xlsx"
        # Uploaded on the section's behalf: the manifest names both ("… atas nama Seksi …").
        entries.append(_stored(s.file, path, made_by=s.uploader if s.on_behalf_reason else None))
    for e in Evidence.objects.filter(cycle=cycle, file__isnull=False).select_related(
        "file__uploaded_by", "section", "indicator"
    ):
        entries.append(_stored(e.file, _evidence_path(e)))
    return entries


def records_workbook(records, *, title: str, with_period: bool = False) -> bytes:
    """The filed records as a workbook; `with_period` adds a first column naming each record's
    period (a selection may hold TW III and the year of one indicator)."""
    from ..reports.final_tables import RECORD_HEADERS, record_rows  # lazy: see report_entries

    records = list(records)
    headers, rows = RECORD_HEADERS, record_rows(records)
    if with_period:
        headers = ["Periode", *headers]
        periods = [Cycle(year=r.year, quarter=r.quarter).period_label for r in records]
        rows = [[period, *row] for period, row in zip(periods, rows, strict=True)]
    return workbook_from_tables([Table("Data base kinerja", headers, rows)], title=title)


@dataclass
class ArchiveContents:
    zip_file: object  # a temporary file holding the zip, positioned at its start
    bundle_data: bytes
    manifest: list[dict]


def _copy(source, target, digest=None) -> int:
    size = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        target.write(chunk)
        if digest is not None:
            digest.update(chunk)
        size += len(chunk)
    return size


def write_zip(entries: list[Entry], target, *, extra: dict[str, dict] | None = None) -> list[dict]:
    """Write the entries and their manifest (SHA-256 and size measured while copying, plus any
    `extra` fields per path) as a zip into the file `target`; returns the manifest."""
    manifest = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            digest = hashlib.sha256()
            with entry.open() as source, archive.open(entry.path, "w", force_zip64=True) as member:
                size = _copy(source, member, digest)
            item = {
                "path": entry.path,
                "sha256": digest.hexdigest(),
                "size": size,
                "made_by": entry.made_by,
                "made_at": timezone.localtime(entry.made_at).isoformat(timespec="seconds"),
                "kind": entry.kind,
            }
            if entry.rahasia:
                item["rahasia"] = True
                item["dapat_dilihat_oleh"] = RAHASIA_READERS
            item.update((extra or {}).get(entry.path, {}))
            manifest.append(item)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


MASTER_DATA = "laporan/09-data-induk-indikator-dan-target.xlsx"


def archive_contents(cycle: Cycle, *, by: User, at: datetime.datetime, kept: dict) -> ArchiveContents:
    """The zip (originals, reports, the database table and the master data `kept` with the
    figures, as workbooks, manifest) written to a temporary file, and the PDF bundle of the
    reports in the SOP's order. Each report's pages in the bundle are in the manifest
    (`halaman_bundel`), so a viewer's copy can leave some out."""
    reports = report_entries(cycle, by=by, at=at)
    records = list(PerformanceRecord.objects.filter(cycle=cycle).order_by("code"))
    table = records_workbook(records, title=f"Data base kinerja {cycle.period_label}")
    workbook = Entry("laporan/07-tabel-data-base-kinerja.xlsx", str(by), at, "laporan", data=table)
    master = masterdata.kept_workbook(basis.from_kept(kept), cycle.year)
    master_data = Entry(MASTER_DATA, str(by), at, "laporan", data=master)
    bundle, pages = _bundle(cycle, reports, by=by, at=at)
    entries = original_entries(cycle) + reports + [workbook, master_data]
    handle = tempfile.TemporaryFile()
    manifest = write_zip(entries, handle, extra={path: {"halaman_bundel": span} for path, span in pages.items()})
    handle.seek(0)
    return ArchiveContents(handle, bundle, manifest)


def build_archive(cycle: Cycle, *, by: User, at: datetime.datetime, basis: dict) -> CycleArchive:
    """Write the zip and the PDF bundle (`archive_contents`), and keep both with the master data
    the figures were computed with (`measurement.basis.capture`)."""
    contents = archive_contents(cycle, by=by, at=at, kept=basis)
    name = f"arsip-{cycle.organisation.code}-{cycle.year}{f'-tw{cycle.quarter}' if cycle.quarter else ''}.zip"
    with contents.zip_file as handle:
        stored_zip = uploads.store_file(
            handle, organisation=cycle.organisation, by=by, original_name=name, content_type=ZIP
        )
    stored_bundle = uploads.store_bytes(
        contents.bundle_data, organisation=cycle.organisation, by=by, original_name=name.replace(".zip", ".pdf"),
        content_type="application/pdf",
    )  # fmt: skip
    archive = CycleArchive(
        cycle=cycle, file=stored_zip, bundle=stored_bundle, manifest=contents.manifest, basis=basis, created_by=by,
        created_at=at,
    )  # fmt: skip
    archive._history_user = by
    archive.save()
    return archive


def _sha256_of(handle) -> str:
    digest = hashlib.sha256()
    _copy(handle, _Discard(), digest)
    return digest.hexdigest()


class _Discard:
    def write(self, chunk):
        return len(chunk)


def verify(archive: CycleArchive, data: bytes | None = None) -> list[str]:
    """Check an archive (the stored file, or `data`) against its manifest, reading it in chunks;
    the problems found, in Indonesian (none: intact)."""
    if data is not None:
        return _verify(archive, io.BytesIO(data))
    with archive.file.file.open("rb") as handle:
        return _verify(archive, handle)


def _verify(archive: CycleArchive, handle) -> list[str]:
    problems = []
    if _sha256_of(handle) != archive.file.sha256:
        problems.append("Checksum berkas arsip tidak sama dengan yang dicatat saat pengarsipan.")
    handle.seek(0)
    try:
        zipped = zipfile.ZipFile(handle)
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
        with zipped.open(item["path"]) as member:
            if _sha256_of(member) != item["sha256"]:
                problems.append(f"{item['path']}: isinya berubah (SHA-256 tidak cocok).")
    extra = names - {item["path"] for item in archive.manifest} - {"manifest.json"}
    problems += [f"{name}: tidak tercantum di manifes." for name in sorted(extra)]
    return problems


# What one viewer may download ------------------------------------------------------------------


def withheld_from(archive: CycleArchive, user: User) -> list[dict]:
    """The manifest items of a rahasia letter (its scan, its disposition sheet) that this viewer
    may not read: they are left out of the viewer's copy of the zip and of the bundle."""
    letter = archive.cycle.letter
    if letter.nature != Letter.Nature.RAHASIA or permissions.can_see_letter(user, letter):
        return []
    # Archives made before the manifest marked rahasia parts: the same parts, by their place.
    return [
        item
        for item in archive.manifest
        if item.get("rahasia") or item["path"] == DISPOSITION_SHEET or item["path"].startswith("asli/surat/")
    ]


def viewer_zip(archive: CycleArchive, withheld: list[dict]):
    """A copy of the archive zip without the withheld parts, as a temporary file: the manifest
    inside still lists them (with who may see them) and a note says why they are missing."""
    left_out = {item["path"] for item in withheld}
    handle = tempfile.TemporaryFile()
    with archive.file.file.open("rb") as stored, zipfile.ZipFile(stored) as source:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
            for info in source.infolist():
                if info.filename in left_out:
                    continue
                with source.open(info) as member, target.open(info.filename, "w", force_zip64=True) as copy:
                    _copy(member, copy)
            lines = [
                "Bagian berikut termasuk surat bersifat RAHASIA dan tidak disertakan dalam salinan ini.",
                f"Hanya dapat diunduh oleh: {RAHASIA_READERS}.",
                "Keberadaan dan checksum-nya tetap tercatat di manifest.json.",
                "",
                *(f"- {item['path']} (SHA-256 {item['sha256']})" for item in withheld),
            ]
            target.writestr(RAHASIA_NOTE, "\n".join(lines) + "\n")
    handle.seek(0)
    return handle


def viewer_bundle(archive: CycleArchive, withheld: list[dict], *, by: User | None = None) -> bytes:
    """The print bundle without the pages of the withheld reports. An archive that does not say
    which pages those are is refused rather than cut by guesswork."""
    from pypdf import PdfReader, PdfWriter  # lazy: see report_entries

    reports = [item for item in withheld if item["path"].endswith(".pdf") and item["path"].startswith("laporan/")]
    spans = [item.get("halaman_bundel") for item in reports]
    if any(span is None for span in spans):
        raise NotAllowed(
            "Bundel cetak ini memuat lembar disposisi surat rahasia dan dibuat sebelum halaman tiap laporan dicatat, "
            f"sehingga tidak dapat dipotong dengan pasti. Mintalah kepada {RAHASIA_READERS}."
        )
    skip = {page for first, last in spans for page in range(first, last + 1)}
    with archive.bundle.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        writer = PdfWriter()
        for number, page in enumerate(reader.pages, start=1):
            if number not in skip:
                writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    copy = buffer.getvalue()
    # Registered as a copy of the issued bundle, so its verification page recognises the file.
    original = IssuedDocument.objects.filter(
        cycle=archive.cycle, kind=IssuedDocument.Kind.BUNDLE, sha256=archive.bundle.sha256, derived_from=None
    ).first()
    if original is not None:
        verification.register_copy(original, copy, title=f"{original.title} (salinan tanpa bagian rahasia)", by=by)
    return copy


# Amendments and reads ---------------------------------------------------------------------------


def amend(record: PerformanceRecord, *, by: User, field: str, raw, reason: str, approver: str) -> Amendment:
    """Correct a filed figure explicitly; the record itself never changes. `raw` is what was
    typed: a number, or for the target also a range ("80–90") or a predicate ("BB"). A corrected
    quarter, realisation or target is followed by amendments of what it changes (the realisation
    to date, the capaian, the category), each naming the one it was recomputed from."""
    if not permissions.can_amend_records(by, record.organisation):
        raise NotAllowed("Amandemen data base kinerja diajukan oleh Kasubag Perencanaan dan Pelaporan atau Camat.")
    if field not in dict(Amendment.FIELDS) or field == "category":
        raise WorkflowError(
            "Pilih isian yang dikoreksi: target, realisasi triwulan, realisasi s.d. periode, atau capaian "
            "(kategori mengikuti capaian)."
        )
    if not (reason or "").strip() or not (approver or "").strip():
        raise WorkflowError("Amandemen wajib berisi alasan dan nama pejabat yang menyetujui.")
    number, text = None, ""
    if field == "target":
        try:
            value = targets.parse_target(raw, unit=record.unit, code=record.code)
        except targets.NotATarget as exc:
            raise WorkflowError(str(exc)) from exc
        if value is None:
            raise WorkflowError("Isi target baru: angka (85), rentang (80–90) atau predikat (BB).")
        number, text = (value.value, "") if value.value is not None else (None, value.shown)
    else:
        try:
            number = parse_number(raw, unit="%" if field == "capaian" else record.unit)
        except OtherUnit as exc:
            raise WorkflowError(exc.sentence(record.code)) from exc
        except NotANumber as exc:
            raise WorkflowError("Nilai baru harus angka, misalnya 85 atau 85,5.") from exc
        if number is None:
            raise WorkflowError("Isi nilai baru berupa angka, misalnya 85 atau 85,5.")
    with transaction.atomic():
        # Under the cycle's lock, so that each of several amendments at once records the value
        # the one before it left (not all the same old value); its time is taken under the lock
        # too, so the order of times is the order of the chain.
        workflow.lock_cycle(record.cycle_id)
        now = timezone.now()
        record = PerformanceRecord.objects.select_related("indicator", "organisation").get(pk=record.pk)
        amendment = _amendment(record, field, number, text, reason.strip(), approver.strip()[:200], by, now)
        label = dict(Amendment.FIELDS)[field]
        for derived_field, (derived_number, derived_text) in _recomputed(record, field).items():
            if (derived_number, derived_text) != _current_pair(record, derived_field):
                _amendment(
                    record, derived_field, derived_number, derived_text,
                    f"Dihitung ulang setelah amandemen {label}: {reason.strip()}", approver.strip()[:200], by, now,
                    derived_from=amendment,
                )  # fmt: skip
    return amendment


def _amendment(record, field, number, text, reason, approver, by, now, derived_from=None) -> Amendment:
    old_number, old_text = _current_pair(record, field)
    amendment = Amendment(
        record=record, field=field, old_value=old_number, old_text=old_text, new_value=number, new_text=text,
        reason=reason, approver=approver, created_by=by, created_at=now, derived_from=derived_from,
    )  # fmt: skip
    amendment._history_user = by
    amendment.save()
    return amendment


def _current_pair(record, field: str) -> tuple:
    """(number, text) of a field's current value, as an amendment stores it."""
    value = current_value(record, field, fresh=True)
    if isinstance(value, str):
        return None, value
    return value, ""


def _recomputed(record, changed: str) -> dict[str, tuple]:
    """What follows from a corrected field: the realisation to date (from the quarters, the way
    the indicator combines them; a summed indicator's quarters are filed as running totals),
    the capaian (against the current target) and the category (from the kept capaian), by the
    rules and categories the cycle was filed with (measurement.basis), not ones the office set since."""
    master = basis.master_for(record.cycle)
    indicator = next((i for i in master.indicators if i.pk == record.indicator_id), record.indicator)
    out: dict[str, tuple] = {}
    up_to = record.quarter or 4
    to_date = current_value(record, "realisation", fresh=True)
    if changed.startswith("real_q"):
        quarters = [current_value(record, f"real_q{q}", fresh=True) for q in range(1, up_to + 1)]
        if indicator.aggregation == "sum":
            to_date = quarters[-1]
        else:
            to_date = analysis.aggregate(quarters, indicator.aggregation)
        out["realisation"] = (to_date, "")
    capaian = current_value(record, "capaian", fresh=True)
    if changed != "capaian":
        target = targets.parse_target(current_value(record, "target", fresh=True))
        kwargs = {"target": None}
        if target is not None and target.low is not None:
            kwargs = {"low": target.low, "high": target.high}
        elif target is not None:
            kwargs = {"target": target.value}
        capaian = analysis.capaian(to_date, polarity=indicator.polarity, **kwargs).value
        out["capaian"] = (capaian, "")
    categories = master.categories or analysis.DEFAULT_CATEGORIES
    out["category"] = (None, analysis.category(capaian, categories))
    return out


def with_amendments(records, amendments=None):
    """The records with their amendments loaded once, as a plain list `amendment_list` (cheaper
    than a related manager's `.all()` per record and per field)."""
    return records.prefetch_related(
        Prefetch(
            "amendments",
            queryset=Amendment.objects.all() if amendments is None else amendments,
            to_attr="amendment_list",
        )
    )


def current_value(record: PerformanceRecord, field: str, *, fresh: bool = False):
    """The value after the latest amendment of a field (the original when never amended): a
    number, or text for a target given as a range or a predicate and for the category. `fresh`
    reads the amendments from the database (inside `amend`, after one was just added)."""
    latest = None
    amendments = None if fresh else getattr(record, "amendment_list", None)
    for amendment in record.amendments.all() if amendments is None else amendments:
        if amendment.field == field and (
            latest is None or (amendment.created_at, amendment.pk) > (latest.created_at, latest.pk)
        ):
            latest = amendment
    if latest:
        return latest.new_value if latest.new_value is not None else (latest.new_text or None)
    if field == "target" and record.target is None:
        return record.target_text or None  # a range or a predicate, as filed
    return getattr(record, field)


@dataclass
class CapaianGroups:
    """The dashboard's averages: IKU per strategic objective, the cascade (the sections' own
    indicators) per section, each indicator once, and which periods they come from."""

    iku_by_objective: dict[str, list[Decimal]]
    cascade_by_section: dict[str, list[Decimal]]
    periods: str  # "TW III 2026 (12 indikator), Tahun 2026 (2 indikator)"


def capaian_groups(organisation, year: int) -> CapaianGroups:
    """The capaian (after its latest amendment) of every indicator filed for the year, each once,
    from its latest filed period (the year's own record after TW IV, after TW III …): two
    queries, no model objects (the dashboard reads all)."""
    records = PerformanceRecord.objects.filter(organisation=organisation, year=year).values_list(
        "pk", "indicator_id", "quarter", "objective", "section", "is_iku", "capaian"
    )
    amended = dict(
        Amendment.objects.filter(record__organisation=organisation, record__year=year, field="capaian")
        .order_by("created_at", "pk")
        .values_list("record_id", "new_value")
    )  # later amendments overwrite earlier ones
    latest: dict[int, tuple] = {}
    for pk, indicator_id, quarter, objective, section, is_iku, capaian in records:
        rank = quarter or 5  # the year's own record comes after TW IV
        if indicator_id not in latest or rank > latest[indicator_id][0]:
            latest[indicator_id] = (rank, quarter, objective, section, is_iku, amended.get(pk, capaian))
    by_objective: dict[str, list[Decimal]] = {}
    by_section: dict[str, list[Decimal]] = {}
    counts: dict[int, int] = {}
    for rank, _quarter, objective, section, is_iku, value in latest.values():
        if value is None:
            continue
        counts[rank] = counts.get(rank, 0) + 1
        if is_iku:
            by_objective.setdefault(objective or "Tanpa sasaran", []).append(value)
        else:
            by_section.setdefault(section, []).append(value)
    periods = ", ".join(
        f"{Cycle(year=year, quarter=None if rank == 5 else rank).period_label} ({count} indikator)"
        for rank, count in sorted(counts.items(), reverse=True)
    )
    return CapaianGroups(by_objective, by_section, periods)


@dataclass(frozen=True)
class YearComparison:
    """The data base page's comparison between years: one row per indicator code, its capaian
    of each year in `years` (None where it was not filed)."""

    years: list[int]
    rows: list[tuple[str, str, list]]  # (code, name, capaian per year)


def capaian_by_year(records) -> YearComparison:
    """For each indicator of `records` (a queryset of filed records), its capaian (after its
    latest amendment) of each year, from the year's latest filed period: the year's own record,
    else its latest quarter, as the dashboard and the LKjIP tables choose. The name is the one
    of its latest record. Two queries and plain values, whatever the number of records."""
    selection = records.order_by()
    amended = dict(
        Amendment.objects.filter(record__in=selection.values("pk"), field="capaian")
        .order_by("created_at", "pk")
        .values_list("record_id", "new_value")
    )  # later amendments overwrite earlier ones
    latest: dict[tuple[str, int], tuple] = {}
    names: dict[str, tuple] = {}
    for pk, code, name, year, quarter, capaian in selection.values_list(
        "pk", "code", "name", "year", "quarter", "capaian"
    ):
        rank = quarter or 5  # the year's own record comes after TW IV
        if (code, year) not in latest or rank > latest[code, year][0]:
            latest[code, year] = (rank, amended.get(pk, capaian))
        if code not in names or (year, rank) > names[code][0]:
            names[code] = ((year, rank), name)
    years = sorted({year for _code, year in latest})
    rows = [
        (code, names[code][1], [latest[code, year][1] if (code, year) in latest else None for year in years])
        for code in sorted(names)
    ]
    return YearComparison(years, rows)


def lkjip_tables(organisation, year: int):
    """LKjIP chapter III: per objective, each indicator's target, realisation and capaian from its
    latest filed period of the year (the year's own record, else the latest quarter: the period
    is named on every row), compared with the realisation and capaian of the two previous years,
    and the objective's narrative from step 6 (analysis, causes, obstacles, follow-up) under it."""
    records = with_amendments(
        PerformanceRecord.objects.filter(organisation=organisation, year__in=[year, year - 1, year - 2])
    ).order_by("year", "quarter", "code")
    latest: dict[tuple[str, int], PerformanceRecord] = {}

    def rank(record):  # the annual record first, then the latest quarter
        return 5 if record.quarter is None else record.quarter

    for record in records:
        key = (record.code, record.year)
        if key not in latest or rank(record) > rank(latest[key]):
            latest[key] = record
    headers = [
        "Kode", "Indikator", "Satuan", "Periode", "Target", "Realisasi", "Capaian (%)",
        f"Realisasi {year - 1}", f"Capaian {year - 1} (%)", f"Realisasi {year - 2}", f"Capaian {year - 2} (%)",
        "Target akhir Renstra", "Realisasi terhadap Renstra (%)",
    ]  # fmt: skip
    renstra = dict(
        PerformanceRecord.objects.filter(organisation=organisation, year=year).values_list(
            "code", "indicator__renstra_target"
        )
    )
    objectives = list(StrategicObjective.objects.filter(organisation=organisation))
    # Years before the application was used: the imported baseline fills the comparison, marked.
    baseline = {
        (f.indicator.code, f.year): f
        for f in BaselineFigure.objects.filter(organisation=organisation, year__in=[year - 1, year - 2]).select_related(
            "indicator"
        )
    }
    by_objective: dict[str, list] = {}
    for (_code, record_year), record in sorted(latest.items()):
        if record_year == year:
            by_objective.setdefault(record.objective or "Tanpa sasaran", []).append(record)
    narratives = _objective_narratives(organisation, year, Narrative)
    tables = []
    for objective in [*objectives, None]:
        name = str(objective) if objective else "Tanpa sasaran"
        rows, imported = [], []
        for record in by_objective.get(name, []):
            before = latest.get((record.code, year - 1))
            earlier = latest.get((record.code, year - 2))
            previous = []
            for filed, then in ((before, year - 1), (earlier, year - 2)):
                figure = baseline.get((record.code, then)) if filed is None else None
                if figure is not None:
                    imported.append(f"{record.code} {then}")
                    previous += [figure.realisation, figure.capaian]
                else:
                    previous += [
                        current_value(filed, "realisation") if filed else None,
                        current_value(filed, "capaian") if filed else None,
                    ]
            rows.append(
                [
                    record.code,
                    record.name,
                    record.unit,
                    Cycle(year=record.year, quarter=record.quarter).period_label,
                    current_value(record, "target"),
                    current_value(record, "realisation"),
                    current_value(record, "capaian"),
                    *previous,
                    renstra.get(record.code),
                    _renstra_share(current_value(record, "realisation"), renstra.get(record.code)),
                ]
            )
        if rows:
            narrative = narratives.get(objective.pk) if objective else None
            notes = [
                (label, getattr(narrative, field))
                for label, field in NARRATIVE_PARTS
                if narrative is not None and getattr(narrative, field).strip()
            ]
            if imported:
                notes.append((IMPORTED_NOTE, ", ".join(imported)))
            tables.append(Table(name, headers, rows, notes))
    return tables


IMPORTED_NOTE = "Data awal (diimpor, bukan hasil siklus SOP)"
NARRATIVE_PARTS = [
    ("Analisis capaian", "analysis"), ("Penyebab", "causes"), ("Kendala", "obstacles"), ("Tindak lanjut", "follow_up"),
]  # fmt: skip


def _objective_narratives(organisation, year: int, narrative_model) -> dict:
    """Each objective's step-6 narrative from the latest filed cycle of the year (the year's own
    cycle after TW IV, after TW III …)."""
    found: dict[int, tuple] = {}
    narratives = narrative_model.objects.filter(
        cycle__organisation=organisation, cycle__year=year, cycle__status=Cycle.Status.DONE, objective__isnull=False
    ).select_related("cycle")
    for narrative in narratives:
        rank = narrative.cycle.quarter or 5
        if narrative.objective_id not in found or rank > found[narrative.objective_id][0]:
            found[narrative.objective_id] = (rank, narrative)
    return {objective_id: narrative for objective_id, (_rank, narrative) in found.items()}


def _renstra_share(realisation, renstra_target):
    if realisation is None or not renstra_target:
        return None
    return results.two_places(realisation / renstra_target * 100)


def pk_draft(organisation, year: int) -> bytes:
    """Next year's Perjanjian Kinerja draft: active indicators with next year's targets (or this
    year's where next year's are not set yet)."""
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
