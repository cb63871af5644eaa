"""Security headers Django does not set itself: a Content Security Policy without inline
scripts or styles (every asset is served from our own static files), and a Permissions Policy."""

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


# Pages a signed-in user reaches before the second factor: sign-in, sign-out, the 2FA pages.
OPEN_PREFIXES = ("/akun/", "/healthz", "/static/")


class TwoFactorMiddleware:
    """After the password, a user with an authenticator must give its code; a user whose role
    requires two factors and has none yet is sent to set one up. Nothing else opens before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.shortcuts import redirect
        from django.urls import reverse

        from . import twofactor

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
