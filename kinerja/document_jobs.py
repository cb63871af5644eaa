"""The LKjIP and the Perjanjian Kinerja, made from a request (which document, format, year,
signing date, unit, draft) in one place: in the request that asks for it when there is no task
queue, or by the worker (kinerja.tasks.build_document) when there is, the page then showing the
request's progress and offering the file when it is ready (views.documents)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict, dataclass

from django.utils import timezone

from . import agreements, lkjip, permissions, uploads, verification
from .models import DocumentJob, IssuedDocument, Organisation, User

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The document cannot be made from the office's data yet; the message says what is missing."""


@dataclass(frozen=True)
class Asked:
    kind: str  # IssuedDocument.Kind.LKJIP or .PK
    fmt: str  # "pdf" or "docx"
    year: int
    day: str  # the signing date, ISO
    unit: str = agreements.OFFICE
    draft: bool = False


@dataclass(frozen=True)
class Made:
    data: bytes
    name: str
    content_type: str
    title: str


def make(organisation: Organisation, asked: Asked, *, by: User) -> Made:
    """The document's bytes; a PDF is issued (verification code, QR, register) in `by`'s name."""
    day = datetime.date.fromisoformat(asked.day)
    if asked.kind == IssuedDocument.Kind.LKJIP:
        try:
            report = lkjip.build(organisation, asked.year, on=day)
        except lkjip.LkjipRefused as exc:
            raise Refused(str(exc)) from exc
        from .reports import lkjip_document  # lazy: reportlab and python-docx cost every process

        name, title = f"lkjip-{organisation.code}-{asked.year}", f"LKjIP {organisation.name} tahun {asked.year}"
        docx, pdf = (lambda: lkjip_document.render_docx(report)), (lambda: lkjip_document.render_pdf(report))
    else:
        try:
            found = agreements.agreements(organisation, asked.year, asked.unit, on=day, draft=asked.draft)
        except agreements.AgreementRefused as exc:
            raise Refused(str(exc)) from exc
        from .reports import agreement_document

        first = found[0]
        name = f"{'rancangan-' if asked.draft else ''}perjanjian-kinerja-{asked.year}-{asked.unit}"
        title = f"{first.title} {first.unit if len(found) == 1 else f'berjenjang ({len(found)} unit)'}"
        docx, pdf = (lambda: agreement_document.render_docx(found)), (lambda: agreement_document.render_pdf(found))
    if asked.fmt == "docx":
        from .reports import word

        return Made(docx(), f"{name}.docx", word.DOCX, title)
    issued = verification.issued(
        pdf, organisation=organisation, kind=asked.kind, title=title, period=f"Tahun {asked.year}", by=by
    )
    return Made(issued, f"{name}.pdf", "application/pdf", title)


def request(organisation: Organisation, asked: Asked, *, by: User) -> DocumentJob:
    """A request for the worker, queued after the commit."""
    from . import queue

    titles = {IssuedDocument.Kind.LKJIP: "LKjIP", IssuedDocument.Kind.PK: "Perjanjian Kinerja"}
    job = DocumentJob.objects.create(
        organisation=organisation, kind=asked.kind, fmt=asked.fmt, params=asdict(asked), requested_by=by,
        requested_at=timezone.now(), title=f"{titles[asked.kind]} {asked.year} ({asked.fmt.upper()})",
    )  # fmt: skip
    queue.enqueue("build_document", job.pk)
    return job


def build(job_id: int) -> DocumentJob:
    """Make a requested document (on the worker): waiting → being made → ready or failed, with
    the requester's membership of the office checked again now. A job already taken by another
    worker (a message delivered twice) is left alone."""
    taken = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.WAITING).update(
        status=DocumentJob.Status.BUILDING, started_at=timezone.now()
    )
    job = DocumentJob.objects.select_related("organisation", "requested_by").get(pk=job_id)
    if not taken:
        return job
    try:
        if not permissions.is_member(job.requested_by, job.organisation):  # checked again: the post may have ended
            raise Refused(
                f"Dokumen tidak dibuat: {job.requested_by} tidak lagi memegang jabatan di {job.organisation.name}."
            )
        made = make(job.organisation, Asked(**job.params), by=job.requested_by)
    except Refused as exc:
        job.status, job.error = DocumentJob.Status.FAILED, str(exc)
    except Exception:
        logger.exception("Dokumen %s gagal dibuat", job.pk)
        job.status, job.error = (
            DocumentJob.Status.FAILED,
            "Dokumen gagal dibuat karena kesalahan sistem; dicatat di log.",
        )
    else:
        job.result = uploads.store_bytes(
            made.data, organisation=job.organisation, by=job.requested_by, original_name=made.name,
            content_type=made.content_type, history=False,
        )  # fmt: skip
        job.status = DocumentJob.Status.READY
    job.finished_at = timezone.now()
    job.save()
    return job
