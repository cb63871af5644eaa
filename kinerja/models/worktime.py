"""Working-time data the office edits: schedules (a default one and dated ones such as Ramadan)
and corrections to the national holiday calendar."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .organisation import Organisation


class WorkSchedule(models.Model):
    """Working hours of an organisation. A schedule with dates (Ramadan) overrides the default."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="work_schedules")
    name = models.CharField("nama", max_length=120)
    valid_from = models.DateField("berlaku mulai", null=True, blank=True)
    valid_to = models.DateField("berlaku sampai", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "jadwal jam kerja"
        verbose_name_plural = "jadwal jam kerja"
        ordering = ["organisation", "valid_from"]

    def __str__(self) -> str:
        if self.valid_from:
            return f"{self.name} ({self.valid_from:%d-%m-%Y} s.d. {self.valid_to:%d-%m-%Y})"
        return f"{self.name} (bawaan)"

    def clean(self):
        """Deadlines are counted in one schedule a day: one default schedule per organisation, and
        dated schedules that do not overlap (the calendar would otherwise pick one in silence)."""
        if (self.valid_from is None) != (self.valid_to is None):
            raise ValidationError("Isi kedua tanggal berlaku, atau kosongkan keduanya untuk jadwal bawaan.")
        if self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError("Tanggal akhir harus sesudah tanggal mulai.")
        if self.organisation_id is None:
            return
        others = WorkSchedule.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
        if self.valid_from is None:
            default = others.filter(valid_from__isnull=True).first()
            if default is not None:
                raise ValidationError(
                    f"Sudah ada jadwal bawaan ({default.name}); ubah jadwal itu, atau isi tanggal berlaku untuk "
                    "jadwal khusus (mis. Ramadan)."
                )
            return
        overlapping = (
            others.filter(valid_from__lte=self.valid_to, valid_to__gte=self.valid_from).order_by("valid_from").first()
        )
        if overlapping is not None:
            raise ValidationError(
                f"Tanggal berlakunya beririsan dengan jadwal {overlapping}; satu hari hanya mengikuti satu jadwal. "
                "Ubah tanggal salah satunya."
            )


class WorkingHours(models.Model):
    """One weekday of a schedule: opening and closing time with an optional break."""

    WEEKDAYS = [(0, "Senin"), (1, "Selasa"), (2, "Rabu"), (3, "Kamis"), (4, "Jumat"), (5, "Sabtu"), (6, "Minggu")]

    schedule = models.ForeignKey(WorkSchedule, on_delete=models.CASCADE, related_name="days")
    weekday = models.PositiveSmallIntegerField("hari", choices=WEEKDAYS)
    start = models.TimeField("jam masuk")
    end = models.TimeField("jam pulang")
    break_start = models.TimeField("istirahat mulai", null=True, blank=True)
    break_end = models.TimeField("istirahat selesai", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "jam kerja harian"
        verbose_name_plural = "jam kerja harian"
        ordering = ["schedule", "weekday"]
        constraints = [models.UniqueConstraint(fields=["schedule", "weekday"], name="working_hours_weekday_unique")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.end <= self.start:
            raise ValidationError("Jam pulang harus sesudah jam masuk.")
        if (self.break_start is None) != (self.break_end is None):
            raise ValidationError("Isi jam mulai dan selesai istirahat, atau kosongkan keduanya.")
        if self.break_start and not (self.start <= self.break_start < self.break_end <= self.end):
            raise ValidationError("Istirahat harus berada di dalam jam kerja.")


class HolidayCorrection(models.Model):
    """The office's own correction of the national calendar: an extra day off, or a day that is
    a working day after all (the package's Islamic dates of later years are estimates)."""

    class Kind(models.TextChoices):
        LIBUR = "libur", "Hari libur / cuti bersama tambahan"
        MASUK = "masuk", "Hari kerja (bukan libur)"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="holiday_corrections")
    date = models.DateField("tanggal")
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    name = models.CharField("keterangan", max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "koreksi hari libur"
        verbose_name_plural = "koreksi hari libur"
        ordering = ["organisation", "date"]
        constraints = [models.UniqueConstraint(fields=["organisation", "date"], name="holiday_correction_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.name} ({self.get_kind_display()})"
