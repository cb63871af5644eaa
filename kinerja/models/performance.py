"""Performance data: the kinds of data the SOP names, strategic objectives, indicators with their
cascade and targets, what each section owes in a cycle, its uploaded submissions (every version
kept) with their parsed rows, supporting evidence, and the Kasubag's receipt and completeness
checks (steps 4 and 5)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .. import wording
from ..measurement.analysis import quarter_series
from ..measurement.targets import of
from .cycle import Cycle, StepRun
from .letters import StoredFile
from .organisation import Organisation, Section, refuse_case_twin


class DataKindManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class DataKind(models.Model):
    """A kind of performance data the SOP names (IKU, Rencana Aksi, realisasi, PK, ...)."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama", max_length=120)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    needs_targets = models.BooleanField("berisi target triwulan", default=False)
    needs_realisation = models.BooleanField("berisi realisasi triwulan", default=False)
    needs_annual_target = models.BooleanField("berisi target tahunan", default=False)
    history = HistoricalRecords()

    objects = DataKindManager()

    class Meta:
        verbose_name = "jenis data kinerja"
        verbose_name_plural = "jenis data kinerja"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class StrategicObjective(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="objectives")
    code = models.CharField("kode", max_length=30)
    name = models.CharField("sasaran strategis", max_length=300)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sasaran strategis"
        verbose_name_plural = "sasaran strategis"
        ordering = ["organisation", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="objective_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        refuse_case_twin(self, "code")


class Indicator(models.Model):
    """A performance indicator: an IKU of the office or a section's indicator in its cascade."""

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Semakin tinggi semakin baik"
        LOWER = "lower", "Semakin rendah semakin baik"
        RANGE = "range", "Dalam rentang"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Kumulatif (jumlah)"
        LATEST = "latest", "Nilai terakhir"
        AVERAGE = "average", "Rata-rata"

    class QuarterForm(models.TextChoices):
        PER_QUARTER = "triwulan", "Per triwulan (nilai triwulan itu sendiri)"
        RUNNING = "sd", "Kumulatif s.d. triwulan"

    class CascadeRule(models.TextChoices):
        SUM = "sum", "Jumlah indikator seksi di bawahnya"
        AVERAGE = "average", "Rata-rata indikator seksi di bawahnya"
        NONE = "none", "Tidak sebanding (tidak direkonsiliasi)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField("kode", max_length=30)
    name = models.CharField("nama indikator", max_length=400)
    unit = models.CharField("satuan", max_length=60)
    polarity = models.CharField("polaritas", max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    aggregation = models.CharField(
        "cara menjumlah triwulan", max_length=10, choices=Aggregation.choices, default=Aggregation.LATEST
    )
    quarter_form = models.CharField(
        "cara menulis target dan realisasi triwulan", max_length=10, choices=QuarterForm.choices,
        default=QuarterForm.PER_QUARTER,
        help_text="Kumulatif s.d. triwulan: TW III berisi jumlah TW I-III (hanya untuk indikator yang dijumlah).",
    )  # fmt: skip
    cascade_rule = models.CharField(
        "rekonsiliasi dengan cascade", max_length=10, choices=CascadeRule.choices, default=CascadeRule.AVERAGE,
        help_text="Bagaimana angka indikator seksi di bawahnya membentuk angka indikator ini. Hanya indikator "
        "bawahan dengan satuan yang sama yang dibandingkan.",
    )  # fmt: skip
    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators"
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="indicators", verbose_name="seksi pemilik"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="induk (cascade)"
    )
    is_iku = models.BooleanField("IKU", default=False)
    definition = models.TextField("definisi operasional", blank=True)
    data_source = models.CharField("sumber data", max_length=300, blank=True)
    evidence_required = models.BooleanField("wajib bukti dukung", default=False)
    renstra_target = models.DecimalField(
        "target akhir Renstra", max_digits=18, decimal_places=4, null=True, blank=True,
        help_text="Target indikator pada akhir periode rencana strategis (jangka menengah), bila ada.",
    )  # fmt: skip
    active = models.BooleanField("aktif", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "indikator"
        verbose_name_plural = "indikator"
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(quarter_form="triwulan") | Q(aggregation="sum"), name="running_form_only_when_summed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        if self.quarter_form == self.QuarterForm.RUNNING and self.aggregation != self.Aggregation.SUM:
            raise ValidationError(
                {"quarter_form": "Kumulatif s.d. triwulan hanya untuk indikator yang triwulannya dijumlah."}
            )
        twin = self.code_twin()
        if twin is not None:
            raise ValidationError({"code": code_twin_message(self.code, twin.code)})
        if self.goes_round():
            raise ValidationError({"parent": "Induk ini membuat cascade berputar."})

    def goes_round(self) -> bool:
        """Whether this indicator's parent, or a parent of its parent, is this indicator (the
        indicator page's and the admin's rule; the master-data import checks its whole file)."""
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False

    def code_twin(self) -> "Indicator | None":
        """Another indicator of the organisation whose code is this one's with other case or
        punctuation ("PEM 01" beside "PEM-01"): a section's workbook cannot tell them apart, so
        rows with either code would be refused as unknown."""
        from ..spreadsheets.importer import code_key

        if not self.organisation_id or not self.code:
            return None
        key = code_key(self.code)
        others = Indicator.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
        return next((other for other in others.only("pk", "code") if code_key(other.code) == key), None)

    @property
    def written_running(self) -> bool:
        return self.quarter_form == self.QuarterForm.RUNNING


def code_twin_message(code: str, twin: str) -> str:
    return (
        f"Kode {code} sama dengan kode {twin} bila huruf besar/kecil, spasi dan tanda baca diabaikan; berkas "
        "seksi tidak dapat membedakan keduanya. Pakai kode lain."
    )


class Target(models.Model):
    """A target of an indicator for a year: quarter empty for the annual (Perjanjian Kinerja)
    target, 1-4 for the Rencana Aksi's quarterly targets. A range target has low and high."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("tahun")
    quarter = models.PositiveSmallIntegerField("triwulan", null=True, blank=True)
    value = models.DecimalField("target", max_digits=18, decimal_places=4, null=True, blank=True)
    low = models.DecimalField("batas bawah", max_digits=18, decimal_places=4, null=True, blank=True)
    high = models.DecimalField("batas atas", max_digits=18, decimal_places=4, null=True, blank=True)
    text = models.CharField("target teks", max_length=60, blank=True, help_text="mis. predikat BB")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "target"
        verbose_name_plural = "target"
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=Q(quarter__isnull=True), name="one_annual_target"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"], condition=Q(quarter__isnull=False), name="one_quarter_target"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="target_quarter_1_to_4",
            ),
            # Exactly one form: a number, a range (both bounds) or a predicate text.
            models.CheckConstraint(
                condition=Q(value__isnull=False, low__isnull=True, high__isnull=True, text="")
                | Q(value__isnull=True, low__isnull=False, high__isnull=False, text="")
                | (Q(value__isnull=True, low__isnull=True, high__isnull=True) & ~Q(text="")),
                name="target_has_one_form",
                violation_error_message="Isi target dengan satu bentuk saja: angka, rentang (batas bawah dan atas), "
                "atau teks.",
            ),
        ]

    def __str__(self) -> str:
        when = wording.quarter(self.quarter) if self.quarter else "tahunan"
        return f"{self.indicator.code} {self.year} {when}"

    @property
    def as_value(self):
        return of(self)

    @property
    def shown(self) -> str:
        """The target as people write it: 85, a range 80–90, or a predicate such as BB."""
        found = self.as_value
        return found.shown if found else "—"

    @property
    def cell(self):
        """The target for a spreadsheet cell: a number where it is one, else its text."""
        found = self.as_value
        return found.cell if found else "—"


class Obligation(models.Model):
    """A kind of data a section owes in a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="obligations")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="obligations")
    kind = models.ForeignKey(DataKind, on_delete=models.PROTECT, related_name="obligations")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kewajiban data"
        verbose_name_plural = "kewajiban data"
        constraints = [models.UniqueConstraint(fields=["cycle", "section", "kind"], name="obligation_unique")]

    def __str__(self) -> str:
        return f"{self.section} — {self.kind}"


