"""The SOP's order: the graph from the fixture, the branches at steps 5, 8 and 9, and refusal of
every out-of-order action with nothing changed."""

import pytest

from kinerja.engine import workflow
from kinerja.models import Cycle, SopVersion, StepRun, TransitionLog
from kinerja.steps import analysis_steps, completeness, filing, submissions
from kinerja.steps import review as reviews

from .conftest import (
    MONDAY,
    Kind,
    accept_data,
    actor_for,
    advance,
    at,
    check_completeness,
    close_run,
    close_via_page,
    open_runs,
    review_round,
    start,
)

SEKSI = ["pem", "trantib", "pmd", "kesos", "pelum"]


def snapshot(cycle):
    return (
        list(StepRun.objects.filter(cycle=cycle).order_by("pk").values_list("pk", "closed_at", "outcome")),
        TransitionLog.objects.filter(cycle=cycle).count(),
        Cycle.objects.get(pk=cycle.pk).status,
    )


def test_start_pins_the_sop_version_and_opens_step_1_with_its_due_time(klego):
    cycle = start(klego)
    assert cycle.sop_version == SopVersion.objects.get()
    (run,) = open_runs(cycle)
    assert run.step.number == 1
    assert run.due_at == at("2026-11-02", "08:30")
    assert run.target_minutes == 30
    log = TransitionLog.objects.get(cycle=cycle)
    assert (log.action, log.to_steps, log.actor) == ("mulai", "1", klego.kasubag)


