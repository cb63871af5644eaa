from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kinerja.forms import LoginForm
from kinerja.views import twofactor
from kinerja.views.home import healthz
from kinerja.views.verify import verify

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("verifikasi/<str:code>/", verify, name="verify"),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("akun/kata-sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("akun/2fa/", twofactor.setup, name="two_factor_setup"),
    path("akun/2fa/verifikasi/", twofactor.verify, name="two_factor_verify"),
    path("akun/2fa/kode-pemulihan/", twofactor.recovery_codes, name="two_factor_recovery"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("kinerja.api.urls")),
    path("", include("kinerja.urls")),
]
