"""Steps 2 and 4 of the SOP: what each section owes, its uploads (every version kept, the last
accepted one counts), the template it fills in, and the receipt checklist the Kasubag confirms.
The upload form and `manage.py import_kinerja` both go through `submit`."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from .. import permissions, uploads
from ..engine import registry, workflow
from ..engine.workflow import NotAllowed, WorkflowError
from ..measurement import basis
from ..models import (
    Cycle,
    DataKind,
    Evidence,
    Indicator,
    NoDataMark,
    Obligation,
    ReceiptConfirmation,
    Section,
    SopStep,
    StepRun,
    Submission,
    SubmissionRow,
    Target,
    User,
)
from ..models.letters import XLSX
from ..spreadsheets import importer, screening, templates

# Every version and every evidence file is kept (and archived at step 10); these caps bound what one
# cycle can store: 30 × 10 MB per section and kind of data, 10 × 10 MB per indicator.
MAX_VERSIONS = 30
MAX_EVIDENCE_FILES = 10

DEFAULT_KINDS = ["realisasi"]
PERIOD = re.compile(r"^(\d{4})(?:-TW([1-4]))?$", re.IGNORECASE)


def period_code(cycle: Cycle) -> str:
    return f"{cycle.year}-TW{cycle.quarter}" if cycle.quarter else str(cycle.year)


def parse_period(code: str) -> tuple[int, int | None]:
    match = PERIOD.match((code or "").strip())
    if not match:
        raise WorkflowError(f"Periode '{code}' tidak dikenal; tulis 2026 untuk tahunan atau 2026-TW2 untuk triwulan.")
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


@dataclass(frozen=True)
class IndicatorRef:
    """What the importer needs of an indicator, read as plain values (model objects for the
    thousands of indicators of an organisation cost more than a tenth of an import)."""

    pk: int
    code: str
    name: str
    section_id: int
    section: str
    unit: str = ""
    aggregation: str = "latest"
    quarter_form: str = "triwulan"

    def __str__(self) -> str:
        return self.code


def ensure_obligations(cycle: Cycle, kinds: list[DataKind] | None = None, *, by: User) -> None:
    """Every section of the cycle owes these kinds (by default the realisation of the Rencana Aksi)."""
    kinds = kinds if kinds is not None else list(DataKind.objects.filter(code__in=DEFAULT_KINDS))
    for section in cycle.sections.all():
        for kind in kinds:
            if not Obligation.objects.filter(cycle=cycle, section=section, kind=kind).exists():
                obligation = Obligation(cycle=cycle, section=section, kind=kind)
                obligation._history_user = by
                obligation.save()


def owed(cycle: Cycle, section: Section) -> list[DataKind]:
    return [o.kind for o in Obligation.objects.filter(cycle=cycle, section=section).select_related("kind")]


def section_indicators(section: Section):
    return Indicator.objects.filter(section=section, active=True).order_by("code")


def cycle_section_indicators(cycle: Cycle, section: Section) -> list[Indicator]:
    """The section's indicators as `cycle` measures them: those kept at its final approval or
    filing (measurement.basis; an indicator retired or moved since stays where it was), else
    today's active ones."""
    _filed, kept = basis.kept_master(cycle)
    if kept is None:
        return list(section_indicators(section))
    return sorted((i for i in kept.indicators if i.section_id == section.pk), key=lambda i: i.code)


def template_for(cycle: Cycle, section: Section, kind: DataKind) -> bytes:
    indicators = list(section_indicators(section))
    targets = {(t.indicator_id, t.quarter): t for t in Target.objects.filter(indicator__in=indicators, year=cycle.year)}
    return templates.build_template(
        organisation=cycle.organisation,
        section=section,
        kind=kind,
        year=cycle.year,
        quarter=cycle.quarter,
        indicators=indicators,
        targets=targets,
    )


def master_targets(cycle: Cycle, section: Section) -> dict:
    """(indicator id, quarter or None) → the section's master target of the cycle's year as one
    number (a range by its upper bound; a text target has none), for the plausibility check."""
    return target_numbers(Target.objects.filter(indicator__section=section, year=cycle.year))


def target_numbers(targets) -> dict:
    """`master_targets` of Target rows already read."""
    found = {}
    for target in targets:
        number = target.high if target.low is not None and target.high is not None else target.value
        if number is not None:
            found[(target.indicator_id, target.quarter)] = number
    return found


