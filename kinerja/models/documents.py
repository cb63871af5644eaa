"""Documents the application issued: every generated PDF is registered with a short
verification code (printed on it, with a QR code to the public verification page) and the
SHA-256 of its bytes, so a paper or file copy can be checked for being genuine
(kinerja.verification). A register, not tracked data: a row is written once and never changed,
so it has no history of its own and moves no data mark (a download writes one and empties
nobody's kept pages)."""

from django.conf import settings
from django.db import models

from .cycle import Cycle
from .organisation import Organisation


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        DISPOSITION_SHEET = "lembar_disposisi", "Lembar disposisi"
        RECEIPT = "ceklist_penerimaan", "Ceklist penerimaan data"
        COMPLETENESS = "ceklist_kelengkapan", "Ceklist kelengkapan data"
        ANALYSIS = "laporan_analisa", "Laporan analisa data kinerja"
        GROUPING = "laporan_pengelompokan", "Laporan pengelompokan data kinerja"
        REVIEW_NOTES = "catatan_pemeriksaan", "Catatan pemeriksaan"
        RECORDS = "tabel_data_base", "Tabel data base kinerja"
        EVIDENCE = "daftar_bukti", "Daftar bukti dukung"
        BUNDLE = "bundel", "Bundel cetak data base kinerja"
        LKJIP = "lkjip", "Laporan Kinerja Instansi Pemerintah (LKjIP)"
        PK = "perjanjian_kinerja", "Perjanjian Kinerja"
        SOP = "sop", "Standar Operasional Prosedur"

    code = models.CharField("kode verifikasi", max_length=12, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField("jenis", max_length=30, choices=Kind.choices)
    title = models.CharField("judul", max_length=300)
    period = models.CharField("periode", max_length=100, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField("dibuat")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("ukuran (bita)")
    # A copy made from an issued document for one reader (a bundle without a rahasia letter's sheet):
    # its pages carry the original's code, so the original's page recognises it too.
    derived_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies", verbose_name="salinan dari"
    )

    class Meta:
        verbose_name = "dokumen terbit"
        verbose_name_plural = "dokumen terbit"
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class JobStatus(models.TextChoices):
    """Where work asked of the task queue's worker stands."""

    WAITING = "menunggu", "Menunggu giliran"
    BUILDING = "dibuat", "Sedang dibuat"
    READY = "siap", "Siap diunduh"
    FAILED = "gagal", "Gagal"


class QueuedWork(models.Model):
    """Work asked on a page and done by the task queue's worker: who asked and when, where it
    stands, and why it failed."""

    Status = JobStatus

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("diminta")
    status = models.CharField("status", max_length=10, choices=JobStatus.choices, default=JobStatus.WAITING)
    started_at = models.DateTimeField("mulai dibuat", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    error = models.TextField("kesalahan", blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]


class DocumentJob(QueuedWork):
    """A document asked for on the page and built by the task queue's worker (TASK_BROKER_URL):
    the LKjIP or the Perjanjian Kinerja, in Word or PDF. Its file is kept for the one who asked
    (kinerja.document_jobs). Like the register, written without history: asking for a document
    empties nobody's kept pages."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("jenis", max_length=30, choices=IssuedDocument.Kind.choices)
    fmt = models.CharField("format", max_length=4, choices=[("pdf", "PDF"), ("docx", "Word")])
    params = models.JSONField("permintaan", default=dict)
    title = models.CharField("judul", max_length=300)
    result = models.ForeignKey("kinerja.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta(QueuedWork.Meta):
        verbose_name = "permintaan dokumen"
        verbose_name_plural = "permintaan dokumen"

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"


class FilingJob(QueuedWork):
    """Step 10 asked of the task queue's worker (TASK_BROKER_URL): filing the records, building the
    archive zip and the print bundle and closing the step happen there, in one transaction, as
    they do in the request without a task queue (kinerja.steps.filing.run_job). Until it ends the
    step stays open and nobody can ask again (one open request per cycle, kept by the database);
    a failure files nothing and leaves the step open, its reason on the filing page. Written
    without history, like DocumentJob: asking moves no data mark; closing the step does."""

    OPEN = (JobStatus.WAITING, JobStatus.BUILDING)

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+")
    overdue_reason = models.TextField("alasan keterlambatan", blank=True)

    class Meta(QueuedWork.Meta):
        verbose_name = "permintaan pengarsipan"
        verbose_name_plural = "permintaan pengarsipan"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(status__in=["menunggu", "dibuat"]),
                name="one_open_filing_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"Pengarsipan {self.cycle} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
