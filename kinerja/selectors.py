"""Reads for the pages: the inbox and the cycle timeline, with the time left in working hours.
Each function runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from . import permissions
from .engine import workflow
from .engine.calendar import WorkCalendar, format_minutes
from .measurement import basis
from .models import Cycle, Disposition, Letter, Role, SopStep, StepRun, Target, TransitionLog, User
from .models.cycle import ENGINE_OUTCOME_LABELS
from .models.organisation import SECTION_ROLES
from .spreadsheets.numbers import display_number
from .steps.dispositions import chain_state, chain_states


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
    note: str = ""  # for step 1: where the letter stands on the disposition chain; else why it came back


# What the inbox shows of a run (a narrower SELECT is markedly cheaper for the ORM to build).
INBOX_FIELDS = (
    "round",
    "returned_from",
    "due_at",
    "opened_at",
    "closed_at",
    "cycle__year",
    "cycle__quarter",
    "cycle__organisation_id",
    "cycle__letter_id",
    "cycle__sop_version__name",
    "step__number",
    "step__order",
    "step__kind",
    "step__short_name",
    "section__name",
)


def inbox(user: User, now: datetime.datetime | None = None) -> list[InboxItem]:
    """The open step runs this user may act on ("Tugas saya"), most urgent first. Step 1 moves
    down the disposition chain: it is the task of whoever's move it is (the Camat, then the
    Sekretaris, then the Kasubag), and of nobody else meanwhile."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    office = [p.organisation_id for p in permissions.positions_of(user, day) if p.role not in SECTION_ROLES]
    runs = list(
        StepRun.objects.open()
        .filter(
            permissions.runs_for(user, day) | Q(step__kind=SopStep.Kind.DISPOSITION, cycle__organisation_id__in=office),
            cycle__status=Cycle.Status.RUNNING,
        )
        .select_related("cycle__sop_version", "step", "section")
        .only(*INBOX_FIELDS)
        .order_by("due_at", "pk")
    )
    calendars: dict[int, WorkCalendar] = {}
    letters = {run.cycle.letter_id for run in runs if run.step.kind == SopStep.Kind.DISPOSITION}
    states = chain_states(letters) if letters else {}  # one query, only while a step 1 is open
    returns = _returns_behind(runs)  # one query, only while a later round is open
    items = []
    for run in runs:
        organisation_id = run.cycle.organisation_id
        note = returns.get(run.pk, "")
        if run.step.kind == SopStep.Kind.DISPOSITION:
            note, holder = states[run.cycle.letter_id]
            if not holder or not permissions.acts_as(user, organisation_id, holder, day):
                continue
        if organisation_id not in calendars:
            calendars[organisation_id] = WorkCalendar.cached_for(organisation_id)
        items.append(InboxItem(run, deadline(run, calendars[organisation_id], now), note))
    return items


def _returns_behind(runs) -> dict[int, str]:
    """For open runs sent back by a later step (a review's notes, "tidak lengkap", a return to
    the sections): who sent it back and why, in a line for Tugas saya."""
    later = {run.pk: run.returned_from_id for run in runs if run.round > 1 and run.returned_from_id}
    if not later:
        return {}
    sources = {
        source.pk: source
        for source in StepRun.objects.filter(pk__in=set(later.values())).select_related("step", "closed_by")
    }
    said = {}
    for run in runs:
        source = sources.get(later.get(run.pk))
        if not workflow.sent_back(source, run):
            continue
        note = f": {source.note[:300]}{'…' if len(source.note) > 300 else ''}" if source.note else ""
        said[run.pk] = f"Dikembalikan oleh {source.closed_by} (langkah {source.step.number}){note}"
    return said


@dataclass(frozen=True)
class TimelineRun:
    """One round of a step on the cycle page, as shown (plain values: cached by them)."""

    round: int
    section: str
    actor: str
    opened: str
    due: str
    deadline: str  # time left or how late, for an open run
    overdue: bool
    closed: str
    target_label: str
    actual_label: str
    late: bool
    is_open: bool
    outcome: str
    note: str
    overdue_reason: str
    turn: str = ""  # for an open run, whose move it is when that is not the step's actor (step 1)


