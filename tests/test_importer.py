"""Reading section workbooks: the template round trip, the layouts real offices use, Indonesian
numbers, every problem with its cell, versions, and the import_kinerja command."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from kinerja.engine import workflow
from kinerja.models import DataKind, Indicator, Submission, SubmissionRow
from kinerja.spreadsheets.exporter import safe_text
from kinerja.spreadsheets.importer import read_workbook
from kinerja.spreadsheets.numbers import NotANumber, display_number, format_number, parse_number
from kinerja.steps import submissions

from .conftest import advance, start, workbook_bytes


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("85,5", Decimal("85.5")),
        ("1.234,56", Decimal("1234.56")),
        ("85,5 %", Decimal("85.5")),
        ("93,75%", Decimal("93.75")),
        ("Rp 1.500.000", Decimal("1500000")),
        ("8.785,00", Decimal("8785.00")),
        ("82 (>100%)", Decimal("82")),
        ("0,00", Decimal("0.00")),
        ("1,234.5", Decimal("1234.5")),
        ("  12 ", Decimal("12")),
        (80, Decimal("80")),
        (80.5, Decimal("80.5")),
        ("-", None),
        ("n/a", None),
        ("", None),
        (None, None),
        ("(5)", Decimal("-5")),
    ],
)
def test_numbers_are_read_the_indonesian_way(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["delapan puluh", "80a", "1,2,3", "=SUM(A1:A3)", "1e400", True])
def test_text_that_is_not_a_number_is_refused(raw):
    with pytest.raises(NotANumber):
        parse_number(raw)


def test_numbers_are_written_the_indonesian_way():
    assert format_number(Decimal("1234.50")) == "1.234,5"
    assert format_number(Decimal("85")) == "85"
    assert format_number(None) == "-"


def test_figures_on_pages_are_rounded_to_two_decimals_with_a_dash_when_missing():
    assert display_number(Decimal("1234.5678")) == "1.234,57"
    assert display_number(Decimal("85.005")) == "85,01"  # half up, as offices round
    assert display_number(90) == "90" and display_number(None) == "—" and display_number("") == "—"


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2", "@SUM", "\tx"])
def test_formula_like_text_is_neutralised_for_spreadsheets(text):
    assert safe_text(text) == "'" + text
    assert safe_text("Jumlah desa") == "Jumlah desa"
    assert safe_text(5) == 5


@pytest.fixture
def cycle(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def realisasi():
    return DataKind.objects.get(code="realisasi")


def test_the_template_validates_each_block_of_fill_in_columns_as_one_range(klego_data, cycle):
    """Seksi Pemerintahan owns PEM-01 and PEM-02 (rows 6 and 7): the realisation columns I to L
    are checked as numbers in one range, whatever the number of rows (cell by cell, the build
    grew with the square of the indicators)."""
    data = submissions.template_for(cycle, klego_data.sections["pem"], realisasi())
    sheet = load_workbook(io.BytesIO(data))["Data Kinerja"]
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref) == "I6:L7" and validation.type == "decimal"
    rencana = DataKind.objects.get(code="rencana-aksi")  # the annual and quarter targets: columns D to H
    sheet = load_workbook(io.BytesIO(submissions.template_for(cycle, klego_data.sections["pem"], rencana)))[
        "Data Kinerja"
    ]
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref) == "D6:H7"


def test_template_round_trip_reads_back_exactly_what_a_user_typed(klego_data, cycle):
    section = klego_data.sections["pem"]
    data = submissions.template_for(cycle, section, realisasi())
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["Data Kinerja"]
    assert sheet["A6"].value == "PEM-01" and sheet["A6"].protection.locked and not sheet["I6"].protection.locked
    assert sheet.protection.sheet and "Petunjuk" in workbook.sheetnames
    assert sheet["D6"].value == 13 and sheet["H7"].value == 100
    typed = {
        "I6": 13,
        "J6": 12,
        "K6": 13,
        "L6": 13,
        "I7": 100,
        "J7": 92.5,
        "K7": "97,5",
        "L7": None,
        "M7": "Satu desa terlambat",
    }
    for ref, value in typed.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = submissions.submit(
        cycle=cycle,
        section=section,
        kind=realisasi(),
        data=buffer.getvalue(),
        filename="pem.xlsx",
        by=klego_data.staf_pem,
    )
    assert outcome.result.problems == [] and outcome.submission.status == Submission.Status.ACCEPTED
    rows = {r.indicator.code: r for r in SubmissionRow.objects.filter(submission=outcome.submission)}
    assert [rows["PEM-01"].realisation(q) for q in (1, 2, 3, 4)] == [13, 12, 13, 13]
    assert [rows["PEM-02"].realisation(q) for q in (1, 2, 3, 4)] == [100, Decimal("92.5"), Decimal("97.5"), None]
    assert rows["PEM-02"].remark == "Satu desa terlambat"
    assert rows["PEM-01"].cells["real_q2"] == "J6"


def test_a_messy_office_layout_is_read_by_header_names(klego_data, cycle):
    rows = [
        ["LAPORAN REALISASI KINERJA SEKSI PEMERINTAHAN"],
        ["Triwulan IV Tahun 2026"],
        [],
        ["No", "Uraian Indikator", "Satuan", "Realisasi", None, None, None, "Kode", "Ket."],
        [None, None, None, "TW I", "TW II", "TW III", "TW IV", None, None],
        [None, "Sasaran 1: tata kelola desa", None, None, None, None, None, None, None],
        [1, "Jumlah desa yang menyampaikan LPPDes tepat waktu", "desa", "13", "12,0", "1.3", "13", "PEM-01", None],
        [
            2,
            "persentase desa yang menetapkan apbdes tepat waktu",
            "%",
            "85,5 %",
            "93,75%",
            "-",
            "n/a",
            None,
            "sumber: DPMD",
        ],
    ]
    data = workbook_bytes(rows, merges=("D4:G4",))
    result = read_workbook(data, indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    by_code = {row.indicator.code: row for row in result.rows}
    assert by_code["PEM-01"].realisations == {1: 13, 2: Decimal("12.0"), 3: Decimal("1.3"), 4: 13}
    assert by_code["PEM-02"].realisations == {1: Decimal("85.5"), 2: Decimal("93.75"), 3: None, 4: None}
    assert by_code["PEM-02"].remark == "sumber: DPMD"


def test_single_row_headers_in_another_order_are_read(klego_data, cycle):
    rows = [
        ["Realisasi TW II", "Kode Indikator", "Target Tahunan", "Realisasi TW I", "Indikator Kinerja"],
        ["1.500.000", "PEM-01", 13, "8.785,00", "Jumlah desa ..."],
    ]
    result = read_workbook(workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    (row,) = result.rows
    assert row.realisations == {1: Decimal("8785.00"), 2: Decimal("1500000")}
    assert row.annual_target == 13


def test_every_problem_is_reported_with_its_sheet_and_cell(klego_data, cycle):
    rows = [
        ["Kode", "Indikator", "Realisasi TW I", "Realisasi TW II"],
        ["PEM-01", "Jumlah desa", "delapan puluh", 12],
        ["PEM-99", "Indikator karangan", 5, 6],
        ["TRA-01", "Milik trantib", 90, 90],
        ["PEM-02", "Persentase", 100, "seratus"],
        ["PEM-01", "Jumlah desa lagi", 1, 2],
    ]
    result = read_workbook(
        workbook_bytes(rows, title="Realisasi"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    messages = [str(p) for p in result.problems]
    assert any("sel C2" in m and "delapan puluh" in m and "isi dengan angka" in m for m in messages)
    assert any("sel A3" in m and "PEM-99" in m and "tidak dikenal" in m for m in messages)
    assert any("sel A4" in m and "milik Seksi Ketenteraman" in m for m in messages)
    assert any("sel D5" in m and "seratus" in m for m in messages)
    assert any("sel A6" in m and "muncul dua kali" in m for m in messages)
    assert all(m.startswith("Lembar 'Realisasi'") for m in messages)
    assert not result.ok


PEM01_NAME = "Jumlah desa yang menyampaikan LPPDes tepat waktu"
PEM02_NAME = "Persentase desa yang menetapkan APBDes tepat waktu"


def test_a_row_whose_code_and_name_are_two_different_indicators_is_refused(klego_data, cycle):
    """Codes shifted by a row (a copied row whose code was left): the code says PEM-01, the name is
    PEM-02's. Neither is taken: the values would count for an indicator the row does not name."""
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW I"],
        ["PEM-01", PEM02_NAME, "%", 92],
        ["PEM-02", PEM01_NAME, "desa", 13],
    ]
    result = read_workbook(
        workbook_bytes(rows, title="Realisasi"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    messages = [str(p) for p in result.problems]
    assert len(messages) == 2 and result.rows == []
    assert messages[0] == (
        "Lembar 'Realisasi', sel B2: Kode PEM-01 di sel A2 adalah 'Jumlah desa yang menyampaikan LPPDes tepat "
        "waktu', tetapi nama di baris ini adalah nama indikator PEM-02. Perbaiki kode atau nama agar menunjuk "
        "satu indikator yang sama, lalu unggah lagi."
    )
    assert "Kode PEM-02 di sel A3" in messages[1] and "nama indikator PEM-01" in messages[1]


def test_a_name_written_shorter_or_spelled_otherwise_is_still_read_by_its_code(klego_data, cycle):
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW I"],
        ["PEM-01", "Jml desa yg menyampaikan LPPDes", "desa", 13],
        ["PEM-02", "APBDes tepat waktu", "%", 92],
    ]
    result = read_workbook(workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    assert {row.indicator.code: row.realisations for row in result.rows} == {"PEM-01": {1: 13}, "PEM-02": {1: 92}}


@pytest.mark.parametrize(
    "code,unit,expected_unit",
    [("PEM-01", "%", "desa"), ("PEM-02", "desa", "%"), ("PEM-01", "orang", "desa"), ("PEM-02", "Rp", "%")],
)
def test_a_unit_in_the_file_other_than_the_indicators_is_refused(klego_data, cycle, code, unit, expected_unit):
    """A percentage written for a count (or a count for a percentage) would be read as the other."""
    rows = [["Kode", "Indikator", "Satuan", "Realisasi TW I"], [code, "", unit, 12]]
    result = read_workbook(
        workbook_bytes(rows, title="Data"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data', sel C2: Satuan di berkas '{unit}', padahal satuan {code} pada data induk adalah "
        f"'{expected_unit}'. Tulis satuan sesuai data induk (atau kosongkan selnya) dan isi nilainya dalam satuan "
        "itu; bila data induk yang keliru, minta Kasubag Perencanaan dan Pelaporan memperbaikinya."
    ]
    assert not result.ok


@pytest.mark.parametrize(
    "code,unit",
    [("PEM-01", "Desa"), ("PEM-01", " desa "), ("PEM-01", ""), ("PEM-01", None), ("PEM-01", "Ds."),
     ("PEM-02", "Persen"), ("PEM-02", "persen (%)"), ("PEM-02", "Persentase"), ("PEM-02", "%")],
)  # fmt: skip
def test_the_indicators_unit_written_another_way_is_accepted(klego_data, cycle, code, unit):
    rows = [["Kode", "Indikator", "Satuan", "Realisasi TW I"], [code, "", unit, 12]]
    result = read_workbook(workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    assert [(row.indicator.code, row.realisations) for row in result.rows] == [(code, {1: 12})]


OTHERS = ["Kecamatan Karanggede", "Kecamatan Ampel", "Kecamatan Ampel Gading"]


@pytest.mark.parametrize(
    "title,other",
    [
        ("LAPORAN REALISASI RENCANA AKSI KECAMATAN KARANGGEDE", "Kecamatan Karanggede"),
        ("Seksi Pemerintahan Kec. Ampel Gading Tahun 2026", "Kecamatan Ampel Gading"),
        ("PEMERINTAH KABUPATEN BOYOLALI - KECAMATAN AMPEL", "Kecamatan Ampel"),
    ],
)
def test_a_file_whose_title_names_another_kecamatan_is_refused(klego_data, cycle, title, other):
    """Indicator codes are the kabupaten's: a neighbour's file (copied as a start, its figures left
    in) reads as this office's. Only its title tells, and the title is read."""
    rows = [[title], [], ["Kode", "Indikator", "Satuan", "Realisasi TW I"], ["PEM-01", "", "desa", 13]]
    result = read_workbook(
        workbook_bytes(rows, title="Data"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"],
        office="Kecamatan Klego", other_offices=OTHERS,
    )  # fmt: skip
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data': Judul berkas menyebut \"{title}\" ({other}), sedangkan berkas ini diunggah untuk Kecamatan "
        "Klego. Unggah berkas Kecamatan Klego sendiri, atau perbaiki judulnya bila hanya judulnya yang keliru."
    ]
    assert result.rows == []


@pytest.mark.parametrize(
    "title",
    ["LAPORAN REALISASI KECAMATAN KLEGO", "KEC. KLEGO KABUPATEN BOYOLALI", "LAPORAN SEKSI PEMERINTAHAN KECAMATAN",
     "Kecamatan Ampelgading", "Kecamatan di Kabupaten Boyolali"],
)  # fmt: skip
def test_a_title_naming_this_kecamatan_or_none_is_read(klego_data, cycle, title):
    rows = [[title], [], ["Kode", "Indikator", "Satuan", "Realisasi TW I"], ["PEM-01", "", "desa", 13]]
    result = read_workbook(
        workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"],
        office="Kecamatan Klego", other_offices=OTHERS,
    )  # fmt: skip
    assert result.problems == [] and [r.realisations for r in result.rows] == [{1: 13}]


def test_an_upload_whose_title_names_another_kecamatan_of_the_installation_is_refused(klego_data, cycle):
    from .factories import OrganisationFactory

    OrganisationFactory(code="karanggede", name="Kecamatan Karanggede")
    section = klego_data.sections["pem"]
    kind = DataKind.objects.get(code="realisasi")
    rows = [["REALISASI TW IV 2026 KECAMATAN KARANGGEDE"], ["Kode", "Satuan", "Realisasi TW I"], ["PEM-01", "desa", 9]]
    outcome = submissions.submit(
        cycle=cycle, section=section, kind=kind, data=workbook_bytes(rows), filename="a.xlsx", by=klego_data.staf_pem
    )
    assert outcome.submission.status == "ditolak"
    assert [p["message"] for p in outcome.submission.problems] == [
        'Judul berkas menyebut "REALISASI TW IV 2026 KECAMATAN KARANGGEDE" (Kecamatan Karanggede), sedangkan '
        "berkas ini diunggah untuk Kecamatan Klego. Unggah berkas Kecamatan Klego sendiri, atau perbaiki judulnya "
        "bila hanya judulnya yang keliru."
    ]


def _with_hidden_columns(rows, *letters) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for row in rows:
        sheet.append(row)
    for letter in letters:
        sheet.column_dimensions[letter].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_hidden_column_that_would_be_read_is_refused_never_read_unseen(klego_data, cycle):
    """What the person saw is what counts: a hidden "Realisasi TW III" column (an old draft) holds
    values nobody sees on screen. Neither read nor passed over in silence: refused, by its cell."""
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW III", "Realisasi TW IV"],
        ["PEM-01", PEM01_NAME, "desa", 2, 13],
    ]
    result = read_workbook(
        _with_hidden_columns(rows, "D"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    assert [str(p) for p in result.problems] == [
        "Lembar 'Data', sel D1: Kolom D (Realisasi TW III) tersembunyi, sehingga isinya tidak tampak. Tampilkan "
        "kolom itu bila isinya data yang benar, atau hapus kolomnya bila bukan, lalu unggah lagi."
    ]
    assert result.rows == []


def test_a_hidden_column_the_reader_passes_over_does_not_matter(klego_data, cycle):
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW IV", "Catatan internal"],
        ["PEM-01", PEM01_NAME, "desa", 13, "draf lama"],
    ]
    result = read_workbook(
        _with_hidden_columns(rows, "E"), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    assert result.problems == [] and [r.realisations for r in result.rows] == [{4: 13}]


@pytest.mark.parametrize(
    "merge,cell",
    [
        ("D2:G2", "D2"),  # one 13 across the four quarters: for which quarter?
        ("D2:D3", "D2"),  # one TW I value over PEM-01's row and PEM-02's: for which indicator?
    ],
)
def test_a_merged_cell_over_several_figures_is_refused_never_read_as_one(klego_data, cycle, merge, cell):
    """A merged cell shows one value where the file has several places: only the first is stored
    in the file, so the others would read as empty while the person saw the value over them."""
    rows = [
        [
            "Kode",
            "Satuan",
            "Target Tahunan",
            "Realisasi TW I",
            "Realisasi TW II",
            "Realisasi TW III",
            "Realisasi TW IV",
        ],
        ["PEM-01", "desa", 13, 13, None, None, None],
        ["PEM-02", "%", 100, None, 92, 100, 100],
    ]
    result = read_workbook(
        workbook_bytes(rows, merges=(merge,)), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data', sel {cell}: Sel {merge} digabung melintasi beberapa tempat angka, sehingga tidak jelas "
        "angkanya untuk yang mana. Pisahkan gabungan selnya dan isi setiap sel, lalu unggah lagi."
    ]


def test_merged_cells_of_the_header_or_of_names_are_read_as_before(klego_data, cycle):
    rows = [
        ["Kode", "Indikator", None, "Realisasi", None],
        [None, None, None, "TW I", "TW II"],
        ["PEM-01", PEM01_NAME, None, 13, 12],
        ["PEM-02", "", None, "", 100],
        [None, None, None, 5, None],
    ]
    data = workbook_bytes(rows, merges=("D1:E1", "B3:C3", "A1:A2", "D4:D5"))
    result = read_workbook(data, indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    assert {r.indicator.code: r.realisations for r in result.rows} == {
        "PEM-01": {1: 13, 2: 12},
        "PEM-02": {1: None, 2: 100},
    }


@pytest.mark.parametrize(
    "written,master,same",
    [
        ("Org", "orang", True), ("kgt", "kegiatan", True), ("Keg.", "kegiatan", True), ("Dok", "dokumen", True),
        ("x", "kali", True), ("Bln", "bulan", True), ("Indeks", "nilai", False), ("orang", "desa", False),
        ("%", "desa", False), ("desa", "%", False), ("ds", "dokumen", False), ("d", "desa", False),
    ],
)  # fmt: skip
def test_units_are_the_same_as_written_out_never_across_a_percentage(written, master, same):
    from kinerja.spreadsheets.importer import same_unit

    assert same_unit(written, master) is same


def test_a_workbook_without_a_recognisable_header_is_refused(klego_data, cycle):
    result = read_workbook(
        workbook_bytes([["a", "b"], [1, 2]]), indicators=Indicator.objects.all(), section=klego_data.sections["pem"]
    )
    assert "Tidak ditemukan baris judul kolom" in str(result.problems[0])


def test_every_version_is_kept_and_the_last_accepted_counts(klego_data, cycle):
    section = klego_data.sections["pem"]
    good = workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 10], ["PEM-02", 90]])
    bad = workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", "sepuluh"]])
    better = workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 11], ["PEM-02", 91]])
    for data in (good, bad, better):
        submissions.submit(
            cycle=cycle, section=section, kind=realisasi(), data=data, filename="x.xlsx", by=klego_data.staf_pem
        )
    versions = list(
        Submission.objects.filter(cycle=cycle, section=section).order_by("version").values_list("version", "status")
    )
    assert versions == [(1, "diterima"), (2, "ditolak"), (3, "diterima")]
    latest = submissions.latest(cycle, section, realisasi())
    assert latest.version == 3 and latest.rows.get(indicator__code="PEM-01").real_q1 == 11
    assert all(s.file is not None for s in Submission.objects.filter(cycle=cycle))


