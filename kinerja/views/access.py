"""What every page does first: find the cycle (or section) the URL names among those the user
may see, and refuse the office's pages to anybody outside the office. The rules themselves are
in kinerja.permissions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Cycle, Section


def cycle_for(request, pk) -> Cycle:
    queryset = permissions.cycles_visible_to(request.user).select_related(
        "organisation", "sop_version", "letter", "started_by"
    )
    return get_object_or_404(queryset, pk=pk)


def office_only(request, cycle: Cycle) -> None:
    if not permissions.is_office(request.user, cycle.organisation):
        raise PermissionDenied("Halaman ini untuk Kasubag Perencanaan dan Pelaporan dan pimpinan.")


def section_for(request, cycle: Cycle, code: str) -> Section:
    section = get_object_or_404(cycle.sections.select_related("organisation"), code=code)
    if not permissions.can_see_section_data(request.user, section):
        raise PermissionDenied("Anda hanya dapat melihat data seksi Anda sendiri.")
    return section
