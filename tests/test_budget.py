"""The budget behind the performance: programmes, kegiatan and sub kegiatan read from the regional
financial system's export layout with the guarantees of section workbooks; nothing written unless
every row is sure. Expected values written by hand."""

from decimal import Decimal

import pytest
from openpyxl import Workbook

from kinerja import budget
from kinerja.engine.workflow import NotAllowed
from kinerja.models import BudgetItem

from .conftest import workbook_bytes

HEADER = ["Kode", "Nomenklatur", "Pagu", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV",
          "Indikator"]  # fmt: skip
TITLE = [["LAPORAN REALISASI ANGGARAN KECAMATAN KLEGO TAHUN 2026"], []]
ROWS = [
    ["7", "URUSAN PEMERINTAHAN UMUM", None, None, None, None, None, None],
    ["7.01", "KECAMATAN", None, None, None, None, None, None],
    ["7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH", "1.000.000", 200000, 250000, 300000, None, ""],
    ["7.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja", 600000, 100000, 150000, 200000, None, "IKU-01"],
    ["7.01.01.2.01.0001", "Penyusunan Dokumen Perencanaan", 600000, 100000, 150000, 200000, None, "IKU-01, PEM-01"],
    ["7.01.01.2.02", "Administrasi Keuangan", 400000, 100000, 100000, 100000, None, ""],
    ["", "Jumlah", 1000000, 200000, 250000, 300000, None, None],
]


def budget_file(rows=ROWS, *, header=HEADER, title=TITLE) -> bytes:
    return workbook_bytes([*title, header, *rows])


def test_a_financial_export_is_read_by_level_with_parents_amounts_and_links(klego_data):
    outcome = budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.ok, outcome.read.problems
    assert outcome.created == ["7.01.01", "7.01.01.2.01", "7.01.01.2.02", "7.01.01.2.01.0001"]
    items = {i.code: i for i in BudgetItem.objects.filter(organisation=klego_data.org, year=2026)}
    program, kegiatan, sub = items["7.01.01"], items["7.01.01.2.01"], items["7.01.01.2.01.0001"]
    assert (program.level, kegiatan.level, sub.level) == ("program", "kegiatan", "sub_kegiatan")
    assert kegiatan.parent == program and sub.parent == kegiatan and items["7.01.01.2.02"].parent == program
    assert program.pagu == Decimal("1000000") and program.realisation == Decimal("750000")
    assert program.absorption == Decimal("75.00")
    assert sorted(sub.indicators.values_list("code", flat=True)) == ["IKU-01", "PEM-01"]
    assert program.source == "impor" and program.imported_from.original_name == "anggaran.xlsx"
    assert program.history.first().history_user == klego_data.kasubag
    assert outcome.read.notes == ["3 baris judul (urusan, bidang) atau jumlah dilewati."]  # 7, 7.01 and Jumlah


