"""Two rules of step 2 that keep a wrong or missing figure from counting in silence:
values that read correctly but are very likely a slip are refused before they count (unless the
uploader confirms them with a reason), and a section cannot hand in while an indicator it owns
has no realisation for the cycle's period (unless it marks it 'tidak ada data' with a reason).

Demo master targets used below (written by hand from kinerja/demo.py): PEM-01 (desa) 13 a
year and 13 each quarter; PEM-02 (%) 100 a year and 100 each quarter."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kinerja.engine import workflow
from kinerja.models import DataKind, Indicator, NoDataMark, Submission
from kinerja.reports import completeness_checklist
from kinerja.steps import completeness, submissions

from .conftest import MONDAY, advance, open_runs, start, workbook_bytes
from .test_importer import run_command

HEADER = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]


@pytest.fixture
def cycle(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def send(klego_data, cycle, rows, *, confirmation=""):
    return submissions.submit(
        cycle=cycle,
        section=klego_data.sections["pem"],
        kind=DataKind.objects.get(code="realisasi"),
        data=workbook_bytes([HEADER, *rows]),
        filename="pem.xlsx",
        by=klego_data.staf_pem,
        confirmation=confirmation,
    )


# Plausibility -------------------------------------------------------------------------------------


def test_a_negative_realisation_is_refused_with_its_cell(klego_data, cycle):
    outcome = send(klego_data, cycle, [["PEM-01", 13, 13, -2, 13], ["PEM-02", 100, 100, 100, 100]])
    assert outcome.submission.status == Submission.Status.REJECTED
    (problem,) = outcome.result.problems
    assert (problem.sheet, problem.cell, problem.kind) == ("Data", "D2", "wajar")
    assert problem.message.startswith("Realisasi PEM-01 TW III bernilai negatif (-2).")


def test_more_than_ten_times_the_quarter_target_is_refused_and_ten_times_is_not(klego_data, cycle):
    refused = send(klego_data, cycle, [["PEM-01", 131, 13, 13, 13], ["PEM-02", 100, 100, 100, 100]])
    (problem,) = refused.result.problems
    assert problem.cell == "B2"
    assert problem.message.startswith("Realisasi PEM-01 TW I 131 lebih dari 10× targetnya (13).")
    accepted = send(klego_data, cycle, [["PEM-01", 130, 13, 13, 13], ["PEM-02", 100, 100, 100, 100]])
    assert accepted.submission.status == Submission.Status.ACCEPTED


def test_a_percentage_written_as_a_fraction_is_refused_but_zeros_are_not(klego_data, cycle):
    refused = send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 0.92, 0.95, 1, 1]])
    (problem,) = refused.result.problems
    assert problem.cell == "B3"
    assert "Realisasi PEM-02 (sel B3, C3, D3, E3: 0,92; 0,95; 1; 1) semuanya tidak lebih dari 1" in problem.message
    assert "targetnya 100 %" in problem.message
    zeros = send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 0, 0, 0, 0]])
    assert zeros.submission.status == Submission.Status.ACCEPTED


def test_the_uploader_confirms_implausible_values_with_a_reason_and_the_kasubag_sees_it(klego_data, cycle):
    refused = send(klego_data, cycle, [["PEM-01", 13, 13, 13, 140], ["PEM-02", 100, 100, 100, 100]]).submission
    assert submissions.confirmable(refused)
    with pytest.raises(workflow.WorkflowError, match="Tuliskan alasan"):
        submissions.confirm_values(refused, reason="  ", by=klego_data.staf_pem)
    confirmed = submissions.confirm_values(
        refused, reason="Pemekaran: 140 desa binaan kabupaten", by=klego_data.staf_pem
    ).submission
    assert (confirmed.version, confirmed.status) == (2, Submission.Status.ACCEPTED)
    assert confirmed.confirmation == "Pemekaran: 140 desa binaan kabupaten"
    assert confirmed.sha256 == refused.sha256  # the same file, read again
    assert confirmed.rows.get(indicator__code="PEM-01").real_q4 == 140
    checks = {c.code: c for c in completeness.automatic_checks(cycle, klego_data.sections["pem"])}
    assert checks["wajar"].details == [
        "PEM-01 TW IV: realisasi 140 lebih dari 10× target 13",
        "dipastikan benar oleh seksi pada versi 2: Pemekaran: 140 desa binaan kabupaten",
    ]
    with pytest.raises(workflow.WorkflowError, match="Sudah ada versi yang lebih baru"):
        submissions.confirm_values(refused, reason="lagi", by=klego_data.staf_pem)


def test_a_file_refused_for_another_reason_cannot_be_confirmed(klego_data, cycle):
    refused = send(klego_data, cycle, [["PEM-01", "tiga belas", 13, 13, 140]]).submission
    assert refused.status == Submission.Status.REJECTED and not submissions.confirmable(refused)
    with pytest.raises(workflow.WorkflowError, match="perbaiki berkasnya"):
        submissions.confirm_values(refused, reason="benar", by=klego_data.staf_pem)


def test_confirming_on_the_page_by_post_only_for_the_sections_own_staff(client, klego_data, cycle):
    refused = send(klego_data, cycle, [["PEM-01", 13, 13, 13, 140], ["PEM-02", 100, 100, 100, 100]]).submission
    url = reverse("kinerja:section_confirm", args=[cycle.pk, "pem", refused.pk])
    client.force_login(klego_data.staf_trantib)
    assert client.post(url, {"reason": "benar"}).status_code == 403
    client.force_login(klego_data.kasubag)
    page = client.post(url, {"reason": "benar"}, follow=True).content.decode()
    assert "Hanya staf Seksi Pemerintahan" in page
    assert Submission.objects.count() == 1
    client.force_login(klego_data.staf_pem)
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    assert f'data-testid="confirm-{refused.pk}"' in page and "Angka ini memang benar" in page
    assert client.get(url).status_code == 405
    page = client.post(url, {"reason": "Pemekaran desa"}, follow=True).content.decode()
    assert "Versi 2 diterima dengan alasan yang Anda tulis" in page
    assert "dipastikan benar oleh pengunggah: Pemekaran desa" in page


def test_the_command_confirms_with_alasan_wajar(klego_data, cycle, tmp_path):
    path = tmp_path / "pem.xlsx"
    path.write_bytes(workbook_bytes([HEADER, ["PEM-01", 13, 13, 13, 140], ["PEM-02", 100, 100, 100, 100]]))
    args = [str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run"]
    code, _out, err = run_command(*args)
    assert code == 1 and "sel E2: Realisasi PEM-01 TW IV 140 lebih dari 10× targetnya (13)." in err
    code, out, _err = run_command(*args, "--alasan-wajar", "Pemekaran desa")
    assert code == 0 and "Dipastikan benar oleh pengunggah (Pemekaran desa)" in out


# 'Tidak ada data' -----------------------------------------------------------------------------------


def pem_run(cycle):
    return next(r for r in open_runs(cycle) if r.step.number == 2 and r.section.code == "pem")


def test_hand_in_is_refused_while_an_indicator_lacks_the_periods_realisation(klego_data, cycle):
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 100, 100, 100, None]])
    with pytest.raises(workflow.WorkflowError) as refused:
        submissions.hand_in(pem_run(cycle), by=klego_data.staf_pem, overdue_reason="uji")
    assert str(refused.value) == (
        "Realisasi TW IV belum ada untuk: PEM-02. Isi realisasinya lalu unggah lagi, atau tandai 'tidak ada data' "
        "dengan alasannya."
    )
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13]])  # a file without PEM-02's row at all
    with pytest.raises(workflow.WorkflowError, match="belum ada untuk: PEM-02"):
        submissions.hand_in(pem_run(cycle), by=klego_data.staf_pem, overdue_reason="uji")


def test_a_mark_with_a_reason_lets_the_section_hand_in_and_step_5_shows_it(klego_data, cycle):
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 100, 100, 100, None]])
    pem02 = Indicator.objects.get(code="PEM-02")
    section = klego_data.sections["pem"]
    with pytest.raises(workflow.WorkflowError, match="Tuliskan alasan"):
        submissions.mark_no_data(cycle=cycle, section=section, indicator=pem02, reason=" ", by=klego_data.staf_pem)
    with pytest.raises(workflow.NotAllowed):
        submissions.mark_no_data(cycle=cycle, section=section, indicator=pem02, reason="x", by=klego_data.camat)
    submissions.mark_no_data(
        cycle=cycle, section=section, indicator=pem02, reason="APBDes 2027 belum dibahas", by=klego_data.staf_pem,
        at=MONDAY,
    )  # fmt: skip
    submissions.hand_in(pem_run(cycle), by=klego_data.staf_pem, overdue_reason="uji")
    advance(klego_data, cycle, 5)
    checks = {c.code: c for c in completeness.automatic_checks(cycle, section)}
    assert not checks["tidak_ada_data"].ok
    assert checks["tidak_ada_data"].details == [
        "PEM-02: APBDes 2027 belum dibahas (ditandai Dwi Rahmawati, 02-11-2026 08:00)"
    ]
    run = next(r for r in open_runs(cycle) if r.step.number == 5)
    check = completeness.record(
        run, by=klego_data.kasubag, verdicts={s.pk: completeness.Verdict(True) for s in
                                               completeness.sections_to_check(run)}, overdue_reason="uji",
        at=MONDAY,
    )  # fmt: skip
    assert check is not None
    pdf = completeness_checklist.render(cycle, run.completeness_checks.all())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "APBDes 2027 belum dibahas" in " ".join(text.split())


def test_marks_are_made_and_withdrawn_by_post_on_the_page_only_during_step_2(client, klego_data, cycle):
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 100, 100, 100, None]])
    page_url = reverse("kinerja:section_data", args=[cycle.pk, "pem"])
    mark_url = reverse("kinerja:section_no_data", args=[cycle.pk, "pem"])
    client.force_login(klego_data.staf_trantib)
    assert client.post(mark_url, {"indicator": "PEM-02", "reason": "x"}).status_code == 403
    client.force_login(klego_data.staf_pem)
    page = client.get(page_url).content.decode()
    assert 'data-testid="hand-in-blocked"' in page and "1 indikator tanpa realisasi TW IV" in page
    assert client.get(mark_url).status_code == 405
    refused = client.post(mark_url, {"indicator": "TRA-01", "reason": "x"}, follow=True).content.decode()
    assert "Indikator itu bukan milik seksi ini." in refused and not NoDataMark.objects.exists()
    page = client.post(mark_url, {"indicator": "PEM-02", "reason": "Belum ada rapat"}, follow=True).content.decode()
    assert "PEM-02 ditandai tidak ada data." in page and "Benar, serahkan data seksi" in page
    mark = NoDataMark.objects.get()
    remove_url = reverse("kinerja:section_no_data_remove", args=[cycle.pk, "pem", mark.pk])
    page = client.post(remove_url, follow=True).content.decode()
    assert "Tanda tidak ada data PEM-02 dibatalkan." in page and not NoDataMark.objects.exists()
    client.post(mark_url, {"indicator": "PEM-02", "reason": "Belum ada rapat"})
    hand = client.post(reverse("kinerja:section_hand_in", args=[cycle.pk, "pem"]), {"overdue_reason": "uji"})
    assert hand.status_code == 302
    page = client.post(mark_url, {"indicator": "PEM-02", "reason": "lain"}, follow=True).content.decode()
    assert "selama langkah 2 seksi ini terbuka" in page
    assert NoDataMark.objects.get().reason == "Belum ada rapat"


def test_an_annual_cycle_asks_for_the_fourth_quarter(klego_data):
    cycle = start(klego_data, quarter=None)
    advance(klego_data, cycle, 2)
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, None], ["PEM-02", 100, 100, 100, 100]])
    assert [i.code for i in submissions.lacking_realisations(cycle, klego_data.sections["pem"])] == ["PEM-01"]


def test_the_section_page_runs_the_same_queries_however_many_indicators_and_marks(client, klego_data, cycle):
    from .conftest import count_queries

    section = klego_data.sections["pem"]
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13], ["PEM-02", 100, 100, 100, None]])
    submissions.mark_no_data(
        cycle=cycle, section=section, indicator=Indicator.objects.get(code="PEM-02"), reason="x",
        by=klego_data.staf_pem,
    )  # fmt: skip
    client.force_login(klego_data.staf_pem)
    url = reverse("kinerja:section_data", args=[cycle.pk, "pem"])
    few = count_queries(client, url)
    extra = [
        Indicator.objects.create(organisation=klego_data.org, code=f"PEM-{n:02d}", name=f"Uji {n}", unit="desa",
                                 section=section)
        for n in range(10, 20)
    ]  # fmt: skip
    send(klego_data, cycle, [["PEM-01", 13, 13, 13, 13]] + [[i.code, 1, 1, 1, None] for i in extra])
    for indicator in extra:
        submissions.mark_no_data(cycle=cycle, section=section, indicator=indicator, reason="y", by=klego_data.staf_pem)
    page = client.get(url).content.decode()
    # PEM-02 has no row now and the new ones no TW IV, but every one is marked: the hand-in is open
    assert page.count("Batalkan tanda PEM-") == 11 and "Benar, serahkan data seksi" in page
    assert count_queries(client, url) == few