def confirm_values(submission: Submission, *, reason: str, by: User | None) -> Outcome:
    """The uploader confirms that the values a version was refused for are right: the same file
    is read again with the reason, as the next version (the refused one stays on record)."""
    reason = (reason or "").strip()
    if by is not None and not may_confirm(by, submission):
        raise NotAllowed(f"Hanya staf {submission.section} yang dapat memastikan angka yang diunggah seksi ini.")
    if not reason:
        raise WorkflowError("Tuliskan alasan mengapa angka tersebut memang benar.")
    newer = Submission.objects.filter(
        cycle=submission.cycle, section=submission.section, kind=submission.kind, version__gt=submission.version
    )
    if newer.exists():
        raise WorkflowError(f"Sudah ada versi yang lebih baru dari versi {submission.version}; tidak ada yang diubah.")
    if not confirmable(submission):
        raise WorkflowError(
            f"Versi {submission.version} tidak ditolak karena angka yang tampak tidak wajar saja; "
            "perbaiki berkasnya lalu unggah lagi."
        )
    with submission.file.file.open("rb") as handle:
        data = handle.read()
    if uploads.hashlib.sha256(data).hexdigest() != submission.file.sha256:
        raise WorkflowError(f"Berkas versi {submission.version} yang tersimpan tidak utuh; unggah ulang berkasnya.")
    return submit(
        cycle=submission.cycle,
        section=submission.section,
        kind=submission.kind,
        data=data,
        filename=submission.original_name,
        by=by,
        source=submission.source,
        confirmation=reason,
        on_behalf=submission.on_behalf_reason,
    )


def may_confirm(user: User, submission: Submission) -> bool:
    """The section's own staff confirm its figures; the Kasubag or the Sekretaris only a version
    they uploaded on the section's behalf."""
    section = submission.section
    if permissions.can_submit_for(user, section):
        return True
    return bool(submission.on_behalf_reason) and permissions.can_act_for_section(user, section)


def confirmable(submission: Submission) -> bool:
    """A refused version whose every problem is a value that only looks wrong, with its file kept."""
    return (
        submission.status == Submission.Status.REJECTED
        and submission.file_id is not None
        and bool(submission.problems)
        and all(problem.get("kind") == importer.PLAUSIBILITY for problem in submission.problems)
    )


def open_step_2(cycle: Cycle, section: Section) -> StepRun | None:
    """The section's open run of the collection step (step 2 of this SOP)."""
    return workflow.open_run(cycle, SopStep.Kind.COLLECTION, section)


def sent_back_by(run: StepRun | None) -> StepRun | None:
    """The analysis or review run that sent this section's open step 2 back, with its reason."""
    if run is None or run.returned_from_id is None:
        return None
    source = StepRun.objects.select_related("step", "closed_by").get(pk=run.returned_from_id)
    return source if source.outcome == workflow.RETURN_TO_SECTIONS else None


def latest(cycle: Cycle, section: Section, kind: DataKind, *, accepted: bool = True) -> Submission | None:
    submissions = Submission.objects.filter(cycle=cycle, section=section, kind=kind)
    if accepted:
        submissions = submissions.filter(status=Submission.Status.ACCEPTED)
    return submissions.order_by("-version").first()


@dataclass
class Outcome:
    submission: Submission | None
    result: importer.ImportResult


