"""Step 2 in the browser: a section's data page (what it owes, the template, uploads and their
problems, evidence, "tidak ada data", handing in)."""

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import fragments, permissions, selectors, uploads
from ..engine import workflow
from ..forms import HandInForm, ReasonForm, SectionIndicatorForm, UploadForm
from ..models import DataKind, Evidence, NoDataMark, Submission, SubmissionRow
from ..spreadsheets.screening import MAX_FILE_BYTES
from ..steps import completeness, submissions
from .access import cycle_for, section_for


@require_GET
def section_data(request, pk, code):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)

    def build():
        kinds = submissions.owed(cycle, section)
        history = list(
            Submission.objects.filter(cycle=cycle, section=section)
            .select_related("kind", "uploaded_by", "section")
            .order_by("kind__order", "-version")
        )
        accepted = {}
        for submission in history:
            if submission.status == Submission.Status.ACCEPTED and submission.kind_id not in accepted:
                accepted[submission.kind_id] = submission
        run = submissions.open_step_2(cycle, section)
        on_behalf = run is not None and permissions.can_act_for_section(request.user, section)
        can_submit = run is not None and (on_behalf or permissions.can_submit_for(request.user, section))
        rows = []
        if accepted:
            rows = selectors.rows_as_read(
                SubmissionRow.objects.filter(submission__in=accepted.values())
                .select_related("indicator", "submission__kind")
                .order_by("submission__kind__order", "row_number"),
                cycle=cycle,
            )
        latest_versions = {}
        for submission in history:
            latest_versions.setdefault(submission.kind_id, submission)
        confirmable = {
            s.pk
            for s in latest_versions.values()
            if can_submit and submissions.confirmable(s) and submissions.may_confirm(request.user, s)
        }
        lacking = submissions.lacking_realisations(cycle, section) if accepted else []
        evidence = {}
        items = Evidence.objects.filter(cycle=cycle, section=section).select_related("file").order_by("uploaded_at")
        for item in items:
            evidence.setdefault(item.indicator_id, []).append(item)
        indicators = [(i, evidence.get(i.pk, [])) for i in submissions.cycle_section_indicators(cycle, section)]
        context = {
            "cycle": cycle,
            "section": section,
            "indicators": indicators,
            "kinds": [(kind, accepted.get(kind.pk)) for kind in kinds],
            "history": history,
            "rows": rows,
            "run": run,
            "can_submit": can_submit,
            "on_behalf": on_behalf,
            "returned_round": submissions.returned(run),
            "changed": submissions.changed_in(run) if submissions.returned(run) else False,
            "ready": can_submit and all(kind.pk in accepted for kind in kinds) and not lacking,
            "lacking": lacking,
            "marks": submissions.no_data_marks(cycle, section),
            "period_quarter": submissions.period_quarter_label(cycle),
            "confirmable": confirmable,
            "overdue": bool(run and timezone.now() > run.due_at),
            "returned": completeness.latest_reasons(cycle, section) if run else None,
            "sent_back": submissions.sent_back_by(run),
            "max_mb": MAX_FILE_BYTES // 1048576,
        }
        return fragments.render_part("kinerja/steps/_section_data_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "section-data", build, vary=(cycle.pk, section.pk), per_minute=True)
    return render(request, "kinerja/steps/section_data.html", {"body": body, "section": section})


@require_GET
def section_template(request, pk, code, kind):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    kind = get_object_or_404(DataKind, code=kind, obligations__cycle=cycle, obligations__section=section)
    data = submissions.template_for(cycle, section, kind)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"templat-{section.code}-{kind.code}-{submissions.period_code(cycle)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def section_upload(request, pk, code):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Pilih jenis data dan berkas Excel (.xlsx) yang akan diunggah.")
        return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    if upload.size > MAX_FILE_BYTES:
        messages.error(request, f"Berkas terlalu besar; batasnya {MAX_FILE_BYTES // 1048576} MB.")
        return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)
    try:
        outcome = submissions.submit(
            cycle=cycle, section=section, kind=kind, data=upload.read(), filename=upload.name, by=request.user,
            on_behalf=form.cleaned_data["on_behalf"],
        )  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        submission = outcome.submission
        if submission.status == Submission.Status.ACCEPTED:
            messages.success(
                request,
                f"Versi {submission.version} diterima: {submission.row_count} indikator terbaca. "
                "Periksa angkanya di bawah.",
            )
        else:
            messages.error(
                request,
                f"Versi {submission.version} ditolak: {len(submission.problems)} masalah. Perbaiki lalu unggah lagi.",
            )
    return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)


