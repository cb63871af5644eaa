"""The audit page for the administrator: who changed what and when."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from infra import audit

from .. import permissions
from ..forms import AuditFilterForm
from ..models import Cycle, User


@require_GET
def audit_trail(request):
    """For the administrator: who changed what and when, by cycle, user and date."""
    organisation = permissions.current_organisation(request)
    if not permissions.is_admin(request.user, organisation):
        raise PermissionDenied("Jejak audit hanya untuk administrator.")
    cycles = Cycle.objects.filter(organisation=organisation).order_by("-started_at")
    # The installation-wide superuser acts in every kecamatan: their changes here are listed too.
    users = (
        User.objects.filter(Q(positions__organisation=organisation) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name")
    )
    form = AuditFilterForm(request.GET, cycles=cycles, users=users)
    form.is_valid()  # a filter that is not valid is left out, and said
    if form.errors:
        messages.error(request, "Filter yang tidak sah diabaikan; pakai pilihan dan pemilih tanggal.")
    chosen = form.cleaned_data
    cycle, user = chosen.get("siklus"), chosen.get("pengguna")
    since = until = None
    if chosen.get("dari"):
        since = timezone.make_aware(datetime.datetime.combine(chosen["dari"], datetime.time()))
    if chosen.get("sampai"):
        until = timezone.make_aware(datetime.datetime.combine(chosen["sampai"], datetime.time())) + datetime.timedelta(
            days=1
        )
    context = {
        "entries": audit.entries(organisation=organisation, user=user, cycle=cycle, since=since, until=until),
        "cycles": cycles,
        "users": users,
        "selected": request.GET,
    }
    return render(request, "kinerja/audit.html", context)
