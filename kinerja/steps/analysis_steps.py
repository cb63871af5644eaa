"""Steps 6 and 7 of the SOP: the Kasubag's office figures, explanations of differences and
narrative (step 6, which closes only when every difference is resolved or explained), and the
grouping report (step 7, which closes only when the report exists)."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..engine import registry, workflow
from ..engine.workflow import WorkflowError
from ..measurement import results
from ..models import (
    Cycle,
    DataKind,
    Explanation,
    GroupingReport,
    Indicator,
    Narrative,
    OfficeFigure,
    SopStep,
    StepRun,
    StrategicObjective,
    User,
)
from ..spreadsheets.numbers import format_number

NARRATIVE_FIELDS = ("analysis", "causes", "obstacles", "follow_up")


def set_office_figure(*, cycle: Cycle, indicator: Indicator, quarter: int, value, by: User, source: str = "") -> None:
    """The office's own figure of an indicator for a quarter (empty removes it)."""
    set_office_figures(cycle=cycle, values={(indicator, quarter): value}, by=by, source=source)


def set_office_figures(*, cycle: Cycle, values: dict, by: User, source: str = "") -> int:
    """The office's own figures, {(indicator, quarter): value or None (removes it)}, all or none.
    Returns how many cells were written."""
    for indicator, quarter in values:
        if indicator.organisation_id != cycle.organisation_id or quarter not in (1, 2, 3, 4):
            raise WorkflowError("Indikator atau triwulan tidak sah untuk siklus ini.")
    # Read then write under the cycle's lock: two first saves at once (autosave and the button)
    # must not both insert.
    with transaction.atomic():
        workflow.editable_run(cycle, SopStep.Kind.ANALYSIS, by, "data analisis")
        for (indicator, quarter), value in values.items():
            figure = OfficeFigure.objects.filter(cycle=cycle, indicator=indicator, quarter=quarter).first()
            if value is None:
                if figure is not None:
                    figure._history_user = by
                    figure.delete()
                continue
            figure = figure or OfficeFigure(cycle=cycle, indicator=indicator, quarter=quarter)
            figure.value = value
            figure.source = (source or "isian Kasubag")[:200]
            figure.entered_by = by
            figure.entered_at = timezone.now()
            figure._history_user = by
            figure.save()
    return len(values)


