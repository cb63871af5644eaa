"""Writing spreadsheets safely: text a spreadsheet program would run as a formula is neutralised."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(value):
    """Text for a cell: one that starts like a formula gets a leading apostrophe, so Excel and
    LibreOffice show it as text and never run it. Numbers and None pass through."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def workbook_from_tables(tables, *, title: str, subtitle: str = "") -> bytes:
    """One sheet per table: a bold filled header, frozen panes, numbers as numbers (shown with
    the reader's own separators, 1.234,56 in an Indonesian Excel) and text neutralised."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in tables:
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "Data"
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append([safe_text(title)])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([safe_text(f"{table.title}{' · ' + subtitle if subtitle else ''}")])
        sheet.append([])
        sheet.append([safe_text(h) for h in table.headers])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DCE6F1")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        row_number = 4  # the header's row; `sheet.max_row` scans every cell, so it is counted here
        for row in table.rows:
            values = []
            for value in row:
                if isinstance(value, Decimal):
                    value = float(value) if value == value.to_integral_value() or abs(value) < 1e15 else str(value)
                values.append(safe_text(value))
            sheet.append(values)
            row_number += 1
            for column, value in enumerate(values, start=1):
                if isinstance(value, (int, float)):
                    sheet.cell(row=row_number, column=column).number_format = "#,##0.##"
        notes = getattr(table, "notes", [])
        if notes:
            sheet.append([])
            for label, note in notes:
                sheet.append([safe_text(label), safe_text(note)])
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
                sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "C5"
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 55
        for letter in "CDEFGHIJKLMNOPQ":
            sheet.column_dimensions[letter].width = 13
    if not workbook.worksheets:
        sheet = workbook.create_sheet("Data")
        sheet.append([safe_text(title)])
        sheet.append(["Belum ada data untuk periode ini."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
