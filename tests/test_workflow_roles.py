"""Who may close each step: every step × every role, table-driven. Only the step's role passes;
section staff only for their own section; the administrator and anonymous users never."""

import pytest
from django.contrib.auth.models import AnonymousUser

from kinerja.engine import workflow
from kinerja.models import StepRun, TransitionLog
from kinerja.steps import analysis_steps, submissions

from .conftest import MONDAY, Kind, accept_data, advance, close_via_page, open_runs, start

ROLES = ["kepala", "sekretaris", "kasubag", "staf_same_section", "staf_other_section", "admin", "anonymous"]
ALLOWED = {
    1: {"kasubag"},
    2: {"staf_same_section"},
    4: {"kasubag"},
    5: {"kasubag"},
    6: {"kasubag"},
    7: {"kasubag"},
    8: {"sekretaris"},
    9: {"kepala"},
    10: {"kasubag"},
}
# Step 2: the Kasubag and the Sekretaris may hand a section's data in on its behalf, only with a
# reason (tests/test_on_behalf.py); without one they are refused like the others.
ON_BEHALF = {2: {"kasubag", "sekretaris"}}


def user_for(cast, role):
    return {
        "kepala": cast.users["camat"],
        "sekretaris": cast.users["sekcam"],
        "kasubag": cast.users["kasubag"],
        "staf_same_section": cast.users["staf.pem"],
        "staf_other_section": cast.users["staf.trantib"],
        "admin": cast.users["admin"],
        "anonymous": AnonymousUser(),
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_kasubag_closes_step_1_by_receiving_the_disposition(klego, role):
    from kinerja.models import Disposition
    from kinerja.steps import dispositions

    cycle = start(klego)
    (run,) = open_runs(cycle)
    camat, sekcam, kasubag = klego.camat, klego.sekcam, klego.kasubag
    (first,) = dispositions.dispose(
        cycle.letter, by=camat, recipients=[sekcam], instructions=["Tindak lanjuti"], at=MONDAY
    )
    dispositions.acknowledge(first, by=sekcam, at=MONDAY)
    (second,) = dispositions.dispose(
        cycle.letter, by=sekcam, recipients=[kasubag], note="Siapkan data", parent=first, at=MONDAY
    )
    user = user_for(klego, role)
    logs = TransitionLog.objects.count()
    if role == "kasubag":
        closed = dispositions.acknowledge(second, by=user, at=MONDAY)
        assert closed.pk == run.pk and StepRun.objects.get(pk=run.pk).closed_by == kasubag
        assert TransitionLog.objects.count() == logs + 1
    else:
        with pytest.raises(workflow.NotAllowed):
            dispositions.acknowledge(second, by=user, at=MONDAY)
        with pytest.raises(workflow.NotAllowed):
            workflow.close_step(run, by=user, kind=Kind.DISPOSITION, at=MONDAY)
        assert Disposition.objects.get(pk=second.pk).acknowledged_at is None
        assert StepRun.objects.get(pk=run.pk).closed_at is None
        assert TransitionLog.objects.count() == logs


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", sorted(set(ALLOWED) - {1}))
def test_only_the_steps_role_may_close_it(klego, step, role):
    cycle = start(klego)
    advance(klego, cycle, step)
    runs = open_runs(cycle)
    run = next(r for r in runs if r.section is None or r.section.code == "pem")
    user = user_for(klego, role)
    logs = TransitionLog.objects.count()
    if step == 2:
        accept_data(cycle, klego.sections["pem"])
    if step == 7:
        analysis_steps.make_grouping(run, by=klego.kasubag, groupings=["section"], at=MONDAY)

    def act():
        return close_via_page(run, by=user)

    if role in ALLOWED[step]:
        act()
        assert StepRun.objects.get(pk=run.pk).closed_by == user
        assert TransitionLog.objects.count() == logs + 1
    elif role in ON_BEHALF.get(step, ()):
        with pytest.raises(workflow.WorkflowError, match="atas nama Seksi Pemerintahan: tuliskan alasannya"):
            act()
        assert StepRun.objects.get(pk=run.pk).closed_at is None
        assert TransitionLog.objects.count() == logs
    else:
        with pytest.raises(workflow.NotAllowed) as refused:
            act()
        assert "hanya dapat diselesaikan oleh" in str(refused.value)
        assert StepRun.objects.get(pk=run.pk).closed_at is None
        assert TransitionLog.objects.count() == logs


@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_show_exactly_what_the_workflow_accepts(klego, role):
    cycle = start(klego)
    advance(klego, cycle, 5)
    user = user_for(klego, role)
    codes = {(a.code, a.outcome) for a in workflow.allowed_actions(cycle, user, at=MONDAY)}
    expected = {("page", "")} if role == "kasubag" else set()
    if role == "kepala":
        expected = {("cancel", "")}
    assert codes == expected


def test_a_role_that_ended_gives_no_right_after_its_end_date(klego):
    import datetime

    from kinerja.models import Position

    cycle = start(klego)
    position = Position.objects.get(user=klego.kasubag, role="kasubag")
    position.end_date = datetime.date(2026, 11, 1)
    position.save()
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.NotAllowed):
        workflow.close_step(run, by=klego.kasubag, kind=Kind.DISPOSITION, at=MONDAY)


def test_a_kepala_seksi_may_submit_for_their_own_section_only(klego):
    import datetime

    from kinerja.models import Position, Role, User

    kasi = User.objects.create(username="kasi.pem", first_name="Kasi Pemerintahan")
    Position.objects.create(
        user=kasi,
        organisation=klego.org,
        section=klego.sections["pem"],
        role=Role.KASI,
        title="Kasi Pemerintahan",
        start_date=datetime.date(2025, 1, 1),
    )
    cycle = start(klego)
    advance(klego, cycle, 2)
    runs = {r.section.code: r for r in open_runs(cycle)}
    accept_data(cycle, klego.sections["pem"])
    accept_data(cycle, klego.sections["trantib"])
    with pytest.raises(workflow.NotAllowed):
        submissions.hand_in(runs["trantib"], by=kasi, at=MONDAY)
    submissions.hand_in(runs["pem"], by=kasi, at=MONDAY)