def test_a_section_cannot_upload_for_another_section(klego_data, cycle):
    data = workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 10]])
    with pytest.raises(workflow.NotAllowed):
        submissions.submit(
            cycle=cycle,
            section=klego_data.sections["pem"],
            kind=realisasi(),
            data=data,
            filename="x.xlsx",
            by=klego_data.staf_trantib,
        )
    assert not Submission.objects.exists()


def test_uploads_are_refused_once_the_section_has_handed_in(klego_data, cycle):
    section = klego_data.sections["pem"]
    data = workbook_bytes([["Kode", "Realisasi TW IV"], ["PEM-01", 10], ["PEM-02", 90]])
    submissions.submit(
        cycle=cycle, section=section, kind=realisasi(), data=data, filename="x.xlsx", by=klego_data.staf_pem
    )
    submissions.hand_in(submissions.open_step_2(cycle, section), by=klego_data.staf_pem, overdue_reason="x")
    with pytest.raises(workflow.WorkflowError, match="tidak sedang terbuka"):
        submissions.submit(
            cycle=cycle, section=section, kind=realisasi(), data=data, filename="x.xlsx", by=klego_data.staf_pem
        )


def test_handing_in_without_accepted_data_is_refused(klego_data, cycle):
    run = submissions.open_step_2(cycle, klego_data.sections["pem"])
    with pytest.raises(workflow.WorkflowError, match="belum mengunggah data yang diterima"):
        submissions.hand_in(run, by=klego_data.staf_pem, overdue_reason="x")


