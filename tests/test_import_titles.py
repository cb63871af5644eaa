"""The budget and the master data are imported for a year the page names; their files say their
own year (the budget export's title, the master-data export's sheet "Indikator 2026") and
kecamatan. A file of another year or another kecamatan was imported in silence: last year's pagu
or targets as this year's. Refused with the sentence a section's upload gives."""

import io

import pytest
from openpyxl import load_workbook

from kinerja import budget, masterdata
from kinerja.models import BudgetItem, Target

from .factories import OrganisationFactory
from .test_budget import HEADER as BUDGET_HEADER
from .test_budget import ROWS as BUDGET_ROWS
from .test_budget import budget_file


def test_a_budget_whose_title_names_another_year_is_refused_and_nothing_written(klego_data):
    data = budget_file(title=[["LAPORAN REALISASI ANGGARAN KECAMATAN KLEGO TAHUN 2025"], []])
    outcome = budget.import_budget(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.read.problems == [
        'Judul berkas menyebut "LAPORAN REALISASI ANGGARAN KECAMATAN KLEGO TAHUN 2025", sedangkan anggaran ini '
        "diimpor untuk tahun 2026. Impor berkas tahun yang benar, atau pilih tahun 2025 bila berkas ini memang "
        "anggaran 2025."
    ]
    assert not BudgetItem.objects.exists()


def test_a_budget_whose_title_names_another_kecamatan_is_refused(klego_data):
    OrganisationFactory(code="karanggede", name="Kecamatan Karanggede")
    data = budget_file(title=[["LAPORAN REALISASI ANGGARAN KECAMATAN KARANGGEDE TAHUN 2026"]])
    outcome = budget.import_budget(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.read.problems == [
        'Judul berkas menyebut "LAPORAN REALISASI ANGGARAN KECAMATAN KARANGGEDE TAHUN 2026" (Kecamatan Karanggede), '
        "sedangkan berkas ini diimpor untuk Kecamatan Klego. Impor berkas Kecamatan Klego sendiri."
    ]
    assert not BudgetItem.objects.exists()


def test_a_budget_of_the_year_with_or_without_a_title_is_imported(klego_data):
    for title in ([["LAPORAN REALISASI ANGGARAN KECAMATAN KLEGO TAHUN 2026"], []], []):
        outcome = budget.import_budget(
            budget_file(BUDGET_ROWS, header=BUDGET_HEADER, title=title), organisation=klego_data.org, year=2026,
            by=klego_data.kasubag,
        )  # fmt: skip
        assert outcome.read.problems == []
    assert BudgetItem.objects.filter(year=2026).count() == 4


def test_the_master_data_of_another_year_is_refused_for_this_year(klego_data):
    data = masterdata.export_workbook(klego_data.org, 2026)  # its sheet is "Indikator 2026"
    before = set(Target.objects.filter(year=2027).values_list("pk", flat=True))
    result = masterdata.import_workbook(data, organisation=klego_data.org, year=2027, by=klego_data.kasubag)
    assert [str(p) for p in result.problems] == [
        "Lembar 'Indikator 2026': Nama lembar menyebut tahun 2026, sedangkan data induk ini diimpor untuk tahun "
        "2027. Bila isinya target 2027, ganti nama lembarnya menjadi 'Indikator 2027', lalu unggah lagi."
    ]
    assert set(Target.objects.filter(year=2027).values_list("pk", flat=True)) == before


@pytest.mark.parametrize("sheet", ["Indikator 2027", "Renstra 2026-2030", "Indikator"])
def test_the_master_data_named_for_its_year_or_a_period_holding_it_is_imported(klego_data, sheet):
    workbook = load_workbook(io.BytesIO(masterdata.export_workbook(klego_data.org, 2026)))
    workbook.active.title = sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = masterdata.import_workbook(
        buffer.getvalue(), organisation=klego_data.org, year=2027, by=klego_data.kasubag
    )
    assert result.ok, [str(p) for p in result.problems]
    assert Target.objects.filter(year=2027).exists()


def test_master_data_whose_title_names_another_year_is_refused(klego_data):
    workbook = load_workbook(io.BytesIO(masterdata.export_workbook(klego_data.org, 2026)))
    workbook.active.title = "Indikator"
    workbook.active.insert_rows(1, 2)
    workbook.active["A1"] = "TARGET KINERJA KECAMATAN KLEGO TAHUN 2025"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = masterdata.import_workbook(
        buffer.getvalue(), organisation=klego_data.org, year=2026, by=klego_data.kasubag
    )
    assert [str(p) for p in result.problems] == [
        "Lembar 'Indikator': Judul berkas menyebut \"TARGET KINERJA KECAMATAN KLEGO TAHUN 2025\", sedangkan data "
        "induk ini diimpor untuk tahun 2026. Impor berkas tahun yang benar, atau perbaiki judulnya bila isinya "
        "memang target tahun itu."
    ]


def test_data_awal_and_master_data_whose_title_names_another_kecamatan_are_refused(klego_data):
    from kinerja import baseline

    OrganisationFactory(code="karanggede", name="Kecamatan Karanggede")
    title = "DATA KINERJA KECAMATAN KARANGGEDE 2021-2025"
    data = workbook_bytes_with_title(title, [["Kode", "Tahun", "Target", "Realisasi"], ["IKU-01", 2025, 80, 76]])
    outcome = baseline.import_baseline(data, organisation=klego_data.org, by=klego_data.kasubag)
    sentence = (
        f'Judul berkas menyebut "{title}" (Kecamatan Karanggede), sedangkan berkas ini diimpor untuk Kecamatan '
        "Klego. Impor berkas Kecamatan Klego sendiri."
    )
    assert outcome.problems == [sentence]
    workbook = load_workbook(io.BytesIO(masterdata.export_workbook(klego_data.org, 2026)))
    workbook.active.insert_rows(1, 2)
    workbook.active["A1"] = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = masterdata.import_workbook(
        buffer.getvalue(), organisation=klego_data.org, year=2026, by=klego_data.kasubag
    )
    assert [p.message for p in result.problems] == [sentence]


def workbook_bytes_with_title(title, rows) -> bytes:
    from .conftest import workbook_bytes

    return workbook_bytes([[title], [], *rows])


def test_a_refused_budget_file_lists_nothing_as_missing_from_it(klego_data):
    """The page listed every stored code as "Tidak ada di berkas (tetap disimpan)" under a file it
    had refused whole: nothing was compared, so nothing is said to be missing."""
    first = budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert first.read.problems == [] and BudgetItem.objects.count() == 4
    data = budget_file(title=[["LAPORAN REALISASI ANGGARAN KECAMATAN KLEGO TAHUN 2025"], []])
    outcome = budget.import_budget(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.read.problems and outcome.not_in_file == []
    partial = budget.import_budget(
        budget_file(BUDGET_ROWS[:3]), organisation=klego_data.org, year=2026, by=klego_data.kasubag, dry_run=True
    )
    assert partial.read.problems == [] and partial.not_in_file == ["7.01.01.2.01", "7.01.01.2.01.0001", "7.01.01.2.02"]