@dataclass(frozen=True)
class TimelineRow:
    number: int
    short_name: str
    output: str
    actor: str
    duration: str
    runs: tuple[TimelineRun, ...]
    is_current: bool


@dataclass(frozen=True)
class LogLine:
    at: str
    actor: str
    action: str
    from_step: str
    to_steps: str
    outcome: str
    note: str


def _moment(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%d-%m-%Y %H:%M}" if value else "—"


@dataclass(frozen=True)
class CycleRow:
    """A line of a cycle table, as shown (plain values: the table is cached by them)."""

    pk: int
    period: str
    sop: str
    letter: str
    status: str
    status_label: str
    started: str


def cycle_rows(cycles, limit: int | None = None) -> list[CycleRow]:
    """The cycles of a queryset as table rows, newest first (one query)."""
    status_labels = dict(Cycle.Status.choices)
    values = cycles.order_by("-started_at").values_list(
        "pk", "year", "quarter", "status", "started_at", "sop_version__name", "letter__number", "letter__nature"
    )
    rows = []
    for pk, year, quarter, status, started_at, sop, number, nature in values[:limit]:
        rows.append(
            CycleRow(
                pk=pk,
                period=Cycle(year=year, quarter=quarter).period_label,
                sop=sop,
                letter="" if nature == Letter.Nature.RAHASIA else number,
                status=status,
                status_label=status_labels.get(status, status),
                started=_moment(started_at),
            )
        )
    return rows


@dataclass(frozen=True)
class OpenStep:
    """An open step run of a cycle on the dashboard, as shown."""

    cycle_pk: int
    period: str
    step: str
    section: str
    actor: str
    due: str
    late: bool


