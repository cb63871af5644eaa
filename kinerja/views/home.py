"""Home page (the inbox "Tugas saya" with the user's role) and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import fragments, permissions, selectors


@require_GET
def home(request):
    user = request.user
    if not permissions.positions_of(user) and permissions.coordinates_today(user) and not user.is_superuser:
        return redirect("kinerja:kabupaten")  # a kabupaten coordinator has no kecamatan inbox

    def build():
        organisations = permissions.organisations_of(user)
        rows = selectors.cycle_rows(permissions.cycles_visible_to(user), limit=10)
        context = {
            "position": permissions.primary_position(user),
            "items": selectors.inbox(user),
            "letter_tasks": selectors.letter_tasks(user),
            "cycle_table": fragments.render_by_content("kinerja/partials/_cycle_table.html", {"rows": rows}),
            "can_start": any(permissions.can_start_cycle(user, org) for org in organisations),
        }
        return fragments.render_part("kinerja/partials/_home.html", context)

    body = fragments.cached_part(request, "home", build, per_minute=True)
    return render(request, "kinerja/home.html", {"body": body})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "tidak terhubung"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