def submit(
    *,
    cycle: Cycle,
    section: Section,
    kind: DataKind,
    data: bytes,
    filename: str,
    by: User | None,
    source: str = "web",
    dry_run: bool = False,
    confirmation: str = "",
    at: datetime.datetime | None = None,
    on_behalf: str = "",
) -> Outcome:
    """Read a section's workbook and, unless `dry_run`, keep it as the next version with its rows
    (in one transaction: a failure leaves nothing half-written). The file is kept even when it
    has problems, so every version is on record; only an accepted version counts. Values that
    look wrong (importer.check_plausibility) refuse the file unless `confirmation` gives the
    uploader's reason for them. The Kasubag or the Sekretaris uploads on the section's behalf
    only with `on_behalf`, the reason (kept with the version and shown wherever it is named)."""
    now = at or timezone.now()
    on_behalf = (on_behalf or "").strip()[:2000] if by is not None else ""
    if by is not None:
        on_behalf = _behalf(by, section, on_behalf, "mengunggah")
    if section.organisation_id != cycle.organisation_id or not cycle.sections.filter(pk=section.pk).exists():
        raise WorkflowError(f"{section} tidak termasuk dalam siklus {cycle.period_label}.")
    if not Obligation.objects.filter(cycle=cycle, section=section, kind=kind).exists():
        raise WorkflowError(f"{section} tidak diminta menyerahkan {kind.name} pada siklus ini.")
    if not dry_run:
        _require_open_step_2(cycle, section)
    indicators = [
        IndicatorRef(*values)
        for values in Indicator.objects.filter(organisation=cycle.organisation).values_list(
            "id", "code", "name", "section_id", "section__name", "unit", "aggregation", "quarter_form"
        )
    ]
    offices = cycle.organisation.other_names()
    result = importer.read_workbook(
        data, indicators=indicators, section=section, period=(cycle.year, cycle.quarter),
        office=cycle.organisation.name, other_offices=offices, kind=kind,
    )  # fmt: skip
    confirmed = importer.check_plausibility(result, master_targets(cycle, section), confirmed=confirmation)
    if dry_run:
        return Outcome(None, result)
    with transaction.atomic():
        Cycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)
        _require_open_step_2(cycle, section)  # again under the lock: a hand-in may have come between
        version = (
            Submission.objects.filter(cycle=cycle, section=section, kind=kind).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        if version > MAX_VERSIONS:
            raise WorkflowError(
                f"{section} sudah mengunggah {MAX_VERSIONS} versi {kind.name} pada siklus ini, batas yang disimpan. "
                "Periksa berkas dengan 'import_kinerja --dry-run' atau minta Kasubag memeriksanya sebelum "
                "mengunggah lagi."
            )
        kept = data
        if result.has_macros and not screening.screen(data).problems:
            kept = screening.without_macros(data)
        stored = None
        if 0 < len(data) <= screening.MAX_FILE_BYTES:
            stored = uploads.store_bytes(
                kept, organisation=cycle.organisation, by=by, original_name=filename, content_type=XLSX
            )
        submission = Submission(
            cycle=cycle,
            section=section,
            kind=kind,
            version=version,
            file=stored,
            original_name=(filename or "berkas.xlsx")[:255],
            sha256=uploads.hashlib.sha256(data).hexdigest(),
            size=len(data),
            status=Submission.Status.ACCEPTED if result.ok else Submission.Status.REJECTED,
            problems=[p.as_dict() for p in result.problems],
            notes=result.notes,
            row_count=len(result.rows) if result.ok else 0,
            uploaded_by=by,
            uploaded_at=now,
            source=source,
            confirmation=confirmation.strip() if confirmed and result.ok else "",
            on_behalf_reason=on_behalf,
        )
        submission._history_user = by
        submission.save()
        if result.ok:
            _insert_rows(submission, result.rows)
    return Outcome(submission, result)


def _behalf(by: User, section: Section, reason: str, doing: str) -> str:
    """The reason to keep for an act on `section`'s data by `by`: none for the section's own
    staff; for the Kasubag or the Sekretaris acting on its behalf, the reason they must give.
    Anyone else is refused."""
    if permissions.can_submit_for(by, section):
        return ""
    if not permissions.can_act_for_section(by, section):
        raise NotAllowed(f"Hanya staf {section} yang dapat {doing} data seksi ini.")
    if not reason:
        raise WorkflowError(
            f"Anda {doing} atas nama {section}: tuliskan alasannya (mis. berkas dikirim seksi lewat WhatsApp, "
            "staf seksi sedang cuti)."
        )
    return reason


def _may_work_for(by: User, section: Section, doing: str) -> None:
    """Marks and evidence: the section's staff, or the Kasubag or Sekretaris working on its behalf
    (their name is kept on what they add)."""
    if not (permissions.can_submit_for(by, section) or permissions.can_act_for_section(by, section)):
        raise NotAllowed(f"Hanya staf {section} yang dapat {doing} seksi ini.")


def _require_open_step_2(cycle: Cycle, section: Section) -> None:
    if open_step_2(cycle, section) is None:
        raise WorkflowError(
            f"Langkah 2 untuk {section} tidak sedang terbuka: data sudah diserahkan atau belum diminta. "
            "Bila ada perbaikan, tunggu Kasubag mengembalikannya."
        )


ROW_COLUMNS = [
    "submission_id", "indicator_id", "sheet", "row_number", "unit", "annual_target",
    "target_q1", "target_q2", "target_q3", "target_q4", "real_q1", "real_q2", "real_q3", "real_q4",
    "cells", "remark", "running", "capaian_written",
]  # fmt: skip


def _insert_rows(submission: Submission, rows: list[importer.ParsedRow]) -> None:
    """Insert a submission's rows with one executemany per batch. The rows are plain values that
    the importer already validated; going through model instances and bulk_create cost more
    than reading the workbook (benchmarks/RESULTS.md). Rows carry no history of their own: they
    belong to their submission, which has it."""
    table = connection.ops.quote_name(SubmissionRow._meta.db_table)
    fields = {f.attname: f for f in SubmissionRow._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in ROW_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(ROW_COLUMNS))})"
    cells = fields["cells"]
    params = [
        (
            submission.pk, row.indicator.pk, row.sheet[:100], row.row_number, row.unit[:60], row.annual_target,
            row.targets.get(1), row.targets.get(2), row.targets.get(3), row.targets.get(4),
            row.realisations.get(1), row.realisations.get(2), row.realisations.get(3), row.realisations.get(4),
            cells.get_db_prep_save(row.cells, connection), row.remark, row.running,
            cells.get_db_prep_save({str(q): f"{v:f}" for q, v in row.capaian.items()}, connection),
        )
        for row in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(sql, params[start : start + 2000])


def missing_kinds(cycle: Cycle, section: Section) -> list[DataKind]:
    return [kind for kind in owed(cycle, section) if latest(cycle, section, kind) is None]


def hand_in(
    run: StepRun,
    *,
    by: User,
    overdue_reason: str = "",
    on_behalf: str = "",
    unchanged: str = "",
    at: datetime.datetime | None = None,
):
    """Step 2 for one section: hand the accepted data in (closes the section's step 2 run).

    Data sent back (a later round) is handed in again only with something new in this round (an
    accepted upload, a 'tidak ada data' mark, evidence), or with `unchanged`, the reason nothing
    needed changing (shown at the next completeness round). `on_behalf`: the Kasubag's or
    Sekretaris's reason for handing in for the section (workflow.close_step)."""
    unchanged = (unchanged or "").strip()[:2000]

    def record(run: StepRun) -> None:
        if not returned(run) or changed_in(run):
            run.unchanged_reason = ""
            return
        if not unchanged:
            raise WorkflowError(
                f"Data {run.section} dikembalikan untuk diperbaiki, tetapi belum ada unggahan baru sejak itu. "
                "Unggah berkas yang diperbaiki, atau pilih 'tidak ada perubahan' dan tuliskan alasannya."
            )
        run.unchanged_reason = unchanged

    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.COLLECTION, overdue_reason=overdue_reason, on_behalf=on_behalf,
        record=record, at=at,
    )  # fmt: skip


