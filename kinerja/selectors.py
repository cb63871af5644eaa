"""Reads for the pages: the inbox and the cycle timeline, with the time left in working hours.
Each function runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import permissions
from .calendar import WorkCalendar, format_minutes
from .models import Cycle, StepRun, User


@dataclass
class Deadline:
    due_at: datetime.datetime
    minutes_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.minutes_left < 0

    @property
    def label(self) -> str:
        if self.overdue:
            return f"terlambat {format_minutes(-self.minutes_left)}"
        return f"sisa {format_minutes(self.minutes_left)}"


def deadline(run: StepRun, calendar: WorkCalendar, now: datetime.datetime) -> Deadline:
    if now <= run.due_at:
        return Deadline(run.due_at, calendar.working_minutes_between(now, run.due_at))
    late = calendar.working_minutes_between(run.due_at, now)
    return Deadline(run.due_at, -max(late, 1))


@dataclass
class InboxItem:
    run: StepRun
    deadline: Deadline


# What the inbox shows of a run (a narrower SELECT is markedly cheaper for the ORM to build).
INBOX_FIELDS = (
    "round",
    "due_at",
    "opened_at",
    "closed_at",
    "cycle__year",
    "cycle__quarter",
    "cycle__organisation_id",
    "cycle__sop_version__name",
    "step__number",
    "step__short_name",
    "section__name",
)


def inbox(user: User, now: datetime.datetime | None = None) -> list[InboxItem]:
    """The open step runs this user may act on ("Tugas saya"), most urgent first."""
    now = now or timezone.now()
    runs = list(
        StepRun.objects.open()
        .filter(permissions.runs_for(user, timezone.localdate(now)), cycle__status=Cycle.Status.RUNNING)
        .select_related("cycle__sop_version", "step", "section")
        .only(*INBOX_FIELDS)
        .order_by("due_at", "pk")
    )
    calendars: dict[int, WorkCalendar] = {}
    items = []
    for run in runs:
        organisation_id = run.cycle.organisation_id
        if organisation_id not in calendars:
            calendars[organisation_id] = WorkCalendar.cached_for(organisation_id)
        items.append(InboxItem(run, deadline(run, calendars[organisation_id], now)))
    return items


@dataclass
class TimelineRow:
    step: object
    runs: list
    is_current: bool


@dataclass
class TimelineRun:
    run: StepRun
    deadline: Deadline | None
    target_label: str
    actual_label: str
    late: bool


def timeline(cycle: Cycle, now: datetime.datetime | None = None) -> list[TimelineRow]:
    """The SOP's steps in order, each with every round it ran in this cycle."""
    now = now or timezone.now()
    calendar = WorkCalendar.cached_for(cycle.organisation_id)
    day_minutes = calendar.day_minutes() or 450
    runs_by_step: dict[int, list[TimelineRun]] = {}
    for run in cycle.runs.all():
        open_deadline = deadline(run, calendar, now) if run.closed_at is None else None
        late = run.closed_at > run.due_at if run.closed_at else bool(open_deadline and open_deadline.overdue)
        runs_by_step.setdefault(run.step_id, []).append(
            TimelineRun(
                run=run,
                deadline=open_deadline,
                target_label=format_minutes(run.target_minutes, day_minutes),
                actual_label=format_minutes(run.actual_minutes, day_minutes),
                late=late,
            )
        )
    rows = []
    for step in cycle.sop_version.steps.all():
        runs = runs_by_step.get(step.pk, [])
        rows.append(TimelineRow(step=step, runs=runs, is_current=any(r.run.closed_at is None for r in runs)))
    return rows


def total_elapsed(cycle: Cycle, now: datetime.datetime | None = None) -> str:
    calendar = WorkCalendar.cached_for(cycle.organisation_id)
    end = cycle.finished_at or now or timezone.now()
    return format_minutes(calendar.working_minutes_between(cycle.started_at, end), calendar.day_minutes() or 450)


@dataclass
class Waiting:
    step: object
    sections: list


def whose_move(cycle: Cycle) -> list[Waiting]:
    """The open steps of a cycle, each with the sections still owing it (for step 2)."""
    waiting: dict[int, Waiting] = {}
    for run in cycle.runs.all():
        if run.closed_at is None:
            entry = waiting.setdefault(run.step_id, Waiting(run.step, []))
            if run.section_id:
                entry.sections.append(run.section)
    return list(waiting.values())


@dataclass
class LetterTask:
    letter: object
    label: str
    unread: bool = False


def letter_tasks(user: User) -> list[LetterTask]:
    """Letters waiting for this user: to dispose (the Kepala), to receive, or to pass on down the
    SOP's chain (the Sekretaris). One query, and one more for each of those two roles; only
    what still waits is read (the acknowledged dispositions of past cycles grow every year)."""
    from .models import Disposition, Letter, Role

    tasks = []
    letter_fields = ("letter__number", "letter__subject", "letter__nature")
    sender_fields = ("sender__username", "sender__first_name", "sender__last_name")
    to_receive = (
        Disposition.objects.filter(recipient=user, withdrawn_at__isnull=True, acknowledged_at__isnull=True)
        .select_related("letter", "sender")
        .only("read_at", "acknowledged_at", *letter_fields, *sender_fields)
        .order_by("-created_at")
    )
    for disposition in to_receive:
        unread = disposition.read_at is None
        tasks.append(LetterTask(disposition.letter, f"Disposisi dari {disposition.sender}", unread))
    if any(p.role == Role.SEKRETARIS for p in permissions.positions_of(user)):
        # Received, on a letter whose step 1 is still open, and not passed on yet.
        step_one_open = StepRun.objects.filter(
            cycle__letter=OuterRef("letter"), cycle__status=Cycle.Status.RUNNING, step__number=1, closed_at__isnull=True
        )
        passed_on = Disposition.objects.filter(parent=OuterRef("pk"), withdrawn_at__isnull=True)
        to_pass_on = (
            Disposition.objects.filter(
                Exists(step_one_open),
                ~Exists(passed_on),
                recipient=user,
                recipient_role=Role.SEKRETARIS,
                withdrawn_at__isnull=True,
                acknowledged_at__isnull=False,
            )
            .select_related("letter")
            .only(*letter_fields)
            .order_by("-created_at")
        )
        tasks.extend(
            LetterTask(d.letter, "Teruskan disposisi ke Kasubag Perencanaan dan Pelaporan") for d in to_pass_on
        )
    kepala_orgs = [p.organisation_id for p in permissions.positions_of(user) if p.role == Role.KEPALA]
    if kepala_orgs:
        undisposed = (
            Letter.objects.filter(organisation__in=kepala_orgs)
            .exclude(
                pk__in=Disposition.objects.filter(parent__isnull=True, withdrawn_at__isnull=True).values("letter_id")
            )
            .order_by("-received_date", "-pk")
        )
        tasks.extend(LetterTask(letter, "Menunggu disposisi Camat", True) for letter in undisposed)
    return tasks
