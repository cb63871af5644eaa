"""Rendered page fragments kept by content: a long table whose rows are plain values is rendered
once and reused while those values stay the same. The key is a digest of the values themselves,
so a change anywhere gives a new key: nothing is ever invalidated, nothing can be stale."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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
