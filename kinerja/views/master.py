"""Master data pages: the indicator list with targets, editing an indicator and its targets,
and import/export of the whole list as a workbook."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import fragments, masterdata, permissions
from ..engine import workflow
from ..forms import IndicatorForm, MasterImportForm, ObjectiveForm
from ..models import Indicator, Section, StrategicObjective
from ..spreadsheets.screening import MAX_FILE_BYTES


def _year(request) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require_GET
def indicator_list(request):
    organisation = permissions.current_organisation(request)
    year = _year(request)
    section = request.GET.get("seksi", "")
    iku_only = request.GET.get("iku") == "1"

    def build():
        rows = masterdata.indicator_rows(organisation, year, section=section, iku_only=iku_only)
        table = {"rows": rows, "year": year, "can_edit": permissions.can_edit_master_data(request.user, organisation)}
        context = {
            "table": fragments.render_by_content("kinerja/partials/_indicator_table.html", table),
            "year": year,
            "sections": list(Section.objects.owing_data(organisation).order_by("order").values("code", "name")),
            "objectives": list(StrategicObjective.objects.filter(organisation=organisation).values("code", "name")),
            "can_edit": table["can_edit"],
            "can_see_budget": permissions.is_office(request.user, organisation),
            "selected_section": section,
            "iku_only": iku_only,
        }
        return fragments.render_part("kinerja/partials/_indicator_list.html", context)

    body = fragments.cached_part(request, "indicators", build, vary=(organisation.pk, year, section, iku_only))
    return render(request, "kinerja/indicator_list.html", {"body": body})


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk=None):
    organisation = permissions.current_organisation(request)
    if not permissions.can_edit_master_data(request.user, organisation):
        raise PermissionDenied(
            "Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mengubah data induk."
        )
    year = _year(request)
    indicator = (
        get_object_or_404(Indicator, pk=pk, organisation=organisation) if pk else Indicator(organisation=organisation)
    )
    form = IndicatorForm(request.POST or None, instance=indicator, organisation=organisation, year=year)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.organisation = organisation
            saved._history_user = request.user
            saved.save()
            for quarter, key in ((None, "annual"), (1, "q1"), (2, "q2"), (3, "q3"), (4, "q4")):
                masterdata.set_target(saved, year, quarter, form.cleaned_data.get(key), by=request.user)
        messages.success(request, f"Indikator {saved.code} disimpan (target tahun {year}).")
        return redirect(reverse("kinerja:indicator_list") + f"?tahun={year}")
    return render(request, "kinerja/indicator_form.html", {"form": form, "year": year, "indicator": indicator})


@require_http_methods(["GET", "POST"])
def indicator_import(request):
    organisation = permissions.current_organisation(request)
    if not permissions.can_edit_master_data(request.user, organisation):
        raise PermissionDenied(
            "Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mengubah data induk."
        )
    year = _year(request)
    result = None
    if request.method == "POST":
        form = MasterImportForm(request.POST, request.FILES)
        upload = form.cleaned_data.get("file") if form.is_valid() else None
        dry_run = form.is_valid() and form.cleaned_data["dry_run"]
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        elif upload is None:
            messages.error(request, "Pilih berkas Excel (.xlsx).")
        elif upload.size > MAX_FILE_BYTES:
            messages.error(request, f"Berkas terlalu besar; batasnya {MAX_FILE_BYTES // 1048576} MB.")
        else:
            year = form.cleaned_data["year"] or year
            try:
                result = masterdata.import_workbook(
                    upload.read(), organisation=organisation, year=year, by=request.user, dry_run=dry_run
                )
            except (ValueError, workflow.WorkflowError) as exc:
                messages.error(request, str(exc))
            else:
                if result.ok and not dry_run:
                    messages.success(
                        request,
                        f"Data induk diimpor: {len(result.created)} indikator baru, {len(result.updated)} diperbarui.",
                    )
                    return redirect(reverse("kinerja:indicator_list") + f"?tahun={year}")
    return render(request, "kinerja/indicator_import.html", {"result": result, "year": year})


@require_GET
def indicator_export(request):
    organisation = permissions.current_organisation(request)
    year = _year(request)
    data = masterdata.export_workbook(organisation, year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="indikator-{organisation.code}-{year}.xlsx"'
    return response


@require_http_methods(["POST"])
def objective_save(request):
    """Add a strategic objective, or change one (by its code)."""
    organisation = permissions.current_organisation(request)
    if not permissions.can_edit_master_data(request.user, organisation):
        raise PermissionDenied(
            "Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mengubah data induk."
        )
    form = ObjectiveForm.for_post(request.POST, organisation=organisation)
    if form.is_valid():
        objective = form.save(commit=False)
        objective.organisation = organisation
        objective._history_user = request.user
        objective.save()
        messages.success(request, f"Sasaran {objective.code} disimpan.")
    else:
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"Sasaran belum tersimpan: {errors}")
    return redirect("kinerja:indicator_list")
