"""Figures from before the application was used: an indicator's realisation (with its target and
capaian where known) in a year no cycle filed, imported once so the LKjIP's comparison with the
two previous years is filled from the first year of use. Always shown as imported, never taken
for a cycle's result; a year the database holds is never imported over."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .organisation import Organisation
from .performance import Indicator


class BaselineFigure(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="baseline_figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="baseline_figures")
    year = models.PositiveSmallIntegerField("tahun")
    target = models.DecimalField("target", max_digits=18, decimal_places=4, null=True, blank=True)
    realisation = models.DecimalField("realisasi", max_digits=18, decimal_places=4)
    capaian = models.DecimalField("capaian (%)", max_digits=9, decimal_places=2, null=True, blank=True)
    source_file = models.ForeignKey(
        "kinerja.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name="berkas impor"
    )
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField("diimpor")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "data awal (impor)"
        verbose_name_plural = "data awal (impor)"
        ordering = ["organisation", "indicator__code", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="baseline_once_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} (impor)"