def test_a_programme_whose_pagu_is_not_the_sum_of_its_kegiatan_is_refused_and_nothing_is_written(klego_data):
    rows = [list(r) for r in ROWS]
    rows[5][2] = 450000  # Administrasi Keuangan 450.000: the kegiatan now add up to 1.050.000
    outcome = budget.import_budget(budget_file(rows), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert not outcome.ok
    assert (
        "Baris 6: pagu 7.01.01 Rp 1.000.000, tetapi jumlah 2 baris di bawahnya Rp 1.050.000. "
        "Periksa berkasnya: angka mana yang benar?"
    ) in outcome.read.problems
    assert not BudgetItem.objects.exists()


def test_a_quarter_whose_realisation_does_not_add_up_is_refused(klego_data):
    rows = [list(r) for r in ROWS]
    rows[4][4] = 140000  # the sub kegiatan's TW II no longer equals its kegiatan's 150.000
    outcome = budget.import_budget(budget_file(rows), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert any("realisasi TW II 7.01.01.2.01 Rp 150.000" in p and "Rp 140.000" in p for p in outcome.read.problems)


def test_a_realisation_column_that_does_not_name_its_quarter_is_refused(klego_data):
    header = ["Kode", "Uraian", "Anggaran", "Realisasi"]
    rows = [["7.01.01", "PROGRAM", 1000, 500]]
    read = budget.read_budget(budget_file(rows, header=header), organisation=klego_data.org)
    assert (
        len(read.problems) == 1
        and "tidak menyebut triwulan" in read.problems[0]
        and "Realisasi TW I" in read.problems[0]
    )


def test_a_percentage_formatted_pagu_is_refused_not_read_as_money(klego_data):
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER[:4])
    sheet.append(["7.01.01", "PROGRAM", 0.85, 0.5])
    sheet["C2"].number_format = "0.00%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = budget.read_budget(buffer.getvalue(), organisation=klego_data.org)
    assert any("sel C2: berformat persen" in p for p in read.problems)


def test_realisation_above_the_pagu_an_unknown_indicator_and_a_bad_code_are_each_named(klego_data):
    rows = [
        ["7.01.01", "PROGRAM A", 1000, 600, 600, None, None, ""],
        ["7.01.02", "PROGRAM B", 1000, 100, None, None, None, "XYZ-9"],
        ["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 1000, 100, None, None, None, ""],
    ]
    read = budget.read_budget(budget_file(rows, title=[]), organisation=klego_data.org)
    assert "'Data' baris 2: realisasi 7.01.01 (Rp 1.200) melebihi pagunya (Rp 1.000)." in read.problems
    assert "'Data' baris 3: indikator 'XYZ-9' tidak dikenal di Kecamatan Klego." in read.problems
    assert any(p.startswith("'Data' baris 4: kode '5.1.02.01.01.0024' bukan kode program") for p in read.problems)


def test_hostile_and_ambiguous_files_are_refused_with_a_sentence(klego_data):
    html = b"<html><body>Laporan</body></html>"
    assert budget.read_budget(html, organisation=klego_data.org).problems
    two = workbook_bytes([HEADER, ROWS[2]], extra_sheets=[("Salinan", [HEADER, ROWS[2]])])
    read = budget.read_budget(two, organisation=klego_data.org)
    assert read.problems == [
        "Lembar 'Data' dan 'Salinan' sama-sama berisi tabel anggaran, jadi tidak jelas mana yang datanya. "
        "Hapus atau sembunyikan lembar yang bukan data, lalu unggah lagi."
    ]
    empty = budget.read_budget(workbook_bytes([["Apa saja"], [1, 2]]), organisation=klego_data.org)
    assert empty.problems and "Kode, Nomenklatur" in empty.problems[0]


def test_a_second_import_updates_by_code_and_lists_what_the_file_no_longer_has(klego_data):
    org, kasubag = klego_data.org, klego_data.kasubag
    budget.import_budget(budget_file(), organisation=org, year=2026, by=kasubag)
    rows = [list(r) for r in ROWS[:3]]
    rows[2][6] = 250000  # the programme alone, now with TW IV
    outcome = budget.import_budget(budget_file(rows), organisation=org, year=2026, by=kasubag)
    assert outcome.ok and outcome.updated == ["7.01.01"] and outcome.created == []
    assert outcome.not_in_file == ["7.01.01.2.01", "7.01.01.2.01.0001", "7.01.01.2.02"]
    program = BudgetItem.objects.get(code="7.01.01", year=2026)
    assert program.real_q4 == Decimal("250000") and program.realisation == Decimal("1000000")
    assert BudgetItem.objects.filter(year=2026).count() == 4


def test_a_kegiatan_without_its_programme_anywhere_is_refused(klego_data):
    rows = [["7.01.09.2.01", "Kegiatan yatim", 100, None, None, None, None, ""]]
    outcome = budget.import_budget(budget_file(rows), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert not outcome.ok and "tidak punya induk 7.01.09 di berkas maupun di anggaran 2026" in outcome.read.problems[0]


def test_only_the_planning_office_may_import_the_budget(klego_data):
    for user in (klego_data.staf_pem, klego_data.camat):
        with pytest.raises(NotAllowed):
            budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=user)
    budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.sekcam)
    assert BudgetItem.objects.count() == 4


def test_the_budget_page_shows_amounts_the_indonesian_way_and_warns_when_they_do_not_add_up(client, klego_data):
    from django.urls import reverse

    budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    BudgetItem.objects.filter(code="7.01.01.2.02").update(pagu=Decimal("300000"))  # a later hand edit, say
    client.force_login(klego_data.camat)
    page = client.get(reverse("kinerja:budget"), {"tahun": "2026"}).content.decode()
    assert "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH" in page and "1.000.000" in page and "75%" in page
    assert "IKU-01, PEM-01" in page
    assert (
        "Pagu 7.01.01 PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH Rp 1.000.000, tetapi jumlah 2 kegiatan di "
        "bawahnya Rp 900.000."
    ) in page
    assert "Tambah manual" not in page  # the Camat reads, the planning office edits


def test_entering_by_hand_needs_the_parent_and_keeps_realisation_within_the_pagu(client, klego_data):
    from django.urls import reverse

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:budget_create") + "?tahun=2026"
    orphan = client.post(url, {"code": "7.01.01.2.01", "name": "Kegiatan", "pagu": "100"}).content.decode()
    assert "Isi dahulu induknya, 7.01.01, di anggaran 2026." in orphan
    wrong = client.post(url, {"code": "5.1.02", "name": "Belanja", "pagu": "100"}).content.decode()
    assert "bukan kode program x.xx.xx" in wrong
    client.post(url, {"code": "7.01.01", "name": "Program", "pagu": "1.250.000"})
    over = client.post(
        url, {"code": "7.01.01.2.01", "name": "Kegiatan", "pagu": "100.000", "real_q1": "60.000", "real_q2": "50.000"}
    ).content.decode()
    assert "melebihi pagunya" in over
    client.post(url, {"code": "7.01.01.2.01", "name": "Kegiatan", "pagu": "100.000", "real_q1": "60.000"})
    program, kegiatan = BudgetItem.objects.order_by("code")
    assert program.pagu == Decimal("1250000") and program.source == "manual" and program.level == "program"
    assert kegiatan.parent == program and kegiatan.real_q1 == Decimal("60000") and kegiatan.level == "kegiatan"
    assert kegiatan.history.first().history_user == klego_data.kasubag


def test_the_budget_page_reads_the_same_number_of_queries_for_3_and_30_items(client, klego_data):
    from django.urls import reverse

    from .conftest import count_queries

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:budget") + "?tahun=2026"
    budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    few = count_queries(client, url)
    rows = [[f"7.01.{n:02d}", f"PROGRAM {n}", 1000, 100, None, None, None, "IKU-02"] for n in range(2, 29)]
    budget.import_budget(budget_file(rows), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert BudgetItem.objects.count() == 31
    assert count_queries(client, url) == few


def test_a_two_row_header_with_realisasi_merged_over_its_quarters_is_read(klego_data):
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["LAPORAN REALISASI ANGGARAN TAHUN 2026"])
    sheet.append(["Kode", "Uraian", "Anggaran", "Realisasi", None, None, None])
    sheet.append([None, None, None, "TW I", "TW II", "TW III", "TW IV"])
    sheet.append(["7.01.01", "PROGRAM", 1000, 100, 200, 300, None])
    sheet.merge_cells("D2:G2")
    sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = budget.read_budget(buffer.getvalue(), organisation=klego_data.org)
    assert read.problems == []
    (row,) = read.rows
    assert row.row == 4 and row.pagu == Decimal("1000")
    assert row.quarters == [Decimal("100"), Decimal("200"), Decimal("300"), None]


def test_entering_and_deleting_by_hand_obey_the_same_rules_in_the_service_as_on_the_page(klego_data):
    from django.core.exceptions import ValidationError

    from kinerja.engine.workflow import WorkflowError

    budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    program = BudgetItem.objects.get(code="7.01.01")
    with pytest.raises(NotAllowed):
        budget.delete_item(program, by=klego_data.staf_pem)
    with pytest.raises(WorkflowError, match="7.01.01 masih punya kegiatan di bawahnya"):
        budget.delete_item(program, by=klego_data.kasubag)
    program.real_q4 = Decimal("600000")  # 750.000 + 600.000 above the pagu of 1.000.000
    with pytest.raises(ValidationError, match="melebihi pagunya"):
        budget.save_item(program, by=klego_data.kasubag)
    with pytest.raises(NotAllowed):
        budget.save_item(program, by=klego_data.camat)
    leaf = BudgetItem.objects.get(code="7.01.01.2.02")
    budget.delete_item(leaf, by=klego_data.sekcam)
    assert not BudgetItem.objects.filter(code="7.01.01.2.02").exists()
    assert (
        leaf.history.model.objects.filter(code="7.01.01.2.02", history_type="-").get().history_user == klego_data.sekcam
    )


def test_a_hidden_column_that_would_be_read_is_refused_and_nothing_is_written(klego_data):
    """The section upload's rule: a hidden "Realisasi TW III" column holds amounts nobody sees."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(budget_file()))
    workbook.active.column_dimensions["F"].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = budget.import_budget(buffer.getvalue(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.read.problems == [
        "'Data' sel F3: kolom F (Realisasi TW III) tersembunyi, sehingga isinya tidak tampak. Tampilkan kolom itu "
        "bila isinya data yang benar, atau hapus kolomnya bila bukan, lalu unggah lagi."
    ]
    assert not BudgetItem.objects.exists()


def test_a_cell_merged_over_several_rows_is_refused_and_nothing_is_written(klego_data):
    """Indicator codes merged over two rows show on both, but the file keeps them on the first only:
    the second would be linked to nothing in silence."""
    rows = [list(r) for r in ROWS]
    rows[5][7] = None  # Administrasi Keuangan, under the merged cell
    data = workbook_bytes([*TITLE, HEADER, *rows], merges=("H8:H9",))  # rows 8 and 9: 7.01.01.2.01.0001, 7.01.01.2.02
    outcome = budget.import_budget(data, organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.read.problems == [
        "'Data' sel H8:H9: sel digabung melintasi beberapa isian, sehingga tidak jelas isinya untuk yang mana "
        "(berkas hanya menyimpannya di sel pertama). Pisahkan gabungan selnya dan isi setiap sel, lalu unggah lagi."
    ]
    assert not BudgetItem.objects.exists()
