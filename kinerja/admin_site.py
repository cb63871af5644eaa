"""The admin site: open to the administrators of a kecamatan (and the installation's superuser),
signed in through the application's own sign-in page only, so that throttling and the second
factor hold for the admin too (Django's admin login form knows neither)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import permissions


class KinerjaAdminSite(admin.AdminSite):
    site_header = "Administrasi Sistem Kinerja Kecamatan"
    site_title = "Sistem Kinerja"
    index_title = "Data induk dan pengaturan"

    def has_permission(self, request):
        return permissions.can_use_admin_site(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """No password is checked here: the visitor is sent to the application's sign-in page,
        and a signed-in user who may not use the admin is refused."""
        target = request.GET.get("next") or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied("Halaman administrasi hanya untuk administrator kecamatan yang sedang menjabat.")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
