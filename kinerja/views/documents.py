"""The documents the office signs and sends upward: the Perjanjian Kinerja (the office's, a unit's
or the whole cascade; this year's or next year's draft) as Word and PDF. Content in
kinerja.agreements, rendering in kinerja.reports."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import agreements, permissions, signatures, verification
from ..models import IssuedDocument
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
        {"units": units, "this_year": this_year, "today": timezone.localdate().isoformat()},
    )


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
    from ..reports import agreement_document, word  # lazy: reportlab and python-docx cost every process

    name = f"{'rancangan-' if draft else ''}perjanjian-kinerja-{year}-{unit}"
    if fmt == "docx":
        return download(agreement_document.render_docx(found), word.DOCX, f"{name}.docx")
    first = found[0]
    pdf = verification.issued(
        lambda: agreement_document.render_pdf(found),
        organisation=organisation,
        kind=IssuedDocument.Kind.PK,
        title=f"{first.title} {first.unit if len(found) == 1 else f'berjenjang ({len(found)} unit)'}",
        period=f"Tahun {year}",
        by=request.user,
    )
    return download(pdf, "application/pdf", f"{name}.pdf")
