"""The audit page for the administrator: who changed what and when."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from infra import audit

from .. import fragments, permissions
from ..filters import HistoryFilter
from ..models import Cycle, User

# Changes shown a page at a time, newest first; "Lebih lama" carries on from the last one shown.
PAGE_SIZE = 50


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

    # The filters are read once; each history table is then narrowed by the same cleaned values.
    chosen = HistoryFilter(request.GET, queryset=Cycle.history.none(), cycles=cycles, users=users)
    if chosen.errors:
        messages.error(request, "Filter yang tidak sah diabaikan; pakai pilihan dan pemilih tanggal.")
    narrow = chosen.filter_queryset if chosen.is_bound else None
    narrowed_by = chosen.applied if chosen.is_bound else None
    before = audit.Place.parse(request.GET.get("sebelum")) if request.GET.get("sebelum") else None
    if request.GET.get("sebelum") and before is None:
        messages.error(request, "Alamat halaman jejak audit tidak sah; ditampilkan dari perubahan terbaru.")
    filters = request.GET.copy()
    filters.pop("sebelum", None)

    def build():
        page = audit.entries(
            organisation=organisation, narrow=narrow, narrowed_by=narrowed_by, limit=PAGE_SIZE, before=before
        )
        context = {
            "entries": page.entries,
            "older": str(page.older) if page.older else "",
            "is_first_page": before is None,
            "page_query": f"{filters.urlencode()}&" if filters else "",
            "newest_query": filters.urlencode(),
            "cycles": cycles,
            "users": users,
            "selected": request.GET,
        }
        return fragments.render_part("kinerja/partials/_audit.html", context)

    # Kept until data of the organisation changes, per the filters and the page asked for.
    asked = tuple(sorted(request.GET.lists()))
    body = fragments.cached_part(request, "audit", build, vary=(organisation.pk, asked))
    return render(request, "kinerja/audit.html", {"body": body})