def returned(run: StepRun | None) -> bool:
    """Is this section's step 2 run a round the data was sent back to (not its first)?"""
    return run is not None and run.round > 1


def changed_in(run: StepRun) -> bool:
    """Has the section changed its data since this run opened: an accepted version uploaded, a
    'tidak ada data' mark given, or evidence attached?"""
    mine = {"cycle_id": run.cycle_id, "section_id": run.section_id}
    return (
        Submission.objects.filter(**mine, status=Submission.Status.ACCEPTED, uploaded_at__gte=run.opened_at).exists()
        or NoDataMark.objects.filter(**mine, marked_at__gte=run.opened_at).exists()
        or Evidence.objects.filter(**mine, uploaded_at__gte=run.opened_at).exists()
    )


def _section_data_accepted(run: StepRun, outcome: str) -> str | None:
    missing = missing_kinds(run.cycle, run.section)
    if missing:
        names = ", ".join(kind.name for kind in missing)
        return f"{run.section} belum mengunggah data yang diterima untuk: {names}. Unggah berkasnya lebih dahulu."
    lacking = lacking_realisations(run.cycle, run.section)
    if lacking:
        codes = ", ".join(indicator.code for indicator in lacking)
        return (
            f"Realisasi {period_quarter_label(run.cycle)} belum ada untuk: {codes}. Isi realisasinya lalu unggah lagi, "
            "atau tandai 'tidak ada data' dengan alasannya."
        )
    return None


# Indicators without a realisation for the period ("tidak ada data") -----------------------------


def period_quarter(cycle: Cycle) -> int:
    """The quarter whose realisation a cycle reports: its own, or TW IV for the year."""
    return cycle.quarter or 4


def period_quarter_label(cycle: Cycle) -> str:
    return f"TW {importer.reported_quarter((cycle.year, cycle.quarter))}"