def open_steps(cycles: list[Cycle], now: datetime.datetime | None = None) -> list[OpenStep]:
    """The open step runs of these cycles, soonest due first (one query)."""
    now = now or timezone.now()
    periods = {cycle.pk: cycle.period_label for cycle in cycles}
    roles = dict(Role.choices)
    values = (
        StepRun.objects.filter(cycle__in=cycles, closed_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("cycle_id", "step__number", "step__short_name", "step__actor_role", "section__name", "due_at")
    )
    return [
        OpenStep(cycle_id, periods[cycle_id], f"langkah {number} {name}", section or "", roles.get(role, role),
                 _moment(due_at), due_at < now)
        for cycle_id, number, name, role, section, due_at in values
    ]  # fmt: skip


# What the cycle page shows of the cycle and its related rows (the rest stays unread).
CYCLE_PAGE_FIELDS = (
    "organisation_id",
    "sop_version_id",
    "letter_id",
    "started_by_id",
    "year",
    "quarter",
    "status",
    "started_at",
    "finished_at",
    "cancel_reason",
    "organisation__name",
    "sop_version__name",
    "sop_version__number",
    "sop_version__effective_date",
    "letter__number",
    "letter__sender",
    "letter__nature",
    "letter__organisation",
    "started_by__username",
    "started_by__first_name",
    "started_by__last_name",
)


def cycle_page(cycles, pk) -> Cycle | None:
    """One cycle of `cycles` (a queryset the user may see) with what its page needs: the steps
    of its SOP version, every run (each with its step and section taken from those already
    loaded rather than joined again), its sections and its transition log. Six queries, whatever
    the number of rounds."""
    names = ("username", "first_name", "last_name")
    run_fields = [f.name for f in StepRun._meta.concrete_fields if f.name != "closed_by"]
    runs = (
        StepRun.objects.select_related("closed_by")
        .only(*run_fields, *(f"closed_by__{n}" for n in names))
        .order_by("opened_at", "pk")
    )
    transitions = (
        TransitionLog.objects.select_related("actor")
        .only("cycle_id", "at", "action", "from_step", "to_steps", "outcome", "note", *(f"actor__{n}" for n in names))
        .order_by("at", "pk")
    )
    cycle = (
        cycles.select_related("organisation", "sop_version", "letter", "started_by")
        .only(*CYCLE_PAGE_FIELDS)
        .prefetch_related(
            Prefetch("runs", runs), "sop_version__steps", "sections", Prefetch("transitions", transitions)
        )
        .filter(pk=pk)
        .first()
    )
    if cycle is not None:
        steps = {step.pk: step for step in cycle.sop_version.steps.all()}
        sections = {section.pk: section for section in cycle.sections.all()}
        for run in cycle.runs.all():
            run.step = steps[run.step_id]
            if run.section_id in sections:  # a run's section is one of the cycle's
                run.section = sections[run.section_id]
    return cycle


def timeline(cycle: Cycle, now: datetime.datetime | None = None, turns: dict | None = None) -> list[TimelineRow]:
    """The SOP's steps in order, each with every round it ran in this cycle (the cycle as
    `cycle_page` loads it: no further queries). `turns`: step id → whose move it is on that
    step's open run, as `whose_move` found it (step 1 moves down the disposition chain)."""
    turns = turns or {}
    now = now or timezone.now()
    calendar = WorkCalendar.cached_for(cycle.organisation_id)
    day_minutes = calendar.day_minutes() or 450
    roles = dict(Role.choices)
    runs_by_step: dict[int, list[TimelineRun]] = {}
    for run in cycle.runs.all():
        open_deadline = deadline(run, calendar, now) if run.closed_at is None else None
        late = run.closed_at > run.due_at if run.closed_at else bool(open_deadline and open_deadline.overdue)
        runs_by_step.setdefault(run.step_id, []).append(
            TimelineRun(
                round=run.round,
                section=str(run.section) if run.section_id else "",
                actor=str(run.closed_by) if run.closed_by_id else "",
                opened=_moment(run.opened_at),
                due=_moment(run.due_at),
                deadline=open_deadline.label if open_deadline else "",
                overdue=bool(open_deadline and open_deadline.overdue),
                closed=_moment(run.closed_at),
                target_label=format_minutes(run.target_minutes, day_minutes),
                actual_label=format_minutes(run.actual_minutes, day_minutes),
                late=late,
                is_open=run.closed_at is None,
                outcome=run.outcome_label if run.outcome else "",
                note=run.note,
                overdue_reason=run.overdue_reason,
                turn=turns.get(run.step_id, "") if run.closed_at is None else "",
            )
        )
    rows = []
    for step in cycle.sop_version.steps.all():
        runs = tuple(runs_by_step.get(step.pk, ()))
        rows.append(
            TimelineRow(
                number=step.number,
                short_name=step.short_name,
                output=step.output,
                actor=roles.get(step.actor_role, step.actor_role),
                duration=step.duration_label,
                runs=runs,
                is_current=any(r.is_open for r in runs),
            )
        )
    return rows


def transition_log(cycle: Cycle) -> list[LogLine]:
    """The cycle's transitions as shown (the cycle as `cycle_page` loads it): each outcome by the
    label its step gives it ("Data belum lengkap", not "tidak_lengkap"), as the timeline shows it."""
    labels = {step.number: step.outcome_labels for step in cycle.sop_version.steps.all()}

    def outcome(t) -> str:
        if not t.outcome:
            return ""
        return labels.get(t.from_step, {}).get(t.outcome) or ENGINE_OUTCOME_LABELS.get(t.outcome, t.outcome)

    return [
        LogLine(_moment(t.at), str(t.actor), t.action, str(t.from_step or "—"), t.to_steps or "—", outcome(t), t.note)
        for t in cycle.transitions.all()
    ]


def total_elapsed(cycle: Cycle, now: datetime.datetime | None = None) -> str:
    calendar = WorkCalendar.cached_for(cycle.organisation_id)
    end = cycle.finished_at or now or timezone.now()
    return format_minutes(calendar.working_minutes_between(cycle.started_at, end), calendar.day_minutes() or 450)


@dataclass
class Waiting:
    step: object
    sections: list
    actor: str = ""  # whose move it is: the step's actor, or for step 1 who holds the letter now
    stage: str = ""  # for step 1: where the letter stands on the disposition chain


def whose_move(cycle: Cycle) -> list[Waiting]:
    """The open steps of a cycle, each with the sections still owing it (for step 2), and for
    step 1 who holds the letter now (one query more, only while step 1 is open)."""
    waiting: dict[int, Waiting] = {}
    for run in cycle.runs.all():
        if run.closed_at is None:
            entry = waiting.setdefault(run.step_id, Waiting(run.step, [], run.step.get_actor_role_display()))
            if run.section_id:
                entry.sections.append(run.section)
            if run.step.kind == SopStep.Kind.DISPOSITION:
                entry.stage, holder = chain_state(cycle.letter_id)
                if holder:
                    entry.actor = Role(holder).label
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
            cycle__letter=OuterRef("letter"), cycle__status=Cycle.Status.RUNNING,
            step__kind=SopStep.Kind.DISPOSITION, closed_at__isnull=True,
        )  # fmt: skip
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


