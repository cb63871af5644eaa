"""The whole SOP through the user interface only, in a real browser: letter and disposition
(Camat, Sekretaris, Kasubag), uploads by every section (one with an error that is fixed), receipt,
an incomplete completeness check sending one section back, its fix, analysis with one
reconciliation difference explained, grouping, a return by the Sekretaris, approval by both
reviewers, filing, the archive download whose manifest verifies, the printed bundle checked on
the public verification page, the year's budget imported, and the LKjIP and the Perjanjian
Kinerja of the filed year downloaded in Word. A screenshot of each role's
main page is saved under test-artifacts/."""

import pytest

from kinerja.models import Cycle, CycleArchive, Indicator, IssuedDocument
from kinerja.steps import filing

from ..conftest import text_of_pdf, workbook_bytes
from ..test_agreements import docx_text
from ..test_analysis_steps import DATA, HEADER
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def late(page):
    boxes = page.locator("textarea[name=overdue_reason]")
    for i in range(boxes.count()):
        boxes.nth(i).fill("Menunggu rapat pimpinan")


def recipient(page, form_prefix, name):
    labels = page.locator(f"label[for^='{form_prefix}_recipients_']")
    for i in range(labels.count()):
        if name in labels.nth(i).inner_text():
            page.check("#" + labels.nth(i).get_attribute("for"))
            return
    raise AssertionError(name)


def upload(page, path):
    page.set_input_files("#file-realisasi", str(path))
    page.click("[data-testid=upload-realisasi] button")


