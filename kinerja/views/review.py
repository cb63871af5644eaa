"""Steps 8 and 9 in the browser: the reviewer reads the processed result, sees what changed
since the round that sent it back, and approves it or returns it with notes on exact items."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import fragments, permissions
from ..engine import workflow
from ..forms import ReviewForm, ReviewNoteForm
from ..measurement import basis, results
from ..models import GroupingReport, Indicator, Narrative, ReviewNote, SopStep, StepRun
from ..steps import review
from .access import cycle_for, office_only

NOTE_ROWS = 4


@require_http_methods(["GET", "POST"])
def review_page(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    run = review.open_review(cycle)
    indicator_choices = Indicator.objects.filter(organisation=cycle.organisation, active=True).order_by("code")
    if request.method == "POST":
        if run is None:
            messages.error(request, "Tidak ada pemeriksaan yang sedang terbuka.")
            return redirect("kinerja:cycle_detail", pk=cycle.pk)
        if not permissions.can_act_on_run(request.user, run):  # before reading anything from the form
            messages.error(request, f"Langkah {run.step.number} diperiksa oleh {run.step.get_actor_role_display()}.")
            return redirect("kinerja:review", pk=cycle.pk)
        choices = [(o, run.step.outcome_labels.get(o, o)) for o in run.step.outcomes]
        form = ReviewForm(request.POST, outcomes=choices)
        rows = [
            ReviewNoteForm(request.POST, prefix=f"note-{i}", indicators=indicator_choices,
                           topics=ReviewNote.Topic.choices)
            for i in range(NOTE_ROWS)
        ]  # fmt: skip
        problems = [" ".join(e for errors in form.errors.values() for e in errors)] if not form.is_valid() else []
        problems += [
            f"Catatan {i + 1}: " + " ".join(e for errors in row.errors.values() for e in errors)
            for i, row in enumerate(rows)
            if not row.is_valid()
        ]
        if problems:
            for problem in problems:
                messages.error(request, problem)
            return redirect("kinerja:review", pk=cycle.pk)
        outcome = form.cleaned_data["outcome"]
        notes = [
            review.NoteInput(
                text=row.cleaned_data["text"], indicator=row.cleaned_data["indicator"],
                quarter=row.cleaned_data["quarter"], topic=row.cleaned_data["topic"] or ReviewNote.Topic.GENERAL,
            )
            for row in rows
        ]  # fmt: skip
        try:
            review.review(
                run, by=request.user, outcome=outcome, notes=notes, overdue_reason=form.cleaned_data["overdue_reason"]
            )
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("kinerja:review", pk=cycle.pk)
        label = run.step.outcome_labels.get(outcome, outcome)
        messages.success(request, f"Pemeriksaan langkah {run.step.number}: {label}.")
        return redirect("kinerja:cycle_detail", pk=cycle.pk)

    def build():
        data = results.indicator_results(cycle)
        returned = review.last_return(cycle)
        grouping = GroupingReport.objects.filter(run__cycle=cycle).first()
        past_runs = list(
            StepRun.objects.filter(cycle=cycle, step__kind=SopStep.Kind.REVIEW, closed_at__isnull=False)
            .select_related("step", "closed_by", "snapshot__document")
            .prefetch_related("review_notes__indicator")
            .order_by("closed_at")
        )
        final = review.final_review_step(cycle)
        for past in past_runs:
            past.final_approval = review.is_final_approval(past, final)  # its document is the one archived
        context = {
            "cycle": cycle,
            "kept_when": basis.kept_when(cycle),
            "run": run,
            "can_review": bool(run) and permissions.can_act_on_run(request.user, run),
            "results": data,
            "differences": results.differences(cycle, data),
            "narratives": Narrative.objects.filter(cycle=cycle).select_related("indicator", "objective"),
            "returned": returned,
            "changes": review.changes_since(cycle, returned, data),
            "grouping": grouping,
            "past_runs": past_runs,
            "note_rows": range(NOTE_ROWS),
            "indicators": list(indicator_choices),
            "topics": ReviewNote.Topic.choices,
            "outcomes": [(o, run.step.outcome_labels.get(o, o)) for o in run.step.outcomes] if run else [],
            "overdue": bool(run and timezone.now() > run.due_at),
        }
        return fragments.render_part("kinerja/steps/_review_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "review", build, vary=(cycle.pk,), per_minute=True)
    return render(request, "kinerja/steps/review.html", {"body": body})
