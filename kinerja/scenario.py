"""One way to take a cycle forward as the office would: each open step closed by the person who
holds its role, through the step's own page service, with the sections' data uploaded as real
workbooks. The demo data, the tests and the benchmarks all use it, so none of them can reach a
state the application itself could not.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from . import permissions
from .engine import workflow
from .measurement import results
from .models import Cycle, DataKind, Disposition, GroupingReport, Role, Section, SopStep, StepRun, User
from .spreadsheets.templates import filled_in
from .steps import analysis_steps, completeness, dispositions, filing, review, submissions

Kind = SopStep.Kind
# What a hook gets to decide the time of an action, from the run it closes.
When = Callable[[StepRun], datetime.datetime]


class ScenarioError(Exception):
    """The cycle could not be taken where asked (the message says where it stopped and why)."""


def holder(organisation, role: str, section: Section | None = None, on=None) -> User:
    """The user who holds a role (in a section) on a day: the one who acts in the scenario."""
    users = sorted(permissions.holders(organisation, role, section, on), key=lambda user: user.pk)
    if not users:
        where = f" {section}" if section else ""
        raise ScenarioError(f"Tidak ada pemegang jabatan {role}{where} di {organisation}.")
    return users[0]


def actor(run: StepRun, on=None) -> User:
    return holder(run.cycle.organisation, run.step.actor_role, run.section, on)


def default_workbook(cycle: Cycle, section: Section, kind: DataKind) -> bytes:
    """The section's own template with every figure filled in: the master quarter target as the
    realisation (1 where there is none)."""
    return filled_in(submissions.template_for(cycle, section, kind), kind)


def take_cycle_to(
    cycle: Cycle,
    until: str | int | None = None,
    *,
    at: When | None = None,
    workbook: Callable[[Cycle, Section, DataKind], bytes] = default_workbook,
    on_collection: Callable[[StepRun, User], None] | None = None,
    outcomes: dict | None = None,
    overdue_reason: str = "Dikerjakan sesuai jadwal kantor.",
) -> Cycle:
    """Close open runs in the SOP's order until a step of kind (or printed number) `until` is
    open, or the cycle ends (`until` None).

    `at(run)` gives the time of each action (now, by default); `workbook` the file each section
    uploads; `on_collection(run, staff)` runs before a section hands in (evidence, say);
    `outcomes` maps a step kind or number to the outcome chosen there (a review's return, say:
    used once, then the forward outcome again)."""
    outcomes = dict(outcomes or {})
    for _ in range(200):
        runs = list(
            StepRun.objects.filter(cycle=cycle, closed_at__isnull=True)
            .select_related("step", "section", "cycle__organisation", "cycle__letter")
            .order_by("pk")
        )
        if not runs:
            cycle.refresh_from_db()
            if until is None:
                return cycle
            raise ScenarioError(f"Siklus {cycle.period_label} sudah {cycle.get_status_display().lower()}.")
        if until is not None and any(until in (r.step.kind, r.step.number) for r in runs):
            return cycle
        for run in runs:
            chosen = outcomes.pop(run.step.kind, None) or outcomes.pop(run.step.number, None)
            close(run, at=(at(run) if at else timezone.now()), outcome=chosen, workbook=workbook,
                  on_collection=on_collection, overdue_reason=overdue_reason)  # fmt: skip
    raise ScenarioError(f"Siklus {cycle.period_label} tidak sampai ke langkah {until}.")


def close(run: StepRun, *, at: datetime.datetime, outcome=None, workbook=default_workbook, on_collection=None,
          overdue_reason: str = "") -> list[StepRun]:  # fmt: skip
    """Close one open run through its step's own page service, as its rightful holder."""
    cycle, kind, day = run.cycle, run.step.kind, timezone.localdate(at)
    reason = overdue_reason if at > run.due_at else ""
    if kind == Kind.DISPOSITION:
        dispose_down_the_chain(cycle.letter, at=at, overdue_reason=reason)
        return []
    by = actor(run, day)
    if kind == Kind.COLLECTION:
        # Data sent back is corrected: every kind is uploaded again (a hand-in after a return
        # needs something new, submissions.hand_in).
        upload_section_data(cycle, run.section, at=at, workbook=workbook, again=submissions.returned(run))
        if on_collection:
            on_collection(run, by)
        return submissions.hand_in(run, by=by, overdue_reason=reason, at=at)
    if kind == Kind.RECEIPT:
        return submissions.confirm_receipt(run, by=by, overdue_reason=reason, at=at)
    if kind == Kind.COMPLETENESS:
        sent_back = set(outcome or ())  # the codes of the sections found incomplete
        verdicts = {
            s.pk: completeness.Verdict(
                complete=s.code not in sent_back, reasons="Data belum lengkap" if s.code in sent_back else ""
            )
            for s in completeness.sections_to_check(run)
        }
        return completeness.record(run, by=by, verdicts=verdicts, overdue_reason=reason, at=at)
    if kind == Kind.ANALYSIS:
        for difference in results.differences(cycle):
            if not difference.resolved:
                analysis_steps.explain(cycle=cycle, key=difference.key, text="Angka seksi yang dipakai.", by=by)
        return analysis_steps.finish_analysis(run, by=by, overdue_reason=reason, at=at)
    if kind == Kind.GROUPING:
        groupings = [code for code, _label in GroupingReport.GROUPINGS]
        analysis_steps.make_grouping(run, by=by, groupings=groupings, at=at)
        return analysis_steps.finish_grouping(run, by=by, overdue_reason=reason, at=at)
    if kind == Kind.REVIEW:
        outcome = outcome or run.step.forward_outcome
        notes = [review.NoteInput(text="Perbaiki sesuai catatan.")] if workflow.needs_note(run.step, outcome) else []
        return review.review(run, by=by, outcome=outcome, notes=notes, overdue_reason=reason, at=at)
    if kind == Kind.FILING:
        filing.file_database(run, by=by, overdue_reason=reason, at=at)
        return []
    outcome = outcome or run.step.forward_outcome
    note = "Dikembalikan." if workflow.needs_note(run.step, outcome) else ""
    return workflow.close_step(run, by=by, outcome=outcome, note=note, overdue_reason=reason, at=at)


