"""Two-factor pages: set up an authenticator (with recovery codes), give the code after the
password, and manage it from the account page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from infra import twofactor

from ..forms import CodeForm


def _next(request) -> str:
    form = CodeForm(request.POST if request.method == "POST" else request.GET)
    target = (form.cleaned_data["next"] if form.is_valid() else "") or reverse("kinerja:home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("kinerja:home")


@require_http_methods(["GET", "POST"])
def setup(request):
    if twofactor.has_device(request.user) and not twofactor.is_verified(request):
        return redirect("two_factor_verify")
    device = twofactor.pending_device(request.user)
    if request.method == "POST":
        form = CodeForm(request.POST)
        codes = twofactor.confirm(request, device, form.cleaned_data["code"] if form.is_valid() else "")
        if codes is None:
            messages.error(
                request,
                "Kode tidak cocok. Periksa jam ponsel Anda, tunggu beberapa detik, "
                "lalu masukkan kode 6 angka yang tampil.",
            )
        else:
            return render(request, "kinerja/twofactor_codes.html", {"codes": codes})
    context = {
        "secret": twofactor.secret_for_display(device),
        "qr": twofactor.qr_svg(device),
        "required": twofactor.required_for(request.user),
        "already": twofactor.has_device(request.user),
    }
    return render(request, "kinerja/twofactor_setup.html", context)


@require_http_methods(["GET", "POST"])
def verify(request):
    if not twofactor.has_device(request.user):
        return redirect("two_factor_setup")
    if request.method == "POST":
        form = CodeForm(request.POST)
        if twofactor.verify(request, form.cleaned_data["code"] if form.is_valid() else ""):
            return redirect(_next(request))
        messages.error(
            request,
            "Kode salah atau sudah dipakai. Tunggu beberapa detik, lalu masukkan kode dari aplikasi autentikator "
            "atau satu kode pemulihan.",
        )
    return render(request, "kinerja/twofactor_verify.html", {"next": _next(request)})


@require_http_methods(["POST"])
def recovery_codes(request):
    if not twofactor.is_verified(request):
        return redirect("two_factor_verify")
    return render(request, "kinerja/twofactor_codes.html", {"codes": twofactor.new_recovery_codes(request.user)})
