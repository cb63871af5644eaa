"""Incoming letters, their stored attachments and the dispositions passed down the line."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .organisation import Organisation, Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored_file_path(instance, filename):
    """A name the server chooses: the uploader's file name never reaches the filesystem."""
    extension = {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
        XLSX: "xlsx",
    }.get(instance.content_type, "bin")
    return f"berkas/{instance.organisation.code}/{uuid.uuid4().hex}.{extension}"


class StoredFile(models.Model):
    """An uploaded file kept exactly as it came, with its checksum. Served only through views
    that check access; `original_name` is for display and download names only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=stored_file_path, max_length=200)
    original_name = models.CharField("nama asli", max_length=255)
    content_type = models.CharField("jenis isi", max_length=100)
    size = models.PositiveBigIntegerField("ukuran (bita)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("diunggah", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "berkas"
        verbose_name_plural = "berkas"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class Letter(models.Model):
    """An incoming letter (surat masuk), such as the request for the performance report."""

    class Nature(models.TextChoices):
        BIASA = "biasa", "Biasa"
        SEGERA = "segera", "Segera"
        SANGAT_SEGERA = "sangat_segera", "Sangat segera"
        RAHASIA = "rahasia", "Rahasia"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="letters")
    agenda_year = models.PositiveSmallIntegerField("tahun agenda", null=True, blank=True)
    agenda_number = models.PositiveIntegerField("nomor agenda", null=True, blank=True)
    number = models.CharField("nomor surat", max_length=120)
    date = models.DateField("tanggal surat")
    sender = models.CharField("pengirim", max_length=200)
    subject = models.CharField("perihal", max_length=300)
    nature = models.CharField("sifat", max_length=20, choices=Nature.choices, default=Nature.BIASA)
    received_date = models.DateField("tanggal diterima")
    attachment = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="pindaian surat"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("dicatat pada", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "surat masuk"
        verbose_name_plural = "surat masuk"
        ordering = ["-received_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agenda_year", "agenda_number"],
                condition=Q(agenda_number__isnull=False),
                name="letter_agenda_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.subject}"

    @property
    def agenda_label(self) -> str:
        return f"{self.agenda_number:03d}/{self.agenda_year}" if self.agenda_number else "-"


class DispositionInstruction(models.Model):
    """One instruction box of the organisation's lembar disposisi (editable list)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="instructions")
    label = models.CharField("instruksi", max_length=120)
    order = models.PositiveSmallIntegerField("urutan", default=0)
    active = models.BooleanField("aktif", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "pilihan instruksi disposisi"
        verbose_name_plural = "pilihan instruksi disposisi"
        ordering = ["organisation", "order", "label"]
        constraints = [models.UniqueConstraint(fields=["organisation", "label"], name="instruction_label_unique")]

    def __str__(self) -> str:
        return self.label


class Disposition(models.Model):
    """One hop of a disposition: from one official to one recipient, with the instructions,
    a note and a deadline. Passing it on is a new hop whose parent is this one. Names, titles and
    roles are kept as they were on the day, so the sheet stays true after officials rotate."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="dispositions")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dispositions_sent")
    sender_title = models.CharField("jabatan pengirim", max_length=200)
    sender_role = models.CharField("peran pengirim", max_length=20, choices=Role.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dispositions_received"
    )
    recipient_title = models.CharField("jabatan penerima", max_length=200)
    recipient_role = models.CharField("peran penerima", max_length=20, choices=Role.choices)
    instructions = models.JSONField("instruksi", default=list)
    note = models.TextField("catatan", blank=True)
    deadline = models.DateField("batas waktu", null=True, blank=True)
    created_at = models.DateTimeField("dikirim")
    read_at = models.DateTimeField("dibaca", null=True, blank=True)
    acknowledged_at = models.DateTimeField("diterima", null=True, blank=True)
    withdrawn_at = models.DateTimeField("ditarik", null=True, blank=True)
    withdraw_reason = models.TextField("alasan penarikan", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "disposisi"
        verbose_name_plural = "disposisi"
        ordering = ["letter", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.letter.number}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def status_label(self) -> str:
        if self.withdrawn_at:
            return "ditarik"
        if self.acknowledged_at:
            return "diterima"
        if self.read_at:
            return "dibaca"
        return "belum dibaca"
