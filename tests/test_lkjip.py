"""The whole LKjIP (issue 19) from the filed year, the budget, the baseline and the office's own
words: .docx read back with python-docx, PDF with pypdf. Expected figures written by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja import baseline, budget, lkjip
from kinerja.models import BudgetItem, IssuedDocument, ReportText

from .conftest import text_of_pdf, workbook_bytes
from .test_agreements import JANUARY_2, docx_text
from .test_budget import HEADER as BUDGET_HEADER
from .test_filing import filed  # noqa: F401 - the fixture

BUDGET = [
    ["7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", 1000000, 200000, 250000, 300000, None, ""],
    ["7.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja", 1000000, 200000, 250000, 300000, None, ""],
    ["7.01.01.2.01.0001", "Koordinasi Pemerintahan Desa", 1000000, 200000, 250000, 300000, None, "PEM-01, PEM-02"],
]


@pytest.fixture
def year_filed(klego_data, filed):  # noqa: F811
    """TW IV 2026 filed, its budget entered, a baseline of 2025 for IKU-01."""
    assert budget.import_budget(
        workbook_bytes([BUDGET_HEADER, *BUDGET]), organisation=klego_data.org, year=2026, by=klego_data.kasubag
    ).ok
    assert baseline.import_baseline(
        workbook_bytes([["Kode", "Tahun", "Target", "Realisasi"], ["IKU-01", 2025, 80, 76]]),
        organisation=klego_data.org, by=klego_data.kasubag,
    ).ok  # fmt: skip
    return klego_data


def test_the_word_lkjip_has_every_chapter_in_order_with_the_filed_figures(client, year_filed):
    lkjip.save_texts(year_filed.org, 2026, {"profil": "Kecamatan Klego terdiri dari 13 desa."}, by=year_filed.kasubag)
    client.force_login(year_filed.kasubag)
    response = client.get(reverse("kinerja:lkjip", args=["docx"]), {"tahun": "2026", "tanggal": "2027-01-15"})
    assert response["Content-Disposition"] == 'attachment; filename="lkjip-klego-2026.docx"'
    text = docx_text(response.content)
    order = ["Kata pengantar", "Ikhtisar Eksekutif", "Bab I Pendahuluan", "Bab II Perencanaan Kinerja",
             "Bab III Akuntabilitas Kinerja", "Bab IV Penutup", "Lampiran 1. Rencana Aksi",
             "LAMPIRAN PERJANJIAN KINERJA TAHUN 2026"]  # fmt: skip
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert (
        "Pada tahun 2026 Kecamatan Klego mengukur 14 indikator kinerja, 4 di antaranya indikator kinerja utama" in text
    )
    assert "Realisasi anggaran Rp 750.000 dari pagu Rp 1.000.000 (75%)." in text
    assert "Kecamatan Klego terdiri dari 13 desa." in text  # the office's own words
    assert "(Tuliskan isu strategis yang dihadapi Kecamatan Klego pada tahun 2026.)" in text  # not written yet
    assert "Subbagian Perencanaan dan Pelaporan Kepala Subbagian Perencanaan dan Pelaporan Agus Setiawan, S.E." in text
    # Bab III: PEM-01 13 of 13; IKU-01 compared with the imported 2025 (76, 95 %), said to be imported.
    assert "Data awal (diimpor, bukan hasil siklus SOP). IKU-01 2025" in text
    # Efficiency: 75 % of the programme's pagu spent, its indicators (PEM-01, PEM-02) at 100 % on average.
    assert (
        "7.01.01 PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH 1.000.000 750.000 75 100 PEM-01, PEM-02 efisien" in text
    )
    assert "Klego, 15 Januari 2027 Camat Klego" in text and "NIP. 196805121994031007" in text


def test_the_pdf_lkjip_is_issued_with_contents_and_signed(client, year_filed):
    client.force_login(year_filed.camat)
    response = client.get(reverse("kinerja:lkjip", args=["pdf"]), {"tahun": "2026", "tanggal": "2027-01-15"})
    text = text_of_pdf(response.content)
    assert "Daftar isi" in text and "Bab III Akuntabilitas Kinerja" in text and "Rencana Aksi" in text
    issued = IssuedDocument.objects.get(kind=IssuedDocument.Kind.LKJIP)
    assert issued.title == "LKjIP Kecamatan Klego tahun 2026" and issued.made_by == year_filed.camat
    assert f"Kode verifikasi {issued.code[:4]}-{issued.code[4:8]}-{issued.code[8:]}" in text
    assert "Drs. Haryanto Wibowo, M.Si." in text
    # The cover and the foreword first, then the contents, whose page numbers are where each chapter begins.
    import io
    import re

    from pypdf import PdfReader

    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages]
    assert "LAPORAN KINERJA INSTANSI PEMERINTAH (LKjIP)" in pages[0] and "Kata pengantar" in pages[0]
    assert "Daftar isi" in pages[1] and "Daftar isi" not in pages[0]
    for chapter in ("Bab I Pendahuluan", "Bab III Akuntabilitas Kinerja", "Lampiran 1. Rencana Aksi"):
        listed = int(re.search(rf"{re.escape(chapter)} (\d+)", pages[1]).group(1))
        assert chapter in pages[listed - 1], chapter


def test_a_year_without_filed_data_or_without_a_budget_is_refused_with_what_to_do(client, year_filed):
    with pytest.raises(lkjip.LkjipRefused, match="Belum ada data kinerja tahun 2025 yang diarsipkan"):
        lkjip.build(year_filed.org, 2025, on=JANUARY_2)
    BudgetItem.objects.filter(level="sub_kegiatan").delete()
    BudgetItem.objects.filter(level="kegiatan").delete()
    BudgetItem.objects.all().delete()
    client.force_login(year_filed.kasubag)
    page = client.get(reverse("kinerja:lkjip", args=["pdf"]), {"tahun": "2026"}, follow=True).content.decode()
    assert "Belum ada anggaran tahun 2026. Impor atau isi di halaman Anggaran" in page
    assert not IssuedDocument.objects.filter(kind=IssuedDocument.Kind.LKJIP).exists()


def test_the_offices_words_are_kept_per_year_by_the_planning_office_only(client, year_filed):
    url = reverse("kinerja:lkjip_texts")
    client.force_login(year_filed.staf_pem)
    assert client.post(url, {"tahun": "2026", "penutup": "x"}).status_code == 403
    client.force_login(year_filed.kasubag)
    client.post(url, {"tahun": "2026", "isu_strategis": "Alih fungsi lahan.", "penutup": ""})
    kept = ReportText.objects.get(organisation=year_filed.org, year=2026, part="isu_strategis")
    assert kept.text == "Alih fungsi lahan." and kept.history.first().history_user == year_filed.kasubag
    assert "Alih fungsi lahan." in client.get(url, {"tahun": "2026"}).content.decode()
    assert not ReportText.objects.filter(year=2025).exists()
    texts = lkjip.texts(year_filed.org, 2026)
    assert texts["isu_strategis"] == "Alih fungsi lahan." and texts["penutup"].startswith("Laporan Kinerja Instansi")


def test_the_efficiency_of_a_programme_is_its_indicators_capaian_against_its_absorption(year_filed):
    report = lkjip.build(year_filed.org, 2026, on=JANUARY_2)
    (row,) = report.efficiency
    assert (row.pagu, row.realisation, row.absorption, row.capaian) == (
        Decimal("1000000"), Decimal("750000"), Decimal("75.00"), Decimal("100.00"),
    )  # fmt: skip
    assert row.verdict == "efisien" and row.indicators == "PEM-01, PEM-02"


def test_the_efficiency_says_which_linked_indicators_have_no_capaian_to_average(year_filed):
    """A programme supports PEM-01 (100 %), PEM-02 (filed without a capaian) and KES-01 (linked in
    the budget, with no filed record of the year): its capaian is PEM-01's alone, and the row says
    the others were left out, never a list of codes that reads as if all three were averaged."""
    from kinerja.models import Indicator, PerformanceRecord

    PerformanceRecord.objects.filter(code="PEM-02", year=2026).update(capaian=None)
    PerformanceRecord.objects.filter(code="KES-01", year=2026).delete()
    item = BudgetItem.objects.get(code="7.01.01.2.01.0001")
    item.indicators.add(Indicator.objects.get(code="KES-01"))
    (row,) = lkjip.build(year_filed.org, 2026, on=JANUARY_2).efficiency
    assert row.capaian == Decimal("100.00") and row.verdict == "efisien"
    assert row.indicators == "PEM-01; tanpa capaian: KES-01, PEM-02"
    PerformanceRecord.objects.filter(code="PEM-01", year=2026).update(capaian=None)
    (row,) = lkjip.build(year_filed.org, 2026, on=JANUARY_2).efficiency
    assert row.capaian is None and row.verdict == "tidak dapat dinilai"
    assert row.indicators == "tanpa capaian: KES-01, PEM-01, PEM-02"
