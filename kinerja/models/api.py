"""Tokens of the read API (/api/v1/) and the log of every call made with one.

A token is shown once, when it is made; only its SHA-256 is stored (a token is 256 random bits,
so a fast hash is enough: nothing to guess from it). Each is scoped to one kecamatan or to one
kabupaten, never both; revoked, it answers nothing more. Kept after revocation, with its calls."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .kabupaten import Kabupaten
from .organisation import Organisation, single_line

TOKEN_PREFIX = "skk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(
        "keperluan", max_length=200, validators=[single_line], help_text="mis. Dasbor SAKIP Bagian Organisasi"
    )
    prefix = models.CharField(
        "awalan", max_length=12, editable=False, help_text="Untuk mengenali token; bukan rahasia."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens",
        verbose_name="kecamatan", help_text="Token membaca data kecamatan ini saja.",
    )  # fmt: skip
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens",
        help_text="Token membaca data setiap kecamatan kabupaten ini (hanya superuser).",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="dibuat oleh"
    )
    created_at = models.DateTimeField("dibuat", editable=False)
    revoked_at = models.DateTimeField("dicabut", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
        verbose_name="dicabut oleh",
    )  # fmt: skip
    # Moved with QuerySet.update on each call (no history row: a call changes no data).
    last_used_at = models.DateTimeField("terakhir dipakai", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, kabupaten__isnull=True)
                | Q(organisation__isnull=True, kabupaten__isnull=False),
                name="api_token_one_scope",
                violation_error_message="Pilih satu cakupan: satu kecamatan atau satu kabupaten.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope(self) -> str:
        return str(self.organisation or self.kabupaten)

    def clean(self):
        if (self.organisation_id is None) == (self.kabupaten_id is None):
            raise ValidationError("Pilih satu cakupan: satu kecamatan atau satu kabupaten.")

    def issue_key(self) -> str:
        """A new secret for this token (before its first save): returned once, stored hashed."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[:12]
        self.key_hash = hash_key(key)
        return key

    def organisation_ids(self):
        """The organisations this token reads (a queryset of ids)."""
        if self.organisation_id is not None:
            return Organisation.objects.filter(pk=self.organisation_id).values("pk")
        return Organisation.objects.filter(kabupaten_id=self.kabupaten_id).values("pk")


class ApiCall(models.Model):
    """One call of the API with a token, whatever its answer (a refused or throttled one too)."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField("waktu", db_index=True)
    method = models.CharField("metode", max_length=10)
    path = models.CharField("alamat", max_length=300)
    query = models.CharField("parameter", max_length=500, blank=True)
    status = models.PositiveSmallIntegerField("status")
    address = models.GenericIPAddressField("alamat IP", null=True, blank=True)

    class Meta:
        verbose_name = "panggilan API"
        verbose_name_plural = "panggilan API"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d-%m-%Y %H:%M:%S} {self.method} {self.path} {self.status}"
