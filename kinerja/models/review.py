"""Steps 8, 9 and 10: review notes attached to exact items, the snapshot each review saw, the
filed performance database (immutable; corrected only by amendments) and the cycle's archive."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from simple_history.models import HistoricalRecords

from ..spreadsheets.numbers import format_number
from .cycle import Cycle, StepRun
from .letters import StoredFile
from .organisation import Organisation
from .performance import Indicator


class ReviewNote(models.Model):
    """A reviewer's revision note on one item: an indicator, one of its values, its narrative,
    or the result as a whole."""

    class Topic(models.TextChoices):
        GENERAL = "umum", "Umum"
        INDICATOR = "indikator", "Indikator"
        VALUE = "nilai", "Nilai"
        NARRATIVE = "narasi", "Narasi"

    run = models.ForeignKey(StepRun, on_delete=models.PROTECT, related_name="review_notes")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quarter = models.PositiveSmallIntegerField("triwulan", null=True, blank=True)
    topic = models.CharField("tentang", max_length=12, choices=Topic.choices, default=Topic.GENERAL)
    text = models.TextField("catatan revisi")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("dibuat")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "catatan revisi"
        verbose_name_plural = "catatan revisi"
        ordering = ["run", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="review_note_quarter_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.text[:40]}"


class ReviewSnapshot(models.Model):
    """What a review round saw: every indicator's figures and narrative, to show the next
    round what changed since."""

    run = models.OneToOneField(StepRun, on_delete=models.PROTECT, related_name="snapshot")
    data = models.JSONField("isi", default=dict)
    document = models.ForeignKey(
        "kinerja.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="laporan analisa yang diputuskan",
    )  # fmt: skip
    # The final approval's only: the master data its figures were computed with, which filing
    # then files with (kinerja.measurement.basis), so what is filed is what was approved.
    basis = models.JSONField(
        "data induk saat disetujui", null=True, blank=True, editable=False, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField("dibuat")

    class Meta:
        verbose_name = "potret hasil pemeriksaan"
        verbose_name_plural = "potret hasil pemeriksaan"

    def __str__(self) -> str:
        return f"Potret {self.run}"


class PerformanceRecord(models.Model):
    """One indicator's filed result for a period: the office's performance database. Never
    changed after filing; a correction is an Amendment, and the original stays visible."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="performance_records")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="records")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="records")
    year = models.PositiveSmallIntegerField("tahun")
    quarter = models.PositiveSmallIntegerField("triwulan", null=True, blank=True)
    code = models.CharField("kode", max_length=30)
    name = models.CharField("indikator", max_length=400)
    unit = models.CharField("satuan", max_length=60)
    objective = models.CharField("sasaran strategis", max_length=340, blank=True)
    section = models.CharField("seksi", max_length=200)
    is_iku = models.BooleanField("IKU", default=False)
    target = models.DecimalField("target", max_digits=18, decimal_places=4, null=True, blank=True)
    # A target that is not one number (a range such as 80–90, or a predicate such as BB), as written.
    target_text = models.CharField("target (rentang/teks)", max_length=60, blank=True)
    real_q1 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q2 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q3 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q4 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    realisation = models.DecimalField("realisasi s.d. periode", max_digits=18, decimal_places=4, null=True, blank=True)
    capaian = models.DecimalField("capaian (%)", max_digits=12, decimal_places=2, null=True, blank=True)
    category = models.CharField("kategori", max_length=60, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("diarsipkan")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "data base kinerja"
        verbose_name_plural = "data base kinerja"
        ordering = ["-year", "-quarter", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator"], name="record_once_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="record_quarter_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year"], name="record_organisation_year")]

    def __str__(self) -> str:
        return f"{self.code} {self.year}{f' TW {self.quarter}' if self.quarter else ''}"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError("Data base kinerja terkunci; koreksi dilakukan dengan amandemen.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Data base kinerja terkunci dan tidak dapat dihapus.")


class Amendment(models.Model):
    """A correction of a filed figure, with its reason and the approver's name."""

    FIELDS = [
        ("target", "Target"), ("real_q1", "Realisasi TW I"), ("real_q2", "Realisasi TW II"),
        ("real_q3", "Realisasi TW III"), ("real_q4", "Realisasi TW IV"), ("realisation", "Realisasi s.d. periode"),
        ("capaian", "Capaian (%)"), ("category", "Kategori"),
    ]  # fmt: skip

    record = models.ForeignKey(PerformanceRecord, on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField("isian", max_length=20, choices=FIELDS)
    old_value = models.DecimalField("nilai lama", max_digits=18, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField("nilai baru", max_digits=18, decimal_places=4, null=True, blank=True)
    # A target as a range or a predicate ("80–90", "BB"), and a category, are text.
    old_text = models.CharField("nilai lama (teks)", max_length=60, blank=True)
    new_text = models.CharField("nilai baru (teks)", max_length=60, blank=True)
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
        verbose_name="dihitung ulang dari",
    )  # fmt: skip
    reason = models.TextField("alasan")
    approver = models.CharField("disetujui oleh", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("dibuat")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "amandemen data base kinerja"
        verbose_name_plural = "amandemen data base kinerja"
        ordering = ["record", "created_at"]

    def __str__(self) -> str:
        return f"Amandemen {self.record}: {self.field}"

    @property
    def old_shown(self) -> str:
        return format_number(self.old_value) if self.old_value is not None else (self.old_text or "—")

    @property
    def new_shown(self) -> str:
        return format_number(self.new_value) if self.new_value is not None else (self.new_text or "—")


class CycleArchive(models.Model):
    """The soft copy of a cycle: one zip of every original and report with its manifest."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="archives")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    bundle = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    manifest = models.JSONField("manifes", default=list)
    # The master data the filed figures were computed with (kinerja.measurement.basis); none for a
    # cycle filed before they were kept.
    basis = models.JSONField(
        "data induk saat diarsipkan", null=True, blank=True, editable=False, encoder=DjangoJSONEncoder
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("dibuat")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "arsip siklus"
        verbose_name_plural = "arsip siklus"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Arsip {self.cycle}"
