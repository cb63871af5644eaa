"""The SOP engine: the only code that moves a cycle.

Every transition takes the acting user, checks the permission table, locks the cycle row, validates,
changes the step runs, writes the transition log, all in one transaction. The step graph comes
from the SOP version's data (SopStep.next_steps), never from code here.
"""

from __future__ import annotations

import datetime
import logging
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from . import permissions
from .calendar import WorkCalendar
from .models import Cycle, Letter, Organisation, Section, SopStep, SopVersion, StepRun, TransitionLog, User
from .models.organisation import SECTION_ROLES

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A refused action. The message is an Indonesian sentence for the user; nothing was changed."""


class NotAllowed(WorkflowError):
    pass


class AlreadyDone(WorkflowError):
    pass


# Outcomes that send work back and therefore need a written reason.
# The outcome whose next step runs again only for the sections the user names.
SECTIONS_OUTCOME = "tidak_lengkap"
# A wrong section figure found in the analysis (step 6) or a review (steps 8, 9) goes back to the
# section: its step 2 reopens for the named sections, with the reason, and the SOP runs on from
# there as after an incomplete step 5 (2, then 4 and 5 for those sections, then 6 to 9 again).
# An outcome of the engine, offered at these steps whatever the SOP version lists.
RETURN_TO_SECTIONS = "kembali_ke_seksi"
RETURN_TO_SECTIONS_FROM = {6, 8, 9}
RETURN_TO_SECTIONS_STEP = 2
RETURN_OUTCOMES = {"tidak_lengkap", "revisi", "revisi_analisis", RETURN_TO_SECTIONS}


def available_outcomes(run: StepRun) -> list[str]:
    """The outcomes a run may close with: its SOP step's, plus the return to the sections where
    the engine offers it."""
    outcomes = list(run.step.outcomes)
    if run.step.number in RETURN_TO_SECTIONS_FROM:
        outcomes.append(RETURN_TO_SECTIONS)
    return outcomes


# Extra checks of a step's required input, by step number: each returns an Indonesian message
# when the input is missing, or None. Later capabilities (dispositions, submissions, analysis)
# register theirs here so the rule stays in this module.
InputCheck = Callable[[StepRun, str], "str | None"]
INPUT_CHECKS: dict[int, list[InputCheck]] = {}


def input_check(step_number: int):
    def register(func: InputCheck) -> InputCheck:
        INPUT_CHECKS.setdefault(step_number, []).append(func)
        return func

    return register


@input_check(1)
def _letter_recorded(run: StepRun, outcome: str) -> str | None:
    if not run.cycle.letter_id:
        return "Surat permintaan laporan kinerja belum dicatat."
    return None


@input_check(1)
def _disposition_received(run: StepRun, outcome: str) -> str | None:
    from .dispositions import chain_input_check

    return chain_input_check(run, outcome)


# Steps closed by an action on another page rather than a button on the cycle page: the cycle
# page links there instead (step 1 closes when the Kasubag receives the disposition).
CLOSED_ELSEWHERE = {
    1: "letter",
    2: "section_data",
    4: "receipt",
    5: "completeness",
    6: "analysis",
    7: "grouping",
    8: "review",
    9: "review",
    10: "filing",
}
CLOSED_ELSEWHERE_LABELS = {
    "letter": "Buka surat dan terima disposisi",
    "section_data": "Buka halaman data seksi",
    "receipt": "Buka ceklist penerimaan data",
    "completeness": "Buka pemeriksaan kelengkapan data",
    "analysis": "Buka analisis data kinerja",
    "grouping": "Buka pengelompokan data",
    "review": "Buka pemeriksaan hasil",
    "filing": "Buka data base kinerja",
}


@dataclass
class Action:
    """One thing a user may do now; the page shows exactly these buttons."""

    code: str  # "complete" or "cancel"
    label: str
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
        if not permissions.can_act_on_run(user, run, day):
            continue
        if run.step.number in CLOSED_ELSEWHERE:
            where = CLOSED_ELSEWHERE[run.step.number]
            actions.append(Action(code=where, label=CLOSED_ELSEWHERE_LABELS[where], run=run))
            continue
        for outcome in run.step.outcomes:
            label = run.step.outcome_labels.get(outcome, "Selesaikan")
            actions.append(
                Action(
                    code="complete",
                    label=label,
                    run=run,
                    outcome=outcome,
                    needs_note=outcome in RETURN_OUTCOMES,
                    needs_sections=outcome == SECTIONS_OUTCOME,
                    overdue=now > run.due_at,
                    style="outline-danger" if outcome in RETURN_OUTCOMES else "primary",
                    sections=list(cycle.sections.all()) if outcome == SECTIONS_OUTCOME else [],
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
    permissions.forget_positions(by)
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
    first = version.steps.order_by("order").first()
    if first is None:
        raise WorkflowError("Versi SOP ini belum memiliki langkah.")
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
        if Cycle.objects.filter(
            organisation=organisation, year=year, quarter=quarter, status=Cycle.Status.RUNNING
        ).exists():
            raise WorkflowError("Sudah ada siklus yang berjalan untuk periode ini.")
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
        cycle.save()
        cycle.sections.set(section_list)
        from .submissions import ensure_obligations

        ensure_obligations(cycle, list(kinds) if kinds else None, by=by)
        calendar = WorkCalendar.for_organisation(organisation)
        opened = _open_step(cycle, first, now, calendar, by=by)
        _log(cycle, None, by, now, "mulai", None, opened, "", f"Siklus {cycle.period_label} dimulai.")
    return cycle


# Moving on -----------------------------------------------------------------------------------


def complete_step(
    run: StepRun,
    *,
    by: User,
    outcome: str | None = None,
    note: str = "",
    overdue_reason: str = "",
    sections: Iterable[Section] = (),
    at: datetime.datetime | None = None,
) -> list[StepRun]:
    """Close a step run with an outcome and open what the SOP graph says comes next.

    Returns the runs it opened (none while other sections' runs of the same step are still open,
    or when the cycle ends). Raises WorkflowError, with nothing changed, when the user may not act,
    the step is already closed or not open, the outcome is unknown, a return has no reason, or an
    overdue step has no reason for the delay.
    """
    now = _now(at)
    day = timezone.localdate(now)
    note = (note or "").strip()
    overdue_reason = (overdue_reason or "").strip()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=run.cycle_id)
        run = StepRun.objects.select_related("step", "section", "closed_by").get(pk=run.pk)
        run.cycle = cycle
        if cycle.status != Cycle.Status.RUNNING:
            raise WorkflowError(
                f"Siklus ini sudah {cycle.get_status_display().lower()}; tidak ada langkah yang bisa diubah."
            )
        if run.closed_at is not None:
            raise AlreadyDone(
                f"Langkah {run.step.number} sudah diselesaikan oleh {run.closed_by} pada "
                f"{timezone.localtime(run.closed_at):%d-%m-%Y %H:%M}. Tidak ada yang diubah."
            )
        permissions.forget_positions(by)
        if not permissions.can_act_on_run(by, run, day):
            raise NotAllowed(_not_allowed_message(run))
        outcomes = available_outcomes(run)
        if outcome is None and len(run.step.outcomes) == 1:
            outcome = run.step.outcomes[0]
        if outcome not in outcomes:
            raise WorkflowError(
                "Pilih hasil langkah: " + ", ".join(run.step.outcome_labels.get(o, o) for o in run.step.outcomes) + "."
            )
        if outcome in RETURN_OUTCOMES and not note:
            raise WorkflowError("Tuliskan alasan atau catatan revisi agar penerima tahu apa yang harus diperbaiki.")
        if now > run.due_at and not overdue_reason:
            raise WorkflowError("Langkah ini melewati batas waktu. Isi alasan keterlambatan sebelum menyelesaikannya.")
        if now < run.opened_at:
            raise WorkflowError("Waktu penyelesaian tidak boleh sebelum langkah dibuka.")
        section_list = list(sections)
        if outcome in (SECTIONS_OUTCOME, RETURN_TO_SECTIONS):
            allowed = set(cycle.sections.values_list("pk", flat=True))
            if not section_list:
                raise WorkflowError("Sebutkan seksi yang datanya dikembalikan; hanya seksi itu yang mengulang.")
            if any(s.pk not in allowed for s in section_list):
                raise WorkflowError("Seksi yang dipilih tidak termasuk dalam siklus ini.")
        for check in INPUT_CHECKS.get(run.step.number, []):
            problem = check(run, outcome)
            if problem:
                raise WorkflowError(problem)

        calendar = WorkCalendar.for_organisation(cycle.organisation)
        run.closed_at = now
        run.closed_by = by
        run.outcome = outcome
        run.note = note
        run.overdue_reason = overdue_reason if now > run.due_at else ""
        run.actual_minutes = calendar.working_minutes_between(run.opened_at, now)
        run._history_user = by
        run.save()

        next_number = RETURN_TO_SECTIONS_STEP if outcome == RETURN_TO_SECTIONS else run.step.next_steps[outcome]
        opened: list[StepRun] = []
        if (
            run.step.scope == SopStep.Scope.SECTION
            and cycle.runs.filter(step=run.step, closed_at__isnull=True).exists()
        ):
            pass  # other sections still owe their part of this step
        elif next_number is None:
            cycle.status = Cycle.Status.DONE
            cycle.finished_at = now
            cycle._history_user = by
            cycle.save()
        else:
            next_step = cycle.sop_version.steps.get(number=next_number)
            opened = _open_step(
                cycle, next_step, now, calendar, by=by, sections=section_list or None, returned_from=run
            )
        _log(cycle, run, by, now, "selesai", run.step.number, opened, outcome, note or overdue_reason)
    return opened


def lock_cycle(cycle_id: int) -> Cycle:
    """Take the cycle's row lock for the rest of the transaction (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers). Step pages that record an artefact before closing
    their step take it first, so two requests can never both record one."""
    return Cycle.objects.select_for_update(of=("self",)).get(pk=cycle_id)


def expect_step(run: StepRun, numbers: int | Iterable[int], what: str) -> None:
    """Refuse a step's own action (its page's button) when given a run of another step: the
    action belongs to its step, whatever run a caller hands it."""
    numbers = (numbers,) if isinstance(numbers, int) else tuple(numbers)
    if run.step.number not in numbers:
        steps = " atau ".join(str(n) for n in numbers)
        raise WorkflowError(
            f"{what} adalah langkah {steps}; langkah yang diberikan adalah langkah {run.step.number}. "
            "Tidak ada yang diubah."
        )


def check_can_act(run: StepRun, user: User, at: datetime.datetime | None = None) -> None:
    """Refuse early, before a step's page records anything, when the user may not close the run
    or it is no longer open. complete_step checks again under the lock."""
    permissions.forget_positions(user)
    if not permissions.can_act_on_run(user, run, timezone.localdate(_now(at))):
        raise NotAllowed(_not_allowed_message(run))
    if StepRun.objects.filter(pk=run.pk, closed_at__isnull=False).exists():
        raise AlreadyDone(f"Langkah {run.step.number} sudah diselesaikan. Tidak ada yang diubah.")


def cancel_cycle(cycle: Cycle, *, by: User, reason: str, at: datetime.datetime | None = None) -> Cycle:
    """The Camat stops a cycle with a reason; open steps are closed as cancelled."""
    now = _now(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        permissions.forget_positions(by)
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


# Overdue -------------------------------------------------------------------------------------


def notify_overdue(now: datetime.datetime | None = None) -> list[StepRun]:
    """Mark every open, overdue run of a running cycle and e-mail its assignees and their
    superior, once per run: a second call sends nothing for the same run. A message that cannot
    be sent leaves its run unmarked (logged; the next call tries it again) and never stops the
    others."""
    from django.conf import settings

    now = _now(now)
    marked = []
    candidates = StepRun.objects.filter(
        closed_at__isnull=True, overdue_notified_at__isnull=True, due_at__lt=now, cycle__status=Cycle.Status.RUNNING
    ).select_related("cycle__organisation", "step", "section")
    for candidate in candidates:
        try:
            with transaction.atomic():
                run = (
                    StepRun.objects.select_for_update(of=("self",))
                    .select_related("step", "section", "cycle__organisation")
                    .get(pk=candidate.pk)
                )
                if run.overdue_notified_at is not None or run.closed_at is not None:
                    continue
                organisation = run.cycle.organisation
                assignees = permissions.holders(organisation, run.step.actor_role, run.section)
                bosses = permissions.superiors(organisation, run.step.actor_role, run.section)
                recipients = sorted({u.email for u in [*assignees, *bosses] if u.email})
                run.overdue_notified_at = now
                run.save(update_fields=["overdue_notified_at"])
                if recipients:  # a failure here undoes the mark above
                    local_due = timezone.localtime(run.due_at)
                    where = f" ({one_line(str(run.section))})" if run.section_id else ""
                    step_name = one_line(run.step.short_name)
                    send_mail(
                        subject=f"[Kinerja] Terlambat: langkah {run.step.number} {step_name}{where}",
                        message=(
                            f'Langkah {run.step.number} "{step_name}"{where} pada siklus '
                            f"{run.cycle.period_label} melewati batas waktu {local_due:%d-%m-%Y %H:%M}.\n"
                            f"Mohon segera diselesaikan dan isi alasan keterlambatan.\n\n"
                            f"{settings.SITE_URL}/siklus/{run.cycle_id}/"
                        ),
                        from_email=None,
                        recipient_list=recipients,
                    )
        except Exception:  # an SMTP failure, a refused header: this run waits for the next call
            logger.exception(
                "Pemberitahuan keterlambatan langkah %s (siklus %s) gagal dikirim; dicoba lagi pada jalan berikutnya.",
                candidate.step.number,
                candidate.cycle_id,
            )
            continue
        marked.append(run)
    return marked


def one_line(text: str) -> str:
    """Text for a mail header: line breaks and runs of white space folded into one space."""
    return " ".join(str(text).split())


# Statistics ----------------------------------------------------------------------------------


@dataclass
class StepStatistics:
    number: int
    name: str
    target_minutes: int
    count: int
    median_minutes: float | None
    worst_minutes: int | None
    late_count: int

    @property
    def median_ratio(self) -> float | None:
        if self.median_minutes is None or not self.target_minutes:
            return None
        return self.median_minutes / self.target_minutes


def step_statistics(organisation: Organisation) -> list[StepStatistics]:
    """Per SOP step, across all cycles of an organisation: how long its closed runs took in
    working minutes (median and worst) against the target, and how many closed late."""
    runs = (
        StepRun.objects.filter(cycle__organisation=organisation, closed_at__isnull=False, actual_minutes__isnull=False)
        .exclude(outcome="dibatalkan")
        .annotate(late=GreaterThan(F("closed_at"), F("due_at")))
        .values_list("step__number", "step__short_name", "target_minutes", "actual_minutes", "late")
    )
    grouped: dict[int, list] = {}
    for number, name, target, actual, late in runs:
        grouped.setdefault(number, []).append((name, target, actual, bool(late)))
    result = []
    for number in sorted(grouped):
        rows = grouped[number]
        actuals = [r[2] for r in rows]
        result.append(
            StepStatistics(
                number=number,
                name=rows[-1][0],
                target_minutes=rows[-1][1],
                count=len(rows),
                median_minutes=statistics.median(actuals),
                worst_minutes=max(actuals),
                late_count=sum(1 for r in rows if r[3]),
            )
        )
    return result
