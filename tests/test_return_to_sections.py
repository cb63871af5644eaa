"""A wrong section figure found in the analysis (step 6) or a review (steps 8, 9) goes back to the
section: its step 2 reopens with the reason, its corrected version flows forward, and the SOP
runs on from there (4 and 5 for that section only, then 6 to 9 again). Expected figures by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.engine import workflow
from kinerja.measurement import results
from kinerja.models import DataKind, SopStep
from kinerja.steps import analysis_steps, completeness, review, submissions

from .conftest import MONDAY, advance, open_runs, workbook_bytes
from .test_analysis_steps import HEADER, to_step_6

REASON = "PMD-01 s.d. TW IV tertulis 22, menurut register 24"


def only_open(cycle):
    (run,) = open_runs(cycle)
    return run


def test_the_kasubag_sends_a_section_back_from_the_analysis_and_its_correction_flows_forward(klego_data):
    cycle = to_step_6(klego_data)
    pmd = klego_data.sections["pmd"]
    before = {r.indicator.code: r for r in results.indicator_results(cycle)}["PMD-01"]
    assert before.year_capaian.value == Decimal("91.67")  # s.d. 22 of 24
    analysis = only_open(cycle)
    opened = analysis_steps.return_to_sections(
        analysis, by=klego_data.kasubag, sections=[pmd], reason=REASON, overdue_reason="uji"
    )
    analysis.refresh_from_db()
    assert (analysis.outcome, analysis.note, analysis.outcome_label) == (
        workflow.RETURN_TO_SECTIONS, REASON, "Dikembalikan ke seksi",
    )  # fmt: skip
    (again,) = opened
    assert (again.step.number, again.section, again.round, again.returned_from) == (2, pmd, 2, analysis)
    assert submissions.sent_back_by(again) == analysis

    staff = klego_data.users["staf.pmd"]
    outcome = submissions.submit(
        cycle=cycle, section=pmd, kind=DataKind.objects.get(code="realisasi"), filename="pmd-perbaikan.xlsx",
        data=workbook_bytes([HEADER, ["PMD-01", 24, 5, 11, 18, 24], ["PMD-02", 77, 70, 70, 77, 77]]), by=staff,
    )  # fmt: skip
    assert outcome.submission.version == 2 and outcome.result.ok
    submissions.hand_in(again, by=staff, overdue_reason="uji")
    receipt = only_open(cycle)
    assert (receipt.step.number, receipt.round) == (4, 2)
    submissions.confirm_receipt(receipt, by=klego_data.kasubag, overdue_reason="uji")
    check = only_open(cycle)
    assert (check.step.number, check.round) == (5, 2)
    assert completeness.sections_to_check(check) == [pmd]  # only the section sent back
    completeness.record(
        check, by=klego_data.kasubag, verdicts={pmd.pk: completeness.Verdict(True)}, overdue_reason="uji"
    )
    analysis_again = only_open(cycle)
    assert (analysis_again.step.number, analysis_again.round) == (6, 2)
    after = {r.indicator.code: r for r in results.indicator_results(cycle)}["PMD-01"]
    assert after.year_capaian.value == Decimal("100.00")  # s.d. 24 of 24


def test_the_camat_sends_a_section_back_from_the_review_with_the_reason_as_a_note(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 9)
    camat_review = only_open(cycle)
    assert camat_review.step.number == 9
    kesos = klego_data.sections["kesos"]
    with pytest.raises(workflow.WorkflowError, match="catatan revisi"):
        review.review(camat_review, by=klego_data.camat, outcome=workflow.RETURN_TO_SECTIONS, sections=[kesos],
                      overdue_reason="uji")  # fmt: skip
    with pytest.raises(workflow.WorkflowError, match="Sebutkan seksi"):
        review.review(camat_review, by=klego_data.camat, outcome=workflow.RETURN_TO_SECTIONS,
                      notes=[review.NoteInput(text="KES-01 keliru")], overdue_reason="uji")  # fmt: skip
    (opened,) = review.review(
        camat_review, by=klego_data.camat, outcome=workflow.RETURN_TO_SECTIONS,
        notes=[review.NoteInput(text="KES-01 TW III belum termasuk bansos desa")], sections=[kesos],
        overdue_reason="uji",
    )  # fmt: skip
    assert (opened.step.number, opened.section, opened.round) == (2, kesos, 2)
    camat_review.refresh_from_db()
    assert camat_review.snapshot is not None and camat_review.review_notes.get().text.startswith("KES-01 TW III")


def test_only_the_steps_actor_sends_back_and_only_from_steps_6_8_and_9(klego_data):
    cycle = to_step_6(klego_data)
    pem = klego_data.sections["pem"]
    run = only_open(cycle)
    with pytest.raises(workflow.NotAllowed):
        analysis_steps.return_to_sections(run, by=klego_data.staf_pem, sections=[pem], reason="x")
    with pytest.raises(workflow.WorkflowError, match="alasan"):
        analysis_steps.return_to_sections(run, by=klego_data.kasubag, sections=[pem], reason=" ", overdue_reason="x")
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, overdue_reason="uji", at=MONDAY)
    grouping = only_open(cycle)
    assert grouping.step.number == 7
    with pytest.raises(workflow.WorkflowError, match="Pilih hasil langkah"):
        workflow.close_step(grouping, by=klego_data.kasubag, kind=SopStep.Kind.GROUPING, note="x",
                            outcome=workflow.RETURN_TO_SECTIONS, sections=[pem], overdue_reason="uji")  # fmt: skip


def test_the_page_action_by_post_and_the_section_reads_the_reason(client, klego_data):
    cycle = to_step_6(klego_data)
    url = reverse("kinerja:return_to_sections", args=[cycle.pk])
    client.force_login(klego_data.staf_pmd)
    client.post(url, {"sections": ["pmd"], "reason": REASON, "overdue_reason": "uji"})
    assert only_open(cycle).step.number == 6  # refused: not the Kasubag
    client.force_login(klego_data.kasubag)
    assert client.get(url).status_code == 405
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()
    assert 'data-testid="return-to-sections"' in page
    response = client.post(url, {"sections": ["pmd", "bukan-seksi"], "reason": REASON}, follow=True)
    assert "tidak termasuk dalam siklus ini" in response.content.decode() and only_open(cycle).step.number == 6
    client.post(url, {"sections": ["pmd"], "reason": REASON, "overdue_reason": "uji"})
    assert [(r.step.number, r.section.code) for r in open_runs(cycle)] == [(2, "pmd")]
    client.force_login(klego_data.staf_pmd)
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pmd"])).content.decode()
    assert 'data-testid="sent-back"' in page and REASON in page and "pada langkah 6" in page
