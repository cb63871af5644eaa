"""Step 7 in the browser: the grouping report (by objective, section, quarter, category)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import fragments, permissions, verification
from ..engine import workflow
from ..forms import GroupingForm
from ..measurement import basis
from ..models import GroupingReport, IssuedDocument, SopStep
from ..models.letters import XLSX
from ..reports import analysis_report
from ..spreadsheets.exporter import workbook_from_tables
from ..steps import analysis_steps, review
from . import download
from .access import cycle_for, office_only


@require_http_methods(["GET", "POST"])
def grouping_page(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    run = workflow.open_run(cycle, SopStep.Kind.GROUPING)
    if request.method == "POST":
        form = GroupingForm(request.POST, choices=GroupingReport.GROUPINGS)
        try:
            if run is None:
                raise workflow.WorkflowError(workflow.not_open_sentence(SopStep.Kind.GROUPING))
            if not form.is_valid():
                raise workflow.WorkflowError("Pilih pengelompokan yang tersedia.")
            if form.cleaned_data["action"] == "finish":
                opened = analysis_steps.finish_grouping(
                    run, by=request.user, overdue_reason=form.cleaned_data["overdue_reason"]
                )
                messages.success(request, f"Pengelompokan selesai. {workflow.opened_sentence(opened)}")
                return redirect("kinerja:cycle_detail", pk=cycle.pk)
            analysis_steps.make_grouping(run, by=request.user, groupings=form.cleaned_data["groupings"])
            messages.success(request, "Laporan pengelompokan dibuat.")
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("kinerja:grouping", pk=cycle.pk)
    fmt = request.GET.get("format")
    if fmt in ("pdf", "xlsx"):
        report = GroupingReport.objects.filter(run__cycle=cycle).first()
        if report is None:
            raise PermissionDenied("Belum ada laporan pengelompokan.")
        tables = analysis_steps.grouping_tables(cycle, report.groupings)
        period = f"{cycle.year}-{cycle.quarter or 'tahun'}"
        if fmt == "pdf":
            pdf = verification.issued_for_cycle(
                cycle,
                IssuedDocument.Kind.GROUPING,
                lambda: analysis_report.render_grouping(cycle, tables, paper=request.GET.get("kertas", "a4")),
                by=request.user,
            )
            return download(pdf, "application/pdf", f"laporan-pengelompokan-{period}.pdf")
        title = f"Laporan hasil pengolahan dan pengelompokan data kinerja {cycle.period_label}"
        return download(workbook_from_tables(tables, title=title), XLSX, f"laporan-pengelompokan-{period}.xlsx")

    def build():
        report = GroupingReport.objects.filter(run__cycle=cycle).select_related("created_by").first()
        tables = analysis_steps.grouping_tables(cycle, report.groupings) if report else []
        context = {
            "cycle": cycle,
            "kept_when": basis.kept_when(cycle),
            "run": run,
            "behind": review.return_behind(run),
            "report": report,
            "tables": [(t, [[analysis_steps.display(v) for v in row] for row in t.rows]) for t in tables],
            "choices": GroupingReport.GROUPINGS,
            "chosen": report.groupings if report else [code for code, _ in GroupingReport.GROUPINGS],
            "can_edit": bool(run) and permissions.can_act_on_run(request.user, run),
            "report_in_round": bool(report and run and report.run_id == run.pk),
            "overdue": bool(run and timezone.now() > run.due_at),
        }
        return fragments.render_part("kinerja/steps/_grouping_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "grouping", build, vary=(cycle.pk,), per_minute=True)
    return render(request, "kinerja/steps/grouping.html", {"body": body})
