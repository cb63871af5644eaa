"""A revised SOP runs unchanged: its steps renumbered, a plain step inserted, outcomes renamed.
The engine and every step page find a step by its kind and an outcome by its flags, never by
the printed number or the outcome's name; the whole cycle walks through to the archive."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kinerja.engine import workflow
from kinerja.models import Cycle, PerformanceRecord, SopStep, SopVersion, TransitionLog
from kinerja.steps import review

from .conftest import MONDAY, Kind, check_completeness, close_run, open_runs, review_round, start

# The printed SOP's numbers → the revision's; a plain step 7 is inserted before the reviews.
RENUMBER = {1: 1, 2: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 8, 9: 9, 10: 10}
RENAME = {"tidak_lengkap": "belum_lengkap", "disetujui": "setuju", "revisi": "perbaiki_kelompok"}


def revise(cast) -> SopVersion:
    old = SopVersion.objects.get(organisation=cast.org)
    new = SopVersion.objects.create(
        organisation=cast.org, number="050/revisi-1", year=2026, name=old.name, unit=old.unit,
        created_date=datetime.date(2026, 10, 1), effective_date=datetime.date(2026, 10, 1),
        performers=old.performers,
    )  # fmt: skip
    for step in old.steps.order_by("order"):
        next_steps = {RENAME.get(o, o): (RENUMBER[n] if n else None) for o, n in step.next_steps.items()}
        if step.kind == Kind.GROUPING:
            next_steps = {"selesai": 7}  # through the inserted coordination meeting
        SopStep.objects.create(
            version=new, number=RENUMBER[step.number], order=RENUMBER[step.number], activity=step.activity,
            short_name=step.short_name, symbols=step.symbols, kind=step.kind, actor_role=step.actor_role,
            scope=step.scope, required_input=step.required_input, duration_amount=step.duration_amount,
            duration_unit=step.duration_unit, output=step.output, next_steps=next_steps,
            outcome_labels={RENAME.get(o, o): label for o, label in step.outcome_labels.items()},
            outcome_flags={RENAME.get(o, o): flags for o, flags in step.outcome_flags.items()},
        )  # fmt: skip
    SopStep.objects.create(
        version=new, number=7, order=7, activity="Rapat koordinasi hasil pengolahan", short_name="Rapat koordinasi",
        symbols={"kasubag": "process"}, kind=Kind.PLAIN, actor_role="kasubag", required_input="laporan",
        duration_amount=1, duration_unit="day", output="Notulen", next_steps={"selesai": 8},
        outcome_labels={"selesai": "Rapat selesai"},
    )  # fmt: skip
    for step in new.steps.all():
        step.full_clean()
    return new


def only_open(cycle):
    (run,) = open_runs(cycle)
    return run


def close_until(cast, cycle, number, when=MONDAY):
    for _ in range(50):
        runs = open_runs(cycle)
        if any(r.step.number == number for r in runs):
            return
        for run in runs:
            close_run(cast, run, when=when)
    raise AssertionError(f"step {number} never opened")


def test_a_revised_sop_with_renumbered_steps_and_renamed_outcomes_runs_a_whole_cycle(client, klego_data):
    cast = klego_data
    version = revise(cast)
    cycle = start(cast)
    assert cycle.sop_version == version

    # Completeness is step 4 now; its "belum_lengkap" (flagged: note, sections) sends pem back.
    close_until(cast, cycle, 4)
    check = only_open(cycle)
    assert check.step.kind == Kind.COMPLETENESS
    opened = check_completeness(cast, check, incomplete=("pem",))
    assert [(r.step.number, r.section.code) for r in opened] == [(2, "pem")]
    assert check.__class__.objects.get(pk=check.pk).outcome == "belum_lengkap"
    close_until(cast, cycle, 4)
    again = only_open(cycle)
    assert (again.step.number, again.round) == (4, 2)

    # The inserted plain step has no page of its own: the cycle page's button closes it.
    close_until(cast, cycle, 7)
    meeting = only_open(cycle)
    client.force_login(cast.kasubag)
    actions = workflow.allowed_actions(cycle, cast.kasubag, at=MONDAY)
    assert [(a.code, a.outcome) for a in actions if a.run] == [("complete", "selesai")]
    response = client.post(
        reverse("kinerja:cycle_act", args=[cycle.pk]),
        {"run": meeting.pk, "outcome": "selesai", "overdue_reason": "Rapat mundur"},
        follow=True,
    )
    assert "Langkah 7 selesai. Langkah 8 (pemeriksaan Sekretaris) dibuka." in response.content.decode()

    # The Sekretaris returns it to the grouping (renamed "perbaiki_kelompok", now step 6).
    later = timezone.now()  # the button closed step 7 now; what follows comes after
    sekretaris = only_open(cycle)
    opened = review_round(cast, sekretaris, "perbaiki_kelompok", when=later)
    assert [(r.step.number, r.step.kind, r.round) for r in opened] == [(6, Kind.GROUPING, 2)]
    assert review.last_return(cycle).pk == sekretaris.pk

    # Forward to the end: "setuju" is each review's forward outcome, then the filing.
    close_until(cast, cycle, 10, when=later)
    close_run(cast, only_open(cycle), when=later)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DONE
    steps = list(TransitionLog.objects.filter(cycle=cycle, action="selesai").values_list("from_step", "outcome"))
    assert steps[-4:] == [(7, "selesai"), (8, "setuju"), (9, "setuju"), (10, "selesai")]
    assert (4, "belum_lengkap") in steps and (8, "perbaiki_kelompok") in steps
    assert review.approved_document(cycle).run.step.number == 9
    assert PerformanceRecord.objects.filter(cycle=cycle).count() == 14


def test_a_step_without_exactly_one_forward_outcome_is_refused_when_loaded(klego):
    step = SopStep.objects.get(version__organisation=klego.org, number=8)
    step.outcome_flags = {}
    with pytest.raises(ValidationError, match="tepat satu hasil"):
        step.full_clean()
    step.outcome_flags = {"disetujui": ["note"], "revisi": ["note"], "revisi_analisis": ["bogus"]}
    with pytest.raises(ValidationError, match="note, sections"):
        step.full_clean()


def test_a_cycle_does_not_start_on_a_version_whose_steps_the_engine_cannot_read(klego):
    """loaddata saves raw: a fixture with an unknown kind or without a forward outcome loads, and the
    start of a cycle refuses it with the step and the reason."""
    from kinerja.engine import workflow

    version = revise(klego)
    SopStep.objects.filter(version=version, number=8).update(outcome_flags={}, kind="pemeriksaan")
    with pytest.raises(workflow.WorkflowError) as refused:
        start(klego)
    assert "Langkah 8 dari versi SOP 050/revisi-1 tidak dapat dijalankan" in str(refused.value)
    assert "tepat satu hasil" in str(refused.value) and "bukan pilihan yang valid" in str(refused.value).lower()
