"""The workbook a section fills in: its indicators and targets pre-filled and locked, the cells
to fill unlocked and validated, and a sheet of instructions in Indonesian."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .exporter import safe_text

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
QUARTERS = ["TW I", "TW II", "TW III", "TW IV"]
FIRST_DATA_ROW = 6
NUMBER_FORMAT = "#,##0.##"


QUARTER_FORMS = {False: "per triwulan", True: "s.d. triwulan (kumulatif)"}


def _forms_listed(indicators) -> list[str]:
    running = [safe_text(i.code) for i in indicators if i.written_running]
    per_quarter = [safe_text(i.code) for i in indicators if not i.written_running]
    lines = []
    if running:
        lines.append(f"   Ditulis {QUARTER_FORMS[True]}: {', '.join(running)}.")
    if per_quarter:
        lines.append(f"   Ditulis {QUARTER_FORMS[False]}: {', '.join(per_quarter)}.")
    return lines


def _blocks(columns: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive column numbers as (first, last): [4, 9, 10, 11, 12] -> [(4, 4), (9, 12)]."""
    runs: list[list[int]] = []
    for column in columns:
        if runs and column == runs[-1][1] + 1:
            runs[-1][1] = column
        else:
            runs.append([column, column])
    return [(first, last) for first, last in runs]


def build_template(*, organisation, section, kind, year: int, quarter: int | None, indicators, targets) -> bytes:
    """The template workbook as bytes. `targets` maps (indicator id, quarter or None) to Target."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data Kinerja"
    period = f"TW {QUARTERS[quarter - 1][3:]} {year}" if quarter else f"Tahun {year}"
    sheet["A1"] = safe_text(f"Data kinerja {section.name} — {kind.name}")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = safe_text(f"{organisation.name} · periode {period} · kode seksi {section.code} · jenis {kind.code}")
    heads = [("A", "Kode"), ("B", "Indikator"), ("C", "Satuan"), ("D", "Target tahunan")]
    for col, label in heads:
        sheet[f"{col}4"] = label
        sheet.merge_cells(f"{col}4:{col}5")
    sheet["E4"] = "Target"
    sheet.merge_cells("E4:H4")
    sheet["I4"] = "Realisasi"
    sheet.merge_cells("I4:L4")
    for offset, label in enumerate(QUARTERS):
        sheet.cell(row=5, column=5 + offset, value=label)
        sheet.cell(row=5, column=9 + offset, value=label)
    sheet["M4"] = "Keterangan"
    sheet.merge_cells("M4:M5")
    sheet["N4"] = "Cara isi triwulan"
    sheet.merge_cells("N4:N5")
    for row in sheet.iter_rows(min_row=4, max_row=5, min_col=1, max_col=14):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER

    editable = set()
    if kind.needs_annual_target:
        editable.add(4)
    if kind.needs_targets and not kind.needs_realisation:
        editable.update(range(5, 9))
    if kind.needs_realisation:
        editable.update(range(9, 13))
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1000000000000",
        formula2="1000000000000",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Isian harus angka",
        error="Isi dengan angka, misalnya 80 atau 80,5. Kosongkan bila belum ada.",
    )
    sheet.add_data_validation(validation)
    row = FIRST_DATA_ROW
    for indicator in indicators:
        annual = targets.get((indicator.pk, None))
        values = [
            safe_text(indicator.code),
            safe_text(indicator.name),
            safe_text(indicator.unit),
            annual.value if annual else None,
            *[(targets.get((indicator.pk, q)).value if targets.get((indicator.pk, q)) else None) for q in (1, 2, 3, 4)],
            None,
            None,
            None,
            None,
            None,
            QUARTER_FORMS[indicator.written_running],
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.border = BORDER
            if col >= 4 and col <= 12:
                cell.number_format = NUMBER_FORMAT
            if col in editable or col == 13:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
            if col in (2, 14):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    if row > FIRST_DATA_ROW:
        # One range per block of editable columns: added cell by cell, openpyxl merges each new
        # cell into the range list, and the build grew with the square of the indicators.
        for first, last in _blocks(sorted(editable)):
            validation.add(f"{get_column_letter(first)}{FIRST_DATA_ROW}:{get_column_letter(last)}{row - 1}")
    widths = {"A": 10, "B": 48, "C": 12, "D": 12, "M": 30, "N": 24}
    for col in "EFGHIJKL":
        widths[col] = 10
    for col, width in widths.items():
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "C6"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    guide = workbook.create_sheet("Petunjuk")
    lines = [
        "Petunjuk pengisian",
        "",
        f"1. Isi sel berwarna kuning pada lembar 'Data Kinerja' untuk jenis data {kind.name}.",
        "2. Kode, indikator, satuan dan target dari data induk dikunci; jangan mengubah urutan kolom.",
        "3. Tulis angka saja, misalnya 85 atau 85,5. Tanda %, Rp dan pemisah ribuan boleh (1.234,56).",
        "4. Kosongkan atau tulis - bila nilai belum ada; jangan tulis 0 bila datanya tidak ada.",
        "5. Keterangan boleh diisi penjelasan singkat (kendala, sumber data).",
        "6. Simpan sebagai Excel Workbook (.xlsx), lalu unggah di halaman data seksi pada aplikasi.",
        "7. Bila ada kesalahan, aplikasi menunjukkan lembar dan selnya; perbaiki lalu unggah lagi.",
        "8. Setiap versi yang diunggah disimpan; versi terakhir yang diterima yang dipakai.",
        "9. Kolom 'Cara isi triwulan' menyatakan cara menulis target dan realisasi triwulan setiap indikator:",
        f"   - {QUARTER_FORMS[False]}: nilai triwulan itu sendiri (TW III = hasil bulan Juli-September saja).",
        f"   - {QUARTER_FORMS[True]}: jumlah sejak awal tahun (TW III = TW I + TW II + TW III).",
        *_forms_listed(indicators),
    ]
    for i, line in enumerate(lines, start=1):
        guide.cell(row=i, column=1, value=safe_text(line))
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filled_in(template: bytes, kind, *, realisation=None) -> bytes:
    """A template as section staff fill it in (the demo data, the tests and the benchmarks upload
    this): `realisation(code, quarter, target)` gives each figure, by default the quarter's target
    (1 where there is none); an annual target or quarter targets the kind asks for, where empty, 1."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["Data Kinerja"]
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if not code:
            continue
        if kind.needs_annual_target and sheet.cell(row, 4).value is None:
            sheet.cell(row, 4).value = 1
        for quarter in (1, 2, 3, 4):
            target = sheet.cell(row, 4 + quarter).value
            if kind.needs_targets and not kind.needs_realisation and target is None:
                sheet.cell(row, 4 + quarter).value = 1
            if kind.needs_realisation:
                value = realisation(code, quarter, target) if realisation else (target if target is not None else 1)
                sheet.cell(row, 8 + quarter).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
