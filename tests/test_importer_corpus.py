"""Workbooks as kecamatan offices really make them, written by three programs (openpyxl,
XlsxWriter, and LibreOffice for the files under tests/corpus/), each with the exact values a
careful reader takes from it, or the sentence it must be refused with. Never a third way: no
file here may be accepted with a wrong or a missing value.

Every expected value below is written by hand from what the file shows on screen."""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from kinerja.models import Indicator, Section
from kinerja.spreadsheets.importer import read_workbook

CORPUS = Path(__file__).parent / "corpus"

PEM01 = "Jumlah desa yang menyampaikan LPPDes tepat waktu"
PEM02 = "Persentase desa yang menetapkan APBDes tepat waktu"
H = ["Kode", "Indikator", "Satuan", "Target Tahunan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III",
     "Realisasi TW IV"]  # fmt: skip
ROW1 = ["PEM-01", PEM01, "desa", 13, 13, 12, 13, 13]
ROW2 = ["PEM-02", PEM02, "%", 100, 100, 92, 100, 100]
VALUES = {"PEM-01": {1: 13, 2: 12, 3: 13, 4: 13}, "PEM-02": {1: 100, 2: 92, 3: 100, 4: 100}}
SIGNATURE = [
    [None, None, None, None, None, "Klego, 30 Desember 2026"],
    [None, "Mengetahui,", None, None, None, "Kepala Seksi Pemerintahan"],
    [None, "Camat Klego", None, None, None, None],
    [None, "Drs. Haryanto Wibowo, M.Si.", None, None, None, "Bambang Sutrisno, S.Sos."],
    [None, "NIP 19750812 200003 1 004", None, None, None, "NIP 19800101 200501 1 002"],
    [None, "Pembina / IV.a", None, None, None, "Penata / III.c"],
]


@dataclass
class Sheet:
    title: str
    rows: list[list]
    hidden: bool = False
    hidden_rows: tuple[int, ...] = ()  # row numbers, from 1
    percent: tuple[str, ...] = ()  # cells shown with the 0.00% format
    merges: tuple[str, ...] = ()


@dataclass
class Case:
    sheets: list[Sheet]
    values: dict | None = None  # code -> {quarter: realisation}; None when the file is refused
    refused: str = ""  # a phrase of the refusal
    section: str = "pem"
    period: tuple = (2026, 4)
    sheet: str = ""  # the sheet the data must be read from
    targets: dict = field(default_factory=dict)  # code -> annual target
    skipped: int | None = None  # rows listed as skipped (not indicators)
    writers: dict = field(default_factory=dict)  # writer -> ("refused", phrase) where it differs
    running: dict = field(default_factory=dict)  # code -> whether its figures were read as running totals


