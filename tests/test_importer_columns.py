"""Columns whose meaning the reader cannot be sure of: quarter columns that say neither target nor
realisation, a realisation column that names no quarter, and a file with no realisation at all
uploaded as the realisation. Each was read in silence before (a Rencana Aksi's quarterly targets
became realisations at 100 %; a "Realisasi" column was dropped without a word)."""

from decimal import Decimal

import pytest

from kinerja.models import DataKind, Indicator
from kinerja.spreadsheets.importer import read_workbook
from kinerja.steps import submissions

from .conftest import advance, start, workbook_bytes

PEM01 = "Jumlah desa yang menyampaikan LPPDes tepat waktu"
PEM02 = "Persentase desa yang menetapkan APBDes tepat waktu"
BARE = ["Kode", "Indikator", "Satuan", "Target Tahunan", "TW I", "TW II", "TW III", "TW IV"]
BARE_ROWS = [["PEM-01", PEM01, "desa", 13, 3, 6, 9, 13], ["PEM-02", PEM02, "%", 100, 25, 50, 75, 100]]


@pytest.fixture
def cycle(klego_data):
    """Klego's TW IV 2026 cycle with step 2 open."""
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def _read(rows, klego_data, period=(2026, 4)):
    return read_workbook(
        workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"], period=period
    )


@pytest.mark.parametrize(
    "title",
    ["DATA KINERJA SEKSI PEMERINTAHAN TAHUN 2026", "TARGET DAN REALISASI KINERJA TAHUN 2026", None],
)
def test_quarter_columns_that_say_neither_target_nor_realisation_are_refused_when_the_title_does_not_say(
    klego_data, cycle, title
):
    rows = ([[title], []] if title else []) + [BARE, *BARE_ROWS]
    result = _read(rows, klego_data)
    header = 3 if title else 1
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data', sel E{header}: Kolom E, F, G, H menyebut triwulan tetapi tidak menyebut apakah isinya "
        "target atau realisasi, dan judul berkas tidak memastikannya. Tulis 'Target' atau 'Realisasi' pada judul "
        "kolomnya (mis. 'Realisasi TW I', atau 'Realisasi' di atas kolom-kolom triwulan), lalu unggah lagi."
    ]
    assert result.rows == []


def test_bare_quarter_columns_under_a_rencana_aksi_title_are_its_targets(klego_data, cycle):
    rows = [["RENCANA AKSI SEKSI PEMERINTAHAN TAHUN 2026"], ["KECAMATAN KLEGO"], [], BARE, *BARE_ROWS]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [(r.indicator.code, r.targets, r.realisations) for r in result.rows] == [
        ("PEM-01", {1: 3, 2: 6, 3: 9, 4: 13}, {}),
        ("PEM-02", {1: 25, 2: 50, 3: 75, 4: 100}, {}),
    ]
    assert (
        "Kolom E, F, G, H (triwulan) dibaca sebagai target, sesuai judul berkas "
        '"RENCANA AKSI SEKSI PEMERINTAHAN TAHUN 2026".'
    ) in result.notes


@pytest.mark.parametrize(
    "title",
    ["LAPORAN REALISASI RENCANA AKSI TRIWULAN IV TAHUN 2026", "MONEV RENCANA AKSI TRIWULAN IV TAHUN 2026"],
)
def test_bare_quarter_columns_under_a_realisation_title_are_its_realisations(klego_data, cycle, title):
    rows = [[title], [], BARE, ["PEM-01", PEM01, "desa", 13, 3, 7, 12, 13]]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [(r.indicator.code, r.targets, r.realisations) for r in result.rows] == [
        ("PEM-01", {}, {1: 3, 2: 7, 3: 12, 4: 13})
    ]


