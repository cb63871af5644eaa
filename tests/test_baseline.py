"""The baseline: realisations of the years before the application was used, imported once, always
marked as imported, never over a year the database holds; the LKjIP compares with them. Figures
and capaian written by hand."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kinerja import baseline
from kinerja.engine.workflow import NotAllowed
from kinerja.models import BaselineFigure, PerformanceRecord
from kinerja.steps import filing

from .conftest import workbook_bytes
from .test_filing import filed  # noqa: F401 - the fixture

HEADER = ["Kode", "Tahun", "Target", "Realisasi", "Capaian"]


def test_a_baseline_is_kept_with_its_capaian_computed_as_a_cycle_would(klego_data):
    rows = [HEADER, ["IKU-01", 2025, 80, 76, None], ["IKU-01", 2024, 75, 78, 104], ["IKU-04", 2025, None, 18, None]]
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.ok, outcome.problems
    figures = {(f.indicator.code, f.year): f for f in BaselineFigure.objects.all()}
    assert figures["IKU-01", 2025].capaian == Decimal("95.00")  # 76 of 80
    assert figures["IKU-01", 2024].capaian == Decimal("104.00")  # 78 of 75 is 104 %, as written
    assert figures["IKU-04", 2025].capaian is None and figures["IKU-04", 2025].realisation == Decimal("18")
    assert figures["IKU-01", 2025].source_file.original_name == "data-awal.xlsx"
    assert figures["IKU-01", 2025].history.first().history_user == klego_data.kasubag


def test_a_capaian_that_contradicts_its_target_and_realisation_is_refused_and_nothing_kept(klego_data):
    rows = [HEADER, ["IKU-01", 2025, 80, 76, 97.3], ["IKU-02", 2025, 80, 82, None]]
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.problems == [
        "'Data' baris 2: capaian tertulis 97,3%, padahal realisasi 76 terhadap target 80 memberi 95%. "
        "Periksa angka mana yang benar."
    ]
    assert not BaselineFigure.objects.exists()


def test_a_year_imported_once_or_filed_by_a_cycle_is_never_imported_over(klego_data, filed):  # noqa: F811
    PerformanceRecord.objects.filter(code="IKU-02").update(year=2025)  # as if 2025 had been filed by a cycle
    first = baseline.import_baseline(
        workbook_bytes([HEADER, ["IKU-01", 2025, 80, 76, None]]), organisation=klego_data.org, by=klego_data.kasubag
    )
    assert first.ok
    rows = [HEADER, ["IKU-01", 2025, 80, 70, None], ["IKU-02", 2025, 80, 82, None], ["IKU-03", 2031, 1, 1]]
    again = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert again.problems[0].startswith("'Data' baris 2: data awal IKU-01 tahun 2025 sudah diimpor.")
    assert again.problems[1].startswith("'Data' baris 3: IKU-02 tahun 2025 sudah ada di data base kinerja")
    assert again.problems[2].startswith("'Data' baris 4: tahun '2031' bukan tahun sebelum 2026.")
    assert BaselineFigure.objects.get().realisation == Decimal("76")


def test_a_percentage_cell_is_read_as_shown_only_for_an_indicator_in_percent(klego_data):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["IKU-01", 2025, None, 0.76, None])  # shown 76% for an indicator in %: 76
    sheet.append(["IKU-04", 2025, None, 0.18, None])  # shown 18% for an indicator in kegiatan: refused
    sheet["D2"].number_format = sheet["D3"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = baseline.import_baseline(
        buffer.getvalue(), organisation=klego_data.org, by=klego_data.kasubag, dry_run=True
    )
    assert len(outcome.problems) == 1 and "sel D3: berformat persen (tampil 18%)" in outcome.problems[0]
    assert [(r.indicator.code, r.realisation) for r in outcome.rows] == [("IKU-01", Decimal("76"))]


def test_only_the_planning_office_imports_a_baseline(klego_data):
    with pytest.raises(NotAllowed):
        baseline.import_baseline(
            workbook_bytes([HEADER, ["IKU-01", 2025, 80, 76]]), organisation=klego_data.org, by=klego_data.staf_pem
        )


def test_the_lkjip_compares_with_the_baseline_and_says_it_is_imported(klego_data, filed):  # noqa: F811
    rows = [HEADER, ["IKU-01", 2025, 80, 76, None], ["IKU-01", 2024, 75, 78, None]]
    assert baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag).ok
    tables = filing.lkjip_tables(klego_data.org, 2026)
    row = next(r for t in tables for r in t.rows if r[0] == "IKU-01")
    assert row[7:11] == [Decimal("76"), Decimal("95.00"), Decimal("78"), Decimal("104.00")]
    notes = dict(next(t for t in tables if any(r[0] == "IKU-01" for r in t.rows)).notes)
    assert notes["Data awal (diimpor, bukan hasil siklus SOP)"] == "IKU-01 2025, IKU-01 2024"
    other = next(r for t in tables for r in t.rows if r[0] == "IKU-02")
    assert other[7:11] == [None, None, None, None]


def test_the_baseline_page_lists_figures_marked_imported_and_removes_one(client, klego_data):
    rows = [HEADER, ["IKU-01", 2025, 80, 76, None]]
    baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:baseline")).content.decode()
    assert "IKU-01" in page and "impor" in page and "95" in page
    figure = BaselineFigure.objects.get()
    client.post(reverse("kinerja:baseline_delete", args=[figure.pk]))
    assert not BaselineFigure.objects.exists()
    assert figure.history.model.objects.filter(id=figure.pk, history_type="-").get().history_user == klego_data.kasubag


def test_a_year_that_is_not_a_whole_number_is_refused_not_rounded(klego_data):
    rows = [HEADER, ["IKU-01", "2025,5", 80, 76, None], ["IKU-02", "dua ribu", 80, 76, None]]
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert [p.split(":")[0] for p in outcome.problems] == ["'Data' baris 2", "'Data' baris 3"]
    assert all("bukan tahun sebelum" in p for p in outcome.problems) and not BaselineFigure.objects.exists()


def test_the_baseline_page_reads_the_same_number_of_queries_for_1_and_12_figures(client, klego_data):
    from .conftest import count_queries

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:baseline")
    baseline.import_baseline(
        workbook_bytes([HEADER, ["IKU-01", 2025, 80, 76]]), organisation=klego_data.org, by=klego_data.kasubag
    )
    few = count_queries(client, url)
    codes = ["IKU-02", "IKU-03", "IKU-04", "PEM-01", "PEM-02", "TRA-01"]
    rows = [HEADER] + [[code, year, 10, 9] for code in codes for year in (2024, 2023)][:11]
    assert baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag).ok
    assert BaselineFigure.objects.count() == 12
    assert count_queries(client, url) == few


def test_a_row_whose_name_or_unit_is_another_indicators_is_refused_and_nothing_kept(klego_data):
    """The same rules as a section's upload: a code with another indicator's name (codes shifted by
    a row), a percentage written for a score, are never read as the code's indicator."""
    header = ["Kode", "Nama Indikator", "Satuan", "Tahun", "Realisasi"]
    rows = [
        header,
        ["IKU-01", "Indeks Kepuasan Masyarakat (IKM) pelayanan kecamatan", "%", 2025, 80],
        ["IKU-02", "IKM", "%", 2025, 82],
        ["IKU-04", "", "kegiatan", 2025, 18],
    ]
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.problems == [
        "'Data' baris 2: kode IKU-01 adalah 'Persentase desa dengan tata kelola pemerintahan desa kategori baik', "
        "tetapi nama di baris ini adalah nama indikator IKU-02. Perbaiki kode atau nama agar menunjuk satu "
        "indikator yang sama.",
        "'Data' baris 3, sel C3: satuan '%', padahal satuan IKU-02 pada data induk adalah 'nilai'. Tulis nilainya "
        "dalam satuan data induk.",
    ]
    assert not BaselineFigure.objects.exists()


def test_a_name_written_shorter_and_a_unit_written_otherwise_are_read_by_the_code(klego_data):
    header = ["Kode", "Nama Indikator", "Satuan", "Tahun", "Realisasi"]
    rows = [
        header,
        ["IKU-01", "Persentase desa tata kelola baik", "Persen", 2025, 80],
        ["IKU-02", "IKM", "Nilai", 2025, 82],
    ]
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.ok, outcome.problems
    assert {(f.indicator.code, f.realisation) for f in BaselineFigure.objects.all()} == {
        ("IKU-01", Decimal("80")),
        ("IKU-02", Decimal("82")),
    }


def test_a_hidden_column_that_would_be_read_is_refused_and_nothing_kept(klego_data):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(workbook_bytes([HEADER, ["IKU-01", 2025, 80, 76, None]])))
    workbook.active.column_dimensions["C"].hidden = True  # the target, unseen
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = baseline.import_baseline(buffer.getvalue(), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.problems == [
        "'Data' sel C1: kolom C (Target) tersembunyi, sehingga isinya tidak tampak. Tampilkan kolom itu bila isinya "
        "data yang benar, atau hapus kolomnya bila bukan, lalu unggah lagi."
    ]
    assert not BaselineFigure.objects.exists()
