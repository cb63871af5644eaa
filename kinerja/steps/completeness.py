"""Step 5 of the SOP: the completeness check ("cek list kelengkapan data"). Automatic checks on
each section's accepted data plus the Kasubag's own checklist; complete goes on to analysis,
incomplete sends only the named sections back to step 2 with the reasons."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.urls import reverse
from django.utils import timezone

from .. import wording
from ..engine import registry, workflow
from ..engine.workflow import WorkflowError
from ..measurement.analysis import differs, quarter_series
from ..models import (
    CompletenessCheck,
    Cycle,
    Evidence,
    Indicator,
    NoDataMark,
    Section,
    SopStep,
    StepRun,
    Submission,
    Target,
    User,
)
from ..spreadsheets.importer import IMPLAUSIBLE_FACTOR, plausibility_target, same_unit
from ..spreadsheets.numbers import format_number
from .submissions import latest, owed, target_numbers

MANUAL_ITEMS = [
    "Angka sesuai dengan dokumen sumber (laporan, register, aplikasi)",
    "Berkas mengikuti templat dan ditandatangani/diketahui Kepala Seksi",
    "Keterangan diisi untuk capaian yang jauh di atas atau di bawah target",
]


@dataclass
class CheckItem:
    code: str
    label: str
    ok: bool
    details: list[str] = field(default_factory=list)
    info: bool = False  # a fact the Kasubag should see, not a finding (never makes a section incomplete)


def _quarters(cycle: Cycle) -> list[int]:
    return list(range(1, (cycle.quarter or 4) + 1))


def automatic_checks(cycle: Cycle, section: Section) -> list[CheckItem]:
    """The automatic checks for one section, each with the details that failed."""
    kinds = owed(cycle, section)
    submissions = {kind.pk: latest(cycle, section, kind) for kind in kinds}
    rows = {}
    for kind in kinds:
        submission = submissions[kind.pk]
        if submission is not None:
            for row in submission.rows.select_related("indicator"):
                rows.setdefault(row.indicator_id, []).append((kind, row))
    indicators = list(Indicator.objects.filter(section=section, active=True).order_by("code"))
    targets = {(t.indicator_id, t.quarter): t for t in Target.objects.filter(indicator__in=indicators, year=cycle.year)}
    quarters = _quarters(cycle)
    items = []

    received = [k.name for k in kinds if submissions[k.pk] is None]
    items.append(CheckItem("diterima", "Semua jenis data yang diminta sudah diterima", not received, received))

    missing = [f"{i.code} {i.name}" for i in indicators if i.pk not in rows]
    items.append(CheckItem("indikator", "Setiap indikator milik seksi ada dalam data", not missing, missing))

    empty_quarters, no_target = [], []
    for indicator in indicators:
        for kind, row in rows.get(indicator.pk, []):
            if kind.needs_realisation:
                gaps = [f"TW {'I II III IV'.split()[q - 1]}" for q in quarters if row.realisation(q) is None]
                if gaps:
                    empty_quarters.append(
                        f"{indicator.code}: realisasi {', '.join(gaps)} kosong (sel {_cells(row, gaps)})"
                    )
        master_target = targets.get((indicator.pk, None))
        if master_target is None or (
            master_target.value is None and master_target.low is None and not master_target.text
        ):
            no_target.append(f"{indicator.code}: target tahunan belum ada di data induk")
    items.append(
        CheckItem(
            "triwulan", "Realisasi setiap triwulan sampai periode ini terisi angka", not empty_quarters, empty_quarters
        )
    )
    items.append(CheckItem("target", "Target berupa angka", not no_target, no_target))
    differing = [
        line for indicator in indicators for _kind, row in rows.get(indicator.pk, []) for line in
        file_targets_differing(indicator, row, targets, quarters)
    ]  # fmt: skip
    items.append(CheckItem("target_berkas", "Target di berkas sesuai data induk", not differing, differing))

    units = []
    for indicator in indicators:
        for _kind, row in rows.get(indicator.pk, []):
            if not same_unit(row.unit, indicator.unit):  # refused on upload since; older versions
                units.append(
                    f"{indicator.code}: satuan '{row.unit}' (sel {row.cells.get('unit', '?')}), "
                    f"data induk '{indicator.unit}'"
                )
    items.append(CheckItem("satuan", "Satuan sesuai data induk", not units, units))

    odd = []
    plausible = target_numbers(targets.values())  # the upload's own plausibility targets (master_targets)
    for indicator in indicators:
        for _kind, row in rows.get(indicator.pk, []):
            for q in quarters:
                value = row.realisation(q)
                if value is None:
                    continue
                if value < 0:
                    odd.append(f"{indicator.code} {wording.quarter(q)}: realisasi negatif ({format_number(value)})")
                target = plausibility_target(indicator, plausible, q)
                if target is not None and value > target * IMPLAUSIBLE_FACTOR:
                    odd.append(
                        f"{indicator.code} {wording.quarter(q)}: realisasi {format_number(value)} "
                        f"lebih dari 10× target {format_number(target)}"
                    )
    confirmed = [
        f"dipastikan benar oleh seksi pada versi {s.version}: {s.confirmation}"
        for s in submissions.values()
        if s is not None and s.confirmation
    ]
    items.append(
        CheckItem("wajar", "Nilai masuk akal (tidak negatif, tidak jauh melampaui target)", not odd, odd + confirmed)
    )

    marks = NoDataMark.objects.filter(cycle=cycle, section=section).select_related("indicator", "marked_by")
    stated = [
        f"{m.indicator.code}: {m.reason} (ditandai {m.marked_by}, {timezone.localtime(m.marked_at):%d-%m-%Y %H:%M})"
        for m in marks
    ]
    items.append(
        CheckItem("tidak_ada_data", "Tidak ada indikator yang ditandai seksi 'tidak ada data'", not stated, stated)
    )

    evidence = set(Evidence.objects.filter(cycle=cycle, section=section).values_list("indicator_id", flat=True))
    lacking = [f"{i.code} {i.name}" for i in indicators if i.evidence_required and i.pk not in evidence]
    items.append(CheckItem("bukti", "Bukti dukung ada untuk indikator yang mewajibkannya", not lacking, lacking))
    items.extend(hand_in_items(cycle, section, submissions.values()))
    return items


def file_targets_differing(indicator: Indicator, row, targets: dict, quarters: list[int]) -> list[str]:
    """The targets a section's file writes (the year's, each quarter's up to the period) that are
    not the master data's: the section would measure against another target than the office. A
    summed indicator's quarter target written the other way (its own where the master data holds
    running totals, or the reverse) is the same target; a range holds what lies within it; a
    predicate is not compared."""
    master = {q: targets.get((indicator.pk, q)) for q in (1, 2, 3, 4)}
    numbers = {q: t.value if t is not None else None for q, t in master.items()}
    other: dict = {}
    if indicator.aggregation == "sum" and all(v is not None for v in numbers.values()):
        series = quarter_series(numbers, running=indicator.written_running)
        other = series.own if indicator.written_running else series.to_date
    found = []
    for key, label in [(None, "tahunan"), *((q, wording.quarter(q)) for q in quarters)]:
        written = row.annual_target if key is None else row.target(key)
        target = targets.get((indicator.pk, key))
        if written is None or target is None or target.text:
            continue
        if target.low is not None and target.high is not None:
            if target.low <= written <= target.high:
                continue
        elif not differs(written, target.value) or (key is not None and not differs(written, other.get(key))):
            continue
        cell = row.cells.get("annual_target" if key is None else f"target_q{key}", "?")
        shown = format_number(written)
        found.append(f"{indicator.code} {label}: target di berkas {shown} (sel {cell}), data induk {target.shown}")
    return found


def hand_in_items(cycle: Cycle, section: Section, accepted) -> list[CheckItem]:
    """How the section's data came in: handed in again unchanged after a return (with the
    section's reason), and what the Kasubag or the Sekretaris uploaded or handed in on its behalf."""
    run = (
        StepRun.objects.filter(
            cycle=cycle, section=section, step__kind=SopStep.Kind.COLLECTION, closed_at__isnull=False
        )
        .select_related("closed_by")
        .order_by("-round")
        .first()
    )
    items = []
    unchanged = []
    if run is not None and run.unchanged_reason:
        unchanged.append(
            f"putaran {run.round} diserahkan lagi tanpa perubahan oleh {run.closed_by}, "
            f"{timezone.localtime(run.closed_at):%d-%m-%Y %H:%M}: {run.unchanged_reason}"
        )
    behalf = [
        f"versi {s.version} diunggah oleh {s.uploader}: {s.on_behalf_reason}"
        for s in accepted
        if s is not None and s.on_behalf_reason
    ]
    if run is not None and run.on_behalf_reason:
        behalf.append(f"diserahkan oleh {run.closed_by} atas nama {section}: {run.on_behalf_reason}")
    if run is not None and run.round > 1:
        items.append(
            CheckItem("perubahan", "Data yang dikembalikan diserahkan dengan perbaikan", not unchanged, unchanged)
        )
    if behalf:
        items.append(CheckItem("atas_nama", "Diunggah atau diserahkan atas nama seksi", True, behalf, info=True))
    return items


