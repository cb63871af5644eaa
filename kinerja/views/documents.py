"""The documents the office signs and sends upward: the Perjanjian Kinerja (the office's, a unit's
or the whole cascade; this year's or next year's draft) as Word and PDF. Content in
kinerja.agreements, rendering in kinerja.reports."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import agreements, budget, document_jobs, lkjip, permissions, queue, signatures
from ..forms import ReportTextForm
from ..models import DocumentJob, IssuedDocument, ReportText
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
    unit = request.GET.get("unit") or agreements.OFFICE
    draft = request.GET.get("rancangan") == "1"
    return _document(request, _asked(request, IssuedDocument.Kind.PK, fmt, unit=unit, draft=draft))


@require_GET
def lkjip_download(request, fmt):
    if fmt not in ("docx", "pdf"):
        raise Http404("Format tidak dikenal.")
    return _document(request, _asked(request, IssuedDocument.Kind.LKJIP, fmt))


def _asked(request, kind: str, fmt: str, **more) -> document_jobs.Asked:
    year = int_param(request.GET.get("tahun"), low=2000, high=2100) or timezone.localdate().year
    return document_jobs.Asked(kind, fmt, year, _day(request.GET.get("tanggal")).isoformat(), **more)


def _document(request, asked: document_jobs.Asked):
    """Made here and handed over; or, with a task queue, asked of the worker: the request's page
    follows it and offers the file when it is ready."""
    organisation = permissions.current_organisation(request)
    if queue.available():
        job = document_jobs.request(organisation, asked, by=request.user)
        return redirect("kinerja:document_job", job.pk)
    try:
        made = document_jobs.make(organisation, asked, by=request.user)
    except document_jobs.Refused as exc:
        messages.error(request, str(exc))
        return redirect("kinerja:documents")
    return download(made.data, made.content_type, made.name)


def _job_of(request, pk) -> DocumentJob:
    """A document request, for the one who made it only (anybody else: not found)."""
    return get_object_or_404(permissions.document_jobs_of(request.user).select_related("result"), pk=pk)


@require_GET
def document_job(request, pk):
    job = _job_of(request, pk)
    if request.GET.get("status") == "1":  # asked by the page's script every 2 seconds
        return JsonResponse({"status": job.status})
    waiting = job.status in (DocumentJob.Status.WAITING, DocumentJob.Status.BUILDING)
    return render(request, "kinerja/document_job.html", {"job": job, "waiting": waiting})


@require_GET
def document_job_file(request, pk):
    job = _job_of(request, pk)
    if job.status != DocumentJob.Status.READY:
        raise Http404("Dokumen ini belum siap.")
    stored = job.result
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )


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
