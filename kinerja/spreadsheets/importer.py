"""Reading a section's performance workbook: headers recognised by name (Indonesian synonyms,
two merged header rows, columns in any order), numbers read the Indonesian way, every problem
collected with its sheet and cell. Used by the upload form and `manage.py import_kinerja`."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.utils import get_column_letter

from .numbers import NotANumber, parse_number
from .screening import screen

MAX_SHEETS = 30
MAX_COLUMNS = 60
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 20
MAX_EMPTY_RUN = 300
MAX_PROBLEMS = 200

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER = re.compile(r"\b(?:tw|trw|triwulan|q|kuartal)\s*[-.]?\s*(iv|iii|ii|i|[1-4])\b")
FIELD_LABELS = {
    "code": "Kode",
    "name": "Indikator",
    "unit": "Satuan",
    "annual_target": "Target tahunan",
    "remark": "Keterangan",
}


@dataclass
class Problem:
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"lembar '{self.sheet}'")
        if self.cell:
            where.append(f"sel {self.cell}")
        prefix = ", ".join(where)
        return (prefix[:1].upper() + prefix[1:] + ": " if where else "") + self.message

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}


@dataclass
class ParsedRow:
    indicator: object
    sheet: str
    row_number: int
    unit: str = ""
    annual_target: Decimal | None = None
    targets: dict[int, Decimal | None] = field(default_factory=dict)
    realisations: dict[int, Decimal | None] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    remark: str = ""


@dataclass
class ImportResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_macros: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def normalise(value) -> str:
    text = str(value or "").lower().replace("\n", " ").replace("\u00a0", " ")
    text = re.sub(r"[:*]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def classify(label: str):
    """What a header label means: "code", "name", "unit", "annual_target", "remark",
    ("target", q), ("real", q), or None."""
    if not label:
        return None
    quarter = QUARTER.search(label)
    if quarter:
        q = ROMAN[quarter.group(1)]
        if "capaian" in label or "%" in label and "realisasi" not in label:
            return None
        if "target" in label or "rencana" in label:
            return ("target", q)
        return ("real", q)
    if "capaian" in label:
        return None
    if label.startswith("kode") or label in ("no. indikator", "no indikator"):
        return "code"
    if "satuan" in label or label == "unit":
        return "unit"
    if "indikator" in label or "uraian" in label:
        return "name"
    if "target" in label:
        return "annual_target"
    if label.startswith("ket"):
        return "remark"
    return None


def _header_from(upper: list, lower: list | None) -> dict[int, object]:
    """Map column index to meaning, from one header row or two (a merged upper row is carried
    to the right over the columns its lower row labels)."""
    mapping: dict[int, object] = {}
    carried = ""
    width = max(len(upper), len(lower or []))
    for col in range(width):
        top = normalise(upper[col]) if col < len(upper) else ""
        bottom = normalise(lower[col]) if lower is not None and col < len(lower) else ""
        if top:
            carried = top
        elif not bottom:
            carried = ""
        label = f"{top or carried} {bottom}".strip() if lower is not None else top
        meaning = classify(label)
        if meaning is None and lower is not None and bottom:
            meaning = classify(bottom)
        if meaning is not None and meaning not in mapping.values():
            mapping[col] = meaning
    return mapping


def _score(mapping: dict[int, object]) -> int:
    values = set(mapping.values())
    if not ({"code", "name"} & values):
        return 0
    numeric = [v for v in values if isinstance(v, tuple) or v == "annual_target"]
    return len(values) + 2 * len(numeric) if numeric else 0


def find_header(rows: list[list]) -> tuple[int, int, dict[int, object]] | None:
    """(first header row index, number of header rows, column mapping) or None."""
    best = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for span, lower in ((1, None), (2, rows[i + 1] if i + 1 < len(rows) else None)):
            if span == 2 and lower is None:
                continue
            mapping = _header_from(row, lower)
            score = _score(mapping)
            if score and (best is None or score > best[0]):
                best = (score, i, span, mapping)
    if best is None:
        return None
    return best[1], best[2], best[3]


class IndicatorLookup:
    """Finds a row's indicator by code, then by name, among the organisation's indicators."""

    def __init__(self, indicators, section):
        self.section = section
        self.by_code = {"".join(i.code.split()).upper(): i for i in indicators}
        self.by_name = {normalise(i.name): i for i in indicators}

    def find(self, code, name):
        if code not in (None, ""):
            found = self.by_code.get("".join(str(code).split()).upper())
            if found:
                return found
        if name not in (None, ""):
            return self.by_name.get(normalise(name))
        return None


def column_label(meaning) -> str:
    """ "Realisasi TW II", "Target tahunan", ... for messages."""
    if isinstance(meaning, str):
        return FIELD_LABELS.get(meaning, meaning)
    kind, quarter = meaning
    return f"{'Target' if kind == 'target' else 'Realisasi'} TW {ROMAN_LABELS[quarter]}"


ROMAN_LABELS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _cell(col: int, row_number: int) -> str:
    return f"{get_column_letter(col + 1)}{row_number}"


def read_workbook(data: bytes, *, indicators, section) -> ImportResult:
    """Screen and read a workbook. `indicators` are the organisation's indicators; rows for
    another section's indicator are refused. Never raises for a bad file: problems say why."""
    result = ImportResult()
    screening = screen(data)
    result.has_macros = screening.has_macros
    if not screening.ok:
        result.problems = [Problem("", "", message) for message in screening.problems]
        return result
    if screening.has_macros:
        result.notes.append(
            "Workbook berisi makro: hanya datanya yang dibaca; makro tidak dijalankan dan tidak disimpan."
        )
    lookup = IndicatorLookup(list(indicators), section)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for damaged files
        result.problems.append(
            Problem("", "", "Workbook tidak dapat dibuka (rusak). Simpan ulang dari Excel sebagai .xlsx.")
        )
        return result
    try:
        found_header = False
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            if getattr(sheet, "sheet_state", "visible") != "visible" and not found_header:
                pass
            if _read_sheet(sheet, lookup, result):
                found_header = True
                break
        if not found_header:
            result.problems.append(
                Problem(
                    "",
                    "",
                    "Tidak ditemukan baris judul kolom (Kode/Indikator dan Target/Realisasi TW I–IV). "
                    "Gunakan templat dari aplikasi atau beri judul kolom seperti pada templat.",
                )
            )
        elif not result.rows and not result.problems:
            result.problems.append(Problem("", "", "Tidak ada baris indikator yang terbaca di bawah judul kolom."))
    except Exception:  # a damaged sheet can fail while its rows are read
        result.rows = []
        result.problems.append(
            Problem("", "", "Isi workbook rusak dan tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")
        )
    finally:
        workbook.close()
    return result


