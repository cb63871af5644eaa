"""The SOP as printed: a page and a PDF, for anyone signed in to the organisation."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .. import permissions, verification
from ..models import IssuedDocument, SopVersion
from ..reports import sop_document
from ..sopflow import flow_rows


def _versions_for(user):
    if user.is_superuser:
        return SopVersion.objects.all()
    return SopVersion.objects.filter(organisation__in=[o.pk for o in permissions.organisations_of(user)])


@require_GET
def sop_list(request):
    versions = _versions_for(request.user).select_related("organisation").order_by("name", "-effective_date")
    return render(request, "kinerja/sop_list.html", {"versions": versions})


@require_GET
def sop_detail(request, pk):
    version = get_object_or_404(_versions_for(request.user).select_related("organisation"), pk=pk)
    steps = list(version.steps.all())
    rows = [
        {"step": step, "cells": cells} for step, cells in zip(steps, flow_rows(version.performers, steps), strict=True)
    ]
    return render(
        request,
        "kinerja/sop_detail.html",
        {"version": version, "rows": rows, "performer_labels": version.performer_labels()},
    )


@require_GET
def sop_pdf(request, pk):
    version = get_object_or_404(_versions_for(request.user).select_related("organisation"), pk=pk)
    pdf = verification.issued(
        lambda: sop_document.render(version),
        organisation=version.organisation,
        kind=IssuedDocument.Kind.SOP,
        title=f"SOP {version.number} {version.name}",
        period=f"Berlaku {version.effective_date:%d-%m-%Y}",
        by=request.user,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"SOP-{version.number.replace('/', '-')}-{version.effective_date:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
