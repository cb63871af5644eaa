"""Page parts kept in the process's memory, never stale because of how they are keyed:
- tables kept by content (`render_by_content`): the key is a digest of the plain values shown;
- page bodies kept per user until any data changes (`cached_part`): the key holds `DataMark`, a
  counter that moves in the same transaction as every history row.
Nothing is ever invalidated: a change gives a new key."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import DataMark
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


def data_mark(request) -> str:
    """Where the data stands: the `DataMark` counter, which moves with every history row (every
    create, change and delete of tracked data writes one: the audit rule, tested on a whole
    cycle). Read once per request, with one single-row query."""
    mark = getattr(request, "_data_mark", None)
    if mark is None:
        table = connection.ops.quote_name(DataMark._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE id = 1")
            row = cursor.fetchone()
        mark = request._data_mark = str(row[0] if row else "none")
    return mark


def move_data_mark(**kwargs) -> None:
    """Connected to simple_history's post_create_historical_record: the counter goes up in the
    transaction that wrote the history row (a rolled-back change leaves it where it was)."""
    if not DataMark.objects.filter(pk=1).update(value=F("value") + 1):
        DataMark.objects.get_or_create(pk=1, defaults={"value": 1})


def cached_part(request, name: str, build, *, vary=(), per_minute: bool = False):
    """A part of a page for the signed-in user, made by `build()` (HTML rendered with
    `csrf_token` = `CSRF_PLACEHOLDER`, or a dict of such parts) and kept until any data changes
    (`data_mark`), for this user and the positions they hold today only, and for the current
    minute when it shows time left. A `build` that raises (no access, not found) keeps nothing.
    The placeholder becomes this request's CSRF token."""
    minute = timezone.now().strftime("%Y%m%d%H%M") if per_minute else ""
    # The positions held today, too: one can start or end at midnight without any data changing.
    held = tuple(position.pk for position in positions_of(request.user))
    key_source = repr((name, request.user.pk, held, data_mark(request), minute, tuple(vary)))
    key = "part:" + hashlib.blake2b(key_source.encode(), digest_size=20).hexdigest()
    parts = cache.get(key)
    if parts is None:
        made = build()
        parts = {"body": made} if isinstance(made, str) else made
        cache.set(key, parts, TIMEOUT)
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