# The command ------------------------------------------------------------------------------------


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_kinerja", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:  # CommandError: the way manage.py shows it, exit 1
        err.write(str(exc))
        code = 1
    return code, out.getvalue(), err.getvalue()


def test_command_lists_the_valid_values(klego_data, cycle):
    code, out, _ = run_command("--list")
    assert code == 0
    lines = out.splitlines()
    assert "seksi pem Seksi Pemerintahan" in lines
    assert any(line.startswith("jenis realisasi ") for line in lines)
    assert "periode 2026-TW4 TW IV 2026" in lines


def test_command_imports_an_accepted_file_with_exit_0(klego_data, cycle, tmp_path):
    path = tmp_path / "pem.xlsx"
    path.write_bytes(workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 10], ["PEM-02", 90]]))
    code, out, _ = run_command(
        str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run"
    )
    assert code == 0 and "berkas sah, 2 indikator terbaca" in out and not Submission.objects.exists()
    code, out, _ = run_command(str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4")
    assert code == 0 and "diterima sebagai versi 1" in out
    assert Submission.objects.get().source == "cli"


def test_command_prints_one_line_per_problem_and_exits_non_zero(klego_data, cycle, tmp_path):
    path = tmp_path / "salah.xlsx"
    path.write_bytes(workbook_bytes([["Kode", "Realisasi TW I", "Realisasi TW II"], ["PEM-01", "x", "y"]]))
    code, out, err = run_command(
        str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run"
    )
    assert code == 1
    problems = [line for line in err.splitlines() if "sel " in line]
    assert len(problems) == 2 and "sel B2" in problems[0] and "sel C2" in problems[1]
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "args,message",
    [
        (["--seksi", "xyz", "--jenis", "realisasi", "--periode", "2026-TW4"], "Seksi 'xyz' tidak dikenal"),
        (["--seksi", "pem", "--jenis", "apa", "--periode", "2026-TW4"], "Jenis data 'apa' tidak dikenal"),
        (["--seksi", "pem", "--jenis", "realisasi", "--periode", "kemarin"], "Periode 'kemarin' tidak dikenal"),
        (["--seksi", "pem", "--jenis", "realisasi", "--periode", "2019"], "Tidak ada siklus berjalan"),
    ],
)
def test_command_explains_bad_arguments(klego_data, cycle, tmp_path, args, message):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 rusak")
    code, _out, err = run_command(str(path), *args)
    assert code == 1 and message in err


