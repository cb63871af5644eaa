"""The kabupaten's pages for its SAKIP coordinators: read only (GET), across the kecamatan of the
kabupaten they coordinate, never into a kecamatan's own pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import fragments, permissions
from .. import kabupaten as oversight
from ..models import Organisation, PerformanceRecord
from . import download, int_param

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kabupaten(request):
    """The kabupaten the page is about: the one asked for (?kabupaten=<code>) among those the
    user coordinates today, else the first of them."""
    coordinated = permissions.coordinated_kabupaten(request.user)
    if not coordinated:
        raise PermissionDenied("Halaman ini untuk koordinator SAKIP kabupaten.")
    asked = request.GET.get("kabupaten")
    if asked:
        for kabupaten in coordinated:
            if kabupaten.code == asked:
                return kabupaten, coordinated
        raise Http404("Kabupaten tidak ditemukan.")  # the same answer whether it exists or not
    return coordinated[0], coordinated


def _period(request, kabupaten, model):
    """The period asked for (?periode=2026-3, 2026-0 for the year), else the latest with data."""
    available = oversight.periods(kabupaten, model)
    year, _dash, quarter = (request.GET.get("periode") or "").partition("-")
    year, quarter = int_param(year, low=2000, high=2100), int_param(quarter, low=0, high=4)
    return oversight.chosen_period(available, year, quarter), available


def _context(request, kabupaten, coordinated, **extra):
    return {
        "kabupaten": kabupaten,
        "coordinated": coordinated,
        "export_query": _export_query(request),
        **extra,
    }


def _page(request, kabupaten, coordinated, template, name, build, *, per_minute=False, **shown):
    """The page with its body kept until data changes in any kecamatan of the kabupaten (for
    this user, these parameters, and the minute when it shows lateness)."""
    organisations = list(Organisation.objects.filter(kabupaten=kabupaten).values_list("pk", flat=True))
    body = fragments.cached_part(
        request, name, lambda: fragments.render_part(f"kinerja/kabupaten/_{name}_body.html", build()),
        vary=(kabupaten.pk, request.GET.urlencode()), per_minute=per_minute, organisations=organisations,
    )  # fmt: skip
    return render(request, template, _context(request, kabupaten, coordinated, body=body, **shown))


@require_GET
def overview(request):
    kabupaten, coordinated = _kabupaten(request)
    period, available = _period(request, kabupaten, model=oversight.Cycle)
    if period and request.GET.get("unduh") == "xlsx":
        data = oversight.overview_workbook(kabupaten, *period, oversight.cycle_overview(kabupaten, *period))
        return download(data, XLSX, f"siklus-kecamatan-{period[0]}-{period[1]}.xlsx")

    def build():
        lines = oversight.cycle_overview(kabupaten, *period) if period else []
        return {
            "kabupaten": kabupaten, "lines": lines, "period": period,
            "period_label": oversight.period_label(*period) if period else "",
            "late_count": sum(1 for line in lines if line.late),
        }  # fmt: skip

    return _page(
        request, kabupaten, coordinated, "kinerja/kabupaten/overview.html", "overview", build, per_minute=True,
        periods=_labelled(available), period_value=f"{period[0]}-{period[1]}" if period else "",
    )  # fmt: skip


@require_GET
def capaian(request):
    kabupaten, coordinated = _kabupaten(request)
    period, available = _period(request, kabupaten, model=PerformanceRecord)
    sort = request.GET.get("urut") if request.GET.get("urut") in oversight.SORTS else "kecamatan"
    if period and request.GET.get("unduh") == "xlsx":
        comparisons = oversight.iku_comparison(kabupaten, *period, sort=sort)
        data = oversight.comparison_workbook(kabupaten, *period, comparisons)
        return download(data, XLSX, f"capaian-iku-kecamatan-{period[0]}-{period[1]}.xlsx")

    def build():
        return {
            "kabupaten": kabupaten, "period": period, "sort": sort, "sort_links": _sort_links(request, oversight.SORTS),
            "comparisons": oversight.iku_comparison(kabupaten, *period, sort=sort) if period else [],
            "period_label": oversight.period_label(*period) if period else "",
            "hundred": oversight.charts.HUNDRED_PERCENT,
        }  # fmt: skip

    return _page(
        request, kabupaten, coordinated, "kinerja/kabupaten/capaian.html", "capaian", build,
        periods=_labelled(available), period_value=f"{period[0]}-{period[1]}" if period else "", sort=sort,
    )  # fmt: skip


@require_GET
def step_times(request):
    kabupaten, coordinated = _kabupaten(request)
    years = sorted({year for year, _quarter in oversight.periods(kabupaten)}, reverse=True)
    year = int_param(request.GET.get("tahun"), low=2000, high=2100)
    if request.GET.get("unduh") == "xlsx":
        data = oversight.step_times_workbook(kabupaten, year, oversight.step_times(kabupaten, year))
        return download(data, XLSX, f"waktu-langkah-kecamatan-{year or 'semua'}.xlsx")
    return _page(
        request, kabupaten, coordinated, "kinerja/kabupaten/step_times.html", "step_times",
        lambda: {"times": oversight.step_times(kabupaten, year)}, years=years, year=year,
    )  # fmt: skip


def _labelled(available):
    """The period select's options: (value, label)."""
    return [(f"{year}-{quarter}", oversight.period_label(year, quarter)) for year, quarter in available]


def _sort_links(request, sorts: dict) -> list[tuple[str, str, str]]:
    """(key, label, query string) for each order of the table, the page's other parameters kept."""
    links = []
    for key, label in sorts.items():
        query = request.GET.copy()
        query["urut"] = key
        query.pop("unduh", None)
        links.append((key, label, query.urlencode()))
    return links


def _export_query(request) -> str:
    query = request.GET.copy()
    query["unduh"] = "xlsx"
    return query.urlencode()
