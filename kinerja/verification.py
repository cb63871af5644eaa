"""Verification of issued documents. Every PDF the application generates for somebody is issued
through `issued`: it gets a short random code, printed on every page's footer and (with a QR code
to the public page /verifikasi/<code>/) on its first page, and its SHA-256 is registered with what
the document is. An evaluator holding a copy opens the page, sees which document of which office
and period it is and when it was made, and checks the file in hand against the registered bytes.

The code is printed while the document is laid out (reportlab's page decorator asks `current()`),
so the rendering functions need not carry it; the register is written after the bytes exist."""

from __future__ import annotations

import contextvars
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import IssuedDocument

# Crockford's base32: no I, L, O or U, so a code read off paper is not mistyped as another.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # 60 random bits: not guessable, short enough to type
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """A code as typed ("k7qx-m2pa 9f3c", an O for a zero) in its stored form, or None when it
    cannot be one."""
    cleaned = "".join(_READ_AS.get(ch, ch) for ch in (raw or "").upper() if ch not in "- ")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """The code as printed: three groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def page_url(code: str) -> str:
    """The verification page's full address, for the QR code (SITE_URL: where the office reaches
    the application)."""
    return settings.SITE_URL.rstrip("/") + reverse("verify", args=[code])


@dataclass
class Seal:
    """The document being issued: what the layout prints on it."""

    code: str
    kind: str
    title: str
    period: str
    organisation: object
    cycle: object = None
    by: object = None
    made_at: object = field(default_factory=timezone.now)

    @property
    def printed(self) -> str:
        return display(self.code)

    @property
    def url(self) -> str:
        return page_url(self.code)


_CURRENT: contextvars.ContextVar[Seal | None] = contextvars.ContextVar("issued_document", default=None)


def current() -> Seal | None:
    """The document being laid out now, if it is being issued."""
    return _CURRENT.get()


def issued(
    render: Callable[[], bytes],
    *,
    organisation,
    kind: str,
    title: str,
    period: str = "",
    by=None,
    cycle=None,
    at=None,
) -> bytes:
    """Render a PDF as an issued document: its pages carry a new code (`render` is called with
    the seal current), and the code is registered with the bytes' SHA-256."""
    seal = Seal(new_code(), kind, title[:300], period[:100], organisation, cycle, by, at or timezone.now())
    token = _CURRENT.set(seal)
    try:
        data = render()
    finally:
        _CURRENT.reset(token)
    register(seal, data)
    return data


def register(seal: Seal, data: bytes) -> IssuedDocument:
    """Keep the seal with the bytes it was printed on."""
    return IssuedDocument.objects.create(
        code=seal.code,
        organisation=seal.organisation,
        cycle=seal.cycle,
        kind=seal.kind,
        title=seal.title,
        period=seal.period,
        made_by=seal.by if getattr(seal.by, "pk", None) else None,
        made_at=seal.made_at,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def find(raw: str) -> IssuedDocument | None:
    code = normalise(raw)
    if code is None:
        return None
    return IssuedDocument.objects.select_related("organisation", "made_by").filter(code=code).first()


CHUNK = 1024 * 1024


def sha256_of(handle) -> str:
    """The SHA-256 of an uploaded file, read in chunks (a large file never sits in memory)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def matches(document: IssuedDocument, sha256: str) -> bool:
    return secrets.compare_digest(document.sha256, (sha256 or "").strip().lower())


def matching_copy(document: IssuedDocument, sha256: str) -> IssuedDocument | None:
    """The registered copy of the document (one reader's, without some parts) with these bytes."""
    return document.copies.select_related("made_by").filter(sha256=(sha256 or "").strip().lower()).first()


def register_copy(original: IssuedDocument, data: bytes, *, title: str, by) -> IssuedDocument:
    """Register a copy made from an issued document (once per distinct bytes)."""
    digest = hashlib.sha256(data).hexdigest()
    kept = original.copies.filter(sha256=digest).first()
    if kept is not None:
        return kept
    return IssuedDocument.objects.create(
        code=new_code(), organisation=original.organisation, cycle=original.cycle, kind=original.kind,
        title=title[:300], period=original.period, made_by=by if getattr(by, "pk", None) else None,
        made_at=timezone.now(), sha256=digest, size=len(data), derived_from=original,
    )  # fmt: skip


def normalise_sha256(raw: str) -> str | None:
    """A SHA-256 as pasted (spaces, capitals), or None when it is not 64 hexadecimal digits."""
    cleaned = "".join((raw or "").split()).lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        return None
    return cleaned


def issued_for_cycle(cycle, kind: str, render: Callable[[], bytes], *, by, at=None) -> bytes:
    """`issued` for a document of one cycle: titled by its kind and the cycle's period."""
    label = IssuedDocument.Kind(kind).label
    return issued(
        render,
        organisation=cycle.organisation,
        kind=kind,
        title=f"{label} {cycle.period_label}",
        period=cycle.period_label,
        by=by,
        cycle=cycle,
        at=at,
    )