def test_command_never_shows_a_traceback_for_garbage(klego_data, cycle, tmp_path):
    path = tmp_path / "sampah.xlsx"
    path.write_bytes(b"\x00\xff" * 5000)
    code, out, err = run_command(str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4")
    assert code == 1 and "bukan workbook Excel" in err and "Traceback" not in err


def test_command_prints_what_was_read_as_one_json_object(klego_data, cycle, tmp_path):
    import json

    path = tmp_path / "pem.xlsx"
    rows = [
        ["LAPORAN REALISASI TRIWULAN IV TAHUN 2026"],
        ["Kode", "Target Tahunan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PEM-01", 13, 13, 13, "12,5", None],
        [None, "JUMLAH", 13, 13, 12.5, None],
    ]
    path.write_bytes(workbook_bytes(rows, title="Data"))
    code, out, _ = run_command(
        str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run", "--json"
    )
    assert code == 0
    document = json.loads(out)
    assert document == {
        "ok": True,
        "period": "2026-TW4",
        "sheet": "Data",
        "rows": [
            {
                "code": "PEM-01", "sheet": "Data", "row": 3,
                "realisasi": {"TW1": 13, "TW2": 13, "TW3": 12.5, "TW4": None},
                "target": {"tahunan": 13},
                "cells": {"TW1": "C3", "TW2": "D3", "TW3": "E3", "TW4": "F3"},
            }
        ],
        "skipped": [{"sheet": "Data", "row": 4, "reason": "baris jumlah/rata-rata: JUMLAH"}],
        "problems": [],
    }  # fmt: skip
    assert not Submission.objects.exists()


def test_command_json_refusals_are_json_with_exit_1(klego_data, cycle, tmp_path):
    import json

    path = tmp_path / "salah.xlsx"
    path.write_bytes(workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", "sepuluh"]]))
    code, out, _ = run_command(
        str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run", "--json"
    )
    document = json.loads(out)
    assert code == 1 and document["ok"] is False and document["problems"][0]["cell"] == "B2"
    code, out, _ = run_command(str(path), "--seksi", "xyz", "--jenis", "realisasi", "--periode", "2026-TW4", "--json")
    assert code == 1 and "Seksi 'xyz' tidak dikenal" in json.loads(out)["problems"][0]["message"]
