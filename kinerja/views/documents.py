"""The documents the office signs and sends upward: the Perjanjian Kinerja (the office's, a unit's
or the whole cascade; this year's or next year's draft) as Word and PDF. Content in
kinerja.agreements, rendering in kinerja.reports."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import agreements, budget, lkjip, permissions, signatures, verification
from ..forms import ReportTextForm
from ..models import IssuedDocument, ReportText
from . import download, int_param


def _day(raw: str | None) -> datetime.date:
    """The signing date asked for (YYYY-MM-DD), or today."""
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_GET
def documents(request):
    organisation = permissions.current_organisation(request)
    this_year = timezone.localdate().year
    units = [(agreements.OFFICE, f"Camat dengan {signatures.regent(organisation).function}"),
             (agreements.ALL_UNITS, "Berjenjang: semua seksi dan subbagian (satu berkas)")]  # fmt: skip
    units += [(s.code, f"{s.name} dengan Camat") for s in agreements.units(organisation)]
    return render(
        request,
        "kinerja/documents.html",
        {
            "units": units, "this_year": this_year, "today": timezone.localdate().isoformat(),
            "can_write": budget.may_manage(request.user, organisation),
        },
    )  # fmt: skip


@require_GET
def agreement_download(request, fmt):
    if fmt not in ("docx", "pdf"):
        raise Http404("Format tidak dikenal.")
    organisation = permissions.current_organisation(request)
    year = int_param(request.GET.get("tahun"), low=2000, high=2100) or timezone.localdate().year
    draft = request.GET.get("rancangan") == "1"
    unit = request.GET.get("unit") or agreements.OFFICE
    day = _day(request.GET.get("tanggal"))
    try:
        found = agreements.agreements(organisation, year, unit, on=day, draft=draft)
    except agreements.AgreementRefused as exc:
        messages.error(request, str(exc))
        return redirect("kinerja:documents")
    from ..reports import agreement_document  # lazy: reportlab and python-docx cost every process

    first = found[0]
    return _deliver(
        request, fmt, f"{'rancangan-' if draft else ''}perjanjian-kinerja-{year}-{unit}",
        docx=lambda: agreement_document.render_docx(found), pdf=lambda: agreement_document.render_pdf(found),
        kind=IssuedDocument.Kind.PK, year=year,
        title=f"{first.title} {first.unit if len(found) == 1 else f'berjenjang ({len(found)} unit)'}",
    )  # fmt: skip


def _deliver(request, fmt: str, name: str, *, docx, pdf, kind: str, title: str, year: int):
    """The document as a download: the Word file as made, the PDF issued (code, QR, register)."""
    from ..reports import word

    if fmt == "docx":
        return download(docx(), word.DOCX, f"{name}.docx")
    organisation = permissions.current_organisation(request)
    issued = verification.issued(
        pdf, organisation=organisation, kind=kind, title=title, period=f"Tahun {year}", by=request.user
    )
    return download(issued, "application/pdf", f"{name}.pdf")


@require_GET
def lkjip_download(request, fmt):
    if fmt not in ("docx", "pdf"):
        raise Http404("Format tidak dikenal.")
    organisation = permissions.current_organisation(request)
    year = int_param(request.GET.get("tahun"), low=2000, high=2100) or timezone.localdate().year
    day = _day(request.GET.get("tanggal"))
    try:
        report = lkjip.build(organisation, year, on=day)
    except lkjip.LkjipRefused as exc:
        messages.error(request, str(exc))
        return redirect("kinerja:documents")
    from ..reports import lkjip_document  # lazy: reportlab and python-docx cost every process

    return _deliver(
        request, fmt, f"lkjip-{organisation.code}-{year}",
        docx=lambda: lkjip_document.render_docx(report), pdf=lambda: lkjip_document.render_pdf(report),
        kind=IssuedDocument.Kind.LKJIP, year=year, title=f"LKjIP {organisation.name} tahun {year}",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def lkjip_texts(request):
    organisation = permissions.current_organisation(request)
    if not budget.may_manage(request.user, organisation):
        raise PermissionDenied(f"Teks LKjIP ditulis oleh {budget.MANAGERS}.")
    year = int_param(request.GET.get("tahun") or request.POST.get("tahun"), low=2000, high=2100)
    year = year or timezone.localdate().year
    form = ReportTextForm(request.POST or None, initial=_kept_texts(organisation, year))
    if request.method == "POST" and form.is_valid():
        lkjip.save_texts(organisation, year, form.cleaned_data, by=request.user)
        messages.success(request, f"Teks LKjIP tahun {year} disimpan.")
        return redirect(reverse("kinerja:lkjip_texts") + f"?tahun={year}")
    return render(request, "kinerja/lkjip_texts.html", {"form": form, "year": year})


def _kept_texts(organisation, year) -> dict:
    return dict(ReportText.objects.filter(organisation=organisation, year=year).values_list("part", "text"))