def explain(*, cycle: Cycle, key: str, text: str, by: User, standing: bool = False) -> Explanation:
    """Explain why a reconciliation difference may stand; a standing explanation also explains
    the same indicator's difference of the same kind in later cycles (shown as carried)."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError("Tuliskan penjelasan selisihnya (sumber mana yang benar dan mengapa).")
    with transaction.atomic():
        workflow.editable_run(cycle, SopStep.Kind.ANALYSIS, by, "data analisis")
        if key not in {d.key for d in results.differences(cycle)}:
            raise WorkflowError("Selisih ini sudah tidak ada (angkanya sudah sama); tidak perlu dijelaskan.")
        explanation = Explanation.objects.filter(cycle=cycle, key=key).first() or Explanation(cycle=cycle, key=key)
        explanation.text = text[:4000]
        explanation.standing = standing
        explanation.explained_by = by
        explanation.explained_at = timezone.now()
        explanation._history_user = by
        explanation.save()
    return explanation


def save_narrative(
    *, cycle: Cycle, by: User, indicator: Indicator | None = None, objective: StrategicObjective | None = None, **fields
) -> Narrative:
    """Save the narrative of an indicator or an objective as typed (drafts included)."""
    if (indicator is None) == (objective is None):
        raise WorkflowError("Narasi ditulis untuk satu indikator atau satu sasaran.")
    lookup = {"indicator": indicator} if indicator else {"objective": objective}
    with transaction.atomic():
        workflow.editable_run(cycle, (SopStep.Kind.ANALYSIS, SopStep.Kind.GROUPING), by, "narasi")
        narrative = Narrative.objects.filter(cycle=cycle, **lookup).first() or Narrative(cycle=cycle, **lookup)
        for name in NARRATIVE_FIELDS:
            if name in fields and fields[name] is not None:
                setattr(narrative, name, str(fields[name])[:20000])
        narrative.updated_by = by
        narrative.updated_at = timezone.now()
        narrative._history_user = by
        narrative.save()
    return narrative


def finish_analysis(run: StepRun, *, by: User, note: str = "", overdue_reason: str = "", at=None):
    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.ANALYSIS, note=note or "Analisis data kinerja selesai.",
        overdue_reason=overdue_reason, at=at,
    )  # fmt: skip


def return_to_sections(run: StepRun, *, by: User, sections: list, reason: str, overdue_reason: str = "", at=None):
    """The analysis finds a wrong section figure: the named sections' collection step reopens with
    the reason (workflow.RETURN_TO_SECTIONS); what the Kasubag entered in the analysis stays for
    the next round."""
    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.ANALYSIS, outcome=workflow.RETURN_TO_SECTIONS, note=(reason or "").strip(),
        sections=sections, overdue_reason=overdue_reason, at=at,
    )  # fmt: skip


def _differences_settled(run: StepRun, outcome: str) -> str | None:
    if outcome == workflow.RETURN_TO_SECTIONS:
        return None  # the figures are going back to the section: nothing to settle yet
    open_ones = [d for d in results.differences(run.cycle) if not d.resolved]
    if open_ones:
        names = ", ".join(f"{d.indicator.code} TW {results.ROMAN[d.quarter]}" for d in open_ones[:5])
        more = f" dan {len(open_ones) - 5} lainnya" if len(open_ones) > 5 else ""
        return f"Masih ada {len(open_ones)} selisih yang belum diselesaikan atau dijelaskan: {names}{more}."
    return None


# Grouping ------------------------------------------------------------------------------------


def make_grouping(run: StepRun, *, by: User, groupings: list[str], at: datetime.datetime | None = None):
    """Record the grouping report of this round with the groupings the Kasubag chose."""
    valid = [code for code, _label in GroupingReport.GROUPINGS]
    chosen = [g for g in valid if g in groupings]
    if not chosen:
        raise WorkflowError("Pilih setidaknya satu pengelompokan.")
    with transaction.atomic():  # twenty clicks at once make one report for the round
        current = workflow.editable_run(run.cycle, SopStep.Kind.GROUPING, by, "laporan pengelompokan")
        if current.pk != run.pk:
            raise workflow.AlreadyDone(f"Langkah {run.step.number} putaran ini sudah selesai.")
        report = GroupingReport.objects.filter(run=run).first()
        if report is not None and report.groupings == chosen:
            return report  # the same report again: already recorded
        report = GroupingReport(run=run, groupings=chosen, created_by=by, created_at=at or timezone.now())
        report._history_user = by
        report.save()
    return report


def finish_grouping(run: StepRun, *, by: User, overdue_reason: str = "", at=None):
    return workflow.close_step(
        run, by=by, kind=SopStep.Kind.GROUPING, note="Laporan hasil pengolahan dan pengelompokan dibuat.",
        overdue_reason=overdue_reason, at=at,
    )  # fmt: skip


def _grouping_exists(run: StepRun, outcome: str) -> str | None:
    if not GroupingReport.objects.filter(run=run).exists():
        return "Buat laporan pengelompokan data lebih dahulu."
    return None


registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.ANALYSIS,
        label="Buka analisis data kinerja",
        page=lambda run: reverse("kinerja:analysis", args=[run.cycle_id]),
        input_checks=(_differences_settled,),
        returns_to_sections=True,
    )
)
registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.GROUPING,
        label="Buka pengelompokan data",
        page=lambda run: reverse("kinerja:grouping", args=[run.cycle_id]),
        input_checks=(_grouping_exists,),
    )
)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (label, text) printed under the table


HEADERS = [
    "Kode", "Indikator", "Satuan", "Target s.d. periode", "Realisasi s.d. periode", "Capaian (%)", "Kategori",
    "Catatan",
]  # fmt: skip


def _line(result: results.IndicatorResult) -> list:
    target = result.period_target.cell if result.period_target else None
    return [
        result.indicator.code,
        result.indicator.name,
        result.indicator.unit,
        target,
        result.year_to_date,
        result.year_capaian.rounded(2),
        result.category,
        result.to_date_note or "-",  # "rata-rata dari 3 triwulan; TW II kosong", beside the figure
    ]


def grouping_tables(
    cycle: Cycle, groupings: list[str], data: list[results.IndicatorResult] | None = None
) -> list[Table]:
    """The tables of the chosen groupings, each a list of rows (numbers stay numbers)."""
    data = data if data is not None else results.indicator_results(cycle)
    tables = []
    for grouping in groupings:
        if grouping == "objective":
            groups: OrderedDict[str, list] = OrderedDict()
            for r in data:
                name = str(r.indicator.objective) if r.indicator.objective else "Tanpa sasaran"
                groups.setdefault(name, []).append(r)
            rows = []
            for name, members in groups.items():
                rows.append([name, "", "", "", "", "", ""])
                rows.extend(_line(r) for r in members)
            tables.append(Table("Per sasaran strategis", HEADERS, rows))
        elif grouping == "cascade":
            children: dict[int, list] = {}
            for r in data:
                if r.indicator.parent_id:
                    children.setdefault(r.indicator.parent_id, []).append(r)
            rows = []
            for r in data:
                if r.indicator.is_iku:
                    rows.append(_line(r))
                    for child in children.get(r.indicator.pk, []):
                        line = _line(child)
                        line[0] = f"  └ {line[0]}"
                        rows.append(line)
            tables.append(Table("Per IKU dan cascade-nya", HEADERS, rows))
        elif grouping == "section":
            rows = []
            for section in sorted({r.indicator.section for r in data}, key=lambda s: (s.order, s.name)):
                rows.append([section.name, "", "", "", "", "", ""])
                rows.extend(_line(r) for r in data if r.indicator.section_id == section.pk)
            tables.append(Table("Per seksi", HEADERS, rows))
        elif grouping == "kind":
            rows = []
            for kind in DataKind.objects.filter(obligations__cycle=cycle).distinct().order_by("order"):
                rows.append([kind.name, "", "", "", "", "", ""])
                owners = set(cycle.obligations.filter(kind=kind).values_list("section_id", flat=True))
                rows.extend(_line(r) for r in data if r.indicator.section_id in owners)
            tables.append(Table("Per jenis data", HEADERS, rows))
        elif grouping == "quarter":
            headers = ["Kode", "Indikator", "Satuan"]
            up_to = cycle.quarter or 4
            for q in range(1, up_to + 1):
                headers += [
                    f"Target TW {results.ROMAN[q]}",
                    f"Realisasi TW {results.ROMAN[q]}",
                    f"Capaian TW {results.ROMAN[q]} (%)",
                ]
            rows = []
            for r in data:
                line = [r.indicator.code, r.indicator.name, r.indicator.unit]
                for q in range(1, up_to + 1):
                    target = r.quarter_targets.get(q)
                    line += [target.value if target else None, r.realisations.get(q), r.capaian[q].rounded(2)]
                rows.append(line)
            tables.append(Table("Per triwulan", headers, rows))
    return tables


def display(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "as_tuple"):
        return format_number(value)
    return str(value)
