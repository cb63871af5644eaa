"""Step 5 in the browser: the completeness check of each section of the round."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import fragments, permissions, verification
from ..engine import workflow
from ..forms import CompletenessForm
from ..models import CompletenessCheck, IssuedDocument, SopStep
from ..reports import completeness_checklist
from ..steps import completeness, submissions
from .access import cycle_for, office_only


@require_http_methods(["GET", "POST"])
def completeness_check(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    run = workflow.open_run(cycle, SopStep.Kind.COMPLETENESS)
    if request.GET.get("format") == "pdf":
        checks = list(
            CompletenessCheck.objects.filter(run__cycle=cycle)
            .select_related("section", "run", "checked_by")
            .order_by("run__round", "section__order")
        )
        pdf = verification.issued_for_cycle(
            cycle,
            IssuedDocument.Kind.COMPLETENESS,
            lambda: completeness_checklist.render(cycle, checks, paper=request.GET.get("kertas", "a4")),
            by=request.user,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="ceklist-kelengkapan-{submissions.period_code(cycle)}.pdf"'
        )
        return response
    sections = completeness.sections_to_check(run) if run else []
    if request.method == "POST":
        if run is None:
            messages.error(request, workflow.not_open_sentence(SopStep.Kind.COMPLETENESS))
            return redirect("kinerja:cycle_detail", pk=cycle.pk)
        form = CompletenessForm(request.POST, sections=sections, manual_items=completeness.MANUAL_ITEMS)
        if not form.is_valid():
            messages.error(
                request, "Isian pemeriksaan tidak sah: " + "; ".join(e for f in form.errors.values() for e in f)
            )
            return redirect("kinerja:completeness", pk=cycle.pk)
        try:
            opened = completeness.record(
                run, by=request.user, verdicts=form.verdicts(completeness.Verdict),
                overdue_reason=form.cleaned_data["overdue_reason"],
            )  # fmt: skip
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("kinerja:completeness", pk=cycle.pk)
        if opened and opened[0].step.kind == SopStep.Kind.COLLECTION:
            names = ", ".join(str(r.section) for r in opened)
            number = opened[0].step.number
            messages.warning(request, f"Data belum lengkap: {names} dikembalikan ke langkah {number} dengan alasannya.")
        else:
            messages.success(request, f"Data lengkap. {workflow.opened_sentence(opened)}")
        return redirect("kinerja:cycle_detail", pk=cycle.pk)

    def build():
        results = [(section, completeness.automatic_checks(cycle, section)) for section in sections]
        rows = [(section, checks, all(c.ok or c.info for c in checks)) for section, checks in results]
        context = {
            "cycle": cycle,
            "run": run,
            "rows": rows,
            "manual_items": list(enumerate(completeness.MANUAL_ITEMS)),
            "can_check": bool(run) and permissions.can_act_on_run(request.user, run),
            "overdue": bool(run and timezone.now() > run.due_at),
            "past": CompletenessCheck.objects.filter(run__cycle=cycle)
            .select_related("section", "run")
            .order_by("-run__round"),
        }
        return fragments.render_part("kinerja/steps/_completeness_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "completeness", build, vary=(cycle.pk,), per_minute=True)
    return render(request, "kinerja/steps/completeness.html", {"body": body})
