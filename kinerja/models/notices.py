"""Notices: an actor hears when it is their turn (a step opens for them, or comes back to them
with notes, or is late), in the application and, if they choose, by e-mail. A notice is a
message to one person, not tracked data: it has no history of its own (the step run it names
has), and the e-mail it carries waits here until it is sent, so a failed send is retried and
never lost (kinerja.notices)."""

from django.conf import settings
from django.db import models

from .cycle import Cycle, StepRun
from .organisation import Organisation

MAX_ATTEMPTS = 5


class Notice(models.Model):
    class Kind(models.TextChoices):
        OPENED = "dibuka", "Giliran Anda"
        RETURNED = "dikembalikan", "Dikembalikan dengan catatan"
        OVERDUE = "terlambat", "Terlambat"

    class Mail(models.TextChoices):
        NONE = "", "Tidak dikirim lewat surel"
        PENDING = "menunggu", "Menunggu dikirim"
        SENDING = "dikirim", "Sedang dikirim"
        SENT = "terkirim", "Terkirim"
        FAILED = "gagal", "Gagal setelah beberapa kali dicoba"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    run = models.ForeignKey(StepRun, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField("jenis", max_length=20, choices=Kind.choices)
    title = models.CharField("judul", max_length=300)
    body = models.TextField("isi", blank=True)
    url = models.CharField("tautan", max_length=300, blank=True)
    created_at = models.DateTimeField("dibuat", db_index=True)
    read_at = models.DateTimeField("dibaca", null=True, blank=True)
    mail = models.CharField("surel", max_length=10, choices=Mail.choices, blank=True, default=Mail.NONE)
    mail_attempts = models.PositiveSmallIntegerField("percobaan kirim", default=0)
    mail_claimed_at = models.DateTimeField("mulai dikirim", null=True, blank=True)
    mail_sent_at = models.DateTimeField("surel terkirim", null=True, blank=True)
    mail_error = models.TextField("kesalahan kirim terakhir", blank=True)

    class Meta:
        verbose_name = "pemberitahuan"
        verbose_name_plural = "pemberitahuan"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["mail"], name="notice_mail_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
