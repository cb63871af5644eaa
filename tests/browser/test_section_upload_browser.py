"""In a real browser: a section's staff uploads a workbook with two mistakes, sees both with
their cells, fixes them and uploads again, then hands the data in."""

import pytest

from kinerja.models import Submission

from ..conftest import advance, start, workbook_bytes
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_fix_two_mistakes_and_upload_again(klego_data, login, live_server, tmp_path):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    header = ["Kode", "Indikator", "Satuan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
    wrong = tmp_path / "pem-salah.xlsx"
    wrong.write_bytes(
        workbook_bytes(
            [
                header,
                ["PEM-01", "LPPDes", "desa", 13, "dua belas", 13, 13],
                ["PEM-02", "APBDes", "%", 100, 100, "100 persen?", 100],
            ]
        )
    )
    fixed = tmp_path / "pem-benar.xlsx"
    fixed.write_bytes(
        workbook_bytes(
            [header, ["PEM-01", "LPPDes", "desa", 13, 12, 13, 13], ["PEM-02", "APBDes", "%", 100, 100, "99,5", 100]]
        )
    )

    staf = login("staf.pem")
    staf.goto(f"{live_server.url}/siklus/{cycle.pk}/seksi/pem/")
    staf.set_input_files("#file-realisasi", str(wrong))
    staf.click("[data-testid=upload-realisasi] button")
    staf.wait_for_selector("text=Versi 1 ditolak: 2 masalah")
    problems = staf.locator("[data-testid=problems] li")
    assert problems.count() == 2
    assert "sel E2" in problems.nth(0).inner_text() and "dua belas" in problems.nth(0).inner_text()
    assert "sel F3" in problems.nth(1).inner_text()
    screenshot(staf, "staf-pem-upload-errors")

    staf.set_input_files("#file-realisasi", str(fixed))
    staf.click("[data-testid=upload-realisasi] button")
    staf.wait_for_selector("text=Versi 2 diterima: 2 indikator terbaca")
    assert "99,5" in staf.locator("[data-testid=rows]").inner_text()
    late = staf.locator("[data-testid=hand-in] textarea[name=overdue_reason]")
    if late.count():
        late.fill("Menunggu data desa")
    staf.click("button:has-text('Serahkan data seksi')")
    staf.wait_for_selector("text=Data Seksi Pemerintahan diserahkan")
    screenshot(staf, "staf-pem-data")
    assert list(Submission.objects.order_by("version").values_list("version", "status")) == [
        (1, "ditolak"),
        (2, "diterima"),
    ]
    assert cycle.runs.get(step__number=2, section__code="pem").closed_at is not None


def test_staff_confirm_a_figure_that_looks_wrong_and_mark_a_missing_one(klego_data, login, live_server, tmp_path):
    """PEM-01's TW IV is 140 desa against a target of 13 (refused until confirmed with a reason);
    PEM-02 has no TW IV yet (no hand-in until it is marked 'tidak ada data' with a reason)."""
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    header = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
    path = tmp_path / "pem.xlsx"
    path.write_bytes(workbook_bytes([header, ["PEM-01", 13, 13, 13, 140], ["PEM-02", 100, 100, 100, None]]))

    staf = login("staf.pem")
    staf.goto(f"{live_server.url}/siklus/{cycle.pk}/seksi/pem/")
    staf.set_input_files("#file-realisasi", str(path))
    staf.click("[data-testid=upload-realisasi] button")
    staf.wait_for_selector("text=Versi 1 ditolak: 1 masalah")
    assert "lebih dari 10× targetnya (13)" in staf.locator("[data-testid=problems]").inner_text()
    staf.fill("input[name=reason][id^=confirm-reason]", "Desa binaan kabupaten ikut dihitung")
    staf.click("button:has-text('Angka ini memang benar')")
    staf.wait_for_selector("text=Versi 2 diterima dengan alasan yang Anda tulis")
    assert staf.locator("[data-testid=hand-in-blocked]").count() == 1
    staf.fill("#reason-PEM-02", "APBDes perubahan belum ditetapkan")
    staf.click("button:has-text('Tandai tidak ada data')")
    staf.wait_for_selector("text=PEM-02 ditandai tidak ada data.")
    screenshot(staf, "staf-pem-confirmed-and-marked")
    late = staf.locator("[data-testid=hand-in] textarea[name=overdue_reason]")
    if late.count():
        late.fill("Menunggu data desa")
    staf.click("button:has-text('Serahkan data seksi')")
    staf.wait_for_selector("text=Data Seksi Pemerintahan diserahkan")
    assert Submission.objects.get(version=2).confirmation == "Desa binaan kabupaten ikut dihitung"
