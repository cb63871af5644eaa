"""Cycle pages: list, start, the timeline with the actions open to the user, cancel, statistics."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import fragments, permissions, selectors
from ..engine import registry, statistics, workflow
from ..forms import CancelCycleForm, CompleteStepForm, ReturnToSectionsForm
from ..models import SopStep
from ..steps import analysis_steps, review
from .access import cycle_for


@require_GET
def cycle_list(request):
    rows = selectors.cycle_rows(permissions.cycles_visible_to(request.user))
    table = fragments.render_by_content("kinerja/partials/_cycle_table.html", {"rows": rows})
    return render(request, "kinerja/cycle_list.html", {"cycle_table": table})


@require_GET
def cycle_start(request):
    """A cycle starts on a letter: the letter form, with "start a cycle" ticked."""
    organisations = permissions.organisations_of(request.user)
    if not any(permissions.can_start_cycle(request.user, o) for o in organisations):
        raise PermissionDenied("Hanya Kasubag Perencanaan dan Pelaporan atau Camat yang dapat memulai siklus.")
    return redirect(reverse("kinerja:letter_create") + "?siklus=1")


@require_GET
def cycle_detail(request, pk):
    def build():
        cycle = selectors.cycle_page(permissions.cycles_visible_to(request.user), pk)
        if cycle is None:
            raise Http404("Siklus tidak ditemukan.")
        actions = workflow.allowed_actions(cycle, request.user)
        waiting = selectors.whose_move(cycle)
        turns = {wait.step.pk: wait.actor for wait in waiting}
        context = {
            "cycle": cycle,
            "history": fragments.render_by_content(
                "kinerja/partials/_step_timeline.html",
                {"timeline": selectors.timeline(cycle, turns=turns), "log": selectors.transition_log(cycle)},
            ),
            "actions": [a for a in actions if a.code == "complete"],
            "elsewhere": [a for a in actions if a.code == "page"],
            "letter_visible": permissions.can_see_letter(request.user, cycle.letter),
            "cancel_action": next((a for a in actions if a.code == "cancel"), None),
            "waiting": waiting,
            "elapsed": selectors.total_elapsed(cycle),
            "cancel_form": CancelCycleForm(),
            # Only the links this reader may open: section staff see their own section's page.
            "section_links": [
                section for section in cycle.sections.all() if permissions.can_see_section_data(request.user, section)
            ],
            "office": permissions.is_office(request.user, cycle.organisation),
        }
        return {
            "title": f"Siklus {cycle.period_label}",
            "body": fragments.render_part("kinerja/partials/_cycle_detail.html", context),
        }

    page = fragments.cached_part(request, "cycle", build, vary=(pk,), per_minute=True)
    return render(request, "kinerja/cycle_detail.html", page)


@require_POST
def cycle_act(request, pk):
    cycle = cycle_for(request, pk)
    form = CompleteStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Permintaan tidak lengkap; muat ulang halaman lalu coba lagi.")
        return redirect("kinerja:cycle_detail", pk=cycle.pk)
    run = cycle.runs.filter(pk=form.cleaned_data["run"]).first()
    if run is None:
        raise Http404("Langkah tidak ditemukan pada siklus ini.")
    try:
        opened = workflow.close_step(
            run,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            overdue_reason=form.cleaned_data["overdue_reason"],
            sections=form.cleaned_data["sections"],
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Langkah {run.step.number} selesai. {workflow.opened_sentence(opened)}".strip())
    return redirect("kinerja:cycle_detail", pk=cycle.pk)


@require_POST
def cycle_cancel(request, pk):
    cycle = cycle_for(request, pk)
    form = CancelCycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tuliskan alasan pembatalan siklus.")
        return redirect("kinerja:cycle_detail", pk=cycle.pk)
    try:
        workflow.cancel_cycle(cycle, by=request.user, reason=form.cleaned_data["reason"])
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Siklus dibatalkan.")
    return redirect("kinerja:cycle_detail", pk=cycle.pk)


@require_GET
def step_statistics(request):
    organisation = permissions.current_organisation(request)
    rows = statistics.step_statistics(organisation)
    return render(request, "kinerja/statistics.html", {"organisation": organisation, "rows": rows})


@require_POST
def return_to_sections(request, pk):
    """Send named sections back to their collection step (step 2) from the analysis (step 6, the
    Kasubag) or a review (steps 8 and 9, with the reason as the review's note)."""
    cycle = cycle_for(request, pk)
    run = workflow.open_run(cycle, registry.kinds_returning_to_sections())
    if run is None:
        messages.error(request, "Tidak ada langkah analisis atau pemeriksaan yang sedang terbuka.")
        return redirect("kinerja:cycle_detail", pk=cycle.pk)
    analysis = run.step.kind == SopStep.Kind.ANALYSIS
    target = "kinerja:analysis" if analysis else "kinerja:review"
    form = ReturnToSectionsForm(request.POST, cycle_sections=cycle.sections.order_by("order", "name"))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(target, pk=cycle.pk)
    sections, reason = form.cleaned_data["sections"], form.cleaned_data["reason"]
    overdue = form.cleaned_data["overdue_reason"]
    try:
        if analysis:
            opened = analysis_steps.return_to_sections(run, by=request.user, sections=sections, reason=reason,
                                              overdue_reason=overdue)  # fmt: skip
        else:
            notes = [review.NoteInput(text=reason)] if reason else []
            opened = review.review(run, by=request.user, outcome=workflow.RETURN_TO_SECTIONS, notes=notes,
                                   sections=sections, overdue_reason=overdue)  # fmt: skip
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(target, pk=cycle.pk)
    names = ", ".join(s.name for s in sections)
    number = opened[0].step.number
    messages.success(request, f"Data {names} dikembalikan ke langkah {number} dengan alasan yang Anda tulis.")
    return redirect("kinerja:cycle_detail", pk=cycle.pk)