def without_realisation(cycle: Cycle, section: Section) -> list[Indicator]:
    """The section's active indicators that the latest accepted version of a kind of data with
    realisations lacks (no row, or no value for the period's quarter), marked or not."""
    quarter = period_quarter(cycle)
    lacking: set[int] = set()
    indicators = list(section_indicators(section))
    for kind in owed(cycle, section):
        submission = latest(cycle, section, kind) if kind.needs_realisation else None
        if submission is None:
            continue
        present = set(
            submission.rows.filter(**{f"real_q{quarter}__isnull": False}).values_list("indicator_id", flat=True)
        )
        lacking |= {indicator.pk for indicator in indicators if indicator.pk not in present}
    return [indicator for indicator in indicators if indicator.pk in lacking]


def lacking_realisations(cycle: Cycle, section: Section) -> list[Indicator]:
    """Indicators without a realisation for the period and without a 'tidak ada data' mark: while
    there are any, the section cannot hand its data in."""
    marked = set(NoDataMark.objects.filter(cycle=cycle, section=section).values_list("indicator_id", flat=True))
    return [indicator for indicator in without_realisation(cycle, section) if indicator.pk not in marked]


def no_data_marks(cycle: Cycle, section: Section) -> list[NoDataMark]:
    return list(NoDataMark.objects.filter(cycle=cycle, section=section).select_related("indicator", "marked_by"))


def _check_can_mark(cycle: Cycle, section: Section, by: User) -> None:
    _may_work_for(by, section, "menandai data")
    if open_step_2(cycle, section) is None:
        raise WorkflowError("Tanda 'tidak ada data' diberikan selama langkah 2 seksi ini terbuka.")


def mark_no_data(*, cycle: Cycle, section: Section, indicator: Indicator, reason: str, by: User, at=None) -> NoDataMark:
    """The section states that an indicator has no realisation for the period, and why. A second
    mark of the same indicator replaces the reason (the history keeps the first)."""
    reason = (reason or "").strip()
    _check_can_mark(cycle, section, by)
    if indicator.section_id != section.pk or not indicator.active:
        raise WorkflowError(f"Indikator {indicator.code} bukan indikator aktif {section}.")
    if not reason:
        raise WorkflowError(f"Tuliskan alasan mengapa realisasi {indicator.code} tidak ada.")
    with transaction.atomic():
        workflow.lock_cycle(cycle.pk)
        mark = NoDataMark.objects.filter(cycle=cycle, indicator=indicator).first()
        if mark is None:
            mark = NoDataMark(cycle=cycle, section=section, indicator=indicator)
        mark.reason, mark.marked_by, mark.marked_at = reason[:2000], by, at or timezone.now()
        mark._history_user = by
        mark.save()
    return mark


def unmark_no_data(mark: NoDataMark, *, by: User) -> None:
    _check_can_mark(mark.cycle, mark.section, by)
    with transaction.atomic():
        workflow.lock_cycle(mark.cycle_id)
        mark._history_user = by
        mark.delete()


# Step 4: the receipt checklist ------------------------------------------------------------------


@dataclass
class ReceiptCell:
    kind: DataKind
    submission: Submission | None
    versions: int


@dataclass
class ReceiptRow:
    section: Section
    cells: list[ReceiptCell]

    @property
    def complete(self) -> bool:
        return all(cell.submission is not None for cell in self.cells if cell is not None)


def receipt_matrix(cycle: Cycle) -> tuple[list[DataKind], list[ReceiptRow]]:
    """Sections × kinds: the latest accepted version of each (who, when, which version), filled
    automatically as uploads arrive. A fixed number of queries."""
    obligations = list(Obligation.objects.filter(cycle=cycle).select_related("section", "kind"))
    kinds = sorted({o.kind for o in obligations}, key=lambda k: (k.order, k.code))
    submissions = Submission.objects.filter(cycle=cycle).select_related("uploaded_by", "section").order_by("version")
    latest_accepted: dict[tuple[int, int], Submission] = {}
    counts: dict[tuple[int, int], int] = {}
    for submission in submissions:
        key = (submission.section_id, submission.kind_id)
        counts[key] = counts.get(key, 0) + 1
        if submission.status == Submission.Status.ACCEPTED:
            latest_accepted[key] = submission
    owed_keys = {(o.section_id, o.kind_id) for o in obligations}
    rows = []
    for section in sorted({o.section for o in obligations}, key=lambda s: (s.order, s.name)):
        cells = []
        for kind in kinds:
            key = (section.pk, kind.pk)
            cells.append(ReceiptCell(kind, latest_accepted.get(key), counts.get(key, 0)) if key in owed_keys else None)
        rows.append(ReceiptRow(section, cells))
    return kinds, rows