def test_a_sheet_named_for_the_rencana_aksi_says_what_its_bare_quarters_are(klego_data, cycle):
    data = workbook_bytes([BARE, *BARE_ROWS], title="Rencana Aksi 2026")
    result = read_workbook(data, indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert result.problems == []
    assert [r.targets[4] for r in result.rows] == [13, 100]


def test_quarter_columns_that_say_what_they_are_are_read_whatever_the_title(klego_data, cycle):
    rows = [
        ["RENCANA AKSI TAHUN 2026"],
        ["Kode", "Indikator", "Satuan", "Realisasi", None, "Target TW IV"],
        [None, None, None, "TW III", "TW IV", None],
        ["PEM-01", PEM01, "desa", 12, 13, 13],
    ]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [(r.targets, r.realisations) for r in result.rows] == [({4: 13}, {3: 12, 4: 13})]


def test_bare_quarters_that_complete_a_named_series_are_of_its_kind(klego_data, cycle):
    rows = [
        ["Kode", "Indikator", "Realisasi TW I", "Realisasi TW II", "TW III", "TW IV"],
        ["PEM-01", PEM01, 3, 7, 12, 13],
    ]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [(r.targets, r.realisations) for r in result.rows] == [({}, {1: 3, 2: 7, 3: 12, 4: 13})]
    assert "Kolom E, F (triwulan) dibaca sebagai realisasi, sesuai kolom triwulan lain yang bertuliskan realisasi." in (
        result.notes
    )


def test_bare_quarters_beside_the_same_quarters_named_as_targets_are_refused_without_a_title(klego_data, cycle):
    """Target TW I–IV and then TW I–IV: most likely the realisations, but a guess."""
    rows = [
        ["Kode", "Indikator", "Target TW I", "Target TW II", "TW I", "TW II"],
        ["PEM-01", PEM01, 3, 7, 3, 6],
    ]
    result = _read(rows, klego_data)
    assert [p.cell for p in result.problems] == ["E1"]
    assert result.problems[0].message.startswith("Kolom E, F menyebut triwulan tetapi tidak menyebut")


@pytest.mark.parametrize("label", ["Realisasi", "REALISASI (desa/%)", "Realisasi Kinerja", "Realisasi 2026"])
def test_a_realisation_column_that_names_no_quarter_is_refused(klego_data, cycle, label):
    rows = [
        ["LAPORAN TRIWULAN IV TAHUN 2026"],
        ["Kode", "Indikator", "Satuan", "Target", label],
        ["PEM-01", PEM01, "desa", 13, 12],
    ]
    result = _read(rows, klego_data)
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data', sel E2: Kolom E ('{label}') tidak menyebut triwulannya, sehingga tidak jelas realisasi "
        "triwulan mana dan apakah nilai triwulan itu sendiri atau kumulatif. Beri judul 'Realisasi TW IV' (nilai "
        "triwulan itu) atau 'Realisasi s.d. TW IV' (kumulatif sampai triwulan itu), lalu unggah lagi."
    ]
    assert result.rows == []


@pytest.mark.parametrize(
    "label",
    [
        "Realisasi Tahun Lalu",
        "Realisasi 2025",
        "Realisasi Keuangan (Rp)",
        "Realisasi Fisik (%)",
        "Realisasi s.d. Tahun 2025",
    ],
)
def test_other_realisation_columns_beside_the_quarters_are_not_read_and_not_refused(klego_data, cycle, label):
    rows = [["Kode", "Indikator", "Satuan", label, "Realisasi TW IV"], ["PEM-01", PEM01, "desa", 11, 13]]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [r.realisations for r in result.rows] == [{4: 13}]


RENCANA_AKSI = [["RENCANA AKSI SEKSI PEMERINTAHAN TAHUN 2026"], [], BARE, *BARE_ROWS]
NO_REALISATION = (
    "Berkas ini tidak memuat kolom realisasi (mis. 'Realisasi TW IV'), padahal yang diunggah adalah Realisasi/monev "
    "Rencana Aksi. Bila ini berkas target (mis. Rencana Aksi), unggah berkas realisasinya; bila realisasinya ada, "
    "beri judul kolom seperti pada templat, lalu unggah lagi."
)


def test_a_rencana_aksi_uploaded_as_the_realisation_is_refused(klego_data, cycle):
    """The staff member picked last January's Rencana Aksi instead of the quarter's report: its
    quarterly targets must not become the quarter's realisations (every capaian 100 %)."""
    outcome = submissions.submit(
        cycle=cycle, section=klego_data.sections["pem"], kind=DataKind.objects.get(code="realisasi"),
        data=workbook_bytes(RENCANA_AKSI), filename="ra.xlsx", by=klego_data.staf_pem,
    )  # fmt: skip
    assert outcome.submission.status == "ditolak"
    assert [p["message"] for p in outcome.submission.problems] == [NO_REALISATION]
    assert not outcome.submission.rows.exists()


def test_import_kinerja_refuses_a_rencana_aksi_as_the_realisation_with_one_line(klego_data, cycle, tmp_path):
    from .test_importer import run_command

    path = tmp_path / "ra.xlsx"
    path.write_bytes(workbook_bytes(RENCANA_AKSI))
    code, _out, err = run_command(
        str(path), "--seksi", "pem", "--jenis", "realisasi", "--periode", "2026-TW4", "--dry-run"
    )
    assert code == 1
    assert err.splitlines() == [f"ra.xlsx: {NO_REALISATION}"]


def test_a_file_of_targets_is_read_for_a_kind_that_holds_no_realisation(klego_data, cycle):
    result = read_workbook(
        workbook_bytes(RENCANA_AKSI), indicators=Indicator.objects.all(), section=klego_data.sections["pem"],
        period=(2026, 4), kind=DataKind.objects.get(code="rencana-aksi"),
    )  # fmt: skip
    assert result.problems == [] and [r.targets[4] for r in result.rows] == [13, 100]


