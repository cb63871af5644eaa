"""Who calls: a bearer token, looked up by its hash. Sessions never authenticate the API."""

import logging

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from infra.throttle import client_address

from ..models import ApiCall, ApiToken
from ..models.api import hash_key

log = logging.getLogger("kinerja.api")

REFUSED = "Token tidak dikenal atau sudah dicabut."


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer skk_…`. An unknown and a revoked token get the same answer."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Tulis header Authorization: Bearer <token>.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(REFUSED) from exc
        token = ApiToken.objects.filter(key_hash=hash_key(key)).select_related("organisation", "kabupaten").first()
        if token is None or token.revoked_at is not None:
            log.warning("API: token ditolak dari %s (%s)", client_address(request), key[:12])
            if token is not None:
                record_call(request, token, 401)
            raise exceptions.AuthenticationFailed(REFUSED)
        return (AnonymousUser(), token)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasToken(BasePermission):
    message = "Panggilan API memerlukan token: Authorization: Bearer <token>."

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class TokenRateThrottle(SimpleRateThrottle):
    """A number of calls per token and period (settings API_RATE), counted in the shared cache."""

    scope = "api_token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


def record_call(request, token: ApiToken, status: int) -> None:
    """The call's line in the log, and the token's last use (an update: no history row)."""
    now = timezone.now()
    ApiCall.objects.create(
        token=token, at=now, method=request.method[:10], path=request.path[:300],
        query=request.META.get("QUERY_STRING", "")[:500], status=status,
        address=client_address(request),
    )  # fmt: skip
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "kinerja.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token API dari administrator (skk_…)."}
