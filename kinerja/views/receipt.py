"""Step 4 in the browser: the receipt checklist the Kasubag confirms."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import fragments, permissions, verification
from ..engine import workflow
from ..forms import ReceiptForm
from ..models import IssuedDocument, SopStep
from ..reports import receipt_checklist
from ..steps import submissions
from .access import cycle_for, office_only


@require_http_methods(["GET", "POST"])
def receipt(request, pk):
    cycle = cycle_for(request, pk)
    office_only(request, cycle)
    run = workflow.open_run(cycle, SopStep.Kind.RECEIPT)
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        if run is None:
            messages.error(request, workflow.not_open_sentence(SopStep.Kind.RECEIPT))
        elif not form.is_valid():
            messages.error(request, "Catatan atau alasan keterlambatan terlalu panjang.")
        else:
            try:
                opened = submissions.confirm_receipt(
                    run, by=request.user, note=form.cleaned_data["note"],
                    overdue_reason=form.cleaned_data["overdue_reason"],
                )  # fmt: skip
            except workflow.WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Ceklist penerimaan dikonfirmasi. {workflow.opened_sentence(opened)}")
                return redirect("kinerja:cycle_detail", pk=cycle.pk)
        return redirect("kinerja:receipt", pk=cycle.pk)
    if request.GET.get("format") == "pdf":
        kinds, rows = submissions.receipt_matrix(cycle)
        pdf = verification.issued_for_cycle(
            cycle,
            IssuedDocument.Kind.RECEIPT,
            lambda: receipt_checklist.render(cycle, kinds, rows, paper=request.GET.get("kertas", "a4")),
            by=request.user,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="ceklist-penerimaan-{submissions.period_code(cycle)}.pdf"'
        )
        return response

    def build():
        kinds, rows = submissions.receipt_matrix(cycle)
        can_confirm = bool(run) and permissions.can_act_on_run(request.user, run)
        context = {
            "cycle": cycle,
            "kinds": kinds,
            "rows": rows,
            "run": run,
            "can_confirm": can_confirm,
            "all_in": all(row.complete for row in rows),
            "overdue": bool(run and timezone.now() > run.due_at),
        }
        return fragments.render_part("kinerja/steps/_receipt_body.html", context)

    # Kept until data of the organisation changes; made again each minute (it shows time left).
    body = fragments.cached_part(request, "receipt", build, vary=(cycle.pk,), per_minute=True)
    return render(request, "kinerja/steps/receipt.html", {"body": body})