@require_POST
def section_confirm(request, pk, code, submission):
    """The uploader confirms that values a version was refused for (only for looking wrong) are right."""
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    submission = get_object_or_404(
        Submission.objects.select_related("file", "kind"), pk=submission, cycle=cycle, section=section
    )
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Alasan terlalu panjang (paling banyak 4.000 huruf).")
        outcome = submissions.confirm_values(submission, reason=form.cleaned_data["reason"], by=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        confirmed = outcome.submission
        if confirmed.status == Submission.Status.ACCEPTED:
            messages.success(
                request,
                f"Versi {confirmed.version} diterima dengan alasan yang Anda tulis; Kasubag melihatnya pada "
                "pemeriksaan kelengkapan.",
            )
        else:
            messages.error(request, f"Versi {confirmed.version} tetap ditolak: {len(confirmed.problems)} masalah.")
    return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)


def _refused(request, cycle, section, form):
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)


def _act_on_section_page(request, cycle, section, action, success: str):
    """Run a section-page action: its refusal, or `success`, as the page's message; back to the page."""
    try:
        action()
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)


@require_POST
def section_no_data(request, pk, code):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    form = SectionIndicatorForm(request.POST, section=section)
    if not form.is_valid():
        return _refused(request, cycle, section, form)
    indicator, reason = form.cleaned_data["indicator"], form.cleaned_data["reason"]
    return _act_on_section_page(
        request, cycle, section,
        lambda: submissions.mark_no_data(cycle=cycle, section=section, indicator=indicator, reason=reason,
                                         by=request.user),
        f"{indicator.code} ditandai tidak ada data.",
    )  # fmt: skip


@require_POST
def section_no_data_remove(request, pk, code, mark):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    mark = get_object_or_404(NoDataMark.objects.select_related("indicator"), pk=mark, cycle=cycle, section=section)
    return _act_on_section_page(
        request, cycle, section, lambda: submissions.unmark_no_data(mark, by=request.user),
        f"Tanda tidak ada data {mark.indicator.code} dibatalkan.",
    )  # fmt: skip


@require_POST
def section_evidence(request, pk, code):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    form = SectionIndicatorForm(request.POST, section=section)
    if not form.is_valid():
        return _refused(request, cycle, section, form)
    indicator = form.cleaned_data["indicator"]
    return _act_on_section_page(
        request, cycle, section,
        lambda: submissions.add_evidence(
            cycle=cycle, section=section, indicator=indicator, by=request.user, upload=request.FILES.get("file"),
            url=form.cleaned_data["url"], note=form.cleaned_data["note"],
        ),
        f"Bukti dukung {indicator.code} dilampirkan.",
    )  # fmt: skip


@require_GET
def evidence_file(request, pk, code, evidence):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    item = get_object_or_404(Evidence.objects.select_related("file"), pk=evidence, cycle=cycle, section=section)
    if item.file is None:
        return HttpResponse(
            "Bukti ini berupa tautan, bukan berkas.", status=404, content_type="text/plain; charset=utf-8"
        )
    return FileResponse(
        item.file.file.open("rb"),
        as_attachment=True,
        filename=uploads.download_name(item.file, f"bukti-{item.pk}"),
        content_type=item.file.content_type,
    )


@require_POST
def section_hand_in(request, pk, code):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    run = submissions.open_step_2(cycle, section)
    if run is None:
        messages.error(request, "Langkah 2 untuk seksi ini tidak sedang terbuka.")
        return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)
    form = HandInForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.WorkflowError("Alasan terlalu panjang (paling banyak 2.000 huruf).")
        data = form.cleaned_data
        submissions.hand_in(
            run, by=request.user, overdue_reason=data["overdue_reason"], on_behalf=data["on_behalf"],
            unchanged=data["unchanged"],
        )  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Data {section} diserahkan kepada Kasubag Perencanaan dan Pelaporan.")
    return redirect("kinerja:section_data", pk=cycle.pk, code=section.code)


@require_GET
def submission_file(request, pk, code, submission):
    cycle = cycle_for(request, pk)
    section = section_for(request, cycle, code)
    submission = get_object_or_404(
        Submission.objects.select_related("file"), pk=submission, cycle=cycle, section=section
    )
    if submission.file is None:
        return HttpResponse("Berkas ini tidak disimpan (melebihi batas ukuran).", status=404, content_type="text/plain")
    name = f"{section.code}-{submission.kind.code}-v{submission.version}.xlsx"
    return FileResponse(
        submission.file.file.open("rb"), as_attachment=True, filename=name, content_type=submission.file.content_type
    )
