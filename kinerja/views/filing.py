"""Step 10 in the browser: filing the performance database and its archive, the data base page
with its amendments, and the exports (LKjIP tables, Perjanjian Kinerja draft)."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import fragments, permissions, verification, wording
from ..engine import workflow
from ..filters import RecordFilter
from ..forms import AmendmentForm, FilingForm
from ..models import Amendment, CycleArchive, IssuedDocument, PerformanceRecord, Section, SopStep, StrategicObjective
from ..models.letters import XLSX
from ..reports import final_tables
from ..spreadsheets.exporter import workbook_from_tables
from ..spreadsheets.numbers import display_number
from ..steps import filing
from . import int_param
from .access import cycle_for, office_only


@require_http_methods(["GET", "POST"])
def filing_page(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    run = workflow.open_run(cycle, SopStep.Kind.FILING)
    archive = CycleArchive.objects.filter(cycle=cycle).select_related("file", "bundle", "created_by").first()
    if request.method == "POST":
        form = FilingForm(request.POST)
        action = form.cleaned_data["action"] if form.is_valid() else ""
        if action == "verify" and archive:
            problems = filing.verify(archive)
            if problems:
                for problem in problems:
                    messages.error(request, problem)
            else:
                messages.success(request, f"Arsip utuh: {len(archive.manifest)} berkas cocok dengan manifesnya.")
            return redirect("kinerja:filing", pk=cycle.pk)
        if run is None:
            messages.error(request, workflow.not_open_sentence(SopStep.Kind.FILING))
            return redirect("kinerja:filing", pk=cycle.pk)
        try:
            if not form.is_valid():
                raise workflow.WorkflowError("Alasan keterlambatan terlalu panjang (paling banyak 2.000 huruf).")
            filing.file_or_request(run, by=request.user, overdue_reason=form.cleaned_data["overdue_reason"])
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("kinerja:filing", pk=cycle.pk)
        if workflow.open_run(cycle, SopStep.Kind.FILING) is None:
            messages.success(request, "Data base kinerja diarsipkan; siklus selesai.")
        return redirect("kinerja:filing", pk=cycle.pk)

    # A filing asked of the worker (while step 10 is open): its progress, or why it failed.
    job = filing.latest_job(cycle.pk) if run else None
    pending = job if job and job.is_open else None
    if request.GET.get("status") == "1":  # asked by the page's script every 2 seconds
        return JsonResponse({"status": pending.status if pending else "berakhir"})

    def build():
        context = {
            "cycle": cycle,
            "run": run,
            "archive": archive,
            "can_file": bool(run) and not pending and permissions.can_act_on_run(request.user, run),
            "pending": pending,
            "overdue": bool(run and timezone.now() > run.due_at),
            "records": PerformanceRecord.objects.filter(cycle=cycle).order_by("code"),
        }
        return fragments.render_part("kinerja/steps/_filing_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "filing", build, vary=(cycle.pk, pending and pending.pk), per_minute=True)
    failed = job if job and job.status == job.Status.FAILED else None
    return render(
        request, "kinerja/steps/filing.html", {"body": body, "cycle": cycle, "pending": pending, "failed": failed}
    )


@require_GET
def archive_download(request, pk, what):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    archive = get_object_or_404(CycleArchive.objects.select_related("file", "bundle", "cycle__letter"), cycle=cycle)
    stored = archive.file if what == "zip" else archive.bundle
    if stored is None:
        raise PermissionDenied("Berkas ini tidak ada.")
    # A rahasia letter's scan and disposition sheet go only to those who may read the letter.
    withheld = filing.withheld_from(archive, request.user)
    if not withheld:
        content = stored.file.open("rb")
    elif what == "zip":
        content = filing.viewer_zip(archive, withheld)
    else:
        try:
            content = io.BytesIO(filing.viewer_bundle(archive, withheld, by=request.user))
        except workflow.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
    return FileResponse(content, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)


# Rows of the data base page at a time (each row carries its amendment form); the comparison
# between years and the Excel export take the whole selection.
PAGE_SIZE = 100


@require_GET
def database(request):
    organisation = permissions.current_organisation(request)
    # Newest year first, the year's own record before its quarters (the same on every database).
    records = PerformanceRecord.objects.filter(organisation=organisation).order_by(
        "-year", F("quarter").desc(nulls_first=True), "code"
    )
    chosen = RecordFilter(request.GET, queryset=records)
    filters = chosen.valid_data
    selection = chosen.qs
    if request.GET.get("format") == "xlsx":
        year = int(filters["tahun"]) if filters["tahun"] else None
        quarter = int(filters["triwulan"]) if filters["triwulan"].isdigit() else None
        period = (f"tahun {year}" if year is not None else "semua tahun") + (
            " · tahunan"
            if filters["triwulan"] == "tahunan"
            else f" · {wording.quarter(quarter)}"
            if quarter is not None
            else ""
        )
        everything = filing.with_amendments(selection, Amendment.objects.select_related("created_by"))
        return HttpResponse(
            filing.records_workbook(
                list(everything), title=f"Data base kinerja {organisation.name} · {period}", with_period=True
            ),
            content_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="data-base-kinerja.xlsx"'},
        )
    others = request.GET.copy()
    for name in ("halaman", "amandemen", "format"):
        others.pop(name, None)
    can_amend = bool(permissions.can_amend_records(request.user, organisation))
    amend_pk = int_param(request.GET.get("amandemen"), low=1) if can_amend else None
    this_year = timezone.localdate().year

    def build():
        page = Paginator(
            filing.with_amendments(selection, Amendment.objects.select_related("created_by")), PAGE_SIZE
        ).get_page(request.GET.get("halaman"))
        comparison = filing.capaian_by_year(selection)
        # One amendment form, for the row whose "Ajukan amandemen" link was followed.
        amending = None
        if amend_pk:
            amending = filing.with_amendments(
                PerformanceRecord.objects.filter(organisation=organisation, pk=amend_pk)
            ).first()
        context = {
            "records": [
                (
                    r,
                    {
                        **{f: display_number(filing.current_value(r, f)) for f in ("target", "realisation", "capaian")},
                        "category": filing.current_value(r, "category"),
                    },
                )
                for r in page.object_list
            ],
            "page": page,
            "page_query": f"{others.urlencode()}&" if others else "",
            "filters": filters,
            "years": comparison.years,
            "comparison": comparison.rows,
            "objectives": StrategicObjective.objects.filter(organisation=organisation),
            "sections": Section.objects.owing_data(organisation),
            "can_amend": can_amend,
            "amending": amending,
            "amending_values": {f: display_number(filing.current_value(amending, f)) for f in ("target", "realisation")}
            if amending
            else {},
            "fields": [(value, label) for value, label in Amendment.FIELDS if value != "category"],
            "this_year": this_year,
        }
        return fragments.render_part("kinerja/partials/_database.html", context)

    # Kept until data of the organisation changes, per the filters, page and open form asked for.
    asked = (tuple(sorted(filters.items())), request.GET.get("halaman", ""), amend_pk, this_year)
    body = fragments.cached_part(request, "database", build, vary=(organisation.pk, asked))
    return render(request, "kinerja/steps/database.html", {"body": body})


@require_POST
def amend_record(request, pk):
    organisation = permissions.current_organisation(request)
    record = get_object_or_404(PerformanceRecord, pk=pk, organisation=organisation)
    form = AmendmentForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError(
                "Isi koreksi, alasan dan nama pejabat yang menyetujui (isian terlalu panjang)."
            )
        filing.amend(
            record, by=request.user, field=form.cleaned_data["field"], raw=form.cleaned_data["new_value"],
            reason=form.cleaned_data["reason"], approver=form.cleaned_data["approver"],
        )  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Amandemen {record.code} dicatat; nilai asli tetap terlihat.")
    return redirect("kinerja:database")


@require_GET
def exports(request, what):
    organisation = permissions.current_organisation(request)
    year = int_param(request.GET.get("tahun"), low=2000, high=2100) or timezone.localdate().year
    if what == "lkjip.xlsx":
        tables = filing.lkjip_tables(organisation, year)
        periods = sorted({row[3] for table in tables for row in table.rows})
        suffix = final_tables.lkjip_period_suffix(periods, year)
        data = workbook_from_tables(tables, title=f"Tabel bab III LKjIP {organisation.name} tahun {year}{suffix}")
        return HttpResponse(
            data, content_type=XLSX, headers={"Content-Disposition": f'attachment; filename="lkjip-bab3-{year}.xlsx"'}
        )
    if what == "lkjip.pdf":
        pdf = verification.issued(
            lambda: final_tables.render_lkjip(organisation, year, filing.lkjip_tables(organisation, year)),
            organisation=organisation,
            kind=IssuedDocument.Kind.LKJIP,
            title=f"Tabel bab III LKjIP tahun {year}",
            period=f"Tahun {year}",
            by=request.user,
        )
        return HttpResponse(
            pdf,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="lkjip-bab3-{year}.pdf"'},
        )
    if what == "pk.xlsx":
        data = filing.pk_draft(organisation, year)
        return HttpResponse(
            data,
            content_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="rancangan-pk-{year + 1}.xlsx"'},
        )
    raise PermissionDenied("Ekspor tidak dikenal.")