def _read_sheet(sheet, lookup: IndicatorLookup, result: ImportResult) -> bool:
    """Read one sheet; False when it has no recognisable header."""
    title = sheet.title
    try:
        sheet.reset_dimensions()  # a declared A1:XFD1048576 must not make us walk a million rows
    except AttributeError:
        pass
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    head: list[list] = []
    for row in rows:
        head.append(list(row))
        if len(head) >= HEADER_SCAN_ROWS + 1:
            break
    header = find_header(head)
    if header is None:
        return False
    start, span, mapping = header
    layout = Layout(mapping)
    seen: dict[int, int] = {}
    empty_run = 0

    def handle(row_number: int, values: list) -> None:
        nonlocal empty_run
        if not any(v not in (None, "") for v in values):
            empty_run += 1
            return
        empty_run = 0
        _read_row(title, row_number, values, layout, lookup, result, seen)

    first_data = start + span
    for index, values in enumerate(head[first_data:], start=first_data + 1):
        handle(index, values)
    row_number = len(head)
    for values in rows:
        row_number += 1
        if row_number > MAX_ROWS:
            result.problems.append(
                Problem(
                    title,
                    "",
                    f"Lembar ini lebih dari {MAX_ROWS:,} baris; pisahkan data atau hapus baris kosong.".replace(
                        ",", "."
                    ),
                )
            )
            break
        handle(row_number, list(values))
        if empty_run >= MAX_EMPTY_RUN or len(result.problems) >= MAX_PROBLEMS:
            break
    return True


class Layout:
    """A sheet's column mapping, worked out once: where code and name are, which columns hold
    numbers, and each column's letter for cell references."""

    def __init__(self, mapping: dict[int, object]):
        self.mapping = mapping
        by_meaning = {m: col for col, m in mapping.items()}
        self.code_col = by_meaning.get("code")
        self.name_col = by_meaning.get("name")
        self.numeric = [col for col, m in mapping.items() if isinstance(m, tuple) or m == "annual_target"]
        self.letters = {col: get_column_letter(col + 1) for col in mapping}

    def value(self, values: list, col: int | None):
        return values[col] if col is not None and col < len(values) else None


def _read_row(title, row_number, values, layout: Layout, lookup, result, seen) -> None:
    mapping = layout.mapping
    code = layout.value(values, layout.code_col)
    name = layout.value(values, layout.name_col)
    indicator = lookup.find(code, name)
    has_numbers = any(col < len(values) and values[col] not in (None, "") for col in layout.numeric)
    anchor = layout.code_col if layout.code_col is not None else layout.name_col
    where = f"{layout.letters[anchor]}{row_number}"
    if indicator is None:
        if has_numbers and (code or name):
            label = code or name
            result.problems.append(
                Problem(
                    title,
                    where,
                    f"Indikator '{label}' tidak dikenal. Periksa kodenya pada templat atau data induk indikator.",
                )
            )
        return  # a heading row, a subtotal or a blank: nothing to read
    if indicator.section_id != lookup.section.pk:
        result.problems.append(
            Problem(
                title,
                where,
                f"Indikator {indicator.code} milik {indicator.section}; hapus baris ini dari berkas seksi Anda.",
            )
        )
        return
    if indicator.pk in seen:
        result.problems.append(
            Problem(
                title,
                where,
                f"Indikator {indicator.code} muncul dua kali (baris {seen[indicator.pk]} dan {row_number}).",
            )
        )
        return
    seen[indicator.pk] = row_number
    parsed = ParsedRow(indicator=indicator, sheet=title, row_number=row_number)
    for col, meaning in mapping.items():
        raw = values[col] if col < len(values) else None
        ref = f"{layout.letters[col]}{row_number}"
        if meaning == "unit":
            parsed.unit = str(raw or "").strip()[:60]
            parsed.cells["unit"] = ref
        elif meaning == "remark":
            parsed.remark = str(raw or "").strip()[:2000]
        elif meaning in ("code", "name"):
            continue
        else:
            try:
                number = parse_number(raw)
            except NotANumber:
                column = column_label(meaning)
                result.problems.append(
                    Problem(
                        title,
                        ref,
                        f"Kolom {column} baris {row_number} berisi '{str(raw)[:40]}'; isi dengan angka, "
                        "misalnya 80 atau 80,5 (kosongkan atau tulis - bila belum ada).",
                    )
                )
                continue
            if meaning == "annual_target":
                parsed.annual_target = number
                parsed.cells["annual_target"] = ref
            else:
                kind, quarter = meaning
                (parsed.targets if kind == "target" else parsed.realisations)[quarter] = number
                parsed.cells[f"{kind}_q{quarter}"] = ref
    result.rows.append(parsed)