def test_step_1_opens_one_step_2_run_per_section(klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    runs = open_runs(cycle)
    assert sorted(r.section.code for r in runs) == sorted(SEKSI)
    assert {r.step.number for r in runs} == {2}
    assert all(r.due_at == at("2026-11-03", "08:00") for r in runs)  # 1 hari = 450 working minutes


def test_step_4_opens_only_when_every_section_has_submitted(klego):
    cycle = start(klego)
    advance(klego, cycle, 2)
    runs = open_runs(cycle)
    for run in runs:
        accept_data(cycle, run.section)
    for run in runs[:-1]:
        assert submissions.hand_in(run, by=actor_for(klego, run), at=MONDAY) == []
    opened = submissions.hand_in(runs[-1], by=actor_for(klego, runs[-1]), at=MONDAY)
    assert [r.step.number for r in opened] == [4]


def test_incomplete_check_sends_only_the_named_sections_back_to_step_2(klego):
    cycle = start(klego)
    advance(klego, cycle, 5)
    (check,) = open_runs(cycle)
    opened = check_completeness(klego, check, incomplete=("pem", "kesos"))
    assert sorted(r.section.code for r in opened) == ["kesos", "pem"]
    assert all(r.round == 2 and r.returned_from_id == check.pk for r in opened)
    assert "Seksi Pemerintahan: Realisasi belum diisi" in TransitionLog.objects.filter(run=check).get().note
    for run in opened:
        accept_data(cycle, run.section)
        submissions.hand_in(run, by=actor_for(klego, run), at=MONDAY)
    (receive,) = open_runs(cycle)
    assert (receive.step.number, receive.round) == (4, 2)
    submissions.confirm_receipt(receive, by=klego.kasubag, at=MONDAY)
    (second_check,) = open_runs(cycle)
    assert (second_check.step.number, second_check.round) == (5, 2)
    # The second round checks only the sections that were sent back.
    assert sorted(s.code for s in completeness.sections_to_check(second_check)) == ["kesos", "pem"]
    # Both rounds of step 5 are kept.
    assert list(cycle.runs.filter(step__number=5).values_list("round", "outcome")) == [(1, "tidak_lengkap"), (2, "")]


def test_incomplete_check_without_named_sections_is_refused(klego):
    cycle = start(klego)
    advance(klego, cycle, 5)
    (check,) = open_runs(cycle)
    before = snapshot(cycle)
    with pytest.raises(workflow.WorkflowError, match="Sebutkan seksi"):
        workflow.close_step(
            check, by=klego.kasubag, kind=Kind.COMPLETENESS, outcome="tidak_lengkap", note="kurang", at=MONDAY
        )
    assert snapshot(cycle) == before


@pytest.mark.parametrize(
    "reviewer_step,outcome,back_to",
    [(8, "revisi", 7), (8, "revisi_analisis", 6), (9, "revisi", 7), (9, "revisi_analisis", 6)],
)
def test_a_review_with_revision_notes_sends_the_work_back_then_through_review_again(
    klego, reviewer_step, outcome, back_to
):
    cycle = start(klego)
    advance(klego, cycle, reviewer_step)
    (review,) = open_runs(cycle)
    opened = review_round(klego, review, outcome, note="Capaian IKU 2 salah hitung")
    assert [r.step.number for r in opened] == [back_to]
    assert opened[0].round == 2
    advance(klego, cycle, 8)
    (again,) = open_runs(cycle)
    assert again.step.number == 8 and again.round == 2


def test_a_return_without_a_note_is_refused_and_changes_nothing(klego):
    cycle = start(klego)
    advance(klego, cycle, 8)
    (review,) = open_runs(cycle)
    before = snapshot(cycle)
    with pytest.raises(workflow.WorkflowError, match="catatan revisi"):
        reviews.review(review, by=klego.sekcam, outcome="revisi", notes=[reviews.NoteInput(text="  ")], at=MONDAY)
    assert snapshot(cycle) == before


def test_approval_at_step_10_completes_the_cycle_with_every_step_closed(klego):
    cycle = start(klego)
    advance(klego, cycle, 10)
    (last,) = open_runs(cycle)
    filing.file_database(last, by=klego.kasubag, at=MONDAY)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DONE
    closed_steps = set(cycle.runs.filter(closed_at__isnull=False).values_list("step__number", flat=True))
    assert closed_steps == {1, 2, 4, 5, 6, 7, 8, 9, 10}


@pytest.mark.parametrize("reached", [2, 4, 5, 6, 7, 8, 9, 10])
def test_every_closed_step_is_refused_again_and_nothing_changes(klego, reached):
    cycle = start(klego)
    advance(klego, cycle, reached)
    before = snapshot(cycle)
    for run in cycle.runs.filter(closed_at__isnull=False).select_related("step", "section"):
        with pytest.raises(workflow.AlreadyDone, match="sudah diselesaikan"):
            close_via_page(run, by=actor_for(klego, run), overdue_reason="x")
    assert snapshot(cycle) == before


def test_an_unknown_outcome_is_refused(klego):
    cycle = start(klego)
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.WorkflowError, match="Pilih hasil"):
        workflow.close_step(run, by=klego.kasubag, kind=Kind.DISPOSITION, outcome="lompat_ke_10", at=MONDAY)


def test_nothing_moves_on_a_cancelled_cycle(klego):
    cycle = start(klego)
    (run,) = open_runs(cycle)
    workflow.cancel_cycle(cycle, by=klego.camat, reason="Surat ditarik kembali", at=MONDAY)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CANCELLED and cycle.cancel_reason == "Surat ditarik kembali"
    run.refresh_from_db()
    assert run.outcome == "dibatalkan"
    with pytest.raises(workflow.WorkflowError):
        workflow.close_step(run, by=klego.kasubag, kind=Kind.DISPOSITION, at=MONDAY)
    with pytest.raises(workflow.AlreadyDone):
        workflow.cancel_cycle(cycle, by=klego.camat, reason="lagi", at=MONDAY)


def test_cancel_needs_a_reason_and_the_camat(klego):
    cycle = start(klego)
    with pytest.raises(workflow.NotAllowed):
        workflow.cancel_cycle(cycle, by=klego.kasubag, reason="x", at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="alasan"):
        workflow.cancel_cycle(cycle, by=klego.camat, reason=" ", at=MONDAY)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.RUNNING


