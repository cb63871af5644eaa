"""Letter register and dispositions (SOP step 1): list, record, read, dispose, pass on, receive,
withdraw, the attachment and the lembar disposisi PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import fragments, permissions, uploads, wording
from ..engine import workflow
from ..forms import AcknowledgeForm, DispositionForm, LetterForm, WithdrawForm, disposition_choices
from ..models import Disposition, Letter
from ..reports import disposition_sheet
from ..steps import dispositions


def _letter_for(request, pk):
    return get_object_or_404(
        permissions.letters_visible_to(request.user).select_related("organisation", "attachment", "registered_by"),
        pk=pk,
    )


# Letters a page at a time, newest first (a kecamatan receives a few hundred a year).
PAGE_SIZE = 50


@require_GET
def letter_list(request):
    def build():
        letters = (
            permissions.letters_visible_to(request.user)
            .select_related("organisation")
            .annotate(
                hops=Count("dispositions", filter=Q(dispositions__withdrawn_at__isnull=True)),
                unread=Count(
                    "dispositions",
                    filter=Q(
                        dispositions__recipient=request.user,
                        dispositions__read_at__isnull=True,
                        dispositions__withdrawn_at__isnull=True,
                    ),
                ),
            )
            .order_by("-received_date", "-pk")
        )
        organisations = permissions.organisations_of(request.user)
        can_register = any(permissions.can_register_letter(request.user, o) for o in organisations)
        page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("halaman"))
        context = {"letters": page.object_list, "page": page, "can_register": can_register}
        return fragments.render_part("kinerja/partials/_letter_list.html", context)

    # Kept until data of the organisation changes.
    body = fragments.cached_part(request, "letters", build, vary=(request.GET.get("halaman", ""),))
    return render(request, "kinerja/letter_list.html", {"body": body})


@require_http_methods(["GET", "POST"])
def letter_create(request):
    organisations = [
        o for o in permissions.organisations_of(request.user) if permissions.can_register_letter(request.user, o)
    ]
    if not organisations:
        raise PermissionDenied(
            "Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mencatat surat masuk."
        )
    organisation = organisations[0]
    can_start = permissions.can_start_cycle(request.user, organisation)
    initial = {"start_cycle": can_start and request.GET.get("siklus") == "1"}
    form = LetterForm(
        request.POST or None, request.FILES or None, organisation=organisation, can_start=can_start, initial=initial
    )
    running = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                attachment = None
                if data.get("attachment"):
                    attachment = uploads.store_upload(data["attachment"], organisation=organisation, by=request.user)
                letter = dispositions.register_letter(
                    organisation=organisation,
                    by=request.user,
                    number=data["number"],
                    date=data["date"],
                    sender=data["sender"],
                    subject=data["subject"],
                    nature=data["nature"],
                    received_date=data["received_date"],
                    attachment=attachment,
                )
                cycle = None
                if data.get("start_cycle"):
                    cycle = workflow.start_cycle(
                        organisation=organisation,
                        letter=letter,
                        year=data["year"],
                        quarter=data["quarter"],
                        by=request.user,
                        sections=data["sections"],
                        kinds=data["kinds"],
                    )
        except uploads.UploadRejected as exc:
            form.add_error("attachment", str(exc))
        except workflow.PeriodTaken as exc:
            form.add_error(None, str(exc))
            running = exc.cycle
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            if cycle:
                messages.success(
                    request,
                    f"Surat dicatat (agenda {letter.agenda_label}) dan siklus {cycle.period_label} dimulai. "
                    "Surat menunggu disposisi Camat.",
                )
            else:
                messages.success(request, f"Surat dicatat dengan nomor agenda {letter.agenda_label}.")
            return redirect("kinerja:letter_detail", pk=letter.pk)
    return render(request, "kinerja/letter_form.html", {"form": form, "organisation": organisation, "running": running})


@require_GET
def letter_detail(request, pk):
    letter = _letter_for(request, pk)
    dispositions.mark_read(letter, by=request.user)
    hops = Disposition.objects.select_related("sender", "recipient").order_by("created_at", "pk")
    letter = (
        Letter.objects.select_related("organisation", "attachment", "registered_by")
        .prefetch_related(Prefetch("dispositions", queryset=hops), "cycles")
        .get(pk=letter.pk)
    )
    allowed = dispositions.actions_for(letter, request.user)
    pending = dispositions.pending_step_1(letter)
    step_1_overdue = bool(pending and timezone.now() > pending.due_at)
    first_form, forward_forms = None, []
    if allowed["dispose_first"] or allowed["forward"]:
        choices = disposition_choices(letter.organisation, exclude_user=request.user)
        if allowed["dispose_first"]:
            first_form = DispositionForm(choices=choices, auto_id="id_first_%s")
        forward_forms = [
            (d, DispositionForm(choices=choices, initial={"parent": d.pk}, auto_id=f"id_fwd{d.pk}_%s"))
            for d in allowed["forward"]
        ]
    context = {
        "letter": letter,
        "hops": list(letter.dispositions.all()),
        "allowed": allowed,
        "first_form": first_form,
        "forward_forms": forward_forms,
        "step_1_overdue": step_1_overdue,
        "pending_step_1": pending,
    }
    return render(request, "kinerja/letter_detail.html", context)


@require_GET
def letter_attachment(request, pk):
    letter = _letter_for(request, pk)
    if letter.attachment is None:
        return HttpResponse("Surat ini tidak memiliki lampiran.", status=404, content_type="text/plain; charset=utf-8")
    stored = letter.attachment
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=uploads.download_name(stored, f"surat-{letter.pk}"),
        content_type=stored.content_type,
    )


@require_POST
def letter_dispose(request, pk):
    letter = _letter_for(request, pk)
    form = DispositionForm(request.POST, choices=disposition_choices(letter.organisation, exclude_user=request.user))
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"Disposisi belum terkirim: {errors}")
        return redirect("kinerja:letter_detail", pk=letter.pk)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = get_object_or_404(Disposition, pk=form.cleaned_data["parent"], letter=letter)
    try:
        sent = dispositions.dispose(
            letter,
            by=request.user,
            recipients=form.cleaned_data["recipients"],
            instructions=form.cleaned_data["instructions"],
            note=form.cleaned_data["note"],
            deadline=form.cleaned_data["deadline"],
            parent=parent,
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(str(d.recipient) for d in sent)
        messages.success(request, f"Disposisi dikirim kepada {wording.sentence(names)}")
    return redirect("kinerja:letter_detail", pk=letter.pk)


def _disposition_for(request, pk):
    disposition = get_object_or_404(Disposition.objects.select_related("letter"), pk=pk)
    if not permissions.can_see_letter(request.user, disposition.letter):
        raise PermissionDenied("Anda tidak berwenang atas disposisi ini.")
    return disposition


@require_POST
def disposition_acknowledge(request, pk):
    disposition = _disposition_for(request, pk)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        closed = dispositions.acknowledge(
            disposition, by=request.user, overdue_reason=form.cleaned_data.get("overdue_reason", "")
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        if closed:
            opened = workflow.opened_sentence(closed.cycle.runs.filter(returned_from=closed).select_related("step"))
            messages.success(
                request, f"Disposisi diterima. Langkah {closed.step.number} selesai; {opened[:1].lower()}{opened[1:]}"
            )
            return redirect(reverse("kinerja:cycle_detail", args=[closed.cycle_id]))
        messages.success(request, "Disposisi diterima; waktu penerimaan dicatat.")
    return redirect("kinerja:letter_detail", pk=disposition.letter_id)


@require_POST
def disposition_withdraw(request, pk):
    disposition = _disposition_for(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        dispositions.withdraw(disposition, by=request.user, reason=reason)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Disposisi kepada {disposition.recipient} ditarik.")
    return redirect("kinerja:letter_detail", pk=disposition.letter_id)


@require_GET
def letter_sheet(request, pk):
    letter = _letter_for(request, pk)
    paper = request.GET.get("kertas", "a4").lower()
    if paper not in ("a4", "f4"):
        paper = "a4"
    pdf = disposition_sheet.issued(letter, by=request.user, paper=paper)
    response = HttpResponse(pdf, content_type="application/pdf")
    safe_number = "".join(ch if ch.isalnum() else "-" for ch in letter.number)[:60]
    response["Content-Disposition"] = f'attachment; filename="lembar-disposisi-{safe_number}-{paper}.pdf"'
    return response
