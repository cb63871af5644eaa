"""Page parts kept in Django's cache (each process's memory by default, Redis when `CACHE_URL`
names one), never stale because of how they are keyed:
- tables kept by content (`render_by_content`): the key is a digest of the plain values shown;
- page bodies kept per user until data they can show changes (`cached_part`): the key's version is
  the `DataMark` counters of the organisations the user works in (and of the installation-wide
  data), which move in the same transaction as every history row of their scope.
Nothing is ever invalidated: a change gives a new version, and a change in another kecamatan
leaves the version where it was."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from . import ownership
from .models import DataMark
from .models.marks import INSTALLATION
from .permissions import positions_of

TIMEOUT = 3600


def render_by_content(template_name: str, context: dict) -> SafeString:
    """`template_name` rendered with `context`, which must hold only plain values (strings,
    numbers, dates, tuples and dataclasses of them: their repr is their content) and must not
    need the request (no CSRF token, no user)."""
    digest = hashlib.blake2b(repr(sorted(context.items())).encode(), digest_size=20).hexdigest()
    key = f"fragment:{template_name}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, context)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when it was rendered


# Whole page parts kept until the data changes ------------------------------------------------

CSRF_PLACEHOLDER = "csrf-token-placeholder-7f3a9c"


def data_mark(request, organisations=None) -> str:
    """Where the data a user can see stands: the `DataMark` counters of the installation-wide
    scope and of every organisation the user holds a position in today (all of them for the
    superuser, who can open every kecamatan's pages), or of the `organisations` (ids) a page
    reads across (a kabupaten's). Read once per request, with one query."""
    if organisations is not None:
        return _marks_of(sorted({INSTALLATION} | set(organisations)))
    mark = getattr(request, "_data_mark", None)
    if mark is None:
        user = request.user
        scopes = None if user.is_superuser else sorted({INSTALLATION} | {p.organisation_id for p in positions_of(user)})
        mark = request._data_mark = _marks_of(scopes)
    return mark


def _marks_of(scopes: list[int] | None) -> str:
    """The counters of these scopes (every scope: None), as one string."""
    table = connection.ops.quote_name(DataMark._meta.db_table)
    if scopes is None:
        sql, params = f"SELECT scope, value FROM {table}", []
    else:
        sql = f"SELECT scope, value FROM {table} WHERE scope IN ({', '.join(['%s'] * len(scopes))})"
        params = scopes
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall())
    return ".".join(f"{scope}-{value}" for scope, value in rows) or "none"


def move_data_mark(sender=None, instance=None, **kwargs) -> None:
    """Connected to simple_history's post_create_historical_record: the counters of the
    organisations whose pages can show `instance` go up in the transaction that wrote the history
    row (a rolled-back change leaves them where they were); data of no organisation, or of a
    parent already gone, moves the installation-wide counter, which every key holds."""
    scopes = ownership.organisations_owning(instance) if instance is not None else set()
    for scope in sorted(scopes or {INSTALLATION}):
        if not DataMark.objects.filter(scope=scope).update(value=F("value") + 1):
            DataMark.objects.get_or_create(scope=scope, defaults={"value": 1})


def renew_data_marks() -> None:
    """After data changed without history rows (a restore, generated benchmark data), every
    counter jumps to the present time in nanoseconds: above any value counted up by ones before,
    so no page part kept under an earlier value is ever served again, in any process's memory or
    in a shared cache, without restarting anything."""
    value = time.time_ns()
    DataMark.objects.update(value=value)
    DataMark.objects.get_or_create(scope=INSTALLATION, defaults={"value": value})


def cached_part(request, name: str, build, *, vary=(), per_minute: bool = False, organisations=None):
    """A part of a page for the signed-in user, made by `build()` (HTML rendered with
    `csrf_token` = `CSRF_PLACEHOLDER`, or a dict of such parts) and kept until data changes in
    an organisation they work in (`data_mark`, the key's version), for this user and the
    positions they hold today only, and for the current minute when it shows time left. A
    `build` that raises (no access, not found) keeps nothing. A page across `organisations`
    (ids: a kabupaten's kecamatan) is kept until data changes in any of them.
    The placeholder becomes this request's CSRF token."""
    minute = timezone.now().strftime("%Y%m%d%H%M") if per_minute else ""
    # The positions held today, too: one can start or end at midnight without any data changing.
    held = tuple(position.pk for position in positions_of(request.user))
    key_source = repr((name, request.user.pk, held, minute, tuple(vary)))
    key = "part:" + hashlib.blake2b(key_source.encode(), digest_size=20).hexdigest()
    version = hashlib.blake2b(data_mark(request, organisations).encode(), digest_size=10).hexdigest()
    parts = cache.get(key, version=version)
    if parts is None:
        made = build()
        parts = {"body": made} if isinstance(made, str) else made
        cache.set(key, parts, TIMEOUT, version=version)
    token = None
    shown = {}
    for part, html in parts.items():
        if CSRF_PLACEHOLDER in html:
            token = token or get_token(request)
            html = html.replace(CSRF_PLACEHOLDER, token)
        shown[part] = mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered
    return shown["body"] if set(shown) == {"body"} else shown


def render_part(template_name: str, context: dict) -> str:
    """A page part for `cached_part`: rendered without the request, its forms carrying the
    CSRF placeholder."""
    return render_to_string(template_name, {**context, "csrf_token": CSRF_PLACEHOLDER})
