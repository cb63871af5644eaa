"""The signed-in user's own pages: their notices (when a step opened for them, came back with
notes, or is late; read state, and the choice of e-mail: kinerja.notices) and their profile (NIP
and pangkat/golongan, printed under their signature)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .. import notices
from ..forms import ProfileForm
from ..models import Notice

PER_PAGE = 50


class MailChoiceForm(forms.Form):
    notice_mail = forms.BooleanField(label="Kirim juga pemberitahuan ke surel saya", required=False)


@require_http_methods(["GET", "POST"])
def notice_list(request):
    user = request.user
    if request.method == "POST":
        if request.POST.get("action") == "read_all":
            count = notices.mark_read(user)
            messages.success(request, f"{count} pemberitahuan ditandai sudah dibaca.")
        else:
            form = MailChoiceForm(request.POST)
            form.is_valid()
            user.notice_mail = form.cleaned_data.get("notice_mail", False)
            user.save(update_fields=["notice_mail"])
            if user.notice_mail and not user.email:
                messages.warning(
                    request,
                    "Surel diaktifkan, tetapi akun Anda belum punya alamat surel; minta administrator mengisinya.",
                )
            else:
                messages.success(
                    request,
                    "Pemberitahuan juga dikirim ke surel Anda."
                    if user.notice_mail
                    else "Pemberitahuan hanya tampil di aplikasi.",
                )
        return redirect("kinerja:notices")
    page = Paginator(
        Notice.objects.filter(user=user).select_related("cycle").order_by("-created_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("halaman"))
    return render(
        request,
        "kinerja/notices.html",
        {
            "page": page,
            "form": MailChoiceForm(initial={"notice_mail": user.notice_mail}),
            "has_email": bool(user.email),
        },
    )


@require_POST
def notice_open(request, pk):
    """Open what a notice points to, marking it read (only the user's own notices)."""
    notice = get_object_or_404(Notice, pk=pk, user=request.user)
    notices.mark_read(request.user, [notice])
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("kinerja:notices")
    return redirect(target)


@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profil disimpan: NIP dan pangkat/golongan dicetak di bawah tanda tangan Anda.")
        return redirect("kinerja:profile")
    return render(request, "kinerja/profile.html", {"form": form})