def confirm_receipt(run: StepRun, *, by: User, note: str = "", overdue_reason: str = "", at=None):
    """Step 4: the Kasubag confirms the receipt checklist; a snapshot of it is kept with the
    closing of the step, in one transaction (a refusal leaves no confirmation behind). Returns
    the runs opened."""
    now = at or timezone.now()

    def record(run: StepRun) -> None:
        kinds, rows = receipt_matrix(run.cycle)
        missing = [row.section.name for row in rows if not row.complete]
        if missing:
            raise WorkflowError("Data belum diterima dari: " + ", ".join(missing) + ".")
        snapshot = [
            {
                "section": row.section.name,
                "cells": [
                    {
                        "kind": cell.kind.name,
                        "version": cell.submission.version,
                        "by": cell.submission.uploader,
                        "on_behalf": cell.submission.on_behalf_reason,
                        "at": timezone.localtime(cell.submission.uploaded_at).strftime("%d-%m-%Y %H:%M"),
                        "sha256": cell.submission.sha256,
                    }
                    for cell in row.cells
                    if cell is not None
                ],
            }
            for row in rows
        ]
        confirmation = ReceiptConfirmation(run=run, matrix=snapshot, confirmed_by=by, confirmed_at=now, note=note)
        confirmation._history_user = by
        confirmation.save()

    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.RECEIPT, note=note or "Ceklist penerimaan dikonfirmasi.",
        overdue_reason=overdue_reason, record=record, at=now,
    )  # fmt: skip


def _receipt_confirmed(run: StepRun, outcome: str) -> str | None:
    if not ReceiptConfirmation.objects.filter(run=run).exists():
        return "Konfirmasi ceklist penerimaan data di halaman penerimaan lebih dahulu."
    return None


registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.COLLECTION,
        label="Buka halaman data seksi",
        page=lambda run: reverse("kinerja:section_data", args=[run.cycle_id, run.section.code]),
        input_checks=(_section_data_accepted,),
        on_cycle_start=lambda cycle, *, by, kinds: ensure_obligations(cycle, kinds, by=by),
    )
)
registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.RECEIPT,
        label="Buka ceklist penerimaan data",
        page=lambda run: reverse("kinerja:receipt", args=[run.cycle_id]),
        input_checks=(_receipt_confirmed,),
    )
)


# Supporting evidence (bukti dukung) -------------------------------------------------------------

EVIDENCE_KINDS = ("pdf", "jpeg", "png", "xlsx")


def add_evidence(
    *, cycle: Cycle, section: Section, indicator: Indicator, by: User, upload=None, url: str = "", note: str = ""
):
    """Attach a file (PDF, image, spreadsheet) or a link behind an indicator's realisation."""
    _may_work_for(by, section, "melampirkan bukti dukung")
    if indicator.section_id != section.pk:
        raise WorkflowError(f"Indikator {indicator.code} bukan milik {section}.")
    if open_step_2(cycle, section) is None:
        raise WorkflowError("Bukti dukung dilampirkan selama langkah 2 seksi ini terbuka.")
    url = (url or "").strip()
    if upload is None and not url:
        raise WorkflowError("Pilih berkas atau isi tautan bukti dukung.")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise WorkflowError("Tautan harus alamat lengkap yang diawali https:// atau http://.") from exc
    with transaction.atomic():
        workflow.lock_cycle(cycle.pk)
        stored = None
        if upload is not None:
            files = Evidence.objects.filter(cycle=cycle, section=section, indicator=indicator, file__isnull=False)
            if files.count() >= MAX_EVIDENCE_FILES:
                raise WorkflowError(
                    f"Indikator {indicator.code} sudah memiliki {MAX_EVIDENCE_FILES} berkas bukti pada siklus ini. "
                    "Gabungkan beberapa bukti dalam satu PDF, atau lampirkan tautan."
                )
            try:
                stored = uploads.store_upload(upload, organisation=cycle.organisation, by=by, allowed=EVIDENCE_KINDS)
            except uploads.UploadRejected as exc:
                raise WorkflowError(str(exc)) from exc
        evidence = Evidence(
            cycle=cycle,
            section=section,
            indicator=indicator,
            file=stored,
            url=url,
            note=(note or "")[:300],
            uploaded_by=by,
        )
        evidence._history_user = by
        evidence.save()
    return evidence
