"""The dashboard: capaian per objective and section of the year, and the step-time statistics."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import charts, fragments, permissions, selectors
from ..engine import statistics
from ..models import Cycle, PerformanceRecord
from ..steps import filing
from . import int_param


@require_GET
def dashboard(request):
    organisation = permissions.current_organisation(request)
    asked = int_param(request.GET.get("tahun"), low=2000, high=2100)
    body = fragments.cached_part(
        request,
        "dashboard",
        lambda: _dashboard_body(organisation, asked),
        vary=(organisation.pk, asked),
        per_minute=True,
    )
    return render(request, "kinerja/dashboard.html", {"body": body})


def _dashboard_body(organisation, asked: int | None) -> str:
    cycles = list(
        Cycle.objects.filter(organisation=organisation).only("year", "quarter", "status").order_by("-started_at")[:20]
    )
    steps = selectors.open_steps(cycles)
    status_labels = dict(Cycle.Status.choices)
    # The year asked for; else this year, or the latest year with filed data (January has none yet).
    filed_years = sorted(
        set(
            PerformanceRecord.objects.filter(organisation=organisation)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    )
    this_year = timezone.localdate().year
    year = asked or (this_year if this_year in filed_years or not filed_years else filed_years[-1])
    groups = filing.capaian_groups(organisation, year)
    objective_bars = charts.average_bars(groups.iku_by_objective)
    section_bars = charts.average_bars(groups.cascade_by_section)
    page = {
        "cycles": [
            (cycle.pk, cycle.period_label, status_labels[cycle.status], [s for s in steps if s.cycle_pk == cycle.pk])
            for cycle in cycles
        ],
        "late": [s for s in steps if s.late],
        "year": year,
        "years": filed_years,
        "objective_bars": objective_bars,
        "section_bars": section_bars,
        "periods": groups.periods,
        "hundred": charts.HUNDRED_PERCENT,
        "statistics": statistics.step_statistics(organisation),
    }
    return fragments.render_by_content("kinerja/partials/_dashboard.html", page)
