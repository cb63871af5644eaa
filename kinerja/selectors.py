"""Reads for the pages: the inbox and the cycle timeline, with the time left in working hours.
Each function runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
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


def inbox(user: User, now: datetime.datetime | None = None) -> list[InboxItem]:
    """The open step runs this user may act on ("Tugas saya"), most urgent first."""
    now = now or timezone.now()
    runs = list(
        StepRun.objects.open()
        .filter(permissions.runs_for(user, timezone.localdate(now)), cycle__status=Cycle.Status.RUNNING)
        .select_related("cycle__organisation", "cycle__sop_version", "step", "section")
        .order_by("due_at", "pk")
    )
    calendars: dict[int, WorkCalendar] = {}
    items = []
    for run in runs:
        org = run.cycle.organisation
        if org.pk not in calendars:
            calendars[org.pk] = WorkCalendar.for_organisation(org)
        items.append(InboxItem(run, deadline(run, calendars[org.pk], now)))
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
    calendar = WorkCalendar.for_organisation(cycle.organisation)
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
    calendar = WorkCalendar.for_organisation(cycle.organisation)
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
    SOP's chain (the Sekretaris). A fixed number of queries."""
    from .models import Disposition, Letter, Role

    tasks = []
    received = (
        Disposition.objects.filter(recipient=user, withdrawn_at__isnull=True)
        .select_related("letter", "sender")
        .annotate(passed_on=Count("children", filter=Q(children__withdrawn_at__isnull=True)))
    )
    pending_letters = set(
        StepRun.objects.filter(cycle__status=Cycle.Status.RUNNING, step__number=1, closed_at__isnull=True).values_list(
            "cycle__letter_id", flat=True
        )
    )
    for disposition in received.order_by("-created_at"):
        if disposition.acknowledged_at is None:
            tasks.append(
                LetterTask(disposition.letter, f"Disposisi dari {disposition.sender}", disposition.read_at is None)
            )
        elif (
            disposition.recipient_role == Role.SEKRETARIS
            and not disposition.passed_on
            and disposition.letter_id in pending_letters
        ):
            tasks.append(LetterTask(disposition.letter, "Teruskan disposisi ke Kasubag Perencanaan dan Pelaporan"))
    kepala_orgs = [p.organisation_id for p in permissions.positions_of(user) if p.role == Role.KEPALA]
    if kepala_orgs:
        waiting = (
            Letter.objects.filter(organisation__in=kepala_orgs)
            .exclude(
                pk__in=Disposition.objects.filter(parent__isnull=True, withdrawn_at__isnull=True).values("letter_id")
            )
            .order_by("-received_date", "-pk")
        )
        tasks.extend(LetterTask(letter, "Menunggu disposisi Camat", True) for letter in waiting)
    return tasks