@pytest.mark.two_factor
def test_a_whole_cycle_through_the_user_interface(klego_data, login, live_server, tmp_path, settings):
    settings.TWO_FACTOR_ENFORCED = True  # as in production: the Camat and the Sekretaris set it up
    url = live_server.url
    kasubag = login("kasubag")
    screenshot(kasubag, "utama-kasubag")
    kasubag.click("text=Mulai siklus baru")
    kasubag.fill("#id_number", "050/901/BAPPEDA/2026")
    kasubag.fill("#id_date", "2026-11-20")
    kasubag.fill("#id_subject", "Permintaan data kinerja triwulan IV 2026")
    kasubag.select_option("#id_quarter", "4")
    kasubag.click("button:has-text('Simpan surat')")
    kasubag.wait_for_selector("text=Surat menunggu disposisi Camat")
    cycle = Cycle.objects.get()
    letter_url = kasubag.url

    # Step 1: Camat -> Sekretaris -> Kasubag.
    camat = login("camat")
    screenshot(camat, "utama-camat")
    camat.goto(letter_url)
    recipient(camat, "id_first", "Sri Lestari")
    camat.check("label:has-text('Tindak lanjuti') >> xpath=preceding-sibling::input")
    camat.click("button:has-text('Kirim disposisi')")
    camat.wait_for_selector("text=Disposisi dikirim kepada")
    sekcam = login("sekcam")
    screenshot(sekcam, "utama-sekretaris")
    sekcam.goto(letter_url)
    sekcam.click("button:has-text('Terima disposisi')")
    sekcam.wait_for_selector("text=Disposisi diterima; waktu penerimaan dicatat.")
    forward = sekcam.locator("[data-testid=forward] form")
    prefix = forward.locator("input[type=checkbox]").first.get_attribute("id").rsplit("_recipients_", 1)[0]
    recipient(sekcam, prefix, "Agus Setiawan")
    sekcam.fill(f"#{prefix}_note", "Himpun data kinerja semua seksi")
    sekcam.click("button:has-text('Teruskan')")
    sekcam.wait_for_selector("text=Disposisi dikirim kepada Agus Setiawan")
    kasubag.goto(letter_url)
    late(kasubag)
    kasubag.click("button:has-text('Terima disposisi')")
    kasubag.wait_for_selector("text=Langkah 1 selesai")

    # Step 2: every section uploads; Seksi Pemerintahan first with an error it fixes.
    for code, rows in DATA.items():
        staff = login(f"staf.{code}")
        if code == "pem":
            screenshot(staff, "utama-staf-seksi")
        staff.goto(f"{url}/siklus/{cycle.pk}/seksi/{code}/")
        if code == "pem":
            wrong = tmp_path / "pem-salah.xlsx"
            wrong.write_bytes(workbook_bytes([HEADER, ["PEM-01", 13, "tiga belas", 12, 13, 13], rows[1]]))
            upload(staff, wrong)
            staff.wait_for_selector("text=Versi 1 ditolak: 1 masalah")
            assert "sel C2" in staff.locator("[data-testid=problems]").inner_text()
        good = tmp_path / f"{code}.xlsx"
        good.write_bytes(workbook_bytes([HEADER, *rows]))
        upload(staff, good)
        staff.wait_for_selector("text=indikator terbaca")
        late(staff)
        staff.click("button:has-text('Serahkan data seksi')")
        staff.wait_for_selector("text=diserahkan kepada Kasubag")
        staff.context.close()

    # Steps 4 and 5: receipt, then Kesos is sent back, fixes, and everything is complete.
    def receipt():
        kasubag.goto(f"{url}/siklus/{cycle.pk}/penerimaan/")
        late(kasubag)
        kasubag.click("button:has-text('Konfirmasi penerimaan data')")
        kasubag.wait_for_selector("text=Ceklist penerimaan dikonfirmasi")

    receipt()
    kasubag.goto(f"{url}/siklus/{cycle.pk}/kelengkapan/")
    kesos = cycle.sections.get(code="kesos")
    for section in cycle.sections.all():
        kasubag.check(f"#v-{section.pk}-{'no' if section == kesos else 'ok'}")
    kasubag.fill(f"#r-{kesos.pk}", "Realisasi KES-02 TW IV belum sesuai register DTKS")
    late(kasubag)
    kasubag.click("button:has-text('Simpan hasil pemeriksaan')")
    kasubag.wait_for_selector("text=dikembalikan ke langkah 2")
    staff = login("staf.kesos")
    staff.goto(f"{url}/siklus/{cycle.pk}/seksi/kesos/")
    assert "belum sesuai register DTKS" in staff.locator("[data-testid=returned]").inner_text()
    fixed = tmp_path / "kesos-2.xlsx"
    fixed.write_bytes(workbook_bytes([HEADER, DATA["kesos"][0], ["KES-02", 95, 25, 50, 75, 96]]))
    upload(staff, fixed)
    staff.wait_for_selector("text=Versi 2 diterima")
    late(staff)
    staff.click("button:has-text('Serahkan data seksi')")
    staff.wait_for_selector("text=diserahkan kepada Kasubag")
    receipt()
    kasubag.goto(f"{url}/siklus/{cycle.pk}/kelengkapan/")
    kasubag.check(f"#v-{kesos.pk}-ok")
    late(kasubag)
    kasubag.click("button:has-text('Simpan hasil pemeriksaan')")
    kasubag.wait_for_selector("text=Data lengkap. Langkah 6")

    # Step 6: an office figure that disagrees with the sections, explained.
    iku = Indicator.objects.get(code="IKU-04")
    kasubag.goto(f"{url}/siklus/{cycle.pk}/analisis/")
    kasubag.fill(f"input[name=office-{iku.pk}-1]", "10")
    kasubag.click("button:has-text('Simpan angka kantor')")
    kasubag.wait_for_selector("[data-testid=differences]")
    kasubag.fill("[data-testid=differences] input[name=text]", "Dua kegiatan lintas seksi dihitung sekali oleh kantor")
    kasubag.click("[data-testid=differences] button:has-text('Jelaskan')")
    kasubag.wait_for_selector("text=Penjelasan selisih disimpan")
    late(kasubag)
    kasubag.click("button:has-text('Analisis selesai')")
    kasubag.wait_for_selector("text=Langkah 7 (mengelompokkan data) dibuka")

    def grouping():
        kasubag.goto(f"{url}/siklus/{cycle.pk}/pengelompokan/")
        kasubag.click("button:has-text('Buat laporan pengelompokan')")
        kasubag.wait_for_selector("text=Laporan pengelompokan dibuat")
        late(kasubag)
        kasubag.click("button:has-text('Pengelompokan selesai, kirim ke Sekretaris')")
        kasubag.wait_for_selector("text=Langkah 8 (pemeriksaan Sekretaris) dibuka")

    grouping()

    # Steps 8 and 9: a return with a note, the fix, then both approve.
    sekcam.goto(f"{url}/siklus/{cycle.pk}/pemeriksaan/")
    sekcam.fill("input[name=note-0-text]", "Tambahkan pengelompokan per triwulan")
    late(sekcam)
    sekcam.click("button:has-text('Kembalikan: revisi pengelompokan')")
    sekcam.wait_for_selector("text=Pemeriksaan langkah 8")
    grouping()
    sekcam.goto(f"{url}/siklus/{cycle.pk}/pemeriksaan/")
    late(sekcam)
    sekcam.click("button:has-text('Setujui')")
    sekcam.wait_for_selector("text=Pemeriksaan langkah 8: Setujui")
    camat.goto(f"{url}/siklus/{cycle.pk}/pemeriksaan/")
    late(camat)
    camat.click("button:has-text('Setujui')")
    camat.wait_for_selector("text=Pemeriksaan langkah 9: Setujui")

    # Step 10: filing, and the downloaded archive verifies against its manifest.
    kasubag.goto(f"{url}/siklus/{cycle.pk}/arsip/")
    late(kasubag)
    kasubag.click("button:has-text('Arsipkan ke data base kinerja')")
    kasubag.wait_for_selector("text=Data base kinerja diarsipkan; siklus selesai.")
    with kasubag.expect_download() as download_info:
        kasubag.click("text=Unduh arsip (soft copy, .zip)")
    downloaded = download_info.value.path().read_bytes()
    archive = CycleArchive.objects.get(cycle=cycle)
    assert filing.verify(archive, data=downloaded) == []
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DONE

    # The printed bundle is checked on the public verification page, signed out, by its QR address.
    with kasubag.expect_download() as download_info:
        kasubag.click("text=Unduh bundel cetak (hard copy, PDF)")
    bundle_path = download_info.value.path()
    code = IssuedDocument.objects.get(cycle=cycle, kind=IssuedDocument.Kind.BUNDLE).code
    assert f"Kode verifikasi {code[:4]}-{code[4:8]}-{code[8:]}" in text_of_pdf(bundle_path.read_bytes())
    evaluator = kasubag.context.browser.new_page()
    evaluator.goto(f"{url}/verifikasi/{code}/")
    evaluator.set_input_files("#berkas", str(bundle_path))
    evaluator.click("button:has-text('Periksa')")
    assert "Cocok." in evaluator.inner_text("[data-testid=result]")
    evaluator.close()

    # The year's budget through the Anggaran page, then the LKjIP and the PK of the filed year in Word.
    budget_file = tmp_path / "anggaran-2026.xlsx"
    budget_file.write_bytes(workbook_bytes([
        ["Kode", "Nomenklatur", "Pagu", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV",
         "Indikator"],
        ["7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", 1000000, 200000, 250000, 300000, 200000, ""],
        ["7.01.01.2.01", "Koordinasi Pemerintahan Desa", 1000000, 200000, 250000, 300000, 200000, "PEM-01, IKU-01"],
    ]))  # fmt: skip
    kasubag.goto(f"{url}/anggaran/?tahun=2026")
    kasubag.set_input_files("#file", str(budget_file))
    kasubag.click("button:has-text('Impor')")
    kasubag.wait_for_selector("text=Anggaran 2026 diimpor: 2 baru, 0 diperbarui.")
    kasubag.goto(f"{url}/dokumen/")
    kasubag.fill("#lkjip-tahun", "2026")
    with kasubag.expect_download() as download_info:
        kasubag.click("[data-testid=lkjip-form] button:has-text('Word')")
    lkjip_text = docx_text(download_info.value.path().read_bytes())
    assert "Bab III Akuntabilitas Kinerja" in lkjip_text and "PEM-01" in lkjip_text
    assert "Realisasi anggaran Rp 950.000 dari pagu Rp 1.000.000 (95%)." in lkjip_text
    kasubag.fill("#pk-tahun", "2026")
    with kasubag.expect_download() as download_info:
        kasubag.click("[data-testid=pk-form] button:has-text('Word')")
    pk_text = docx_text(download_info.value.path().read_bytes())
    assert "PERJANJIAN KINERJA TAHUN 2026" in pk_text and "Bupati Boyolali" in pk_text
    assert "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH 1.000.000" in pk_text
    admin = login("admin")
    screenshot(admin, "utama-admin")
    camat.goto(f"{url}/dasbor/")
    screenshot(camat, "dasbor-camat")
    # The Camat, the Sekretaris and the administrator set up their authenticator in the browser
    # at their first sign-in; a second sign-in asks for its code.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    confirmed = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert confirmed == {"camat", "sekcam", "admin"}
    again = login("camat")
    assert again.url == f"{url}/" and "Tugas saya" in again.content()
