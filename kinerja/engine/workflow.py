"""The SOP engine: the only code that moves a cycle.

Every transition takes the acting user, checks the permission table, locks the cycle row, validates,
changes the step runs, writes the transition log, all in one transaction. The step graph comes
from the SOP version's data (SopStep.next_steps, kind, outcome_flags), never from code here; what
a step of each kind does comes from engine.registry, filled in by the step modules. This module
imports none of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import notices, permissions, wording
from ..models import Cycle, Letter, Organisation, Section, SopStep, SopVersion, StepRun, TransitionLog, User
from ..models.organisation import SECTION_ROLES
from . import registry
from .calendar import WorkCalendar


class WorkflowError(Exception):
    """A refused action. The message is an Indonesian sentence for the user; nothing was changed."""


class NotAllowed(WorkflowError):
    pass


class AlreadyDone(WorkflowError):
    pass


class PeriodTaken(WorkflowError):
    """A cycle for the period is already running: `cycle` is that one (pages link to it)."""

    def __init__(self, cycle: Cycle):
        self.cycle = cycle
        super().__init__(
            f"Sudah ada siklus yang berjalan untuk {cycle.period_label} "
            f"(dimulai {timezone.localtime(cycle.started_at):%d-%m-%Y}); buka siklus itu, atau batalkan dahulu "
            "bila memang harus dimulai ulang."
        )


def _running_for(organisation, year, quarter) -> Cycle | None:
    return Cycle.objects.filter(
        organisation=organisation, year=year, quarter=quarter, status=Cycle.Status.RUNNING
    ).first()


# A wrong section figure found in the analysis or a review goes back to the section: the SOP's
# collection step reopens for the named sections, with the reason, and the SOP runs on from there
# as after an incomplete completeness check. An outcome of the engine, offered at the steps whose
# kind says so (registry.StepHandler.returns_to_sections) whatever the SOP version lists.
RETURN_TO_SECTIONS = "kembali_ke_seksi"


def available_outcomes(run: StepRun) -> list[str]:
    """The outcomes a run may close with: its SOP step's, plus the return to the sections where
    the engine offers it."""
    outcomes = list(run.step.outcomes)
    handler = registry.handler_for(run.step.kind)
    if handler is not None and handler.returns_to_sections:
        outcomes.append(RETURN_TO_SECTIONS)
    return outcomes


def needs_note(step: SopStep, outcome: str) -> bool:
    """An outcome that sends work back needs a written reason (the SOP data flags it)."""
    return outcome == RETURN_TO_SECTIONS or SopStep.Flag.NOTE in step.flags(outcome)


def names_sections(step: SopStep, outcome: str) -> bool:
    """An outcome after which only the sections the user names run the next step again."""
    return outcome == RETURN_TO_SECTIONS or SopStep.Flag.SECTIONS in step.flags(outcome)


def outcome_towards(step: SopStep, kind: str) -> str:
    """The outcome of `step` that leads to the step of `kind` (a review's return to the
    grouping, say), read from the SOP data."""
    numbers = dict(step.version.steps.values_list("number", "kind"))
    for outcome in step.outcomes:
        target = step.next_steps[outcome]
        if target is not None and numbers.get(target) == kind:
            return outcome
    raise WorkflowError(f"Langkah {step.number} tidak punya hasil yang menuju langkah {SopStep.Kind(kind).label}.")


def open_run(cycle: Cycle | int, kinds: str | Iterable[str], section: Section | None = None) -> StepRun | None:
    """The open run of a step of this kind (of these kinds), for a section where given."""
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    runs = StepRun.objects.filter(cycle=cycle, step__kind__in=kinds, closed_at__isnull=True)
    if section is not None:
        runs = runs.filter(section=section)
    return runs.select_related("step", "section").order_by("pk").first()


@dataclass
class Action:
    """One thing a user may do now; the page shows exactly these buttons."""

    code: str  # "complete", "page" (done on the step's own page, at `url`) or "cancel"
    label: str
    url: str = ""
    run: StepRun | None = None
    outcome: str = ""
    needs_note: bool = False
    needs_sections: bool = False
    overdue: bool = False
    style: str = "primary"
    sections: list[Section] = field(default_factory=list)


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def allowed_actions(cycle: Cycle, user: User, at: datetime.datetime | None = None) -> list[Action]:
    """The actions open to this user on this cycle now. Every workflow function checks the same
    rules, so a button shown here is never refused for a reason the page did not tell."""
    now = _now(at)
    day = timezone.localdate(now)
    if cycle.status != Cycle.Status.RUNNING or not user.is_authenticated:
        return []
    actions = []
    open_runs = [r for r in cycle.runs.all() if r.closed_at is None]
    for run in open_runs:
        handler = registry.handler_for(run.step.kind)
        if handler is not None and handler.holders is not None:
            # A step that moves between roles (step 1 down the disposition chain): its page is
            # offered to whoever's move it is now, and to nobody else.
            holder = handler.holders([run]).get(run.pk)
            if holder and permissions.acts_as(user, cycle.organisation_id, holder, day):
                label = (handler.holder_labels or {}).get(holder, handler.label)
                actions.append(Action(code="page", label=label, url=handler.page(run), run=run))
            continue
        if not permissions.can_act_on_run(user, run, day):
            continue
        if handler is not None:
            actions.append(Action(code="page", label=handler.label, url=handler.page(run), run=run))
            continue
        for outcome in run.step.outcomes:
            label = run.step.outcome_labels.get(outcome, "Selesaikan")
            returns = needs_note(run.step, outcome)
            actions.append(
                Action(
                    code="complete",
                    label=label,
                    run=run,
                    outcome=outcome,
                    needs_note=returns,
                    needs_sections=names_sections(run.step, outcome),
                    overdue=now > run.due_at,
                    style="outline-danger" if returns else "primary",
                    sections=list(cycle.sections.all()) if names_sections(run.step, outcome) else [],
                )
            )
    if permissions.can_cancel_cycle(user, cycle, day):
        actions.append(Action(code="cancel", label="Batalkan siklus", needs_note=True, style="outline-secondary"))
    return actions


# Starting ------------------------------------------------------------------------------------


def start_cycle(
    *,
    organisation: Organisation,
    letter: Letter,
    year: int,
    quarter: int | None,
    by: User,
    sections: Iterable[Section] | None = None,
    kinds=None,
    at: datetime.datetime | None = None,
) -> Cycle:
    """Start a cycle for a period on a letter, pinning the SOP version in force on that day, and
    open the SOP's first step. Every section owes `kinds` of data (by default the realisation
    of the Rencana Aksi)."""
    now = _now(at)
    day = timezone.localdate(now)
    if not permissions.can_start_cycle(by, organisation, day):
        raise NotAllowed("Hanya Kasubag Perencanaan dan Pelaporan atau Camat yang dapat memulai siklus.")
    if letter.organisation_id != organisation.pk:
        raise WorkflowError("Surat itu milik organisasi lain.")
    if quarter not in (None, 1, 2, 3, 4):
        raise WorkflowError("Triwulan harus I, II, III atau IV, atau kosong untuk periode tahunan.")
    if not 2000 <= int(year) <= 2100:
        raise WorkflowError("Tahun periode tidak masuk akal; isi tahun empat angka, misalnya 2026.")
    version = SopVersion.objects.in_force_on(organisation, day)
    if version is None:
        raise WorkflowError("Belum ada versi SOP yang berlaku pada tanggal ini. Muat SOP terlebih dahulu.")
    steps = list(version.steps.order_by("order"))
    if not steps:
        raise WorkflowError("Versi SOP ini belum memiliki langkah.")
    first = steps[0]
    # A version loaded from a fixture skipped the model's checks (loaddata saves raw): a kind or an
    # outcome flag the engine cannot read is refused here, before any cycle runs on it.
    for step in steps:
        try:
            step.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems = "; ".join(m for messages in exc.message_dict.values() for m in messages)
            raise WorkflowError(
                f"Langkah {step.number} dari versi SOP {version.number} tidak dapat dijalankan: {problems} "
                "Perbaiki data SOP-nya lalu muat ulang."
            ) from exc
    section_list = (
        list(sections)
        if sections is not None
        else list(Section.objects.filter(organisation=organisation, kind=Section.Kind.SEKSI, active=True))
    )
    if not section_list:
        raise WorkflowError("Pilih setidaknya satu seksi yang menyerahkan data kinerja.")
    if any(s.organisation_id != organisation.pk for s in section_list):
        raise WorkflowError("Seksi yang dipilih harus milik organisasi yang sama.")
    with transaction.atomic():
        if running := _running_for(organisation, year, quarter):
            raise PeriodTaken(running)
        cycle = Cycle(
            organisation=organisation,
            sop_version=version,
            letter=letter,
            year=year,
            quarter=quarter,
            started_by=by,
            started_at=now,
        )
        cycle._history_user = by
        try:
            with transaction.atomic():
                cycle.save()
        except IntegrityError as exc:  # a concurrent start won the race (one_running_cycle_per_period)
            running = _running_for(organisation, year, quarter)
            if running is None:
                raise
            raise PeriodTaken(running) from exc
        cycle.sections.set(section_list)
        for kind in sorted(set(version.steps.values_list("kind", flat=True))):
            handler = registry.handler_for(kind)
            if handler is not None and handler.on_cycle_start is not None:
                handler.on_cycle_start(cycle, by=by, kinds=list(kinds) if kinds else None)
        calendar = WorkCalendar.for_organisation(organisation)
        opened = _open_step(cycle, first, now, calendar, by=by)
        _log(cycle, None, by, now, "mulai", None, opened, "", f"Siklus {cycle.period_label} dimulai.")
    return cycle


# Moving on -----------------------------------------------------------------------------------


def _refuse_close(
    cycle: Cycle,
    run: StepRun,
    by: User,
    *,
    kind: str | None,
    outcome: str | None,
    note: str,
    overdue_reason: str,
    sections: Iterable[Section],
    now: datetime.datetime,
    on_behalf: str,
) -> tuple[str, str, list[Section]]:
    """Every reason close_step refuses before the step records its artefact, as WorkflowError;
    else the outcome, the on-behalf reason kept on the run and the sections named."""
    step = run.step
    handler = registry.handler_for(step.kind)
    day = timezone.localdate(now)
    if cycle.status != Cycle.Status.RUNNING:
        raise WorkflowError(
            f"Siklus ini sudah {cycle.get_status_display().lower()}; tidak ada langkah yang bisa diubah."
        )
    if run.closed_at is not None:
        raise AlreadyDone(
            f"Langkah {step.number} sudah diselesaikan oleh {run.closed_by} pada "
            f"{timezone.localtime(run.closed_at):%d-%m-%Y %H:%M}. Tidak ada yang diubah."
        )
    behalf = ""
    if not permissions.can_act_on_run(by, run, day):
        if run.section_id is None or not permissions.can_act_for_section(by, run.section, day):
            raise NotAllowed(_not_allowed_message(run))
        if not on_behalf:
            raise WorkflowError(
                f"Anda menyerahkan atas nama {run.section}: tuliskan alasannya (mis. berkas dikirim seksi "
                "lewat WhatsApp, staf seksi sedang cuti). Tidak ada yang diubah."
            )
        behalf = on_behalf[:2000]
    if kind != (step.kind if handler is not None else None):
        if handler is not None:
            raise WorkflowError(
                f"Langkah {step.number} ({step.short_name}) diselesaikan di halamannya sendiri: "
                f"{handler.label.lower()}. Tidak ada yang diubah."
            )
        raise WorkflowError(
            f"Langkah {step.number} ({step.short_name}) tidak diselesaikan dari halaman ini. Tidak ada yang diubah."
        )
    outcomes = available_outcomes(run)
    if outcome is None and len(step.outcomes) == 1:
        outcome = step.outcomes[0]
    if outcome not in outcomes:
        raise WorkflowError(
            "Pilih hasil langkah: " + ", ".join(step.outcome_labels.get(o, o) for o in step.outcomes) + "."
        )
    if needs_note(step, outcome) and not note:
        raise WorkflowError("Tuliskan alasan atau catatan revisi agar penerima tahu apa yang harus diperbaiki.")
    if now > run.due_at and not overdue_reason:
        raise WorkflowError("Langkah ini melewati batas waktu. Isi alasan keterlambatan sebelum menyelesaikannya.")
    if now < run.opened_at:
        raise WorkflowError("Waktu penyelesaian tidak boleh sebelum langkah dibuka.")
    section_list = list(sections)
    if names_sections(step, outcome):
        allowed = set(cycle.sections.values_list("pk", flat=True))
        if not section_list:
            raise WorkflowError("Sebutkan seksi yang datanya dikembalikan; hanya seksi itu yang mengulang.")
        if any(s.pk not in allowed for s in section_list):
            raise WorkflowError("Seksi yang dipilih tidak termasuk dalam siklus ini.")
    return outcome, behalf, section_list


def check_close(
    run: StepRun, *, by: User, kind: str | None = None, overdue_reason: str = "", at: datetime.datetime | None = None
) -> None:
    """What close_step would refuse before recording, checked without closing (nothing locked,
    nothing written): a step whose artefact is built by the worker (step 10 with a task queue)
    refuses in the request for the same reasons, with the same sentences, and the worker checks
    them again when it closes."""
    run = StepRun.objects.select_related("step", "section", "closed_by", "cycle__organisation").get(pk=run.pk)
    _refuse_close(
        run.cycle, run, by, kind=kind, outcome=None, note="", overdue_reason=(overdue_reason or "").strip(),
        sections=(), now=_now(at), on_behalf="",
    )  # fmt: skip


def close_step(
    run: StepRun,
    *,
    by: User,
    kind: str | None = None,
    outcome: str | None = None,
    note: str = "",
    overdue_reason: str = "",
    sections: Iterable[Section] = (),
    record: Callable[[StepRun], object] | None = None,
    at: datetime.datetime | None = None,
    on_behalf: str = "",
) -> list[StepRun]:
    """The one way a step closes: lock the cycle, check once that the run is open and the user
    may close it with this outcome, let the step record its artefact (`record(run)`, in the same
    transaction), check the step's required input, close the run and open what the SOP graph
    says comes next.

    `kind` is the step kind of the page calling: a step whose kind has a handler closes only
    through its own page's service (which names its kind); the cycle page's generic button
    (kind None) closes only plain steps. Returns the runs it opened (none while other
    sections' runs of the same step are still open, or when the cycle ends). Raises
    WorkflowError, with nothing changed, on any refusal.

    A section's run may be closed by the Kasubag or the Sekretaris on the section's behalf
    (permissions.can_act_for_section) only with `on_behalf`, the reason, which stays on the run.
    """
    now = _now(at)
    note = (note or "").strip()
    overdue_reason = (overdue_reason or "").strip()
    on_behalf = (on_behalf or "").strip()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=run.cycle_id)
        run = StepRun.objects.select_related("step", "section", "closed_by").get(pk=run.pk)
        run.cycle = cycle
        step = run.step
        handler = registry.handler_for(step.kind)
        outcome, behalf, section_list = _refuse_close(
            cycle, run, by, kind=kind, outcome=outcome, note=note, overdue_reason=overdue_reason,
            sections=sections, now=now, on_behalf=on_behalf,
        )  # fmt: skip
        if record is not None:
            record(run)
        for check in handler.input_checks if handler else ():
            problem = check(run, outcome)
            if problem:
                raise WorkflowError(problem)

        calendar = WorkCalendar.for_organisation(cycle.organisation)
        run.closed_at = now
        run.closed_by = by
        run.outcome = outcome
        run.note = note
        run.overdue_reason = overdue_reason if now > run.due_at else ""
        run.on_behalf_reason = behalf
        run.actual_minutes = calendar.working_minutes_between(run.opened_at, now)
        run._history_user = by
        run.save()

        opened: list[StepRun] = []
        if step.scope == SopStep.Scope.SECTION and cycle.runs.filter(step=step, closed_at__isnull=True).exists():
            pass  # other sections still owe their part of this step
        else:
            next_step = _next_step(cycle, step, outcome)
            if next_step is None:
                cycle.status = Cycle.Status.DONE
                cycle.finished_at = now
                cycle._history_user = by
                cycle.save()
            else:
                opened = _open_step(
                    cycle, next_step, now, calendar, by=by, sections=section_list or None, returned_from=run
                )
        said = note or overdue_reason
        if behalf:
            said = wording.sentences(f"Atas nama {run.section}: {behalf}", said)
        _log(cycle, run, by, now, "selesai", step.number, opened, outcome, said)
    return opened


def _next_step(cycle: Cycle, step: SopStep, outcome: str) -> SopStep | None:
    if outcome == RETURN_TO_SECTIONS:
        collection = cycle.sop_version.steps.filter(kind=SopStep.Kind.COLLECTION).order_by("order").first()
        if collection is None:
            raise WorkflowError("Versi SOP ini tidak punya langkah menghimpun data seksi untuk dikembalikan.")
        return collection
    number = step.next_steps[outcome]
    return None if number is None else cycle.sop_version.steps.get(number=number)


def sent_back(source: StepRun | None, run: StepRun) -> bool:
    """Did `source` (a run's `returned_from`) send the work back to `run`: a step later in the
    SOP opening an earlier one (a review's return, "tidak lengkap", a return to the sections)?"""
    return source is not None and source.step.order > run.step.order


def opened_sentence(opened: Iterable[StepRun]) -> str:
    """What a closing opened, for the page's message: "Langkah 7 (mengelompokkan data) dibuka."
    Empty when it opened nothing."""
    steps = sorted({(r.step.order, r.step.number, r.step.short_name) for r in opened})
    if not steps:
        return ""
    names = ", ".join(f"{number} ({name[:1].lower()}{name[1:]})" for _order, number, name in steps)
    return f"Langkah {names} dibuka."


def not_open_sentence(kind: str) -> str:
    return f"Langkah {SopStep.Kind(kind).label.lower()} tidak sedang terbuka."


def lock_cycle(cycle_id: int) -> Cycle:
    """Take the cycle's row lock for the rest of the transaction (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers). A step page's edits while the step is open (office
    figures, narratives, marks) take it first, so they never cross a closing step."""
    return Cycle.objects.select_for_update(of=("self",)).get(pk=cycle_id)


def editable_run(cycle: Cycle, kinds: str | Iterable[str], by: User, what: str) -> StepRun:
    """Under the cycle's lock (taken here), the open run of a step of these kinds that `by` may
    work on, for an edit made on the step's page before it closes (`what` names the edited data
    in the refusal); refused otherwise."""
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    lock_cycle(cycle.pk)
    run = open_run(cycle, kinds)
    if run is None:
        names = " atau ".join(SopStep.Kind(k).label.lower() for k in kinds)
        raise WorkflowError(f"Langkah {names} tidak sedang terbuka; {what} tidak dapat diubah sekarang.")
    if not permissions.can_act_on_run(by, run):
        raise NotAllowed(_not_allowed_message(run))
    return run


def cancel_cycle(cycle: Cycle, *, by: User, reason: str, at: datetime.datetime | None = None) -> Cycle:
    """The Camat stops a cycle with a reason; open steps are closed as cancelled."""
    now = _now(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if not permissions.can_cancel_cycle(by, cycle, timezone.localdate(now)):
            raise NotAllowed("Hanya Camat yang dapat membatalkan siklus.")
        if cycle.status != Cycle.Status.RUNNING:
            raise AlreadyDone(f"Siklus ini sudah {cycle.get_status_display().lower()}.")
        if not reason:
            raise WorkflowError("Tuliskan alasan pembatalan siklus.")
        calendar = WorkCalendar.for_organisation(cycle.organisation)
        for run in cycle.runs.filter(closed_at__isnull=True):
            run.closed_at = max(now, run.opened_at)
            run.closed_by = by
            run.outcome = "dibatalkan"
            run.note = reason
            run.actual_minutes = calendar.working_minutes_between(run.opened_at, run.closed_at)
            run._history_user = by
            run.save()
        cycle.status = Cycle.Status.CANCELLED
        cycle.finished_at = now
        cycle.cancel_reason = reason
        cycle._history_user = by
        cycle.save()
        _log(cycle, None, by, now, "batal", None, [], "dibatalkan", reason)
    return cycle


def _not_allowed_message(run: StepRun) -> str:
    role = dict(permissions.Role.choices)[run.step.actor_role]
    if run.step.actor_role in SECTION_ROLES:
        return f"Langkah {run.step.number} hanya dapat diselesaikan oleh {role} {run.section}."
    return f"Langkah {run.step.number} hanya dapat diselesaikan oleh {role}."


def _open_step(
    cycle: Cycle,
    step: SopStep,
    now: datetime.datetime,
    calendar: WorkCalendar,
    *,
    by: User,
    sections: list[Section] | None = None,
    returned_from: StepRun | None = None,
) -> list[StepRun]:
    if step.scope == SopStep.Scope.SECTION:
        targets = sections if sections is not None else list(cycle.sections.all())
    else:
        targets = [None]
    minutes = calendar.target_minutes(step.duration_amount, step.duration_unit)
    due = calendar.add_working_minutes(now, minutes)
    opened = []
    for section in targets:
        previous = cycle.runs.filter(step=step, section=section).count()
        run = StepRun(
            cycle=cycle,
            step=step,
            section=section,
            round=previous + 1,
            opened_at=now,
            due_at=due,
            target_minutes=minutes,
            returned_from=returned_from,
        )
        run._history_user = by
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError as exc:
            raise AlreadyDone("Langkah ini sudah dibuka oleh tindakan lain. Muat ulang halaman.") from exc
        opened.append(run)
    notices.step_opened(opened, by=by, at=now)
    return opened


def _log(cycle, run, by, now, action, from_step, opened, outcome, note) -> None:
    to_steps = sorted({r.step.number for r in opened})
    TransitionLog.objects.create(
        cycle=cycle,
        run=run,
        actor=by,
        at=now,
        action=action,
        from_step=from_step,
        to_steps=", ".join(str(n) for n in to_steps),
        outcome=outcome,
        note=note,
    )