def test_a_second_running_cycle_for_the_same_period_is_refused(klego):
    start(klego)
    with pytest.raises(workflow.WorkflowError, match="Sudah ada siklus"):
        start(klego)


def test_the_camat_may_start_a_cycle_but_section_staff_may_not(klego):
    assert start(klego, by=klego.camat, quarter=1).started_by == klego.camat
    with pytest.raises(workflow.NotAllowed):
        start(klego, by=klego.staf_pem, quarter=2)


def test_a_cycle_started_under_the_old_sop_keeps_it_after_a_revision_takes_effect(klego):
    import datetime

    cycle = start(klego)
    old = cycle.sop_version
    steps = list(old.steps.all())
    new = SopVersion.objects.create(
        organisation=klego.org,
        number=old.number,
        year=2026,
        name=old.name,
        unit=old.unit,
        created_date=datetime.date(2026, 11, 3),
        effective_date=datetime.date(2026, 11, 3),
        performers=old.performers,
    )
    for step in steps:
        step.pk = None
        step.version = new
        step.duration_amount = step.duration_amount * 2
        step.save()
    advance(klego, cycle, 4, when=at("2026-11-04", "08:00"))
    assert cycle.runs.filter(step__version=new).count() == 0
    later = start(klego, quarter=3, when=at("2026-11-04", "08:00"))
    assert later.sop_version == new
    assert open_runs(later)[0].target_minutes == 60


# Every step's own action (the button on its page), tried at every other point of the cycle ------

ARTEFACTS = (
    "Submission",
    "Evidence",
    "ReceiptConfirmation",
    "CompletenessCheck",
    "OfficeFigure",
    "Explanation",
    "Narrative",
    "GroupingReport",
    "ReviewSnapshot",
    "ReviewNote",
    "PerformanceRecord",
    "CycleArchive",
)


def everything(cycle):
    from kinerja import models

    return snapshot(cycle), {name: getattr(models, name).objects.count() for name in ARTEFACTS}


def _upload(cast, cycle, run):
    pem = cast.sections["pem"]
    (kind,) = submissions.owed(cycle, pem)
    data = submissions.template_for(cycle, pem, kind)
    return submissions.submit(cycle=cycle, section=pem, kind=kind, data=data, filename="pem.xlsx", by=cast.staf_pem)


def _completeness(cast, cycle, run):
    verdicts = {s.pk: completeness.Verdict(complete=True) for s in cycle.sections.all()}
    return completeness.record(run, by=cast.kasubag, verdicts=verdicts, overdue_reason="x", at=MONDAY)


def _review(cast, cycle, run):
    # Whoever's round it would be: the Sekretaris for step 8, the Camat otherwise.
    reviewer = cast.sekcam if run.step.number == 8 else cast.camat
    return reviews.review(run, by=reviewer, outcome="disetujui", overdue_reason="x", at=MONDAY)


def _indicator(cast):
    from kinerja.models import Indicator

    return Indicator.objects.filter(organisation=cast.org).order_by("code").first()


