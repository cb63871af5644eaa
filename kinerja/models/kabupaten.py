"""The kabupaten above its kecamatan, and the kabupaten's SAKIP coordinators who read across them.

A coordinator holds no Position: every right inside a kecamatan comes from a Position
(kinerja.permissions), so a coordinator can never act in, nor write into, a kecamatan's cycle.
What a coordinator may read is decided in one place, `permissions.coordinated_kabupaten`."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .organisation import held_on, single_line


class KabupatenManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Kabupaten(models.Model):
    """A regency (Pemerintah Kabupaten) that groups its kecamatan for oversight."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField(
        "nama", max_length=200, validators=[single_line], help_text="mis. Pemerintah Kabupaten Boyolali"
    )
    history = HistoricalRecords()

    objects = KabupatenManager()

    class Meta:
        verbose_name = "kabupaten"
        verbose_name_plural = "kabupaten"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class CoordinatorQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(held_on(day))


class Coordinator(models.Model):
    """A kabupaten's SAKIP coordinator (Bagian Organisasi Setda, Inspektorat, Bappeda) from a date
    to a date: reads every kecamatan of the kabupaten, writes nothing in any of them."""

    class Unit(models.TextChoices):
        ORGANISASI = "organisasi", "Bagian Organisasi Setda"
        INSPEKTORAT = "inspektorat", "Inspektorat"
        BAPPEDA = "bappeda", "Bappeda"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinator_roles")
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="coordinators")
    unit = models.CharField("unit kerja", max_length=20, choices=Unit.choices)
    title = models.CharField(
        "jabatan", max_length=200, validators=[single_line], help_text="mis. Analis Kebijakan Bagian Organisasi"
    )
    start_date = models.DateField("mulai", default=timezone.localdate)
    end_date = models.DateField("sampai", null=True, blank=True)
    history = HistoricalRecords()

    objects = CoordinatorQuerySet.as_manager()

    class Meta:
        verbose_name = "koordinator SAKIP kabupaten"
        verbose_name_plural = "koordinator SAKIP kabupaten"
        ordering = ["kabupaten", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="coordinator_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.title} ({self.kabupaten})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Tanggal selesai tidak boleh sebelum tanggal mulai."})
