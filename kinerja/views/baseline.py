"""The baseline page: the figures of the years before the application was used, as imported
(marked as such everywhere they are shown), their import and their removal. Rules in
kinerja.baseline."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import baseline
from ..engine import workflow
from ..models import BaselineFigure
from ..spreadsheets.numbers import display_number
from .budget import _manager, _office, workbook_posted


@require_http_methods(["GET", "POST"])
def baseline_list(request):
    organisation = _office(request)
    outcome = None
    posted = workbook_posted(request, "data awal") if request.method == "POST" else None
    if posted:
        organisation = _manager(request)
        fields, upload = posted
        try:
            outcome = baseline.import_baseline(
                upload.read(), organisation=organisation, by=request.user, filename=upload.name,
                dry_run=fields["dry_run"],
            )  # fmt: skip
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            if outcome.ok and not fields["dry_run"]:
                messages.success(request, f"Data awal diimpor: {len(outcome.rows)} angka.")
                return redirect("kinerja:baseline")
    figures = (
        BaselineFigure.objects.filter(organisation=organisation)
        .select_related("indicator", "imported_by", "source_file")
        .order_by("indicator__code", "year")
    )
    rows = [
        {
            "pk": f.pk, "code": f.indicator.code, "name": f.indicator.name, "unit": f.indicator.unit, "year": f.year,
            "target": display_number(f.target), "realisation": display_number(f.realisation),
            "capaian": display_number(f.capaian), "file": f.source_file.original_name,
            "by": str(f.imported_by), "at": f.imported_at,
        }
        for f in figures
    ]  # fmt: skip
    return render(
        request,
        "kinerja/baseline.html",
        {"rows": rows, "outcome": outcome, "can_edit": baseline.budget.may_manage(request.user, organisation)},
    )


@require_POST
def baseline_delete(request, pk):
    organisation = _manager(request)
    figure = get_object_or_404(BaselineFigure, pk=pk, organisation=organisation)
    baseline.delete_figure(figure, by=request.user)
    messages.success(request, f"Data awal {figure.indicator.code} tahun {figure.year} dihapus.")
    return redirect("kinerja:baseline")
