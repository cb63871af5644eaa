"""A cycle runs one SOP version for one organisation and period; step runs and the transition log
record every round of every step. Only kinerja.engine.workflow changes these rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from .letters import Letter
from .organisation import Organisation, Section
from .sop import SopStep, SopVersion


class Cycle(models.Model):
    """One run of the SOP for one period: a year (quarter empty) or one quarter of a year."""

    class Status(models.TextChoices):
        RUNNING = "berjalan", "Berjalan"
        DONE = "selesai", "Selesai"
        CANCELLED = "dibatalkan", "Dibatalkan"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cycles")
    sop_version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="cycles")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField("tahun")
    quarter = models.PositiveSmallIntegerField(
        "triwulan", null=True, blank=True, choices=[(1, "TW I"), (2, "TW II"), (3, "TW III"), (4, "TW IV")]
    )
    sections = models.ManyToManyField(Section, related_name="cycles", verbose_name="seksi yang menyerahkan data")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("dimulai")
    finished_at = models.DateTimeField("selesai/dibatalkan", null=True, blank=True)
    cancel_reason = models.TextField("alasan pembatalan", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "siklus"
        verbose_name_plural = "siklus"
        ordering = ["-started_at"]
        constraints = [
            # One running cycle per organisation and period; an annual period (quarter empty)
            # counts as quarter 0, since NULLs never collide in a unique index.
            models.UniqueConstraint(
                "organisation", "year", Coalesce("quarter", 0),
                condition=models.Q(status="berjalan"), name="one_running_cycle_per_period",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="cycle_quarter_1_to_4"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.sop_version.name} — {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.quarter:
            return f"{self.get_quarter_display()} {self.year}"
        return f"Tahun {self.year}"


# Labels of the outcomes the engine adds to every SOP version (workflow.RETURN_TO_SECTIONS).
ENGINE_OUTCOME_LABELS = {"kembali_ke_seksi": "Dikembalikan ke seksi"}


class StepRunQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class StepRun(models.Model):
    """One round of one step of a cycle (for step 2, of one section). Never overwritten: a rework
    or revision round is a new row with the next round number."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs")
    step = models.ForeignKey(SopStep, on_delete=models.PROTECT, related_name="runs")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="step_runs")
    round = models.PositiveSmallIntegerField("putaran", default=1)
    opened_at = models.DateTimeField("dibuka")
    due_at = models.DateTimeField("batas waktu")
    target_minutes = models.PositiveIntegerField("target (menit kerja)")
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actual_minutes = models.PositiveIntegerField("realisasi (menit kerja)", null=True, blank=True)
    outcome = models.CharField("hasil", max_length=40, blank=True)
    note = models.TextField("catatan", blank=True)
    overdue_reason = models.TextField("alasan terlambat", blank=True)
    on_behalf_reason = models.TextField(
        "alasan diserahkan atas nama seksi", blank=True,
        help_text="Langkah seksi yang diselesaikan Kasubag atau Sekretaris atas nama seksi itu.",
    )  # fmt: skip
    unchanged_reason = models.TextField(
        "alasan diserahkan tanpa perubahan", blank=True,
        help_text="Data yang dikembalikan lalu diserahkan lagi tanpa unggahan baru.",
    )  # fmt: skip
    overdue_notified_at = models.DateTimeField("pemberitahuan terlambat", null=True, blank=True)
    returned_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="dikembalikan dari"
    )
    history = HistoricalRecords()

    objects = StepRunQuerySet.as_manager()

    class Meta:
        verbose_name = "langkah siklus"
        verbose_name_plural = "langkah siklus"
        ordering = ["cycle", "opened_at", "pk"]
        constraints = [
            # At most one open run per cycle and step (per section for step 2): a second request
            # that tries to open the same run fails on the database, on SQLite and PostgreSQL.
            models.UniqueConstraint(
                fields=["cycle", "step"],
                condition=Q(closed_at__isnull=True, section__isnull=True),
                name="one_open_run_per_step",
            ),
            models.UniqueConstraint(
                fields=["cycle", "step", "section"],
                condition=Q(closed_at__isnull=True, section__isnull=False),
                name="one_open_run_per_step_section",
            ),
            models.UniqueConstraint(fields=["cycle", "step", "section", "round"], name="run_round_unique"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="run_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.section}" if self.section_id else ""
        return f"Langkah {self.step.number}{where} (putaran {self.round})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def outcome_label(self) -> str:
        return self.step.outcome_labels.get(self.outcome) or ENGINE_OUTCOME_LABELS.get(self.outcome, self.outcome)


class TransitionLog(models.Model):
    """Append-only record of every move: who, when, from which step to which, outcome and why."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="transitions")
    run = models.ForeignKey(StepRun, on_delete=models.PROTECT, null=True, blank=True, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu")
    action = models.CharField("tindakan", max_length=40)
    from_step = models.PositiveSmallIntegerField("dari langkah", null=True, blank=True)
    to_steps = models.CharField("ke langkah", max_length=120, blank=True)
    outcome = models.CharField("hasil", max_length=40, blank=True)
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "log transisi"
        verbose_name_plural = "log transisi"
        ordering = ["cycle", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d-%m-%Y %H:%M} {self.actor}: {self.action}"