class Submission(models.Model):
    """One upload of one kind of data by one section in one cycle. Every version is kept; the
    latest accepted one counts."""

    class Status(models.TextChoices):
        ACCEPTED = "diterima", "Diterima"
        REJECTED = "ditolak", "Ditolak (ada masalah)"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="submissions")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="submissions")
    kind = models.ForeignKey(DataKind, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField("versi")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    original_name = models.CharField("nama berkas", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("ukuran")
    status = models.CharField("status", max_length=10, choices=Status.choices)
    problems = models.JSONField("masalah", default=list)
    notes = models.JSONField("catatan pembacaan", default=list)
    row_count = models.PositiveIntegerField("jumlah baris", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah")
    source = models.CharField("sumber", max_length=10, default="web")
    confirmation = models.TextField(
        "alasan nilai dipastikan benar", blank=True,
        help_text="Diisi pengunggah ketika angka yang tampak tidak wajar (mis. lebih dari 10× target) memang benar.",
    )  # fmt: skip
    on_behalf_reason = models.TextField(
        "alasan diunggah atas nama seksi", blank=True,
        help_text="Diisi ketika Kasubag atau Sekretaris mengunggah berkas seksi atas namanya.",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kiriman data seksi"
        verbose_name_plural = "kiriman data seksi"
        ordering = ["cycle", "section", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "section", "kind", "version"], name="submission_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section} — {self.kind} v{self.version} ({self.get_status_display()})"

    @property
    def uploader(self) -> str:
        """Who uploaded this version, as every page, checklist and the archive say it:
        "Agus Setiawan, S.E. atas nama Seksi Pemerintahan" when it was uploaded on the
        section's behalf."""
        who = str(self.uploaded_by) if self.uploaded_by_id else "impor baris perintah"
        return f"{who} atas nama {self.section}" if self.on_behalf_reason else who


class SubmissionRow(models.Model):
    """One indicator row as read from an accepted submission, with the cells it came from.
    Part of its submission's content: written once with it (the submission's history names who
    and when, and keeps the file's SHA-256), never changed or deleted on its own; a correction is
    a new upload."""

    # PROTECT: deleting a submission must not take its rows with it around their own guard.
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="rows")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="submission_rows")
    sheet = models.CharField("lembar", max_length=100)
    row_number = models.PositiveIntegerField("baris")
    unit = models.CharField("satuan tertulis", max_length=60, blank=True)
    annual_target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target_q1 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target_q2 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target_q3 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target_q4 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q1 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q2 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q3 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    real_q4 = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    cells = models.JSONField("sel asal", default=dict)
    remark = models.TextField("keterangan", blank=True)
    running = models.BooleanField(
        "realisasi ditulis kumulatif (s.d. triwulan)", default=False,
        help_text="Nilai triwulan disimpan seperti ditulis; nilai triwulan itu sendiri adalah selisihnya.",
    )  # fmt: skip
    capaian_written = models.JSONField(
        "capaian tertulis di berkas", default=dict, blank=True,
        help_text="Capaian (%) yang ditulis seksi, per triwulan (0: periode siklus); dibandingkan pada analisis.",
    )  # fmt: skip

    class Meta:
        verbose_name = "baris data seksi"
        verbose_name_plural = "baris data seksi"
        ordering = ["submission", "row_number"]

    def __str__(self) -> str:
        return f"{self.indicator.code} (baris {self.row_number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError("Baris data seksi tidak dapat diubah; unggah versi baru.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Baris data seksi tidak dapat dihapus; setiap versi kiriman disimpan.")

    def written(self) -> dict[int, object]:
        """The realisations as written in the file, by quarter."""
        return {q: getattr(self, f"real_q{q}") for q in (1, 2, 3, 4)}

    def realisation_written(self, quarter: int):
        return getattr(self, f"real_q{quarter}")

    def realisation(self, quarter: int):
        """The quarter's own realisation (from a running total: its difference with the quarter
        before; None when either is missing)."""
        return quarter_series(self.written(), running=self.running).own[quarter]

    def to_date(self, quarter: int):
        """The running total up to the quarter (sum indicators)."""
        return quarter_series(self.written(), running=self.running).to_date[quarter]

    def target(self, quarter: int):
        return getattr(self, f"target_q{quarter}")


class NoDataMark(models.Model):
    """A section's statement, during its step 2, that an indicator has no realisation for the
    cycle's period, with the reason (shown at step 5 and in its checklist). Without a realisation
    or such a mark the section cannot hand its data in."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="no_data_marks")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="no_data_marks")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="no_data_marks")
    reason = models.TextField("alasan tidak ada data")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField("ditandai")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tanda tidak ada data"
        verbose_name_plural = "tanda tidak ada data"
        ordering = ["cycle", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "indicator"], name="one_no_data_mark_per_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: tidak ada data ({self.reason[:40]})"


class Evidence(models.Model):
    """Bukti dukung behind a realised figure: a file or a link."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="evidence")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="evidence")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="evidence")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    url = models.URLField("tautan", blank=True)
    note = models.CharField("keterangan", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("diunggah", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bukti dukung"
        verbose_name_plural = "bukti dukung"
        ordering = ["cycle", "indicator", "uploaded_at"]
        constraints = [models.CheckConstraint(condition=~Q(file__isnull=True, url=""), name="evidence_has_file_or_url")]

    def __str__(self) -> str:
        return f"Bukti {self.indicator_id}: {self.note or self.url or 'berkas'}"


class ReceiptConfirmation(models.Model):
    """Step 4: the Kasubag confirms the receipt checklist as it stood (snapshot kept)."""

    run = models.OneToOneField(StepRun, on_delete=models.PROTECT, related_name="receipt")
    matrix = models.JSONField("matriks penerimaan", default=list)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("dikonfirmasi")
    note = models.TextField("catatan", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ceklist penerimaan"
        verbose_name_plural = "ceklist penerimaan"

    def __str__(self) -> str:
        return f"Ceklist penerimaan {self.run}"


class CompletenessCheck(models.Model):
    """Step 5 for one section in one round: the automatic results, the Kasubag's own checklist
    items and notes, and the verdict."""

    run = models.ForeignKey(StepRun, on_delete=models.PROTECT, related_name="completeness_checks")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="completeness_checks")
    automatic = models.JSONField("hasil pemeriksaan otomatis", default=list)
    manual = models.JSONField("butir pemeriksaan Kasubag", default=list)
    complete = models.BooleanField("lengkap")
    reasons = models.TextField("alasan / catatan", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("diperiksa")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cek list kelengkapan"
        verbose_name_plural = "cek list kelengkapan"
        ordering = ["run", "section"]
        constraints = [models.UniqueConstraint(fields=["run", "section"], name="one_check_per_section_per_round")]

    def __str__(self) -> str:
        return f"Kelengkapan {self.section} ({'lengkap' if self.complete else 'tidak lengkap'})"
