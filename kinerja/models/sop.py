"""The SOP as versioned data: a version's header and its steps, with the step graph."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .organisation import Organisation, Role, single_line


class SopVersionQuerySet(models.QuerySet):
    def in_force_on(self, organisation: Organisation, day: datetime.date):
        """The version an organisation follows on a day: the latest effective on or before it."""
        return (
            self.filter(organisation=organisation, effective_date__lte=day).order_by("-effective_date", "-pk").first()
        )


class SopVersionManager(models.Manager.from_queryset(SopVersionQuerySet)):
    def get_by_natural_key(self, organisation_code, number, effective_date):
        return self.get(organisation__code=organisation_code, number=number, effective_date=effective_date)


class SopVersion(models.Model):
    """One printed version of an SOP. A revision is a new row; cycles pin the row they started on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sop_versions")
    number = models.CharField("nomor SOP", max_length=60)
    year = models.PositiveSmallIntegerField("tahun")
    name = models.CharField("nama SOP", max_length=200, validators=[single_line])
    unit = models.CharField("unit", max_length=120, help_text="mis. Sekretariat")
    created_date = models.DateField("tanggal pembuatan")
    revised_date = models.DateField("tanggal revisi", null=True, blank=True)
    effective_date = models.DateField("tanggal efektif")
    approved_by = models.CharField("disahkan oleh", max_length=200, blank=True)
    legal_basis = models.JSONField("dasar hukum", default=list)
    qualifications = models.JSONField("kualifikasi pelaksana", default=list)
    related_sops = models.JSONField("keterkaitan", default=list)
    equipment = models.JSONField("peralatan/perlengkapan", default=list)
    warning = models.TextField("peringatan", blank=True)
    recording = models.TextField("pencatatan dan pendataan", blank=True)
    performers = models.JSONField(
        "kolom pelaksana", default=list, help_text="Urutan kolom pelaksana pada tabel alur, berisi kode peran."
    )
    history = HistoricalRecords()

    objects = SopVersionManager()

    class Meta:
        verbose_name = "versi SOP"
        verbose_name_plural = "versi SOP"
        ordering = ["organisation", "number", "-effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number", "effective_date"], name="sop_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number}, efektif {self.effective_date:%d-%m-%Y})"

    def natural_key(self):
        return (self.organisation.code, self.number, self.effective_date.isoformat())

    natural_key.dependencies = ["kinerja.organisation"]

    def performer_labels(self) -> list[str]:
        """The performer columns as the SOP sheet prints them."""
        labels = dict(Role.choices) | PRINTED_PERFORMERS
        return [labels.get(code, code) for code in self.performers]


PRINTED_PERFORMERS = {
    Role.KEPALA: "Kepala",
    Role.SEKRETARIS: "Sekretaris",
    Role.KASUBAG: "Kasubag Perencanaan dan Pelaporan",
    Role.STAF: "Bidang/Seksi",
}


class SopStepManager(models.Manager):
    def get_by_natural_key(self, organisation_code, number, effective_date, step_number):
        return self.get(
            version__organisation__code=organisation_code,
            version__number=number,
            version__effective_date=effective_date,
            number=step_number,
        )