CASES = {
    "plain": Case([Sheet("Data", [H, ROW1, ROW2])], VALUES, targets={"PEM-01": 13, "PEM-02": 100}),
    "rekap_sheet_first": Case(
        [
            Sheet(
                "Rekap",
                [
                    H,
                    ["PEM-01", PEM01, "desa", "=Data!D2", "=Data!E2", "=Data!F2", "=Data!G2", "=Data!H2"],
                    ["PEM-02", PEM02, "%", "=Data!D3", "=Data!E3", "=Data!F3", "=Data!G3", "=Data!H3"],
                ],
            ),
            Sheet("Data", [H, ROW1, ROW2]),
        ],
        VALUES,
        sheet="Data",
    ),  # fmt: skip
    "hidden_old_sheet_first": Case(
        [Sheet("Lama", [H, ["PEM-01", PEM01, "desa", 10, 1, 1, 1, 1]], hidden=True), Sheet("Data", [H, ROW1, ROW2])],
        VALUES,
        sheet="Data",
    ),
    "two_visible_data_sheets": Case(
        [Sheet("Data", [H, ROW1, ROW2]), Sheet("Data (2)", [H, ["PEM-01", PEM01, "desa", 13, 9, 9, 9, 9]])],
        refused="'Data' dan 'Data (2)' sama-sama berisi tabel indikator",
    ),
    "hidden_draft_row": Case(
        [Sheet("Data", [H, ["PEM-01", PEM01, "desa", 13, 1, 1, 1, 1], ROW1, ROW2], hidden_rows=(2,))], VALUES
    ),
    "title_numbering_groups_totals_signature": Case(
        [
            Sheet(
                "Sheet1",
                [
                    ["LAPORAN REALISASI RENCANA AKSI TRIWULAN IV TAHUN 2026"],
                    ["KECAMATAN KLEGO"],
                    [],
                    H,
                    [1, 2, 3, 4, 5, 6, 7, 8],
                    ["Sasaran Strategis 1: Meningkatnya tata kelola pemerintahan desa"],
                    ROW1,
                    ROW2,
                    [None, "JUMLAH", None, 113, 113, 104, 113, 113],
                    [],
                    *SIGNATURE,
                ],
            )
        ],
        VALUES,
        skipped=9,  # numbering, group, total and six signature rows
    ),
    "action_rows_under_indicators": Case(
        [
            Sheet(
                "Rencana Aksi",
                [
                    H,
                    ROW1,
                    [None, "a. Rapat koordinasi dengan desa", "kali", 4, 1, 1, 1, 1],
                    [None, "- Monitoring ke desa", "kali", 12, 3, 3, 3, 3],
                    ROW2,
                    [None, "1) Verifikasi dokumen APBDes", "dokumen", 13, 13, 13, 0, 0],
                ],
            )
        ],
        VALUES,
        skipped=3,
    ),  # fmt: skip
    "indicator_formulas_over_action_rows": Case(
        [
            Sheet(
                "Rencana Aksi",
                [
                    H,
                    ["PEM-01", PEM01, "desa", 13, "=E3+E4", "=F3+F4", "=G3+G4", "=H3+H4"],
                    [None, "a. Verifikasi LPPDes", "desa", 7, 7, 6, 7, 7],
                    [None, "b. Pendampingan penyusunan LPPDes", "desa", 6, 6, 6, 6, 6],
                    ROW2,
                ],
            )
        ],
        refused="rumus yang nilainya tidak tersimpan",
        skipped=2,
    ),  # fmt: skip
    "signature_block_beside_the_table": Case(
        [
            Sheet(
                "Data",
                [
                    [*H, None, "Klego, 30 Desember 2026"],
                    [*ROW1, None, "Kepala Seksi Pemerintahan"],
                    [*ROW2, None, None],
                    [None, None, None, None, None, None, None, None, None, "Bambang Sutrisno, S.Sos."],
                    [None, None, None, None, None, None, None, None, None, "NIP 19800101 200501 1 002"],
                    [None, None, None, None, None, None, None, None, None, "Penata / III.c"],
                ],
            )
        ],
        VALUES,
        skipped=3,
    ),  # fmt: skip
    "three_row_header": Case(
        [
            Sheet(
                "Data",
                [
                    ["Kode", "Indikator", "Target", None, None, None, "Realisasi", None, None, None],
                    [None, None, "Triwulan", None, None, None, "Triwulan", None, None, None],
                    [None, None, "I", "II", "III", "IV", "I", "II", "III", "IV"],
                    ["PEM-01", PEM01, 13, 13, 13, 13, 13, 12, 13, 13],
                    ["PEM-02", PEM02, 100, 100, 100, 100, 100, 92, 100, 100],
                ],
                merges=("C1:F1", "G1:J1", "C2:F2", "G2:J2"),
            )
        ],
        VALUES,
    ),
    "money_next_to_performance": Case(
        [
            Sheet(
                "Data",
                [
                    [
                        "Kode",
                        "Indikator",
                        "Realisasi Kinerja/Fisik",
                        None,
                        None,
                        None,
                        "Realisasi Keuangan (Rp)",
                        None,
                        None,
                        None,
                    ],
                    [None, None, "TW I", "TW II", "TW III", "TW IV", "TW I", "TW II", "TW III", "TW IV"],
                    ["PEM-01", PEM01, 13, 12, 13, 13, 1500000, 2500000, 1000000, 0],
                    [
                        "PEM-02",
                        PEM02,
                        100,
                        92,
                        100,
                        100,
                        "Rp 975.000.000",
                        "Rp. 975.000.000",
                        "1.462.500.000,00",
                        "Rp 1.950.000.000,-",
                    ],
                ],
                merges=("C1:F1", "G1:J1"),
            )
        ],
        VALUES,
    ),  # fmt: skip
    "renstra_and_next_year_targets": Case(
        [
            Sheet(
                "Data",
                [
                    [
                        "Kode",
                        "Indikator",
                        "Target Renstra 2021–2026",
                        "Target 2027",
                        "Target 2026",
                        "Realisasi TW I",
                        "Realisasi TW II",
                        "Realisasi TW III",
                        "Realisasi TW IV",
                    ],
                    ["PEM-01", PEM01, 13, 13, 12, 13, 12, 13, 13],
                    ["PEM-02", PEM02, 100, 100, 95, 100, 92, 100, 100],
                ],
            )
        ],
        VALUES,
        targets={"PEM-01": 12, "PEM-02": 95},
    ),  # fmt: skip
    "rekening_and_kegiatan_columns": Case(
        [
            Sheet(
                "Data",
                [
                    [
                        "Kode Rekening",
                        "Uraian Kegiatan",
                        "Kode",
                        "Indikator Kinerja",
                        "Realisasi TW I",
                        "Realisasi TW II",
                        "Realisasi TW III",
                        "Realisasi TW IV",
                    ],
                    ["5.1.02.01", "Fasilitasi pemerintahan desa", "PEM-01", PEM01, 13, 12, 13, 13],
                    ["5.1.02.02", "Pembinaan keuangan desa", "PEM-02", PEM02, 100, 92, 100, 100],
                ],
            )
        ],
        VALUES,
    ),  # fmt: skip
    # PEM-01 takes its latest value: up to a quarter, the value is the quarter's own.
    "running_totals_of_a_latest_indicator": Case(
        [
            Sheet(
                "Data",
                [["Kode", "Indikator", "Realisasi s.d. TW III", "Realisasi s.d. TW IV"], ["PEM-01", PEM01, 13, 12]],
            )
        ],
        {"PEM-01": {3: 13, 4: 12}},
        running={"PEM-01": False},
    ),  # fmt: skip
    # TRA-02 adds its quarters up: running totals are kept as written (3, 5, 9, 11 kejadian).
    "running_totals_of_a_summed_indicator": Case(
        [
            Sheet(
                "Data",
                [
                    [
                        "Kode",
                        "Realisasi s.d. TW I",
                        "Realisasi s.d. TW II",
                        "Realisasi s.d. TW III",
                        "Realisasi s.d. TW IV",
                    ],
                    ["TRA-02", 3, 5, 9, 11],
                ],
            )
        ],
        {"TRA-02": {1: 3, 2: 5, 3: 9, 4: 11}},
        section="trantib",
        running={"TRA-02": True},
    ),  # fmt: skip
    "running_totals_of_an_average_indicator": Case(
        [Sheet("Data", [["Kode", "Realisasi s.d. TW I", "Realisasi s.d. TW II"], ["PEL-02", 5, 4]])],
        section="pelum",
        refused="PEL-02 dirata-rata per triwulan, sehingga nilai triwulannya tidak dapat diturunkan",
    ),
    "running_and_own_columns_mixed": Case(
        [Sheet("Data", [["Kode", "Realisasi TW I", "Realisasi s.d. TW II"], ["PEM-01", 13, 13]])],
        refused="Kolom realisasi bercampur: B per triwulan, C s.d. triwulan (kumulatif)",
    ),
    "running_totals_beside_quarters": Case(
        [Sheet("Data", [[*H, "Realisasi s.d. TW IV"], [*ROW1, 51], [*ROW2, 392]])], VALUES
    ),
    "percent_formatted_cells": Case(
        [Sheet("Data", [H, ROW1, ["PEM-02", PEM02, "%", 100, 1, 0.9231, 1, 1]], percent=("E3", "F3", "G3", "H3"))],
        {"PEM-01": VALUES["PEM-01"], "PEM-02": {1: 100, 2: Decimal("92.31"), 3: 100, 4: 100}},
    ),
    "percent_format_on_a_count": Case(
        [Sheet("Data", [H, ["PEM-01", PEM01, "desa", 13, 0.13, 13, 13, 13], ROW2], percent=("E2",))],
        refused="berformat persen (tampil 13%), padahal satuan PEM-01 adalah 'desa'",
    ),
    "office_words_for_numbers": Case(
        [
            Sheet(
                "Data",
                [
                    ["Kode", "Indikator", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
                    ["TRA-02", "Jumlah gangguan ketenteraman dan ketertiban", "3 kejadian", "Nihil", "--", 2],
                ],
            )
        ],
        {"TRA-02": {1: 3, 2: 0, 3: None, 4: 2}},
        section="trantib",
    ),  # fmt: skip
    "words_and_over_100": Case(
        [
            Sheet(
                "Data",
                [
                    H,
                    ["PEM-01", PEM01, "desa", 13, "dua belas", 12, 13, 13],
                    ["PEM-02", PEM02, "%", 100, "> 100%", 92, 100, 100],
                ],
            )
        ],
        refused="berisi 'dua belas'",
    ),  # fmt: skip
    "formula_in_a_realisation": Case(
        [Sheet("Data", [H, ["PEM-01", PEM01, "desa", 13, 13, 12, 13, "=G2"], ROW2])],
        refused="rumus yang nilainya tidak tersimpan",
    ),
    "codes_with_other_punctuation": Case(
        [
            Sheet(
                "Data",
                [H, ["pem.01", PEM01, "desa", 13, 13, 12, 13, 13], ["PEM 02", PEM02, "%", 100, 100, 92, 100, 100]],
            )
        ],
        VALUES,
    ),  # fmt: skip
    "names_with_office_spellings": Case(
        [
            Sheet(
                "Data",
                [
                    H[1:],
                    ["JUMLAH DESA YANG MENYAMPAIKAN LPPDes  TEPAT WAKTU", "desa", 13, 13, 12, 13, 13],
                    ["Prosentase desa yg menetapkan APBDes tepat waktu", "%", 100, 100, 92, 100, 100],
                ],
            )
        ],
        VALUES,
    ),  # fmt: skip
    "unknown_name_with_a_suggestion": Case(
        [Sheet("Data", [H[1:], ["Persentase desa menetapkan APBDes", "%", 100, 100, 92, 100, 100]])],
        refused="Maksud Anda PEM-02 Persentase desa yang menetapkan APBDes tepat waktu?",
    ),
    "title_names_another_period": Case(
        [Sheet("Data", [["LAPORAN REALISASI RENCANA AKSI TRIWULAN III TAHUN 2026"], [], H, ROW1, ROW2])],
        refused='menyebut "LAPORAN REALISASI RENCANA AKSI TRIWULAN III TAHUN 2026", sedangkan siklus ini untuk '
        "Triwulan IV 2026",
    ),
    "quarter_headers_written_otherwise": Case(
        [
            Sheet(
                "Data",
                [
                    ["Kode", "Indikator", "Realisasi I", "Realisasi II", "Triwulan ke-3", "TW IV"],
                    ["PEM-01", PEM01, 13, 12, 13, 13],
                    ["PEM-02", PEM02, 100, 92, 100, 100],
                ],
            )
        ],
        VALUES,
    ),  # fmt: skip
}
# A formula written by a program that never calculates has no trustworthy result; LibreOffice
# calculates it when it saves the file, so its copy is read (G2 is 13).
LIBREOFFICE_VALUES = {
    "formula_in_a_realisation": VALUES,
    "indicator_formulas_over_action_rows": VALUES,
    "rekap_sheet_first": VALUES,
}


def with_openpyxl(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    for index, spec in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = spec.title
        for row in spec.rows:
            sheet.append(row)
        for number in spec.hidden_rows:
            sheet.row_dimensions[number].hidden = True
        for ref in spec.percent:
            sheet[ref].number_format = "0.00%"
        for merge in spec.merges:
            sheet.merge_cells(merge)
        if spec.hidden:
            sheet.sheet_state = "hidden"
    workbook.active = next(i for i, spec in enumerate(sheets) if not spec.hidden)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_xlsxwriter(sheets: list[Sheet]) -> bytes:
    import xlsxwriter
    from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    percent = workbook.add_format({"num_format": "0.00%"})
    made = []
    for spec in sheets:
        sheet = workbook.add_worksheet(spec.title)
        made.append(sheet)
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                fmt = percent if xl_rowcol_to_cell(r, c) in spec.percent else None
                if value is not None:
                    sheet.write(r, c, value, fmt)  # "=…" is written as a formula
        for number in spec.hidden_rows:
            sheet.set_row(number - 1, None, None, {"hidden": True})
        for merge in spec.merges:
            first = merge.split(":")[0]
            r, c = xl_cell_to_rowcol(first)
            sheet.merge_range(merge, spec.rows[r][c] if c < len(spec.rows[r]) else None)
    visible = [sheet for sheet, spec in zip(made, sheets, strict=True) if not spec.hidden]
    visible[0].activate()
    for sheet, spec in zip(made, sheets, strict=True):
        if spec.hidden:
            sheet.hide()
    workbook.close()
    return buffer.getvalue()


WRITERS = {"openpyxl": with_openpyxl, "xlsxwriter": with_xlsxwriter}
FILES = [(name, writer) for name in CASES for writer in WRITERS] + [
    (path.stem.removeprefix("libreoffice-"), "libreoffice") for path in sorted(CORPUS.glob("libreoffice-*.xlsx"))
]


def read(case: Case, data: bytes):
    return read_workbook(
        data,
        indicators=Indicator.objects.all(),
        section=Section.objects.get(organisation__code="klego", code=case.section),
        period=case.period,
    )


@pytest.mark.parametrize("name,writer", FILES, ids=[f"{writer}-{name}" for name, writer in FILES])
def test_each_file_is_read_exactly_or_refused_with_its_reason(klego_data, name, writer):
    case = CASES[name]
    data = (
        (CORPUS / f"libreoffice-{name}.xlsx").read_bytes() if writer == "libreoffice" else WRITERS[writer](case.sheets)
    )
    result = read(case, data)
    messages = " | ".join(str(p) for p in result.problems)
    expected = LIBREOFFICE_VALUES.get(name, case.values) if writer == "libreoffice" else case.values
    if expected is None:
        assert not result.ok and case.refused in messages, messages or "accepted"
        return
    assert result.ok, messages
    read_values = {row.indicator.code: {q: row.realisations.get(q) for q in (1, 2, 3, 4)} for row in result.rows}
    assert read_values == {code: {q: values.get(q) for q in (1, 2, 3, 4)} for code, values in expected.items()}
    for code, target in case.targets.items():
        assert next(r.annual_target for r in result.rows if r.indicator.code == code) == target
    for code, running in case.running.items():
        assert next(r.running for r in result.rows if r.indicator.code == code) is running
    if case.sheet:
        assert result.sheet == case.sheet
    if case.skipped is not None:
        assert len([s for s in result.skipped if s.row is not None]) == case.skipped, result.skipped


def test_the_corpus_is_large_enough_and_made_by_three_programs():
    writers = {writer for _name, writer in FILES}
    assert writers == {"openpyxl", "xlsxwriter", "libreoffice"}
    assert len(FILES) >= 25


def test_skipped_rows_and_hidden_rows_are_said(klego_data):
    result = read(CASES["title_numbering_groups_totals_signature"],
                  with_openpyxl(CASES["title_numbering_groups_totals_signature"].sheets))  # fmt: skip
    reasons = [s.reason for s in result.skipped]
    assert "baris nomor kolom" in reasons[0]
    assert any(r.startswith("judul kelompok: Sasaran Strategis 1") for r in reasons)
    assert any(r.startswith("baris jumlah/rata-rata: JUMLAH") for r in reasons)
    assert any(r.startswith("blok tanda tangan") for r in reasons)
    hidden = read(CASES["hidden_draft_row"], with_openpyxl(CASES["hidden_draft_row"].sheets))
    assert "1 baris tersembunyi tidak dibaca" in " ".join(hidden.notes)
    hidden_sheet = read(CASES["hidden_old_sheet_first"], with_openpyxl(CASES["hidden_old_sheet_first"].sheets))
    assert [(s.sheet, s.reason) for s in hidden_sheet.skipped] == [("Lama", "lembar tersembunyi: tidak dibaca")]
