"""Security headers Django does not set itself (a Content Security Policy without inline
scripts or styles, a Permissions Policy), requests carrying NUL characters refused, sessions that
end after idle time, the second factor at sign-in, positions read once per request, and a filed
cycle whose figures cannot be computed as filed answered with the sentence that says why."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from kinerja import permissions
from kinerja.measurement.basis import NotAsFiled

from . import twofactor

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response


# Pages a signed-in user reaches before the second factor: sign-in, sign-out, the 2FA pages (and
# the health check and static files). Nothing else: not the account or password pages.
# /api/ signs in by token, never by a session (kinerja.api): no second-factor redirect applies.
OPEN_PREFIXES = ("/akun/masuk/", "/akun/keluar/", "/akun/2fa/", "/healthz", "/static/", "/verifikasi/", "/api/")


class NullCharacterMiddleware:
    """Refuse a query string or form holding a NUL character: no person types one, PostgreSQL
    cannot store or even compare it (the query fails), and SQLite would store it silently. One
    check here instead of one in every view that filters by a parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields.append(request.POST)
        if any("\x00" in value for data in fields for values in data.lists() for value in values[1]):
            return HttpResponseBadRequest(
                "Permintaan berisi karakter yang tidak sah (NUL). Periksa kembali isian Anda.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a user with an authenticator must give its code; a user whose role
    requires two factors and has none yet is sent to set one up. Nothing else opens before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not twofactor.is_verified(request)
        ):
            if user.second_factor:
                return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
            if settings.TWO_FACTOR_ENFORCED and twofactor.required_for(user):
                return redirect(reverse("two_factor_setup"))
        return self.get_response(request)


class IdleSessionMiddleware:
    """A signed-in session ends `SESSION_COOKIE_AGE` seconds after its last request. Rather than
    writing the session on every request (Django's SESSION_SAVE_EVERY_REQUEST: a database write
    per page view, and on SQLite every reader then queues for the write lock), its expiry is
    pushed forward at most once every `SESSION_REFRESH_SECONDS`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get("_refreshed", 0) >= settings.SESSION_REFRESH_SECONDS:
                session["_refreshed"] = now  # saved by SessionMiddleware with a new expiry
        return response


class PositionsPerRequest:
    """Each user's positions are read once per request (permissions.positions_of) and forgotten
    when it ends: the next request sees a position that ended a moment ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with permissions.positions_read_once():
            return self.get_response(request)


class NotAsFiledMiddleware:
    """A filed cycle's figures that today's computation cannot give as they were filed
    (measurement.basis.NotAsFiled) are not shown by any page, export or PDF: the answer is the
    sentence that says which and where the filed figures are (409), never a page with others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotAsFiled):
            return render(
                request,
                "kinerja/not_as_filed.html",
                {"exception": str(exception), "cycle": exception.cycle},
                status=409,
            )
        return None
