"""In a real browser: the Kasubag starts a cycle and closes step 1, a section's staff submits at
step 2, another section's staff sees nothing to do, and the Camat reads the timeline."""

import pytest

from kinerja.models import Cycle

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kasubag_starts_a_cycle_and_sections_take_their_turn(klego, login, live_server):
    kasubag = login("kasubag")
    kasubag.click("text=Mulai siklus baru")
    kasubag.fill("#id_letter_number", "050/77/BAPPEDA/2026")
    kasubag.fill("#id_letter_date", "2026-11-20")
    kasubag.fill("#id_letter_subject", "Permintaan laporan kinerja triwulan IV")
    kasubag.select_option("#id_quarter", "4")
    kasubag.click("button:has-text('Mulai siklus')")
    kasubag.wait_for_selector("[data-testid=timeline]")
    assert "Siklus TW IV 2026 dimulai" in kasubag.content()
    kasubag.click("button:has-text('Disposisi diterima')")
    kasubag.wait_for_selector("text=Langkah 1 selesai. Langkah 2 dibuka.")
    screenshot(kasubag, "kasubag-cycle")

    cycle = Cycle.objects.get()
    assert cycle.runs.filter(step__number=2, closed_at__isnull=True).count() == 5

    staf = login("staf.pem")
    items = staf.locator("[data-testid=inbox-item]")
    assert items.count() == 1
    assert "Seksi Pemerintahan" in items.first.inner_text()
    screenshot(staf, "staf-pem-home")
    items.first.click()
    staf.click("button:has-text('Data seksi diserahkan')")
    staf.wait_for_selector("text=Langkah 2 selesai.")
    assert cycle.runs.filter(step__number=2, section__code="pem", closed_by__username="staf.pem").exists()

    other = login("staf.trantib")
    other.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    assert other.locator("button:has-text('Data seksi diserahkan')").count() == 1  # only its own section's
    other.goto(f"{live_server.url}/")

    camat = login("camat", mobile=True)
    camat.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    assert camat.locator("[data-testid=timeline] tr[data-step='2']").count() == 5
    screenshot(camat, "camat-cycle-mobile")
