"""Steps 6 and 7: the office's own figures, explanations of differences, the narrative, the
capaian categories the office uses, and the grouping report."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..spreadsheets.numbers import format_number
from .cycle import Cycle, StepRun
from .organisation import Organisation
from .performance import Indicator, StrategicObjective


class CapaianCategory(models.Model):
    """A category of capaian from its lower bound up (the office's own table; without one,
    the defaults of Permendagri 86/2017 apply). The lowest category also takes every capaian below
    its bound (measurement.analysis.category); two categories never share a bound."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="capaian_categories")
    lower_bound = models.DecimalField(
        "batas bawah (%)", max_digits=8, decimal_places=2,
        help_text="Capaian mulai batas ini masuk kategori ini; kategori terendah juga berlaku di bawah batasnya.",
    )  # fmt: skip
    label = models.CharField("kategori", max_length=60)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kategori capaian"
        verbose_name_plural = "kategori capaian"
        ordering = ["organisation", "-lower_bound"]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound}: {self.label}"

    def clean(self):
        """Two categories from one bound: which one a capaian took would depend on the database's
        order."""
        super().clean()
        if self.organisation_id is None or self.lower_bound is None:
            return
        twin = (
            CapaianCategory.objects.filter(organisation_id=self.organisation_id, lower_bound=self.lower_bound)
            .exclude(pk=self.pk)
            .first()
        )
        if twin is not None:
            raise ValidationError(
                {
                    "lower_bound": f"Sudah ada kategori dengan batas bawah {format_number(self.lower_bound)}% "
                    f"({twin.label}); satu batas untuk satu kategori. Ubah kategori itu atau pakai batas lain."
                }
            )


class OfficeFigure(models.Model):
    """The office's own figure for an indicator and quarter (the IKU as the office reports it),
    compared in the reconciliation with the sections' figures that feed it."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="office_figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="office_figures")
    quarter = models.PositiveSmallIntegerField("triwulan")
    value = models.DecimalField("nilai", max_digits=18, decimal_places=4, null=True, blank=True)
    source = models.CharField("sumber", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("diisi")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "angka kantor"
        verbose_name_plural = "angka kantor"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator", "quarter"], name="office_figure_unique"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="office_figure_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} TW {self.quarter}: {self.value}"


class Explanation(models.Model):
    """Why a reconciliation difference may stand, keyed by the difference it explains."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="explanations")
    key = models.CharField("selisih", max_length=120)
    text = models.TextField("penjelasan")
    standing = models.BooleanField(
        "penjelasan tetap", default=False,
        help_text="Dipakai lagi untuk selisih yang sama (indikator dan jenisnya) pada siklus berikutnya.",
    )  # fmt: skip
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    explained_at = models.DateTimeField("dijelaskan")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "penjelasan selisih"
        verbose_name_plural = "penjelasan selisih"
        constraints = [models.UniqueConstraint(fields=["cycle", "key"], name="explanation_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:40]}"


class Narrative(models.Model):
    """The Kasubag's narrative for an indicator or a strategic objective (LKjIP chapter III):
    analysis of achievement, causes, obstacles, follow-up. Saved as it is typed."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="narratives")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    analysis = models.TextField("analisis capaian", blank=True)
    causes = models.TextField("penyebab", blank=True)
    obstacles = models.TextField("kendala", blank=True)
    follow_up = models.TextField("tindak lanjut", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("disimpan")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "narasi analisis"
        verbose_name_plural = "narasi analisis"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "indicator"], condition=Q(indicator__isnull=False), name="narrative_indicator_unique"
            ),
            models.UniqueConstraint(
                fields=["cycle", "objective"], condition=Q(objective__isnull=False), name="narrative_objective_unique"
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, objective__isnull=True)
                | Q(indicator__isnull=True, objective__isnull=False),
                name="narrative_about_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"Narasi {self.indicator_id or self.objective_id}"


class GroupingReport(models.Model):
    """Step 7's output: the groupings the Kasubag chose, made at a moment of one round."""

    GROUPINGS = [
        ("objective", "Per sasaran strategis"),
        ("cascade", "Per IKU dan cascade-nya"),
        ("section", "Per seksi"),
        ("kind", "Per jenis data"),
        ("quarter", "Per triwulan"),
    ]

    run = models.ForeignKey(StepRun, on_delete=models.PROTECT, related_name="grouping_reports")
    groupings = models.JSONField("pengelompokan", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("dibuat")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "laporan pengelompokan"
        verbose_name_plural = "laporan pengelompokan"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pengelompokan {self.run} ({', '.join(self.groupings)})"
