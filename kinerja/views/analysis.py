"""Step 6 in the browser: the analysis page (figures and flags, the office's IKU figures,
reconciliation and its explanations, narratives) and closing the analysis."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import charts, fragments, permissions, selectors, verification
from ..engine import workflow
from ..forms import ExplainForm, NarrativeForm, OfficeFiguresForm, StepCloseForm
from ..measurement import basis, results
from ..models import Indicator, IssuedDocument, Narrative, OfficeFigure, SopStep, StrategicObjective
from ..models.letters import XLSX
from ..reports import analysis_report
from ..spreadsheets.exporter import workbook_from_tables
from ..spreadsheets.numbers import format_number
from ..steps import analysis_steps, review
from . import download
from .access import cycle_for, office_only


def _narratives(cycle):
    items = Narrative.objects.filter(cycle=cycle).select_related("indicator", "objective")
    by_indicator = {n.indicator_id: n for n in items if n.indicator_id}
    by_objective = {n.objective_id: n for n in items if n.objective_id}
    return by_indicator, by_objective


@require_GET
def analysis_page(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    fmt = request.GET.get("format")
    period = f"{cycle.year}-{cycle.quarter or 'tahun'}"
    if fmt == "pdf":
        pdf = verification.issued_for_cycle(
            cycle,
            IssuedDocument.Kind.ANALYSIS,
            lambda: analysis_report.analysis_document(cycle, paper=request.GET.get("kertas", "a4")),
            by=request.user,
        )
        return download(pdf, "application/pdf", f"laporan-analisa-{period}.pdf")
    if fmt == "xlsx":
        tables = analysis_steps.grouping_tables(cycle, ["objective", "quarter"], results.indicator_results(cycle))
        return download(
            workbook_from_tables(tables, title=f"Laporan analisa data kinerja {cycle.period_label}"),
            XLSX,
            f"laporan-analisa-{period}.xlsx",
        )

    def build():
        data = results.indicator_results(cycle)
        diffs = results.differences(cycle, data)
        by_indicator, by_objective = _narratives(cycle)
        objectives = list(StrategicObjective.objects.filter(organisation=cycle.organisation))
        run = workflow.open_run(cycle, SopStep.Kind.ANALYSIS)
        can_edit = bool(run) and permissions.can_act_on_run(request.user, run)
        grouping_run = workflow.open_run(cycle, SopStep.Kind.GROUPING)
        narrative_open = can_edit or bool(grouping_run and permissions.can_act_on_run(request.user, grouping_run))
        up_to = cycle.quarter or 4
        # The office's figures as the Kasubag wrote them (the indicator's way: per quarter or s.d.),
        # in Indonesian notation without trailing zeros ("84,6", not "84,6000").
        figures = OfficeFigure.objects.filter(cycle=cycle)
        written = {(f.indicator_id, f.quarter): format_number(f.value) for f in figures}
        quarters = range(1, up_to + 1)
        office_rows = [
            (r, [(q, written.get((r.indicator.pk, q), "")) for q in quarters]) for r in data if r.indicator.is_iku
        ]
        context = {
            "cycle": cycle,
            "kept_when": basis.kept_when(cycle),
            "behind": review.return_behind(run),
            "table": fragments.render_by_content(
                "kinerja/partials/_analysis_table.html", {"rows": selectors.analysis_rows(data)}
            ),
            "bars": charts.capaian_bars(data),
            "hundred": charts.HUNDRED_PERCENT,
            "differences": diffs,
            "open_differences": [d for d in diffs if not d.resolved],
            "office_rows": office_rows,
            "quarters": list(range(1, up_to + 1)),
            "objectives": [(o, by_objective.get(o.pk)) for o in objectives],
            "indicator_narratives": [(r.indicator, by_indicator.get(r.indicator.pk)) for r in data],
            "written_indicator_narratives": [
                (r.indicator, by_indicator[r.indicator.pk]) for r in data if r.indicator.pk in by_indicator
            ],
            "run": run,
            "can_edit": can_edit,
            "narrative_open": narrative_open,
            "overdue": bool(run and timezone.now() > run.due_at),
        }
        return fragments.render_part("kinerja/steps/_analysis_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "analysis", build, vary=(cycle.pk,), per_minute=True)
    return render(request, "kinerja/steps/analysis.html", {"body": body})


@require_POST
def analysis_office(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    indicators = {i.pk: i for i in Indicator.objects.filter(organisation=cycle.organisation, is_iku=True)}
    form = OfficeFiguresForm(request.POST, indicators=indicators, quarters=range(1, (cycle.quarter or 4) + 1))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        messages.error(request, "Tidak ada angka yang disimpan; perbaiki isian di atas lalu simpan lagi.")
        return redirect("kinerja:analysis", pk=cycle.pk)
    try:
        analysis_steps.set_office_figures(cycle=cycle, values=form.cleaned_data["values"], by=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Angka kantor disimpan; rekonsiliasi dihitung ulang.")
    return redirect("kinerja:analysis", pk=cycle.pk)


@require_POST
def analysis_explain(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    form = ExplainForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Tuliskan penjelasan selisihnya (sumber mana yang benar dan mengapa).")
        analysis_steps.explain(
            cycle=cycle, key=form.cleaned_data["key"], text=form.cleaned_data["text"], by=request.user,
            standing=form.cleaned_data["standing"],
        )  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Penjelasan selisih disimpan.")
    return redirect("kinerja:analysis", pk=cycle.pk)


@require_POST
def narrative_save(request, pk):
    """Saves a narrative; answers JSON to the autosave script and redirects a plain form post."""
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    form = NarrativeForm(
        request.POST,
        indicators=Indicator.objects.filter(organisation=cycle.organisation),
        objectives=StrategicObjective.objects.filter(organisation=cycle.organisation),
    )
    wants_json = request.headers.get("X-Requested-With") == "autosave"
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Narasi ini tidak dapat disimpan: " + " ".join(
                e for errors in form.errors.values() for e in errors))  # fmt: skip
        indicator, objective = form.cleaned_data["indicator"], form.cleaned_data["objective"]
        narrative = analysis_steps.save_narrative(
            cycle=cycle,
            by=request.user,
            indicator=indicator,
            objective=None if indicator else objective,
            **form.texts(),
        )
    except workflow.WorkflowError as exc:
        if wants_json:
            return JsonResponse({"saved": False, "message": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("kinerja:analysis", pk=cycle.pk)
    if wants_json:
        return JsonResponse({"saved": True, "at": timezone.localtime(narrative.updated_at).strftime("%H:%M:%S")})
    messages.success(request, "Narasi disimpan.")
    return redirect("kinerja:analysis", pk=cycle.pk)


@require_POST
def analysis_finish(request, pk):
    cycle = cycle_for(request, pk)
    run = workflow.open_run(cycle, SopStep.Kind.ANALYSIS)
    if run is None:
        messages.error(request, workflow.not_open_sentence(SopStep.Kind.ANALYSIS))
        return redirect("kinerja:cycle_detail", pk=cycle.pk)
    form = StepCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Alasan keterlambatan terlalu panjang (paling banyak 2.000 huruf).")
        opened = analysis_steps.finish_analysis(
            run, by=request.user, overdue_reason=form.cleaned_data["overdue_reason"]
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("kinerja:analysis", pk=cycle.pk)
    messages.success(request, f"Analisis selesai. {workflow.opened_sentence(opened)}")
    return redirect("kinerja:cycle_detail", pk=cycle.pk)
