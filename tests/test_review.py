"""Steps 8 and 9: approve and return at both rounds with the loops, notes on exact items, what
changed since the return, and refusals for the wrong reviewer or a second decision."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kinerja.engine import workflow
from kinerja.models import Indicator, Narrative, ReviewNote, SopStep
from kinerja.steps import analysis_steps, review

from .conftest import MONDAY, advance, open_runs
from .test_analysis_steps import to_step_6


@pytest.fixture
def cycle(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 8)
    return cycle


def test_the_sekretaris_returns_with_notes_and_sees_the_changes_when_it_comes_back(client, klego_data, cycle):
    (run,) = open_runs(cycle)
    indicator = Indicator.objects.get(code="IKU-04")
    client.force_login(klego_data.sekcam)
    page = client.get(reverse("kinerja:review", args=[cycle.pk])).content.decode()
    assert 'data-testid="review-form"' in page and "Kembalikan: revisi analisis" in page
    data = {
        "outcome": "revisi_analisis",
        "note-0-indicator": indicator.pk, "note-0-topic": "nilai", "note-0-quarter": "1",
        "note-0-text": "Angka kantor IKU-04 TW I belum diisi",
        "note-1-text": "Lengkapi narasi sasaran SS3",
        "overdue_reason": "x",
    }  # fmt: skip
    response = client.post(reverse("kinerja:review", args=[cycle.pk]), data)
    assert response.status_code == 302
    notes = list(ReviewNote.objects.filter(run=run).order_by("pk"))
    assert [(n.indicator, n.quarter, n.topic) for n in notes] == [(indicator, 1, "nilai"), (None, None, "umum")]
    (back,) = open_runs(cycle)
    assert (back.step.number, back.round) == (6, 2)
    # The Kasubag corrects and sends it through 7 and 8 again.
    analysis_steps.set_office_figure(
        cycle=cycle, indicator=indicator, quarter=1, value=Decimal(8), by=klego_data.kasubag
    )
    advance(klego_data, cycle, 8, when=timezone.now())
    page = client.get(reverse("kinerja:review", args=[cycle.pk])).content.decode()
    assert 'data-testid="changes"' in page and "Realisasi TW I" in page
    changes = review.changes_since(cycle, review.last_return(cycle))
    assert any(
        c.code == "IKU-04" and c.field == "Realisasi TW I" and c.before is None and c.after == "8" for c in changes
    )
    assert page.count('data-testid="past-review"') == 1


def test_approvals_at_both_rounds_lead_to_step_10(klego_data, cycle):
    (run,) = open_runs(cycle)
    review.review(run, by=klego_data.sekcam, outcome="disetujui", at=MONDAY)
    (camat_run,) = open_runs(cycle)
    assert camat_run.step.number == 9
    review.review(camat_run, by=klego_data.camat, outcome="disetujui", at=MONDAY)
    assert open_runs(cycle)[0].step.number == 10


def test_a_camat_return_goes_back_and_through_the_sekretaris_again(klego_data, cycle):
    (run,) = open_runs(cycle)
    review.review(run, by=klego_data.sekcam, outcome="disetujui", at=MONDAY)
    (camat_run,) = open_runs(cycle)
    review.review(
        camat_run, by=klego_data.camat, outcome="revisi", notes=[review.NoteInput("Kelompokkan per seksi")], at=MONDAY
    )
    assert [(r.step.number, r.round) for r in open_runs(cycle)] == [(7, 2)]
    advance(klego_data, cycle, 9)
    steps = list(
        cycle.runs.filter(step__number__in=(8, 9)).order_by("pk").values_list("step__number", "round", "outcome")
    )
    assert steps == [(8, 1, "disetujui"), (9, 1, "revisi"), (8, 2, "disetujui"), (9, 2, "")]


def test_a_reviewer_cannot_decide_twice_or_out_of_turn(klego_data, cycle):
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.NotAllowed):
        review.review(run, by=klego_data.camat, outcome="disetujui", at=MONDAY)
    with pytest.raises(workflow.NotAllowed):
        review.review(run, by=klego_data.kasubag, outcome="disetujui", at=MONDAY)
    review.review(run, by=klego_data.sekcam, outcome="disetujui", at=MONDAY)
    with pytest.raises(workflow.AlreadyDone):
        review.review(run, by=klego_data.sekcam, outcome="disetujui", at=MONDAY)
    camats = open_runs(cycle)[0]
    with pytest.raises(workflow.WorkflowError, match="diselesaikan di halamannya sendiri"):
        workflow.close_step(camats, by=klego_data.camat, outcome="disetujui", at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="Putuskan pemeriksaan"):
        workflow.close_step(camats, by=klego_data.camat, kind=SopStep.Kind.REVIEW, outcome="disetujui", at=MONDAY)


def test_a_return_needs_a_note(klego_data, cycle):
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.WorkflowError, match="catatan revisi"):
        review.review(run, by=klego_data.sekcam, outcome="revisi", notes=[review.NoteInput("   ")], at=MONDAY)
    assert open_runs(cycle)[0].pk == run.pk


def test_narrative_changes_are_shown_since_the_return(klego_data, cycle):
    (run,) = open_runs(cycle)
    review.review(
        run, by=klego_data.sekcam, outcome="revisi_analisis", notes=[review.NoteInput("Narasi PEM-01")], at=MONDAY
    )
    analysis_steps.save_narrative(
        cycle=cycle,
        by=klego_data.kasubag,
        indicator=Indicator.objects.get(code="PEM-01"),
        analysis="Semua desa tepat waktu",
    )
    assert Narrative.objects.count() == 1
    changes = review.changes_since(cycle, review.last_return(cycle))
    assert [(c.code, c.field, c.after) for c in changes] == [("PEM-01", "Narasi", "Semua desa tepat waktu")]


@pytest.mark.parametrize("quarter", ["²", "9" * 5000, "١", "1_0", "5"])
def test_a_note_quarter_that_is_not_i_to_iv_is_refused_with_a_sentence(client, klego_data, cycle, quarter):
    client.force_login(klego_data.sekcam)
    response = client.post(
        reverse("kinerja:review", args=[cycle.pk]),
        {"outcome": "revisi", "note-0-text": "Periksa", "note-0-quarter": quarter},
        follow=True,
    )
    assert response.status_code == 200 and "triwulan harus I, II, III atau IV" in response.content.decode()
    assert open_runs(cycle)[0].step.number == 8  # nothing moved


@pytest.mark.parametrize("username", ["camat", "kasubag"])
def test_a_review_post_by_someone_else_is_refused_before_the_form_is_read(client, klego_data, cycle, username):
    client.force_login(klego_data.users[username])
    response = client.post(
        reverse("kinerja:review", args=[cycle.pk]), {"outcome": "disetujui", "note-0-quarter": "²"}, follow=True
    )
    assert response.status_code == 200 and "diperiksa oleh Sekretaris Kecamatan" in response.content.decode()
    assert open_runs(cycle)[0].step.number == 8
