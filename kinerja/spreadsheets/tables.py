"""A plain table read from a workbook with the guarantees of section workbooks, for the imports
that are not section data (the budget, the baseline, the master data): screened before it is
opened; hidden sheets and hidden rows not read (and said); a hidden column of the table, or a cell
merged over several of its places, refused; the one visible sheet with the table's header (found
in its first rows, under any title rows) read, two such sheets refused; each cell's reference, its
percentage format and whether its formula has a stored result kept for the caller's checks. Never
raises for a bad file: problems are sentences saying what to do."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .importer import merged_over, percent_styles, sheet_facts, title_office, values_not_calculated
from .screening import screen

HEADER_SCAN_ROWS = 15
MAX_ROWS = 5000
MAX_COLUMNS = 30


@dataclass
class Cell:
    value: object
    ref: str  # "C7"
    percent: bool = False  # shown with a % format
    uncalculated: bool = False  # a formula without a stored result


@dataclass
class TableRead:
    sheet: str = ""
    header: list = field(default_factory=list)  # the header row's labels, by column
    mapping: dict[int, str] = field(default_factory=dict)  # column -> meaning
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)  # (row number, meaning -> cell)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title_rows: list[list] = field(default_factory=list)  # the rows above the header (the title block)

    def column_of(self, meaning: str) -> str:
        return get_column_letter(next(c for c, m in self.mapping.items() if m == meaning) + 1)


def read_table(
    data: bytes, *, meaning: Callable[[object], str | None], required: set[str], expected: str, what: str
) -> TableRead:
    """The rows under the header whose labels `meaning` names (a header has every `required`
    meaning); `expected` lists the columns for the sentence when none is found, `what` names
    the table ("anggaran") when two sheets hold one."""
    result = TableRead()
    screening = screen(data)
    if not screening.ok:
        result.problems = list(screening.problems)
        return result
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for damaged files
        result.problems.append("Workbook tidak dapat dibuka (rusak). Simpan ulang dari Excel sebagai .xlsx.")
        return result
    try:
        _read(workbook, data, meaning, required, expected, what, result)
    except Exception:  # a damaged sheet can fail while its rows are read
        result.rows = []
        result.problems.append("Isi workbook rusak dan tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")
    finally:
        workbook.close()
    return result


def other_office(table: TableRead, office: str, others) -> str | None:
    """The refusal when the table's title block names another kecamatan of the installation than
    `office` (the section upload's rule, `importer.title_office`), or None."""
    named = title_office(table.title_rows, office, others)
    if named is None:
        return None
    return (
        f'Judul berkas menyebut "{named[0]}" ({named[1]}), sedangkan berkas ini diimpor untuk {office}. '
        f"Impor berkas {office} sendiri."
    )


def _mapping(labels: list, meaning) -> dict[int, str]:
    mapping = {}
    for col, label in enumerate(labels):
        found = meaning(label)
        if found and found not in mapping.values():
            mapping[col] = found
    return mapping


def _two_rows(upper: list, lower: list) -> list:
    """The labels of a header written on two rows, as a financial export writes them: "Realisasi"
    merged over four columns whose second row says "TW I" … "TW IV" gives "Realisasi TW I" …; a
    merged cell's value stands in its first column only, so it is carried right over the columns
    below it that have a second-row label."""
    labels, carried = [], None
    for col in range(max(len(upper), len(lower))):
        top = upper[col] if col < len(upper) else None
        below = lower[col] if col < len(lower) else None
        if top not in (None, ""):
            carried = top if below not in (None, "") else None
        elif below not in (None, "") and carried is not None:
            top = carried
        else:
            carried = None
        labels.append(" ".join(str(part) for part in (top, below) if part not in (None, "")))
    return labels


def _header(rows: list[list], meaning, required) -> tuple[int, int, list, dict[int, str]] | None:
    """Where the header is: (its first row's index, how many rows it takes, its labels, the
    meaning of each column). A two-row header is taken when it names more columns than its first
    row alone."""
    for index, values in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = _mapping(values, meaning)
        if not required <= set(single.values()):
            continue
        if index + 1 < len(rows):
            labels = _two_rows(values, rows[index + 1])
            double = _mapping(labels, meaning)
            if required <= set(double.values()) and len(double) > len(single):
                return index, 2, labels, double
        return index, 1, values, single
    return None


def _read(workbook, data: bytes, meaning, required, expected: str, what: str, result: TableRead) -> None:
    percent = percent_styles(workbook)
    uncalculated = values_not_calculated(data)
    found = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            result.notes.append(f"Lembar tersembunyi '{sheet.title}' tidak dibaca.")
            continue
        sheet.reset_dimensions()  # a declared A1:XFD1048576 must not make us walk a million rows
        reading = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        rows = [list(r) for _, r in zip(range(MAX_ROWS + 1), reading, strict=False)]
        header = _header(rows, meaning, required)
        if header is not None:
            found.append((sheet, rows, header))
    if not found:
        result.problems.append(f"Tidak ditemukan baris judul kolom {what}. Beri judul kolom: {expected}.")
        return
    if len(found) > 1:
        names = " dan ".join(f"'{sheet.title}'" for sheet, _r, _h in found)
        result.problems.append(
            f"Lembar {names} sama-sama berisi tabel {what}, jadi tidak jelas mana yang datanya. "
            "Hapus atau sembunyikan lembar yang bukan data, lalu unggah lagi."
        )
        return
    sheet, rows, (start, span, labels, mapping) = found[0]
    result.sheet, result.header, result.mapping = sheet.title, labels, mapping
    result.title_rows = rows[:start]
    if len(rows) > MAX_ROWS:
        result.problems.append(f"Lembar '{sheet.title}' lebih dari {MAX_ROWS} baris; pisahkan datanya.")
        return
    path = getattr(sheet, "_worksheet_path", None)
    facts = sheet_facts(_sheet_xml(data, path), percent, uncalculated=uncalculated) if path else None
    for col in sorted(set(mapping) & {c - 1 for c in (facts.hidden_columns if facts else ())}):
        letter, label = get_column_letter(col + 1), str(labels[col] or "").strip()
        result.problems.append(
            f"'{sheet.title}' sel {letter}{start + 1}: kolom {letter} ({label}) tersembunyi, sehingga isinya tidak "
            "tampak. Tampilkan kolom itu bila isinya data yang benar, atau hapus kolomnya bila bukan, lalu unggah lagi."
        )
    if result.problems:
        return
    hidden = 0
    for number, values in enumerate(rows[start + span :], start=start + span + 1):
        if all(v in (None, "") for v in values):
            continue
        if facts and number in facts.hidden_rows:
            hidden += 1
            continue
        record = {}
        for col, name in mapping.items():
            ref = f"{get_column_letter(col + 1)}{number}"
            record[name] = Cell(
                values[col] if col < len(values) else None,
                ref,
                percent=bool(facts and ref in facts.percent),
                uncalculated=bool(facts and ref in facts.uncached),
            )
        result.rows.append((number, record))
    if hidden:
        result.notes.append(f"{hidden} baris tersembunyi tidak dibaca.")
    read_rows = {number for number, _record in result.rows}
    for first, top, last, bottom in merged_over(facts.merged if facts else [], {c + 1 for c in mapping}, read_rows):
        where = f"{get_column_letter(first)}{top}:{get_column_letter(last)}{bottom}"
        result.problems.append(
            f"'{sheet.title}' sel {where}: sel digabung melintasi beberapa isian, sehingga tidak jelas isinya "
            "untuk yang mana (berkas hanya menyimpannya di sel pertama). Pisahkan gabungan selnya dan isi setiap "
            "sel, lalu unggah lagi."
        )


def _sheet_xml(data: bytes, path: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(path.lstrip("/"))
