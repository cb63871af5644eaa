"""The LKjIP's own words: what the office writes itself, per organisation and year (its profile,
tasks and functions, strategic issues, closing), kept and put into the generated LKjIP."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .organisation import Organisation


class ReportText(models.Model):
    class Part(models.TextChoices):
        PROFILE = "profil", "Gambaran umum organisasi"
        TASKS = "tugas_fungsi", "Tugas pokok dan fungsi"
        ISSUES = "isu_strategis", "Isu strategis"
        SUMMARY = "ikhtisar", "Ikhtisar eksekutif (tambahan)"
        CLOSING = "penutup", "Penutup"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="report_texts")
    year = models.PositiveSmallIntegerField("tahun")
    part = models.CharField("bagian", max_length=20, choices=Part.choices)
    text = models.TextField("isi", blank=True, max_length=20000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("disimpan")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "teks LKjIP"
        verbose_name_plural = "teks LKjIP"
        ordering = ["organisation", "year", "part"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "part"], name="report_text_unique")]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.year}"
