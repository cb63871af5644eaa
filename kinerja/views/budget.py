"""The budget pages: a year's programmes, kegiatan and sub kegiatan with pagu, realisation per
quarter and the indicators each supports; import from the financial system's export; entry and
correction by hand. Rules in kinerja.budget."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import budget, permissions
from ..engine import workflow
from ..forms import BudgetItemForm, MasterImportForm
from ..models import BudgetItem
from ..spreadsheets.screening import MAX_FILE_BYTES
from .master import _year


def _office(request):
    organisation = permissions.current_organisation(request)
    if not permissions.is_office(request.user, organisation) and not permissions.is_admin(request.user, organisation):
        raise PermissionDenied("Anggaran dibuka oleh pimpinan, Kasubag Perencanaan dan Pelaporan dan administrator.")
    return organisation


def _manager(request):
    organisation = _office(request)
    if not budget.may_manage(request.user, organisation):
        raise PermissionDenied(f"Anggaran diubah oleh {budget.MANAGERS}.")
    return organisation


def workbook_posted(request, what: str):
    """The fields and the workbook an import form posted, or None after saying what is wrong
    (the page's manager is checked first: a refused visitor learns nothing about the form)."""
    _manager(request)
    form = MasterImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return None
    upload = form.cleaned_data.get("file")
    if upload is None:
        messages.error(request, f"Pilih berkas Excel (.xlsx) {what}.")
        return None
    if upload.size > MAX_FILE_BYTES:
        messages.error(request, f"Berkas terlalu besar; batasnya {MAX_FILE_BYTES // 1048576} MB.")
        return None
    return form.cleaned_data, upload


def _list_url(year: int) -> str:
    return reverse("kinerja:budget") + f"?tahun={year}"


@require_http_methods(["GET", "POST"])
def budget_list(request):
    organisation = _office(request)
    year = _year(request)
    outcome = None
    posted = workbook_posted(request, "anggaran") if request.method == "POST" else None
    if posted:
        organisation = _manager(request)
        fields, upload = posted
        year = fields["year"] or year
        try:
            outcome = budget.import_budget(
                upload.read(), organisation=organisation, year=year, by=request.user,
                filename=upload.name, dry_run=fields["dry_run"],
            )  # fmt: skip
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            if outcome.ok and not fields["dry_run"]:
                messages.success(
                    request,
                    f"Anggaran {year} diimpor: {len(outcome.created)} baru, {len(outcome.updated)} diperbarui.",
                )
                return redirect(_list_url(year))
    items = list(
        BudgetItem.objects.filter(organisation=organisation, year=year).prefetch_related("indicators").order_by("code")
    )
    context = {
        "year": year,
        "rows": budget.table_rows(items),
        "outcome": outcome,
        "problems": budget.inconsistencies(organisation, year, items),
        "can_edit": budget.may_manage(request.user, organisation),
        "years": sorted(
            set(
                BudgetItem.objects.filter(organisation=organisation)
                .values_list("year", flat=True)
                .order_by("year")
                .distinct()
            )
            | {year}
        ),
    }
    return render(request, "kinerja/budget.html", context)


@require_http_methods(["GET", "POST"])
def budget_edit(request, pk=None):
    organisation = _manager(request)
    item = get_object_or_404(BudgetItem, pk=pk, organisation=organisation) if pk else None
    year = item.year if item else _year(request)
    form = BudgetItemForm(request.POST or None, instance=item, organisation=organisation, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            saved = budget.save_item(
                form.save(commit=False), by=request.user, indicators=form.cleaned_data.get("indicators")
            )
        except ValidationError as exc:  # the model's own rules (realisation above the pagu)
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{saved.get_level_display()} {saved.code} disimpan (anggaran {year}).")
            return redirect(_list_url(year))
    return render(request, "kinerja/budget_form.html", {"form": form, "item": item, "year": year})


@require_POST
def budget_delete(request, pk):
    organisation = _manager(request)
    item = get_object_or_404(BudgetItem, pk=pk, organisation=organisation)
    year = item.year
    try:
        budget.delete_item(item, by=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{item.code} {item.name} dihapus dari anggaran {year}.")
    return redirect(_list_url(year))
