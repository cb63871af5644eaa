"""In a real browser: the Sekretaris returns the result with a note, the Kasubag fixes it, both
reviews approve, and the Kasubag files the database and verifies the archive."""

import pytest

from kinerja.models import Cycle, CycleArchive, Indicator, ReviewNote

from ..conftest import advance
from ..test_analysis_steps import to_step_6
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_late_reason(page):
    late = page.locator("textarea[name=overdue_reason]")
    if late.count():
        late.first.fill("Rapat koordinasi")


def test_return_fix_approve_twice_and_file(klego_data, login, live_server):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 8)
    base = f"{live_server.url}/siklus/{cycle.pk}"

    sekcam = login("sekcam")
    sekcam.goto(f"{base}/pemeriksaan/")
    sekcam.select_option("select[name=note-0-indicator]", value=str(Indicator.objects.get(code="PMD-01").pk))
    sekcam.fill("input[name=note-0-text]", "Kelompokkan juga per seksi")
    fill_late_reason(sekcam)
    screenshot(sekcam, "sekcam-pemeriksaan")
    sekcam.click("button:has-text('Kembalikan: revisi pengelompokan')")
    sekcam.wait_for_selector("text=Pemeriksaan langkah 8: Kembalikan: revisi pengelompokan.")
    assert ReviewNote.objects.get().indicator.code == "PMD-01"

    kasubag = login("kasubag")
    kasubag.goto(f"{base}/pengelompokan/")
    kasubag.check("#g-section")
    kasubag.click("button:has-text('Buat laporan pengelompokan')")
    kasubag.wait_for_selector("text=Laporan pengelompokan dibuat.")
    fill_late_reason(kasubag)
    kasubag.click("button:has-text('Pengelompokan selesai, kirim ke Sekretaris')")
    kasubag.wait_for_selector("text=Langkah 8 (pemeriksaan Sekretaris) dibuka.")

    sekcam.goto(f"{base}/pemeriksaan/")
    assert sekcam.locator("[data-testid=past-review]").count() == 1
    fill_late_reason(sekcam)
    sekcam.click("button:has-text('Setujui')")
    sekcam.wait_for_selector("text=Pemeriksaan langkah 8: Setujui.")

    camat = login("camat", mobile=True)
    camat.goto(f"{base}/pemeriksaan/")
    fill_late_reason(camat)
    screenshot(camat, "camat-pemeriksaan-mobile")
    camat.click("button:has-text('Setujui')")
    camat.wait_for_selector("text=Pemeriksaan langkah 9: Setujui.")

    kasubag.goto(f"{base}/arsip/")
    fill_late_reason(kasubag)
    kasubag.click("button:has-text('Arsipkan ke data base kinerja')")
    kasubag.wait_for_selector("text=Data base kinerja diarsipkan; siklus selesai.")
    kasubag.click("button:has-text('Periksa keutuhan arsip')")
    kasubag.wait_for_selector("text=Arsip utuh")
    screenshot(kasubag, "kasubag-arsip")
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DONE
    assert CycleArchive.objects.filter(cycle=cycle).count() == 1
    camat.goto(f"{live_server.url}/dasbor/")
    screenshot(camat, "camat-dasbor-mobile")
