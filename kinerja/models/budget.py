"""The budget behind the performance: programmes, kegiatan and sub-kegiatan of a year with their
pagu and realisation per quarter, each linked to the indicators it supports. Read by the LKjIP
(efficiency of resources, Realisasi Anggaran) and the Perjanjian Kinerja (programme table)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .organisation import Organisation
from .performance import Indicator

MONEY = {"max_digits": 18, "decimal_places": 2}


class BudgetItem(models.Model):
    class Level(models.TextChoices):
        PROGRAM = "program", "Program"
        KEGIATAN = "kegiatan", "Kegiatan"
        SUB_KEGIATAN = "sub_kegiatan", "Sub kegiatan"

    class Source(models.TextChoices):
        IMPORT = "impor", "Diimpor dari berkas"
        MANUAL = "manual", "Diisi manual"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="budget_items")
    year = models.PositiveSmallIntegerField("tahun anggaran")
    code = models.CharField("kode", max_length=40)
    level = models.CharField("tingkat", max_length=20, choices=Level.choices)
    name = models.CharField("nomenklatur", max_length=400)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="induk"
    )
    pagu = models.DecimalField("pagu (Rp)", **MONEY, default=Decimal(0))
    real_q1 = models.DecimalField("realisasi TW I (Rp)", **MONEY, null=True, blank=True)
    real_q2 = models.DecimalField("realisasi TW II (Rp)", **MONEY, null=True, blank=True)
    real_q3 = models.DecimalField("realisasi TW III (Rp)", **MONEY, null=True, blank=True)
    real_q4 = models.DecimalField("realisasi TW IV (Rp)", **MONEY, null=True, blank=True)
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="budget_items", verbose_name="indikator yang didukung"
    )
    source = models.CharField("asal", max_length=10, choices=Source.choices, default=Source.MANUAL)
    imported_from = models.ForeignKey(
        "kinerja.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="berkas impor terakhir",
    )  # fmt: skip
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        verbose_name = "program/kegiatan anggaran"
        verbose_name_plural = "anggaran (program, kegiatan, sub kegiatan)"
        ordering = ["organisation", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "code"], name="budget_code_unique"),
            models.CheckConstraint(condition=models.Q(pagu__gte=0), name="budget_pagu_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.year})"

    @property
    def realisation(self) -> Decimal | None:
        """The year's realisation so far: the sum of the quarters given (None when none is)."""
        given = [v for v in (self.real_q1, self.real_q2, self.real_q3, self.real_q4) if v is not None]
        return sum(given, Decimal(0)) if given else None

    @property
    def absorption(self) -> Decimal | None:
        """Realisation as a percentage of the pagu (two decimals, half-up), None without a pagu."""
        from decimal import ROUND_HALF_UP

        if not self.pagu or self.realisation is None:
            return None
        return (self.realisation * 100 / self.pagu).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def clean(self):
        super().clean()
        quarters = [v for v in (self.real_q1, self.real_q2, self.real_q3, self.real_q4) if v is not None]
        if any(v < 0 for v in quarters):
            raise ValidationError("Realisasi anggaran tidak boleh negatif.")
        if self.realisation is not None and self.realisation > self.pagu:
            raise ValidationError(
                f"Realisasi {self.code} (Rp {self.realisation:,.2f}) melebihi pagunya (Rp {self.pagu:,.2f})."
            )