# (what, the steps it belongs to, whether it acts on a run or on the cycle, the call)
STEP_ACTIONS = [
    ("unggah data seksi", {2}, "cycle", _upload),
    ("serahkan data seksi", {2}, "run", lambda c, cy, r: submissions.hand_in(r, by=c.staf_pem, overdue_reason="x")),
    ("konfirmasi ceklist penerimaan", {4}, "run", lambda c, cy, r: submissions.confirm_receipt(r, by=c.kasubag)),
    ("cek list kelengkapan", {5}, "run", _completeness),
    (
        "angka kantor",
        {6},
        "cycle",
        lambda c, cy, r: analysis_steps.set_office_figure(
            cycle=cy, indicator=_indicator(c), quarter=1, value=5, by=c.kasubag
        ),
    ),
    (
        "penjelasan selisih",
        {6},
        "cycle",
        lambda c, cy, r: analysis_steps.explain(cycle=cy, key="x", text="y", by=c.kasubag),
    ),
    (
        "narasi",
        {6, 7},
        "cycle",
        lambda c, cy, r: analysis_steps.save_narrative(cycle=cy, by=c.kasubag, indicator=_indicator(c), analysis="z"),
    ),
    (
        "analisis selesai",
        {6},
        "run",
        lambda c, cy, r: analysis_steps.finish_analysis(r, by=c.kasubag, overdue_reason="x"),
    ),
    (
        "buat laporan pengelompokan",
        {7},
        "run",
        lambda c, cy, r: analysis_steps.make_grouping(r, by=c.kasubag, groupings=["section"], at=MONDAY),
    ),
    (
        "pengelompokan selesai",
        {7},
        "run",
        lambda c, cy, r: analysis_steps.finish_grouping(r, by=c.kasubag, overdue_reason="x"),
    ),
    ("pemeriksaan hasil", {8, 9}, "run", _review),
    ("arsipkan ke data base", {10}, "run", lambda c, cy, r: filing.file_database(r, by=c.kasubag, overdue_reason="x")),
]


@pytest.mark.parametrize("reached", [1, 2, 4, 5, 6, 7, 8, 9, 10, "selesai"])
def test_every_steps_own_action_is_refused_at_every_other_point_and_nothing_changes(klego_data, reached):
    """Each step's page action, tried while the cycle stands elsewhere: on the runs that are open
    (another step's) and on its own step's closed runs, by the person it belongs to."""
    cast = klego_data
    cycle = start(cast)
    if reached == "selesai":
        advance(cast, cycle, 10)
        close_run(cast, open_runs(cycle)[0])
        standing = set()
    else:
        advance(cast, cycle, reached)
        standing = {reached}
    before = everything(cycle)
    tried = 0
    for what, own_steps, target, act in STEP_ACTIONS:
        if own_steps & standing:
            continue  # in order: the other tests cover it
        if target == "cycle":
            runs = [None]
        else:
            own_closed = [
                cycle.runs.filter(step__number=n, closed_at__isnull=False)
                .select_related("step")
                .order_by("-pk")
                .first()
                for n in own_steps
            ]
            runs = open_runs(cycle) + [r for r in own_closed if r is not None]
        for run in runs:
            with pytest.raises(workflow.WorkflowError) as refused:
                act(cast, cycle, run)
            assert str(refused.value).strip(), what
            tried += 1
        assert everything(cycle) == before, f"{what} changed something at step {reached}"
    assert tried >= len(STEP_ACTIONS) - 2


def test_the_database_refuses_a_second_running_cycle_and_a_fifth_quarter_whatever_the_code(klego):
    from django.db import IntegrityError, transaction

    cycle = start(klego, quarter=None)
    duplicate = Cycle(
        organisation=klego.org, sop_version=cycle.sop_version, letter=cycle.letter, year=2026, quarter=None,
        started_by=klego.kasubag, started_at=MONDAY,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.quarter = 5
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    duplicate.quarter = 1  # another period: allowed
    duplicate.save()
    cycle.status = Cycle.Status.DONE  # a finished cycle leaves its period free again
    cycle.save()
    Cycle.objects.create(
        organisation=klego.org, sop_version=cycle.sop_version, letter=cycle.letter, year=2026, quarter=None,
        started_by=klego.kasubag, started_at=MONDAY,
    )  # fmt: skip


def test_rows_of_a_submission_cannot_be_deleted_by_deleting_the_submission(klego_data):
    from django.db.models import ProtectedError

    from kinerja.models import Submission, SubmissionRow

    cycle = start(klego_data)
    advance(klego_data, cycle, 4)
    submission = Submission.objects.filter(cycle=cycle, rows__isnull=False).first()
    rows = SubmissionRow.objects.filter(submission=submission).count()
    assert rows == 2
    with pytest.raises(ProtectedError):
        submission.delete()
    assert SubmissionRow.objects.filter(submission=submission).count() == 2