def test_a_realisation_file_whose_realisation_cells_are_still_empty_is_read(klego_data, cycle):
    """The rule is about the columns: a realisation not known yet is the hand-in's question
    ("tidak ada data"), not a file to refuse."""
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW IV"],
        ["PEM-01", PEM01, "desa", None],
        ["PEM-02", PEM02, "%", "-"],
    ]
    result = read_workbook(
        workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"],
        period=(2026, 4), kind=DataKind.objects.get(code="realisasi"),
    )  # fmt: skip
    assert result.problems == []
    assert [(r.indicator.code, r.realisations) for r in result.rows] == [("PEM-01", {4: None}), ("PEM-02", {4: None})]


def test_in_a_cycle_for_the_year_a_realisation_column_without_a_quarter_is_the_years(klego_data, cycle):
    """The Pengukuran Kinerja's own layout (Sasaran, Indikator, Target, Realisasi, Capaian) for a
    year: the realisation is the year's, s.d. TW IV; for an indicator taken at its latest quarter
    that is TW IV's own value."""
    rows = [
        ["PENGUKURAN KINERJA TAHUN 2026"],
        ["No", "Kode", "Indikator", "Satuan", "Target", "Realisasi", "Capaian (%)"],
        [1, "PEM-01", PEM01, "desa", 13, 12, "92,31"],
    ]
    result = _read(rows, klego_data, period=(2026, None))
    assert result.problems == []
    (row,) = result.rows
    assert (row.annual_target, row.realisations, row.running, row.capaian) == (
        13,
        {4: 12},
        False,
        {0: Decimal("92.31")},
    )
    assert "Kolom F ('Realisasi') dibaca sebagai realisasi tahun 2026 (s.d. TW IV)." in result.notes


def test_in_a_cycle_for_the_year_a_summed_indicators_realisation_is_its_running_total(klego_data, cycle):
    rows = [["Kode", "Satuan", "Target 2026", "Realisasi 2026"], ["KES-01", "kegiatan", 16, 18]]
    result = read_workbook(
        workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["kesos"],
        period=(2026, None),
    )  # fmt: skip
    assert result.problems == []
    assert [(r.realisations, r.running) for r in result.rows] == [({4: 18}, True)]


@pytest.mark.parametrize(
    "title,named",
    [("LAPORAN REALISASI TAHUN 2025", "LAPORAN REALISASI TAHUN 2025"),
     ("REALISASI RENCANA AKSI SEKSI PEMERINTAHAN TAHUN 2025", "REALISASI RENCANA AKSI SEKSI PEMERINTAHAN TAHUN 2025")],
)  # fmt: skip
def test_a_title_right_above_the_header_is_read_as_the_title(klego_data, cycle, title, named):
    """With no empty row between them, a one-cell title was taken as the upper row of a two-row
    header (every label then began with it), so the title block was empty and a 2025 file read as
    2026's."""
    rows = [[title], ["Kode", "Indikator", "Satuan", "Realisasi TW IV"], ["PEM-01", PEM01, "desa", 12]]
    result = _read(rows, klego_data)
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Data': Judul berkas menyebut \"{named}\", sedangkan siklus ini untuk Triwulan IV 2026. Unggah "
        "berkas periode yang benar, atau perbaiki judulnya bila hanya judulnya yang keliru."
    ]


def test_a_title_over_an_empty_row_is_not_taken_into_a_three_row_header(klego_data, cycle):
    rows = [["RENCANA AKSI TAHUN 2026"], [], BARE, *BARE_ROWS]
    result = _read(rows, klego_data)
    assert result.problems == []
    assert [r.targets[4] for r in result.rows] == [13, 100]
    assert any(note.endswith('sesuai judul berkas "RENCANA AKSI TAHUN 2026".') for note in result.notes)


def test_a_sheet_of_another_period_beside_the_data_is_named_as_not_read(klego_data, cycle):
    """Last quarter's sheet left in the workbook: not read (its title names TW III), and the
    result says so instead of passing over it in silence."""
    this = [["LAPORAN TRIWULAN IV TAHUN 2026"], [], ["Kode", "Indikator", "Realisasi TW IV"], ["PEM-01", PEM01, 12]]
    last = [["LAPORAN TRIWULAN III TAHUN 2026"], [], ["Kode", "Indikator", "Realisasi TW III"], ["PEM-01", PEM01, 10]]
    data = workbook_bytes(this, title="TW IV", extra_sheets=[("TW III", last)])
    result = read_workbook(
        data, indicators=Indicator.objects.all(), section=klego_data.sections["pem"], period=(2026, 4)
    )  # fmt: skip
    assert result.problems == [] and result.sheet == "TW IV"
    assert [r.realisations for r in result.rows] == [{4: 12}]
    assert (
        "Lembar 'TW III' tidak dibaca: Judul berkas menyebut \"LAPORAN TRIWULAN III TAHUN 2026\", sedangkan siklus "
        "ini untuk Triwulan IV 2026. Unggah berkas periode yang benar, atau perbaiki judulnya bila hanya judulnya yang "
        "keliru."
    ) in result.notes