def _cells(row, gaps) -> str:
    refs = []
    for gap in gaps:
        q = "I II III IV".split().index(gap.split()[1]) + 1
        refs.append(row.cells.get(f"real_q{q}", "?"))
    return ", ".join(refs)


def sections_to_check(run: StepRun) -> list[Section]:
    """Round 1 checks every section; a later round only the sections whose step 2 ran again since
    the round before closed (sent back by step 5 itself, or by the analysis or a review)."""
    cycle = run.cycle
    if run.round == 1:
        return list(cycle.sections.order_by("order", "name"))
    previous = StepRun.objects.filter(cycle=cycle, step=run.step, round=run.round - 1).first()
    # Runs are created in order: the step-2 runs made after the previous round's run are the
    # ones reopened since (times can be equal, ids cannot).
    reopened = StepRun.objects.filter(
        cycle=cycle, step__kind=SopStep.Kind.COLLECTION, section__isnull=False, pk__gt=previous.pk
    ).select_related("section")
    found = {r.section_id: r.section for r in reopened}
    return sorted(found.values(), key=lambda s: (s.order, s.name))


@dataclass
class Verdict:
    complete: bool
    manual: list[dict] = field(default_factory=list)  # {"label": ..., "ok": bool}
    reasons: str = ""


def record(
    run: StepRun,
    *,
    by: User,
    verdicts: dict[int, Verdict],
    overdue_reason: str = "",
    at: datetime.datetime | None = None,
) -> list[StepRun]:
    """Keep the check of every section of this round and move the cycle on: complete to step 6,
    incomplete back to step 2 for the incomplete sections only, with their reasons."""
    now = at or timezone.now()
    sections = sections_to_check(run)
    missing = [s.name for s in sections if s.pk not in verdicts]
    if missing:
        raise WorkflowError("Tentukan hasil pemeriksaan untuk: " + ", ".join(missing) + ".")
    incomplete = [s for s in sections if not verdicts[s.pk].complete]
    for section in incomplete:
        if not verdicts[section.pk].reasons.strip():
            raise WorkflowError(
                f"Tuliskan alasan mengapa data {section} belum lengkap, agar seksi tahu yang harus diperbaiki."
            )

    def keep_checks(run: StepRun) -> None:
        for section in sections:
            verdict = verdicts[section.pk]
            check = CompletenessCheck(
                run=run,
                section=section,
                automatic=[asdict(item) for item in automatic_checks(run.cycle, section)],
                manual=verdict.manual,
                complete=verdict.complete,
                reasons=verdict.reasons.strip(),
                checked_by=by,
                checked_at=now,
            )
            check._history_user = by
            check.save()

    if incomplete:
        outcome = run.step.sections_outcome
        if outcome is None:
            raise WorkflowError(f"Langkah {run.step.number} dalam SOP ini tidak dapat mengembalikan data ke seksi.")
        note = "; ".join(f"{s}: {verdicts[s.pk].reasons.strip()}" for s in incomplete)
    else:
        outcome, note = run.step.forward_outcome, "Data semua seksi lengkap."
    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.COMPLETENESS, outcome=outcome, note=note, sections=incomplete,
        overdue_reason=overdue_reason, record=keep_checks, at=now,
    )  # fmt: skip


def _checked(run: StepRun, outcome: str) -> str | None:
    checked = set(CompletenessCheck.objects.filter(run=run).values_list("section_id", flat=True))
    if not {s.pk for s in sections_to_check(run)} <= checked:
        return "Isi cek list kelengkapan data untuk setiap seksi di halaman pemeriksaan kelengkapan."
    return None


registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.COMPLETENESS,
        label="Buka pemeriksaan kelengkapan data",
        page=lambda run: reverse("kinerja:completeness", args=[run.cycle_id]),
        input_checks=(_checked,),
    )
)


def latest_reasons(cycle: Cycle, section: Section) -> CompletenessCheck | None:
    """The Kasubag's reasons from the last check that sent this section back, while it is open."""
    check = CompletenessCheck.objects.filter(run__cycle=cycle, section=section).order_by("-checked_at").first()
    return check if check and not check.complete else None


__all__ = ["MANUAL_ITEMS", "Verdict", "automatic_checks", "latest_reasons", "record", "sections_to_check", "Submission"]