# The section page: what was read from the accepted upload -----------------------------------------


@dataclass
class ReadValue:
    text: str  # the figure as the page shows it
    where: str  # "Data!E7", the cell it was read from ("" when the column was not in the file)
    target: str = ""  # the master target beside it ("" where there is none)


@dataclass
class ReadRow:
    code: str
    name: str
    unit: str
    annual_target: ReadValue  # as written in the file, with the master's annual target beside it
    realisations: list[ReadValue]  # TW I..IV, each with the master's quarter target
    remark: str


def rows_as_read(rows, *, cycle) -> list[ReadRow]:
    """The accepted upload's rows with every figure next to the sheet and cell it came from and
    the master target it will be (or was) measured against, so the staff can check what the
    application read before they hand it in: an approved or filed cycle's as kept then
    (measurement.basis). Three queries."""
    rows = list(rows)
    _filed, kept = basis.kept_master(cycle)
    if kept is not None:
        found = kept.targets.values()
    else:
        found = Target.objects.filter(indicator__in={row.indicator_id for row in rows}, year=cycle.year)
    targets = {(t.indicator_id, t.quarter): t.shown for t in found}

    def value(row, field: str, cell_key: str, quarter) -> ReadValue:
        cell = row.cells.get(cell_key, "")
        return ReadValue(
            display_number(getattr(row, field), "-"),
            f"{row.sheet}!{cell}" if cell else "",
            targets.get((row.indicator_id, quarter), ""),
        )

    return [
        ReadRow(
            code=row.indicator.code,
            name=row.indicator.name,
            unit=row.unit or row.indicator.unit,
            annual_target=value(row, "annual_target", "annual_target", None),
            realisations=[value(row, f"real_q{q}", f"real_q{q}", q) for q in (1, 2, 3, 4)],
            remark=row.remark,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AnalysisRow:
    """One indicator's row of the analysis page, as shown (plain strings: the table is rendered
    once per content, so a change elsewhere in the cycle does not draw it again)."""

    code: str
    is_iku: bool
    summed: bool
    name: str
    unit: str
    target: str
    annual_note: str
    quarters: tuple[tuple[str, str, str], ...]  # (realisation, the quarter's own where it differs, capaian)
    to_date: str
    to_date_note: str
    capaian: str
    capaian_reason: str
    category: str
    spark: str
    trend_quarter: str
    trend_year: str
    flags: str


def analysis_rows(data) -> list[AnalysisRow]:
    """The analysis page's rows from `results.indicator_results`: numbers as the page has always
    shown them (floatformat "-2" for figures, two decimals for capaian), no value as "—"."""
    from django.template.defaultfilters import floatformat

    from . import charts
    from .measurement.results import QUARTERS

    def figure(value) -> str:
        return "—" if value is None else floatformat(value, "-2")

    rows = []
    for r in data:
        quarters = tuple(
            (
                figure(value),
                floatformat(own, "-2") if own is not None else "",
                floatformat(capaian.value, 2) if capaian is not None and capaian.measurable else "",
            )
            for _q, _target, value, capaian, own in r.quarter_rows()
        )
        rows.append(
            AnalysisRow(
                code=r.indicator.code,
                is_iku=r.indicator.is_iku,
                summed=r.summed,
                name=r.indicator.name,
                unit=r.indicator.unit,
                target=r.target_shown,
                annual_note=r.annual_note,
                quarters=quarters,
                to_date=figure(r.year_to_date),
                to_date_note=r.to_date_note,
                capaian=floatformat(r.year_capaian.value, 2) if r.year_capaian.measurable else "",
                capaian_reason=r.year_capaian.reason,
                category=r.category,
                spark=charts.sparkline([r.realisations.get(q) for q in QUARTERS]),
                trend_quarter=r.trend_quarter.label,
                trend_year=r.trend_year.label,
                flags="; ".join(r.flags),
            )
        )
    return rows