class SopStep(models.Model):
    """One row of the SOP's flow table.

    `symbols` maps each performing role to its flowchart symbol; `actor_role` is the role that
    closes the step; `next_steps` maps each outcome code to the number of the next step (null
    ends the cycle). The workflow reads only this data, so a revised SOP is a new fixture.
    """

    class Symbol(models.TextChoices):
        TERMINATOR = "terminator", "Mulai/selesai"
        PROCESS = "process", "Proses"
        DECISION = "decision", "Keputusan"

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", "Organisasi"
        SECTION = "section", "Per seksi"

    class Kind(models.TextChoices):
        """What a step does, whatever its printed number: the engine finds each step's page,
        input check and artefact by its kind (kinerja.steps registers one handler per kind). A
        "plain" step has no page of its own and closes with a button on the cycle page."""

        DISPOSITION = "disposition", "Disposisi surat"
        COLLECTION = "collection", "Menghimpun data seksi"
        RECEIPT = "receipt", "Menerima data"
        COMPLETENESS = "completeness", "Memeriksa kelengkapan data"
        ANALYSIS = "analysis", "Menganalisis data"
        GROUPING = "grouping", "Mengelompokkan data"
        REVIEW = "review", "Pemeriksaan hasil"
        FILING = "filing", "Pengarsipan ke data base"
        PLAIN = "plain", "Langkah biasa (ditutup di halaman siklus)"

    class Flag(models.TextChoices):
        """What an outcome means to the engine, written beside it in the SOP data."""

        NOTE = "note", "Mengembalikan pekerjaan: perlu alasan atau catatan"
        SECTIONS = "sections", "Hanya seksi yang disebut mengulang langkah berikutnya"

    class DurationUnit(models.TextChoices):
        MINUTE = "minute", "menit"
        HOUR = "hour", "jam"
        DAY = "day", "hari"
        WEEK = "week", "minggu"

    version = models.ForeignKey(SopVersion, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(
        "nomor", help_text="Nomor seperti tercetak (SOP ini tidak punya langkah 3)."
    )
    order = models.PositiveSmallIntegerField("urutan")
    activity = models.TextField("kegiatan")
    short_name = models.CharField("nama singkat", max_length=80, validators=[single_line])
    symbols = models.JSONField("simbol per pelaksana", default=dict)
    kind = models.CharField("jenis langkah", max_length=20, choices=Kind.choices, default=Kind.PLAIN)
    actor_role = models.CharField("peran penutup langkah", max_length=20, choices=Role.choices)
    scope = models.CharField("lingkup", max_length=20, choices=Scope.choices, default=Scope.ORGANISATION)
    required_input = models.CharField("kelengkapan", max_length=300)
    duration_amount = models.PositiveSmallIntegerField("waktu")
    duration_unit = models.CharField("satuan waktu", max_length=10, choices=DurationUnit.choices)
    output = models.CharField("output", max_length=300)
    remark = models.TextField("keterangan", blank=True)
    next_steps = models.JSONField("langkah berikutnya", default=dict)
    outcome_labels = models.JSONField("label hasil", default=dict)
    outcome_flags = models.JSONField(
        "sifat hasil",
        default=dict,
        blank=True,
        help_text='Per hasil, misalnya {"tidak_lengkap": ["note", "sections"]}.',
    )
    history = HistoricalRecords()

    objects = SopStepManager()

    class Meta:
        verbose_name = "langkah SOP"
        verbose_name_plural = "langkah SOP"
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="sop_step_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name}"

    def natural_key(self):
        return (*self.version.natural_key(), self.number)

    natural_key.dependencies = ["kinerja.sopversion"]

    @property
    def duration_label(self) -> str:
        return f"{self.duration_amount} {self.get_duration_unit_display()}"

    @property
    def outcomes(self) -> list[str]:
        """Outcome codes in a fixed order: forward first, then returns to the latest step first.
        (PostgreSQL's jsonb does not keep the key order of next_steps, so never iterate it.)"""

        def key(outcome):
            target = self.next_steps[outcome]
            backwards = target is not None and target < self.number
            return (backwards, -(target or 10_000), outcome)

        return sorted(self.next_steps, key=key)

    def flags(self, outcome: str) -> list[str]:
        return list(self.outcome_flags.get(outcome, []))

    @property
    def forward_outcome(self) -> str:
        """The one outcome that moves the work forward (it sends nothing back)."""
        forward = [o for o in self.outcomes if self.Flag.NOTE not in self.flags(o)]
        if len(forward) != 1:
            raise ValueError(f"Langkah {self.number} harus punya tepat satu hasil yang tidak mengembalikan pekerjaan.")
        return forward[0]

    @property
    def sections_outcome(self) -> str | None:
        """The outcome that sends named sections back, if the step has one."""
        return next((o for o in self.outcomes if self.Flag.SECTIONS in self.flags(o)), None)

    def clean(self):
        unknown = {o for o in self.outcome_flags if o not in self.next_steps}
        if unknown:
            raise ValidationError({"outcome_flags": f"Hasil tidak dikenal: {', '.join(sorted(unknown))}."})
        valid = set(self.Flag.values)
        for outcome, flags in self.outcome_flags.items():
            if not isinstance(flags, list) or not set(flags) <= valid:
                raise ValidationError({"outcome_flags": f"Sifat hasil {outcome} harus daftar dari: note, sections."})
        try:
            _ = self.forward_outcome
        except ValueError as exc:
            raise ValidationError({"outcome_flags": str(exc)}) from exc


# A version that cycles run on is frozen: a cycle keeps the SOP it started under, so a change is a
# new version. Checked on every save, raw ones (loaddata) included, wherever it comes from.


def _refuse_change_in_use(instance, version_id) -> None:
    if instance.pk is None or version_id is None:
        return
    from .cycle import Cycle  # here: cycle.py imports this module

    if not Cycle.objects.filter(sop_version_id=version_id).exists():
        return
    fields = [f.attname for f in instance._meta.concrete_fields]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    if stored is not None and stored != {name: getattr(instance, name) for name in fields}:
        raise ValidationError(
            "Versi SOP ini sudah dipakai oleh siklus, jadi tidak dapat diubah; muat revisinya sebagai versi baru "
            "dengan tanggal efektifnya sendiri."
        )


@receiver(pre_save, sender=SopVersion)
def _freeze_version(sender, instance, **kwargs):
    _refuse_change_in_use(instance, instance.pk)


@receiver(pre_save, sender=SopStep)
def _freeze_step(sender, instance, **kwargs):
    _refuse_change_in_use(instance, instance.version_id)


@receiver(pre_delete, sender=SopStep)
def _keep_step(sender, instance, **kwargs):
    from .cycle import Cycle  # here: cycle.py imports this module

    if Cycle.objects.filter(sop_version_id=instance.version_id).exists():
        raise ValidationError("Langkah dari versi SOP yang sudah dipakai siklus tidak dapat dihapus.")