def upload_section_data(cycle: Cycle, section: Section, *, at=None, workbook=default_workbook, again=False) -> None:
    """Every kind of data the section still owes (`again`: every kind it owes), uploaded by its
    staff as a real workbook and read by the importer; refused uploads stop the scenario with the
    importer's problems."""
    at = at or timezone.now()
    staff = holder(cycle.organisation, Role.STAF, section, timezone.localdate(at))
    for data_kind in submissions.owed(cycle, section) if again else submissions.missing_kinds(cycle, section):
        outcome = submissions.submit(
            cycle=cycle, section=section, kind=data_kind, data=workbook(cycle, section, data_kind),
            filename=f"{section.code}-{data_kind.code}.xlsx", by=staff, at=at,
        )  # fmt: skip
        if outcome.submission.status != outcome.submission.Status.ACCEPTED:
            raise ScenarioError(f"Unggahan {section} ditolak: {outcome.submission.problems}")


def dispose_down_the_chain(letter, *, at=None, overdue_reason: str = ""):
    """The disposition step as the SOP has it: the Camat disposes to the Sekretaris, who reads
    and receives it and passes it on to the Kasubag, who receives it (closing the step of the
    letter's cycle). Picks up where an earlier, interrupted chain stopped. Returns the
    Kasubag's disposition."""
    at = at or timezone.now()
    organisation, day = letter.organisation, timezone.localdate(at)
    kepala, sekretaris = holder(organisation, Role.KEPALA, on=day), holder(organisation, Role.SEKRETARIS, on=day)
    kasubag = holder(organisation, Role.KASUBAG, on=day)
    live = Disposition.objects.filter(letter=letter, withdrawn_at=None)
    first = live.filter(parent=None, recipient=sekretaris).first()
    if first is None:
        dispositions.mark_read(letter, by=kepala, at=at)
        (first,) = dispositions.dispose(
            letter, by=kepala, recipients=[sekretaris], instructions=["Tindak lanjuti"], at=at
        )
    if first.acknowledged_at is None:
        dispositions.mark_read(letter, by=sekretaris, at=at)
        dispositions.acknowledge(first, by=sekretaris, at=at)
        first.refresh_from_db()
    second = live.filter(parent=first, recipient=kasubag).first()
    if second is None:
        (second,) = dispositions.dispose(
            letter, by=sekretaris, recipients=[kasubag], instructions=["Siapkan bahan"],
            note="Himpun data kinerja seksi.", parent=first, at=at,
        )  # fmt: skip
    dispositions.mark_read(letter, by=kasubag, at=at)
    dispositions.acknowledge(second, by=kasubag, at=at, overdue_reason=overdue_reason)
    return second
