"""In a real browser: the Kasubag records the letter and starts the cycle, the Camat disposes it
(on a phone), the Sekretaris receives it and passes it on, the Kasubag receives it (closing step
1), a section's staff submits at step 2, and another section sees only its own step."""

import pytest

from kinerja.models import Cycle, Disposition

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_step_1_in_the_browser_then_sections_take_their_turn(klego, login, live_server):
    kasubag = login("kasubag")
    kasubag.click("text=Mulai siklus baru")
    kasubag.fill("#id_number", "050/77/BAPPEDA/2026")
    kasubag.fill("#id_date", "2026-11-20")
    kasubag.fill("#id_subject", "Permintaan laporan kinerja triwulan IV")
    kasubag.select_option("#id_quarter", "4")
    assert kasubag.is_checked("#id_start_cycle")
    kasubag.click("button:has-text('Simpan surat')")
    kasubag.wait_for_selector("text=Surat menunggu disposisi Camat")
    cycle = Cycle.objects.get()

    camat = login("camat", mobile=True)
    camat.click("[data-testid=letter-task]")
    camat.check(f"#id_first_recipients_{_choice_index(camat, 'Sri Lestari')}")
    camat.check("label:has-text('Tindak lanjuti') >> xpath=preceding-sibling::input")
    camat.fill("#id_first_note", "Koordinasikan dengan Kasubag, segera.")
    screenshot(camat, "camat-disposisi-mobile")
    camat.click("button:has-text('Kirim disposisi')")
    camat.wait_for_selector("text=Disposisi dikirim kepada Sri Lestari, S.Sos.")

    sekcam = login("sekcam")
    assert sekcam.locator("[data-testid=unread-count]").inner_text() == "1"
    sekcam.click("[data-testid=letter-task]")
    sekcam.click("button:has-text('Terima disposisi')")
    sekcam.wait_for_selector("text=Disposisi diterima; waktu penerimaan dicatat.")
    first = Disposition.objects.get()
    sekcam.check(f"#id_fwd{first.pk}_recipients_{_choice_index(sekcam, 'Agus Setiawan', prefix=f'id_fwd{first.pk}')}")
    sekcam.fill(f"#id_fwd{first.pk}_note", "Himpun data kinerja semua seksi.")
    sekcam.click("button:has-text('Teruskan')")
    sekcam.wait_for_selector("text=Disposisi dikirim kepada Agus Setiawan, S.E.")
    screenshot(sekcam, "sekcam-surat")

    kasubag.goto(f"{live_server.url}/")
    kasubag.click("[data-testid=letter-task]")
    late = kasubag.locator("textarea[name=overdue_reason]")
    if late.count():
        late.fill("Disposisi baru diterima")
    kasubag.click("button:has-text('Terima disposisi')")
    kasubag.wait_for_selector("text=Langkah 1 selesai; langkah 2 (menghimpun data kinerja seksi) dibuka.")
    screenshot(kasubag, "kasubag-cycle")
    assert cycle.runs.filter(step__number=2, closed_at__isnull=True).count() == 5

    staf = login("staf.pem")
    items = staf.locator("[data-testid=inbox-item]")
    assert items.count() == 1 and "Seksi Pemerintahan" in items.first.inner_text()
    screenshot(staf, "staf-pem-home")
    items.first.click()
    staf.click("text=Buka halaman data seksi")
    staf.wait_for_selector("text=Data kinerja Seksi Pemerintahan")

    other = login("staf.trantib")
    other.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    assert other.locator("text=Buka halaman data seksi").count() == 1  # only its own section's
    other.goto(f"{live_server.url}/siklus/{cycle.pk}/seksi/pem/")
    assert "Akses ditolak" in other.content()

    camat.goto(f"{live_server.url}/siklus/{cycle.pk}/")
    assert camat.locator("[data-testid=timeline] tr[data-step='2']").count() == 5
    screenshot(camat, "camat-cycle-mobile")


def _choice_index(page, name: str, prefix: str = "id_first") -> int:
    """The index of the recipient checkbox whose label names `name`."""
    labels = page.locator(f"label[for^='{prefix}_recipients_']")
    for i in range(labels.count()):
        if name in labels.nth(i).inner_text():
            return int(labels.nth(i).get_attribute("for").rsplit("_", 1)[1])
    raise AssertionError(f"no recipient {name}")
