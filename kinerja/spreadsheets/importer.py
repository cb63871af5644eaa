"""Reading a section's performance workbook: headers recognised by name (Indonesian synonyms,
two merged header rows, columns in any order), numbers read the Indonesian way, every problem
collected with its sheet and cell. Used by the upload form and `manage.py import_kinerja`."""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import column_index_from_string, get_column_letter

from .. import wording
from ..measurement.analysis import quarter_series
from .numbers import PERCENT_UNITS, NotANumber, OtherUnit, format_number, parse_number
from .screening import screen

MAX_SHEETS = 30
MAX_COLUMNS = 60
MAX_ROWS = 20_000
HEADER_SCAN_ROWS = 20
MAX_EMPTY_RUN = 300
MAX_PROBLEMS = 200

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER = re.compile(
    r"\b(?:(?:tw|trw|triwulan|q|kuartal)\s*[-.]?\s*(?:ke\s*-?\s*)?|(?:realisasi|target|rencana)\s+)(iv|iii|ii|i|[1-4])\b"
)


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
    kind: str = ""  # "wajar" for a value that looks wrong but that its uploader may confirm

    @property
    def confirmable(self) -> bool:
        return self.kind == PLAUSIBILITY

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"lembar '{self.sheet}'")
        if self.cell:
            where.append(f"sel {self.cell}")
        prefix = ", ".join(where)
        return (prefix[:1].upper() + prefix[1:] + ": " if where else "") + self.message

    def as_dict(self) -> dict:
        found = {"sheet": self.sheet, "cell": self.cell, "message": self.message}
        if self.kind:
            found["kind"] = self.kind
        return found


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
    running: bool = False  # realisations written as running totals (s.d. triwulan) of a summed indicator
    running_header: bool = False  # the header said so ("s.d."), not only the master data
    capaian: dict[int, Decimal] = field(default_factory=dict)  # the file's own capaian (%), 0 for the period


@dataclass
class ImportResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_macros: bool = False
    sheet: str = ""  # the sheet the data were read from
    skipped: list = field(default_factory=list)  # Skipped rows and sheets, with why

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def only_implausible(self) -> bool:
        """Refused only for values that look wrong: the uploader may confirm them with a reason."""
        return bool(self.problems) and bool(self.rows) and all(p.confirmable for p in self.problems)


SYNONYMS = {
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "prosentase": "persentase", "dlm": "dalam", "thd": "terhadap",
    "utk": "untuk", "tdk": "tidak", "jml": "jumlah", "&": "dan", "kec": "kecamatan",
}  # fmt: skip


def normalise(value) -> str:
    text = str(value or "").lower().replace("\n", " ").replace("\u00a0", " ")
    text = re.sub(r"[:*]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def name_key(value) -> str:
    """An indicator name as compared: case, spaces, punctuation and common spellings folded."""
    words = re.sub(r"[^0-9a-z&]+", " ", normalise(value)).split()
    return " ".join(SYNONYMS.get(word, word) for word in words)


def code_key(value) -> str:
    """An indicator code as compared: "PMD.01", "PMD 01", "pmd-01" are one code."""
    return re.sub(r"[^0-9a-z]", "", str(value or "").lower())


MONEY = re.compile(r"\b(keuangan|anggaran|pagu|rp|rupiah|biaya|dana|belanja)\b")
RUNNING = re.compile(r"\b(s\s*[./]?\s*d\.?|sampai dengan|kumulatif)(?=\s|$)")
YEAR = re.compile(r"\b(20\d\d)\b")
REALISATION_WORD = re.compile(r"\b(realisasi|real)\b")


def classify(label: str, year: int | None = None):
    """What a header label means: "code", "name", "unit", "annual_target", "remark",
    ("target", q), ("real", q), ("bare", q) for a quarter that names neither (`bare_quarters`
    decides from the title), ("running", kind, q) for an "s.d." column, "capaian" or
    "capaian_q<n>" for the section's own capaian (read for comparison only), or None. Columns that
    only look like ours are None: money ("Realisasi Keuangan (Rp)", "Anggaran"), other years'
    or the Renstra's targets, "Kode Rekening", "Uraian Kegiatan"."""
    if not label or MONEY.search(label):
        return None
    years = {int(y) for y in YEAR.findall(label)}
    if "renstra" in label or "akhir periode" in label or (year is not None and years and year not in years):
        return None
    quarter = QUARTER.search(label)
    if quarter:
        q = ROMAN[quarter.group(1)]
        if "capaian" in label:
            return f"capaian_q{q}"  # the section's own capaian: compared at the analysis, never a figure
        if "%" in label and "realisasi" not in label:
            return None
        if "target" in label or "rencana" in label:
            kind = "target"
        else:  # "TW I" alone is a target in a Rencana Aksi and a realisation in a report: the title decides
            kind = "real" if REALISATION_WORD.search(label) else "bare"
        if RUNNING.search(label):
            return ("running", kind, q)
        return (kind, q)
    if "capaian" in label:
        return "capaian"  # of the cycle's period
    if "rekening" in label:
        return None
    if label.startswith("kode") or label in ("no. indikator", "no indikator"):
        return "code"
    if "satuan" in label or label == "unit":
        return "unit"
    if "indikator" in label or ("uraian" in label and not re.search(r"kegiatan|program|rekening", label)):
        return "name"
    if "target" in label:
        return "annual_target"
    if label.startswith("ket"):
        return "remark"
    return None


def column_labels(upper: list, lower: list | None) -> list[tuple[str, str]]:
    """Each column's (label, its lower row's own text), from one header row or two: a merged
    upper row is carried to the right over the columns its lower row labels."""
    labels = []
    carried = ""
    for col in range(max(len(upper), len(lower or []))):
        top = normalise(upper[col]) if col < len(upper) else ""
        bottom = normalise(lower[col]) if lower is not None and col < len(lower) else ""
        if top:
            carried = top
        elif not bottom:
            carried = ""
        labels.append((f"{top or carried} {bottom}".strip() if lower is not None else top, bottom))
    return labels


def _header_from(upper: list, lower: list | None, year: int | None = None) -> dict[int, object]:
    """Map column index to meaning (`column_labels`). A meaning claimed by two columns maps to
    ("twice", meaning) on the second, so the reader can refuse rather than pick one."""
    mapping: dict[int, object] = {}
    for col, (label, bottom) in enumerate(column_labels(upper, lower)):
        top = label[: -len(bottom)].strip() if bottom and label.endswith(bottom) else label
        meaning = classify(label, year)
        if meaning is None and lower is not None and bottom and not MONEY.search(top):
            meaning = classify(bottom, year)
        if meaning is None:
            continue
        mapping[col] = ("twice", meaning) if meaning in mapping.values() else meaning
    return mapping


def header_rows(rows: list[list], first: int, span: int) -> tuple[list | None, list | None]:
    """The (upper, lower) rows a header of `span` rows starting at `first` is read from; a
    three-row header's top two rows are read as one (`_merged_rows`)."""
    row = rows[first]
    below = rows[first + 1] if first + 1 < len(rows) else None
    if span == 1:
        return row, None
    if span == 2:
        return row, below
    return _merged_rows(row, below), (rows[first + 2] if first + 2 < len(rows) else None)


def _score(mapping: dict[int, object]) -> int:
    values = {m for m in mapping.values() if not (isinstance(m, tuple) and m[0] == "twice")}
    if not ({"code", "name"} & values):
        return 0
    numeric = [v for v in values if isinstance(v, tuple) or v == "annual_target"]
    return len(values) + 2 * len(numeric) if numeric else 0


def find_header(rows: list[list], year: int | None = None) -> tuple[int, int, dict[int, object]] | None:
    """(first header row index, number of header rows, column mapping) or None."""
    best = None
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        for span in (1, 2, 3):
            upper, lower = header_rows(rows, i, span)
            if span > 1 and lower is None or upper is None:
                continue
            if span > 1 and _title_over(rows, i):
                continue  # a title is not a header's upper row: the title block must stay above it
            mapping = _header_from(upper, lower, year)
            score = _score(mapping)
            if score and (best is None or score > best[0]):
                best = (score, i, span, mapping)
    if best is None:
        return None
    return best[1], best[2], best[3]


def _filled(row: list | None) -> list[int]:
    return [col for col, value in enumerate(row or []) if value not in (None, "")]


def _title_over(rows: list[list], i: int) -> bool:
    """Whether row `i` is a one-cell title line over what follows (a header, or an empty row then
    a header), not the upper row of a header: a single filled cell, at the left edge of the next
    filled row's cells (a header's own upper label, "Realisasi" over its quarters, stands to the
    right of the code and name columns)."""
    filled = _filled(rows[i])
    if len(filled) != 1:
        return False
    below = next((_filled(row) for row in rows[i + 1 : i + 3] if _filled(row)), [])
    return len(below) >= 2 and filled[0] <= below[0] + 1


def _merged_rows(upper: list, middle: list | None) -> list | None:
    """The top two rows of a three-row header as one ("Realisasi" over "Kinerja" reads "Realisasi
    Kinerja"); where both are blank the header reader carries the label on to the right itself."""
    if middle is None:
        return None
    joined, carried_top = [], ""
    for col in range(max(len(upper), len(middle))):
        top = normalise(upper[col]) if col < len(upper) else ""
        mid = normalise(middle[col]) if col < len(middle) else ""
        carried_top = top or carried_top
        joined.append(f"{top or carried_top} {mid}".strip() if (top or mid) else "")
    return joined


class IndicatorLookup:
    """Finds a row's indicator by code, then by name, among the organisation's indicators; codes
    and names are compared after folding case, spaces, punctuation and common spellings. A key
    two indicators share finds neither (never a guess)."""

    def __init__(self, indicators, section, office: str = "", other_offices=()):
        self.section = section
        self.office, self.other_offices = office, list(other_offices)  # what a title may name
        self.indicators = list(indicators)
        self.by_code = _unique((code_key(i.code), i) for i in self.indicators)
        self._by_name = None  # made on the first row without a known code (most files have codes)

    @property
    def by_name(self) -> dict:
        if self._by_name is None:
            self._by_name = _unique((name_key(i.name), i) for i in self.indicators)
        return self._by_name

    def find(self, code, name):
        if code not in (None, ""):
            found = self.by_code.get(code_key(code))
            if found:
                return found
        if name not in (None, ""):
            return self.by_name.get(name_key(name))
        return None

    def named_otherwise(self, indicator, code, name):
        """The other indicator whose name a row found by its code carries (codes shifted by a row),
        or None: the values would count for an indicator the row does not name."""
        if code in (None, "") or name in (None, "") or name == indicator.name:
            return None
        named = self.by_name.get(name_key(name))
        return named if named is not None and named.pk != indicator.pk else None

    def suggestion(self, code, name) -> str:
        """ "Maksud Anda PEM-02 Persentase desa …?" for an unknown label, or "" when nothing is close."""
        own = [i for i in self.indicators if i.section_id == self.section.pk]
        candidates = []
        if code not in (None, ""):
            keys = {code_key(i.code): i for i in own}
            candidates += [keys[k] for k in difflib.get_close_matches(code_key(code), keys, n=1, cutoff=0.6)]
        if name not in (None, ""):
            keys = {name_key(i.name): i for i in own}
            candidates += [keys[k] for k in difflib.get_close_matches(name_key(name), keys, n=1, cutoff=0.6)]
        if not candidates:
            return ""
        best = candidates[0]
        return f" Maksud Anda {best.code} {best.name}?"


def _unique(pairs) -> dict:
    found: dict = {}
    clashes = set()
    for key, value in pairs:
        if key in found and found[key] is not value:
            clashes.add(key)
        found.setdefault(key, value)
    for key in clashes:
        del found[key]
    found.pop("", None)
    return found


def column_label(meaning) -> str:
    """ "Realisasi TW II", "Target tahunan", ... for messages."""
    if isinstance(meaning, str):
        return FIELD_LABELS.get(meaning, meaning)
    if meaning[0] == "running":
        _running, kind, quarter = meaning
        return f"{'Target' if kind == 'target' else 'Realisasi'} s.d. TW {ROMAN_LABELS[quarter]}"
    kind, quarter = meaning
    return f"{'Target' if kind == 'target' else 'Realisasi'} TW {ROMAN_LABELS[quarter]}"


ROMAN_LABELS = wording.ROMAN  # quarters as the office writes them (kinerja.wording)


# What openpyxl's read-only mode does not tell: hidden rows, cells shown as percentages, formulas
# without a stored value, formulas that point at another sheet. One pass over the sheet's XML.

ROW_TAG = re.compile(rb"<(?:[A-Za-z]+:)?row\b([^>]*)>")
CELL_TAG = re.compile(rb"<(?:[A-Za-z]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z]+:)?c>)", re.DOTALL)
ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
ATTR_ROW = re.compile(rb'\br="([0-9]+)"')
ATTR_S = re.compile(rb'\bs="([0-9]+)"')
HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
COL_TAG = re.compile(rb"<(?:[A-Za-z]+:)?col\b([^>]*)>")
SHEET_DATA = re.compile(rb"<(?:[A-Za-z]+:)?sheetData\b")
MERGE = re.compile(rb'<(?:[A-Za-z]+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]+):([A-Z]{1,3})([0-9]+)"')
ATTR_MIN = re.compile(rb'\bmin="([0-9]+)"')
ATTR_MAX = re.compile(rb'\bmax="([0-9]+)"')
FORMULA = re.compile(rb"<(?:[A-Za-z]+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z]+:)?f>)", re.DOTALL)
VALUE = re.compile(rb"<(?:[A-Za-z]+:)?(?:v|is)\b")
SHARED_INDEX = re.compile(rb'\bsi="([0-9]+)"')


@dataclass
class SheetFacts:
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # from 1, within the columns read
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first col, row, last col, row (from 1)
    percent: set[str] = field(default_factory=set)  # cell references shown with a % format
    uncached: set[str] = field(default_factory=set)  # formulas without a stored value
    cross_sheet: set[str] = field(default_factory=set)  # formulas naming another sheet


def percent_styles(workbook) -> set[int]:
    """The style indexes whose number format shows a percentage ("0.00%")."""
    custom = getattr(workbook, "_number_formats", [])
    found = set()
    for index, style in enumerate(getattr(workbook, "_cell_styles", [])):
        number = style.numFmtId
        code = (
            BUILTIN_FORMATS.get(number)
            if number < 164
            else (custom[number - 164] if number - 164 < len(custom) else "")
        )
        if code and "%" in re.sub(r'"[^"]*"|\\.', "", code):  # not a % inside quotes or escaped
            found.add(index)
    return found


def values_not_calculated(data: bytes) -> bool:
    """Whether the workbook says its stored formula results are not to be trusted: programs that
    never calculate (openpyxl, XlsxWriter and exporters built on them) write
    fullCalcOnLoad="1" and store no result, or a 0, for every formula. Excel and LibreOffice drop
    the flag when they save the file."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            workbook = archive.read("xl/workbook.xml")
        except KeyError:
            return False
    return re.search(rb'fullCalcOnLoad="(?:1|true)"', workbook) is not None


def sheet_facts(xml: bytes, percent: set[int], *, uncalculated: bool = False) -> SheetFacts:
    facts = SheetFacts()
    for match in ROW_TAG.finditer(xml):
        attributes = match.group(1)
        if HIDDEN.search(attributes):
            number = ATTR_ROW.search(attributes)
            if number:
                facts.hidden_rows.add(int(number.group(1)))
    data_starts = SHEET_DATA.search(xml)
    for match in COL_TAG.finditer(xml, 0, data_starts.start() if data_starts else 0):  # <cols> precede the rows
        attributes = match.group(1)
        low, high = ATTR_MIN.search(attributes), ATTR_MAX.search(attributes)
        if HIDDEN.search(attributes) and low and high:
            facts.hidden_columns.update(range(int(low.group(1)), min(int(high.group(1)), MAX_COLUMNS) + 1))
    for match in MERGE.finditer(xml, max(xml.rfind(b"sheetData>"), 0)):  # <mergeCells> follow the rows
        first, top, last, bottom = match.groups()
        facts.merged.append(
            (column_index_from_string(first.decode()), int(top), column_index_from_string(last.decode()), int(bottom))
        )
    has_formulas = re.search(rb"<(?:[A-Za-z]+:)?f[ >/]", xml) is not None
    if not (percent or has_formulas):
        return facts  # the common case (a template filled by hand): no cell needs a second look
    shared_cross: dict[bytes, bool] = {}
    for match in CELL_TAG.finditer(xml):
        attributes, inner = match.group(1), match.group(2) or b""
        ref = ATTR_R.search(attributes)
        if ref is None:
            continue
        cell = (ref.group(1) + ref.group(2)).decode()
        style = ATTR_S.search(attributes)
        if style and int(style.group(1)) in percent:
            facts.percent.add(cell)
        formula = FORMULA.search(inner) if inner else None
        if formula is None:
            continue
        if uncalculated or not VALUE.search(inner):
            facts.uncached.add(cell)
        text, shared = formula.group(2) or b"", SHARED_INDEX.search(formula.group(1))
        cross = b"!" in text
        if shared and text:
            shared_cross[shared.group(1)] = cross
        elif shared:
            cross = shared_cross.get(shared.group(1), False)
        if cross:
            facts.cross_sheet.add(cell)
    return facts


def _sheet_xml(data: bytes, path: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(path.lstrip("/"))


# Rows that are not indicator rows ----------------------------------------------------------------

TOTAL_ROW = re.compile(r"^(jumlah|total|sub ?total|grand total|rata-?rata|rerata)\b")
GROUP_ROW = re.compile(r"^(sasaran( strategis)?|tujuan|program|kegiatan|sub ?kegiatan|misi|urusan|aspek|bidang)\b")
GROUP_CODE = re.compile(r"^([ivx]+|[a-z]|\d+(\.\d+)*)\.?$")
ACTION_ROW = re.compile(r"^(([a-z]|\d{1,2})[.)]|[-–•·*>])\s*\S")
SIGNATURE_ROW = re.compile(
    r"\b(mengetahui|menyetujui|nip|pembina|penata|pengatur|camat|kepala|sekretaris|kasubag|kasi|plt|plh|"
    r"ditandatangani|an\.|a\.n\.)\b|^[a-z .'-]+,\s*\d{1,2}\s+[a-z]+\s+\d{4}$|\b[ivx]{1,3}\s*/\s*[a-e]\b"
)
CODE_LIKE = re.compile(r"^[a-z]{2,8}[ ._-]?\d{1,3}([ ._-]\d{1,3})?$")


def _numbering_row(values: list) -> bool:
    """A row under the header that numbers the columns: 1, 2, 3 … (or "(1)", "(2)" …)."""
    numbers = []
    for value in values:
        if value in (None, ""):
            continue
        text = str(value).strip().strip("()")
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1


def non_indicator_reason(values: list, code, name, *, just_below_header: bool) -> str | None:
    """Why a row that names no known indicator is not one (skipped and listed), or None when it
    may be an indicator nobody knows (refused when it carries numbers)."""
    if just_below_header and _numbering_row(values):
        return "baris nomor kolom"
    texts = [normalise(v) for v in values if isinstance(v, str) and v.strip()]
    label = normalise(name or code or (texts[0] if texts else ""))
    code_text = normalise(code)
    if code_text and CODE_LIKE.match(code_text):
        return None  # it has an indicator code: an unknown one is refused, never skipped
    if TOTAL_ROW.match(label) and len(label.split()) <= 3:
        return "baris jumlah/rata-rata"
    if GROUP_ROW.match(label) and (not code_text or not name or GROUP_CODE.match(code_text)):
        return "judul kelompok"
    if ACTION_ROW.match(normalise(name or "")) or ACTION_ROW.match(code_text):
        return "rincian rencana aksi di bawah indikator"
    if any(SIGNATURE_ROW.search(text) for text in texts):
        return "blok tanda tangan"
    return None


# The period a title names ------------------------------------------------------------------------

TITLE_QUARTER = re.compile(r"\b(?:triwulan|tw)\s*(?:ke\s*-?\s*)?(iv|iii|ii|i|[1-4])\b")
TITLE_YEAR = re.compile(r"\btahun\s*(20\d\d)\b")


def title_period(rows: list[list]) -> tuple[int | None, int | None, str]:
    """(year, quarter, the text) a title block names, from the rows above the header."""
    for row in rows:
        for value in row:
            text = normalise(value) if isinstance(value, str) else ""
            if not text:
                continue
            quarter, year = TITLE_QUARTER.search(text), TITLE_YEAR.search(text)
            if quarter or year:
                return (int(year.group(1)) if year else None, ROMAN[quarter.group(1)] if quarter else None,
                        str(value).strip())  # fmt: skip
    return None, None, ""


def office_key(name) -> str:
    """An office's name as a title writes it: "Kecamatan Klego", "KEC. KLEGO" → "klego"."""
    text = re.sub(r"[^0-9a-z]+", " ", normalise(name)).strip()
    return re.sub(r"^(kecamatan|kec)\s+", "", text)


def title_office(rows: list[list], office: str, others) -> tuple[str, str] | None:
    """(the title's text, the other office) when the title block above the header names another
    kecamatan of this installation ("KECAMATAN KARANGGEDE" in a file uploaded for Klego): indicator
    codes are the kabupaten's, so only the title tells another office's file. The longest name
    that fits is taken ("Ampel Gading" before "Ampel")."""
    own = office_key(office)
    keys = {key: name for name in others if (key := office_key(name)) and key != own}
    if not keys:
        return None
    for row in rows:
        for value in row:
            if not isinstance(value, str):
                continue
            text = " " + re.sub(r"[^0-9a-z]+", " ", normalise(value)) + " "
            for match in re.finditer(r" kec(?:amatan)? ", text):
                rest = text[match.end() :]
                named = max((k for k in (own, *keys) if k and rest.startswith(k + " ")), key=len, default=None)
                if named is not None and named != own:
                    return str(value).strip(), keys[named]
    return None


def reported_quarter(period: tuple[int, int | None] | None) -> str:
    """The quarter a cycle's realisation is for, as written: its own, or IV for a year."""
    return ROMAN_LABELS[(period[1] if period else None) or 4]


def period_label(year: int, quarter: int | None) -> str:
    return f"Triwulan {ROMAN_LABELS[quarter]} {year}" if quarter else f"Tahun {year}"


# Reading -----------------------------------------------------------------------------------------


@dataclass
class Skipped:
    sheet: str
    row: int | None
    reason: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason}


@dataclass
class SheetRead:
    """One sheet read on its own; the workbook's result is made from the one that holds the data."""

    title: str
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature_block: bool = False  # the rows being read are a signature block
    value_cells: int = 0  # values read in indicator rows
    cross_sheet_cells: int = 0  # of those, formulas into another sheet
    realisation_columns: bool = False  # the header has a column of realisations
    unnamed_realisation: bool = False  # a realisation column naming no quarter was refused

    @property
    def summary(self) -> bool:
        return self.value_cells > 0 and self.cross_sheet_cells == self.value_cells


def read_workbook(
    data: bytes, *, indicators, section, period: tuple[int, int | None] | None = None, office: str = "",
    other_offices=(), kind=None,
) -> ImportResult:  # fmt: skip
    """Screen and read a workbook. `indicators` are the organisation's indicators; rows for
    another section's indicator are refused. `period` (year, quarter or None) is the cycle's: a
    title naming another period is refused; so is a title naming one of `other_offices` (the
    installation's other kecamatan) for a file uploaded for `office`. A file uploaded as a `kind`
    (DataKind) that holds realisations must have a realisation column. Never raises for a bad
    file: problems say why."""
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
    lookup = IndicatorLookup(list(indicators), section, office, other_offices)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for damaged files
        result.problems.append(
            Problem("", "", "Workbook tidak dapat dibuka (rusak). Simpan ulang dari Excel sebagai .xlsx.")
        )
        return result
    try:
        _read_sheets(workbook, data, lookup, result, period, kind)
    except Exception:  # a damaged sheet can fail while its rows are read
        result.rows = []
        result.problems.append(
            Problem("", "", "Isi workbook rusak dan tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")
        )
    finally:
        workbook.close()
    return result


def _read_sheets(workbook, data: bytes, lookup, result: ImportResult, period, kind=None) -> None:
    percent = percent_styles(workbook)
    uncalculated = values_not_calculated(data)
    reads: list[SheetRead] = []
    for sheet in workbook.worksheets[:MAX_SHEETS]:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            result.skipped.append(Skipped(sheet.title, None, "lembar tersembunyi: tidak dibaca"))
            continue
        read = _read_sheet(sheet, data, lookup, percent, period, uncalculated)
        if read is None:
            continue
        if read.summary:
            result.skipped.append(Skipped(sheet.title, None, "lembar ringkasan (rumus ke lembar lain): tidak dibaca"))
            continue
        reads.append(read)
    with_data = [r for r in reads if r.value_cells]
    if len(with_data) > 1:
        names = " dan ".join(f"'{r.title}'" for r in with_data)
        result.problems.append(
            Problem(
                "",
                "",
                f"Lembar {names} sama-sama berisi tabel indikator dengan angka, jadi tidak jelas mana yang datanya. "
                "Hapus atau sembunyikan lembar yang bukan data, lalu unggah lagi.",
            )
        )
        return
    chosen = with_data[0] if with_data else (reads[0] if reads else None)
    if chosen is None:
        result.problems.append(
            Problem(
                "",
                "",
                "Tidak ditemukan baris judul kolom (Kode/Indikator dan Target/Realisasi TW I–IV). "
                "Gunakan templat dari aplikasi atau beri judul kolom seperti pada templat.",
            )
        )
        return
    result.sheet = chosen.title
    result.rows, result.problems = chosen.rows, chosen.problems
    result.skipped += chosen.skipped
    result.notes.append(f"Data dibaca dari lembar '{chosen.title}'.")
    result.notes += [
        f"Lembar '{s.sheet}' tidak dibaca: {s.reason.split(':')[0]}." for s in result.skipped if s.row is None
    ]
    rows = [s for s in chosen.skipped if s.row is not None]
    if rows:
        listed = "; ".join(f"baris {s.row} ({s.reason.split(':')[0]})" for s in rows[:20])
        more = f" dan {len(rows) - 20} lainnya" if len(rows) > 20 else ""
        result.notes.append(f"{len(rows)} baris bukan indikator dilewati: {listed}{more}.")
    result.notes += chosen.notes
    result.notes += [  # another sheet with a table that was refused (last quarter's, say): said, not passed over
        f"Lembar '{other.title}' tidak dibaca: {other.problems[0].message}"
        for other in reads
        if other is not chosen and other.problems
    ]
    if (
        kind is not None
        and kind.needs_realisation
        and not chosen.realisation_columns
        and not chosen.unnamed_realisation
    ):
        result.problems.append(
            Problem(
                "",
                "",
                f"Berkas ini tidak memuat kolom realisasi (mis. 'Realisasi TW {reported_quarter(period)}'), "
                f"padahal yang diunggah adalah {kind.name}. Bila ini berkas target (mis. Rencana Aksi), unggah berkas "
                "realisasinya; bila realisasinya ada, beri judul kolom seperti pada templat, lalu unggah lagi.",
            )
        )
        result.rows = []
        return
    if not result.rows and not result.problems:
        result.problems.append(
            Problem(chosen.title, "", "Tidak ada baris indikator yang terbaca di bawah judul kolom.")
        )


def _read_sheet(sheet, data: bytes, lookup, percent: set[int], period, uncalculated: bool) -> SheetRead | None:
    """Read one sheet; None when it has no recognisable header."""
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
    year = period[0] if period else None
    header = find_header(head, year)
    if header is None:
        return None
    read = SheetRead(title)
    path = getattr(sheet, "_worksheet_path", None)
    facts = sheet_facts(_sheet_xml(data, path), percent, uncalculated=uncalculated) if path else SheetFacts()
    start, span, mapping = header
    bare_quarters(read, mapping, head, start, span)
    _check_unnamed_realisation(read, mapping, head, start, span, period)
    layout = Layout(mapping)
    _check_header(read, layout, start + span)
    read.realisation_columns = any(
        isinstance(m, tuple) and (m[0] == "real" or m[:2] == ("running", "real")) for m in layout.mapping.values()
    )
    for col, meaning in mapping.items():
        if _is_figure(meaning) and col + 1 in facts.hidden_columns:
            letter = layout.letters[col]
            read.problems.append(
                Problem(
                    title,
                    f"{letter}{start + 1}",
                    f"Kolom {letter} ({column_label(meaning)}) tersembunyi, sehingga isinya tidak tampak. Tampilkan "
                    "kolom itu bila isinya data yang benar, atau hapus kolomnya bila bukan, lalu unggah lagi.",
                )
            )
    for col in [c for c, m in mapping.items() if m in CAPAIAN_MEANINGS and c + 1 in facts.hidden_columns]:
        del mapping[col]  # a hidden capaian column is not compared: nobody saw it
    if period:
        named_year, named_quarter, text = title_period(head[:start])
        wanted_year, wanted_quarter = period
        wrong_quarter = named_quarter is not None and named_quarter != (wanted_quarter or 4)
        if (named_year is not None and named_year != wanted_year) or wrong_quarter:
            read.problems.append(
                Problem(
                    title,
                    "",
                    f'Judul berkas menyebut "{text}", sedangkan siklus ini untuk {period_label(*period)}. '
                    "Unggah berkas periode yang benar, atau perbaiki judulnya bila hanya judulnya yang keliru.",
                )
            )
    # The header's rows too: a one-cell title over an empty row can be taken into a three-row header.
    named = title_office(head[: start + span], lookup.office, lookup.other_offices)
    if named is not None:
        text, other = named
        read.problems.append(
            Problem(
                title,
                "",
                f'Judul berkas menyebut "{text}" ({other}), sedangkan berkas ini diunggah untuk {lookup.office}. '
                f"Unggah berkas {lookup.office} sendiri, atau perbaiki judulnya bila hanya judulnya yang keliru.",
            )
        )
    if read.problems:
        return read
    seen: dict[int, int] = {}
    empty_run = 0
    first_data = start + span + 1  # a row number (from 1)
    hidden = 0

    def handle(row_number: int, values: list) -> None:
        nonlocal empty_run, hidden
        if not any(v not in (None, "") for v in values):
            empty_run += 1
            return
        empty_run = 0
        if row_number in facts.hidden_rows:
            hidden += 1
            return
        _read_row(read, row_number, values, layout, lookup, seen, facts, first_data)

    for index, values in enumerate(head[first_data - 1 :], start=first_data):
        handle(index, values)
    row_number = len(head)
    for values in rows:
        row_number += 1
        if row_number > MAX_ROWS:
            read.problems.append(
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
        if empty_run >= MAX_EMPTY_RUN or len(read.problems) >= MAX_PROBLEMS:
            break
    if hidden:
        read.notes.append(f"Lembar '{title}': {hidden} baris tersembunyi tidak dibaca.")
    _check_merged(read, facts, mapping)
    return read


TITLE_REALISATION = re.compile(r"\b(realisasi|monev|monitoring|capaian|pengukuran)\b")
TITLE_TARGETS = re.compile(r"\b(rencana aksi|target|perjanjian kinerja|penetapan kinerja|rencana kinerja)\b")


def title_figures(rows: list[list], sheet_title: str) -> tuple[str | None, str]:
    """("real" or "target", where the file says so) for the quarter columns of a sheet whose
    header names neither, from its title block and the sheet's name: a report of realisations
    ("LAPORAN REALISASI RENCANA AKSI", "MONEV …") or a plan of targets ("RENCANA AKSI …",
    "PERJANJIAN KINERJA"). (None, "") when neither or both are named ("TARGET DAN REALISASI")."""
    texts = [(f'judul berkas "{str(v).strip()}"', normalise(v)) for row in rows for v in row if isinstance(v, str)]
    texts.append((f'nama lembar "{sheet_title}"', normalise(sheet_title)))
    texts = [(where, text) for where, text in texts if text]
    everything = " | ".join(text for _where, text in texts)
    if TITLE_REALISATION.search(everything) and not re.search(r"\btarget\b", everything):
        kind, word = "real", TITLE_REALISATION
    elif TITLE_TARGETS.search(everything) and not TITLE_REALISATION.search(everything):
        kind, word = "target", TITLE_TARGETS
    else:
        return None, ""
    return kind, next(where for where, text in texts if word.search(text))


def bare_quarters(read: SheetRead, mapping: dict, head: list[list], start: int, span: int) -> None:
    """Give quarter columns that say neither target nor realisation ("TW I" … "TW IV") the
    meaning the title block or the sheet's name gives them, with a note; refuse when neither
    says (a Rencana Aksi's quarterly targets read as realisations would all be 100 %)."""
    bare = sorted(col for col, m in mapping.items() if isinstance(m, tuple) and "bare" in m)
    if not bare:
        return
    letters = ", ".join(get_column_letter(col + 1) for col in bare)
    kind, source = _series_completed(mapping, bare)
    if kind is None:
        kind, source = title_figures(head[:start], read.title)
    if kind is None:
        rows = head[start : start + span]
        row_number = start + max(
            (i for i, row in enumerate(rows) if bare[0] < len(row) and row[bare[0]] not in (None, "")), default=0
        )
        read.problems.append(
            Problem(
                read.title,
                f"{get_column_letter(bare[0] + 1)}{row_number + 1}",
                f"Kolom {letters} menyebut triwulan tetapi tidak menyebut apakah isinya target atau realisasi, dan "
                "judul berkas tidak memastikannya. Tulis 'Target' atau 'Realisasi' pada judul kolomnya (mis. "
                "'Realisasi TW I', atau 'Realisasi' di atas kolom-kolom triwulan), lalu unggah lagi.",
            )
        )
        return
    seen: set = set()
    for col in sorted(mapping):
        meaning = mapping[col]
        if isinstance(meaning, tuple) and "bare" in meaning:
            meaning = ("running", kind, meaning[2]) if meaning[0] == "running" else (kind, meaning[1])
        elif isinstance(meaning, tuple) and meaning[0] == "twice":
            continue
        mapping[col] = ("twice", meaning) if meaning in seen else meaning
        seen.add(meaning)
    read.notes.append(
        f"Kolom {letters} (triwulan) dibaca sebagai {'target' if kind == 'target' else 'realisasi'}, sesuai {source}."
    )


def _series_completed(mapping: dict, bare: list[int]) -> tuple[str | None, str]:
    """("real" or "target", why) when the header's other quarter columns are all of one kind
    and the bare ones are the quarters they leave out ("Realisasi I", "Realisasi II",
    "Triwulan ke-3", "TW IV"); otherwise (None, "")."""
    named = [m[-2:] for m in mapping.values() if isinstance(m, tuple) and m[0] != "twice" and "bare" not in m]
    kinds = {kind for kind, _quarter in named}
    if len(kinds) != 1:
        return None, ""
    (kind,) = kinds
    if {mapping[col][-1] for col in bare} & {quarter for _kind, quarter in named}:
        return None, ""
    return kind, f"kolom triwulan lain yang bertuliskan {'target' if kind == 'target' else 'realisasi'}"


UNNAMED_REALISATION = re.compile(r"\brealisasi\b")
NOT_THIS_PERIOD = re.compile(r"\b(fisik|lalu|sebelum\w*|renstra|akhir periode)\b")


def _check_unnamed_realisation(read: SheetRead, mapping: dict, head: list[list], start: int, span: int, period) -> None:
    """Refuse a realisation column that names no quarter ("Realisasi" beside "Target") in a
    cycle of a quarter: which quarter, and the quarter's own value or the running total, cannot be
    told. In a cycle for the year it is the year's realisation (s.d. TW IV). Realisations of
    another year, of money or of physical progress are other columns, not read (as before)."""
    upper, lower = header_rows(head, start, span)
    quarter = reported_quarter(period)
    for col, (label, _bottom) in enumerate(column_labels(upper or [], lower)):
        if col in mapping or not UNNAMED_REALISATION.search(label) or QUARTER.search(label):
            continue
        if MONEY.search(label) or NOT_THIS_PERIOD.search(label) or "capaian" in label:
            continue
        years = {int(y) for y in YEAR.findall(label)}
        if years and (period is None or period[0] not in years):
            continue  # another year's realisation, set beside for comparison
        own = [
            str(row[col]).strip() for row in head[start : start + span] if col < len(row) and row[col] not in (None, "")
        ]
        letter = get_column_letter(col + 1)
        if period is not None and period[1] is None:
            # A cycle for the year: its realisation is the year's, s.d. TW IV (TW IV's own value for
            # an indicator taken at its latest quarter; refused for one averaged over its quarters).
            year_total = ("running", "real", 4)
            mapping[col] = ("twice", year_total) if year_total in mapping.values() else year_total
            read.notes.append(
                f"Kolom {letter} ('{' '.join(own) or label}') dibaca sebagai realisasi tahun {period[0]} (s.d. TW IV)."
            )
            continue
        read.problems.append(
            Problem(
                read.title,
                f"{letter}{start + 1}",
                f"Kolom {letter} ('{' '.join(own) or label}') tidak menyebut triwulannya, sehingga tidak jelas "
                "realisasi triwulan mana dan apakah nilai triwulan itu sendiri atau kumulatif. Beri judul "
                f"'Realisasi TW {quarter}' (nilai triwulan itu) atau 'Realisasi s.d. TW {quarter}' (kumulatif sampai "
                "triwulan itu), lalu unggah lagi.",
            )
        )
        read.unnamed_realisation = True


def _is_figure(meaning) -> bool:
    """Whether a column is read as a figure (a target or a realisation)."""
    return meaning == "annual_target" or (isinstance(meaning, tuple) and meaning[0] != "twice")


def merged_over(merged, columns: set[int], rows: set[int]) -> list[tuple[int, int, int, int]]:
    """The merged ranges (from `SheetFacts.merged`) that cover more than one place read: two of
    `columns` in a row of `rows`, or one of them in two of `rows` (all counted from 1)."""
    found = []
    for first, top, last, bottom in merged:
        spanned = columns & set(range(first, last + 1))
        covered = {number for number in rows if top <= number <= bottom}
        if spanned and covered and (len(spanned) > 1 or len(covered) > 1):
            found.append((first, top, last, bottom))
    return found


def _check_merged(read: SheetRead, facts: SheetFacts, mapping: dict) -> None:
    """A merged cell shows one value over several places of figures (the quarters of one row, or
    one quarter of several indicator rows): the file stores it in the first place only, so the
    others would read as empty while the person saw the value over them. Refused, by its range."""
    figures = {col + 1 for col, meaning in mapping.items() if _is_figure(meaning)}
    for first, top, last, bottom in merged_over(facts.merged, figures, {row.row_number for row in read.rows}):
        where = f"{get_column_letter(first)}{top}"
        read.problems.append(
            Problem(
                read.title,
                where,
                f"Sel {where}:{get_column_letter(last)}{bottom} digabung melintasi beberapa tempat angka, sehingga "
                "tidak jelas angkanya untuk yang mana. Pisahkan gabungan selnya dan isi setiap sel, lalu unggah lagi.",
            )
        )


def _check_header(read: SheetRead, layout: Layout, data_row: int) -> None:
    """Refuse a header whose numbers could be read two ways: one figure claimed by two columns,
    or running totals (s.d.) where the quarter's own column is missing."""
    header_row = data_row - 1
    for col, meaning in list(layout.mapping.items()):
        letter = layout.letters[col]
        if isinstance(meaning, tuple) and meaning[0] == "twice":
            if isinstance(meaning[1], str) and meaning[1] not in ("annual_target",):
                del layout.mapping[col]  # a second name or unit column: the first is read
                continue
            first = next(layout.letters[c] for c, m in layout.mapping.items() if m == meaning[1])
            read.problems.append(
                Problem(
                    read.title,
                    f"{letter}{header_row}",
                    f"Kolom {first} dan {letter} sama-sama terbaca sebagai {column_label(meaning[1])}. Beri judul "
                    "yang membedakan (mis. 'Realisasi Keuangan (Rp)' untuk uang) atau hapus salah satunya.",
                )
            )
        elif isinstance(meaning, tuple) and meaning[0] == "running":
            _kind, kind, quarter = meaning
            if (kind, quarter) in layout.mapping.values():
                del layout.mapping[col]  # the quarter's own column is there: the running total is not needed
                read.notes.append(f"Kolom {letter} (nilai s.d. triwulan) tidak dibaca; kolom per triwulan dipakai.")
            elif kind == "target":
                del layout.mapping[col]  # quarterly targets are the master data's; the file's are not read
                read.notes.append(f"Kolom {letter} (target s.d. triwulan) tidak dibaca; target dari data induk.")
    own = sorted(layout.letters[c] for c, m in layout.mapping.items() if isinstance(m, tuple) and m[0] == "real")
    running = sorted(
        layout.letters[c] for c, m in layout.mapping.items() if isinstance(m, tuple) and m[:2] == ("running", "real")
    )
    if own and running:
        read.problems.append(
            Problem(
                read.title,
                f"{running[0]}{header_row}",
                f"Kolom realisasi bercampur: {', '.join(own)} per triwulan, {', '.join(running)} s.d. triwulan "
                "(kumulatif). Tulis semua realisasi dengan cara yang sama, seperti pada templat.",
            )
        )
    layout.refresh()


class Layout:
    """A sheet's column mapping, worked out once: where code and name are, which columns hold
    numbers, and each column's letter for cell references."""

    def __init__(self, mapping: dict[int, object]):
        self.mapping = mapping
        self.letters = {col: get_column_letter(col + 1) for col in mapping}
        self.refresh()

    def refresh(self) -> None:
        by_meaning = {m: col for col, m in self.mapping.items() if not isinstance(m, tuple) or m[0] != "twice"}
        self.code_col = by_meaning.get("code")
        self.name_col = by_meaning.get("name")
        self.numeric = [col for col, m in self.mapping.items() if isinstance(m, tuple) or m == "annual_target"]
        self.running = any(isinstance(m, tuple) and m[:2] == ("running", "real") for m in self.mapping.values())

    def value(self, values: list, col: int | None):
        return values[col] if col is not None and col < len(values) else None


# Units as offices shorten them, beyond a word's first letters ("dok" for "dokumen" needs none).
UNIT_SHORT = {"org": "orang", "kgt": "kegiatan", "bh": "buah", "pkt": "paket", "ds": "desa", "hr": "hari",
              "bln": "bulan", "thn": "tahun", "th": "tahun", "x": "kali", "kl": "kali", "jml": "jumlah"}  # fmt: skip


def unit_key(value) -> str:
    """A unit as compared: "%", "Persen", "persen (%)" and "Persentase" are one; otherwise case,
    spaces and punctuation folded ("Desa", " desa "), and the usual short forms written out
    ("Org" for "orang")."""
    text = normalise(value)
    if PERCENT_UNITS.search(text):
        return "%"
    key = re.sub(r"[^0-9a-z]", "", text)
    return UNIT_SHORT.get(key, key)


def same_unit(written, master) -> bool:
    """Whether a unit written in a file is the indicator's own. Nothing written (or no unit in the
    master data) is no disagreement; a percentage is never a count; a word written short ("dok"
    for "dokumen", three letters at least) is the same word."""
    if not written or written == master:
        return True  # the template's own (every row of a template): no folding needed
    a, b = unit_key(written), unit_key(master)
    if not a or not b or a == b:
        return True
    if "%" in (a, b):
        return False
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short)


CAPAIAN_MEANINGS = {"capaian": 0, "capaian_q1": 1, "capaian_q2": 2, "capaian_q3": 3, "capaian_q4": 4}


def written_capaian(raw, percent_cell: bool) -> Decimal | None:
    """A section's own capaian as the person saw it (0,5 shown as 50% is 50), or None for words
    ("Sangat baik"), a dash or an empty cell: it is compared, never refused or counted."""
    try:
        value = parse_number(raw)
    except NotANumber:
        return None
    if value is not None and percent_cell and isinstance(raw, (int, float)):
        value = (value * 100).quantize(Decimal("0.0001")).normalize()
    return value


def _is_number(value) -> bool:
    try:
        return parse_number(value) is not None
    except NotANumber:
        return False


def _read_row(read: SheetRead, row_number, values, layout: Layout, lookup, seen, facts: SheetFacts, first_data) -> None:
    title = read.title
    mapping = layout.mapping
    code = layout.value(values, layout.code_col)
    name = layout.value(values, layout.name_col)
    indicator = lookup.find(code, name)
    anchor = layout.code_col if layout.code_col is not None else layout.name_col
    where = f"{layout.letters[anchor]}{row_number}"
    if indicator is None:
        numeric = [values[col] for col in layout.numeric if col < len(values) and values[col] not in (None, "")]
        reason = non_indicator_reason(values, code, name, just_below_header=row_number == first_data)
        if reason is None and read.signature_block and not any(_is_number(v) for v in numeric):
            reason = "blok tanda tangan"  # a name or a rank under "Mengetahui," and the function
        if reason is None and not numeric:
            reason = "baris teks tanpa angka"
        read.signature_block = reason == "blok tanda tangan" or (read.signature_block and reason is not None)
        if reason is not None:
            label = str(name or code or next((v for v in values if v not in (None, "")), ""))[:60]
            read.skipped.append(Skipped(title, row_number, f"{reason}: {label}" if label else reason))
            return
        label = code or name
        read.problems.append(
            Problem(
                title,
                where,
                f"Indikator '{label}' tidak dikenal.{lookup.suggestion(code, name)} Tulis kode atau nama indikator "
                "seperti pada templat atau data induk indikator.",
            )
        )
        return
    named = lookup.named_otherwise(indicator, code, name)
    if named is not None:
        read.problems.append(
            Problem(
                title,
                f"{layout.letters[layout.name_col]}{row_number}",
                f"Kode {indicator.code} di sel {where} adalah '{indicator.name}', tetapi nama di baris ini adalah "
                f"nama indikator {named.code}. Perbaiki kode atau nama agar menunjuk satu indikator yang sama, lalu "
                "unggah lagi.",
            )
        )
        return
    if indicator.section_id != lookup.section.pk:
        read.problems.append(
            Problem(
                title,
                where,
                f"Indikator {indicator.code} milik {indicator.section}; hapus baris ini dari berkas seksi Anda.",
            )
        )
        return
    if indicator.pk in seen:
        read.problems.append(
            Problem(
                title,
                where,
                f"Indikator {indicator.code} muncul dua kali (baris {seen[indicator.pk]} dan {row_number}).",
            )
        )
        return
    seen[indicator.pk] = row_number
    unit = str(getattr(indicator, "unit", "") or "")
    parsed = ParsedRow(indicator=indicator, sheet=title, row_number=row_number)
    for col, meaning in mapping.items():
        raw = values[col] if col < len(values) else None
        ref = f"{layout.letters[col]}{row_number}"
        if meaning == "unit":
            parsed.unit = str(raw or "").strip()[:60]
            parsed.cells["unit"] = ref
            if not same_unit(parsed.unit, unit):
                read.problems.append(
                    Problem(
                        title,
                        ref,
                        f"Satuan di berkas '{parsed.unit}', padahal satuan {indicator.code} pada data induk adalah "
                        f"'{unit}'. Tulis satuan sesuai data induk (atau kosongkan selnya) dan isi nilainya dalam "
                        "satuan itu; bila data induk yang keliru, minta Kasubag Perencanaan dan Pelaporan "
                        "memperbaikinya.",
                    )
                )
            continue
        if meaning == "remark":
            parsed.remark = str(raw or "").strip()[:2000]
            continue
        if meaning in CAPAIAN_MEANINGS:
            value = written_capaian(raw, ref in facts.percent)
            if value is not None:
                parsed.capaian[CAPAIAN_MEANINGS[meaning]] = value
                parsed.cells[meaning] = ref
            continue
        if meaning in ("code", "name"):
            continue
        if ref in facts.uncached:
            column = column_label(meaning)
            read.problems.append(
                Problem(
                    title,
                    ref,
                    f"Kolom {column} baris {row_number} berisi rumus yang nilainya tidak tersimpan di berkas. "
                    "Simpan ulang berkas di Excel/LibreOffice agar nilai rumusnya tersimpan, lalu unggah lagi.",
                )
            )
            continue
        try:
            number = parse_number(raw, unit=unit)
        except OtherUnit as exc:
            read.problems.append(Problem(title, ref, exc.sentence(indicator.code)))
            continue
        except NotANumber:
            column = column_label(meaning)
            read.problems.append(
                Problem(
                    title,
                    ref,
                    f"Kolom {column} baris {row_number} berisi '{str(raw)[:40]}'; isi dengan angka, "
                    "misalnya 80 atau 80,5 (kosongkan atau tulis - bila belum ada).",
                )
            )
            continue
        if number is not None and ref in facts.percent and isinstance(raw, (int, float)):
            if not PERCENT_UNITS.search(unit.lower()):
                read.problems.append(
                    Problem(
                        title,
                        ref,
                        f"Sel {ref} berformat persen (tampil {format_number(number * 100)}%), padahal satuan "
                        f"{indicator.code} adalah '{unit}'. Ubah format selnya menjadi angka biasa dan isi nilainya.",
                    )
                )
                continue
            number = (number * 100).quantize(Decimal("0.0001")).normalize()  # 0.9231 shown as 92,31%
        if number is not None:
            read.value_cells += 1
            if ref in facts.cross_sheet:
                read.cross_sheet_cells += 1
        if meaning == "annual_target":
            parsed.annual_target = number
            parsed.cells["annual_target"] = ref
        else:
            kind, quarter = meaning[-2:]
            (parsed.targets if kind == "target" else parsed.realisations)[quarter] = number
            parsed.cells[f"{kind}_q{quarter}"] = ref
    aggregation = getattr(indicator, "aggregation", "latest")
    if layout.running and aggregation == "average":
        read.problems.append(
            Problem(
                title,
                where,
                f"{indicator.code} dirata-rata per triwulan, sehingga nilai triwulannya tidak dapat diturunkan dari "
                "nilai s.d. triwulan. Isi realisasi per triwulan seperti pada templat.",
            )
        )
        return
    # A summed indicator's figures are running totals when the columns say "s.d." or when the
    # indicator is written that way; for "latest" the value up to a quarter is the quarter's own.
    parsed.running = aggregation == "sum" and (layout.running or getattr(indicator, "quarter_form", "") == "sd")
    parsed.running_header = layout.running
    read.rows.append(parsed)


# Plausibility: values that read correctly but are very likely a slip ------------------------------


def plausibility_target(indicator, targets: dict, quarter: int) -> Decimal | None:
    """The master target a quarter's own realisation is held against for plausibility: the
    quarter's own target (a running one less the quarter before's), else the annual one; None
    when neither is a number above zero. `targets` as `check_plausibility` takes them. One rule
    for the upload and step 5."""
    own = targets.get((indicator.pk, quarter))
    if own is not None and getattr(indicator, "quarter_form", "") == "sd":
        before = targets.get((indicator.pk, quarter - 1)) if quarter > 1 else Decimal(0)
        own = own - before if before is not None else None
    if own is not None and own > 0:
        return own
    annual = targets.get((indicator.pk, None))
    return annual if annual is not None and annual > 0 else None


def _written_the_other_way(row: ParsedRow, targets: dict) -> Problem | None:
    """A summed indicator's quarters, under headers that do not say "s.d.", that sit nearer the
    targets of the other way of writing them (each quarter's own value against running totals)
    at every quarter from TW II to the last one filled: read the indicator's way they would be
    wrong by a whole form (3, 4, 5, 6 read as running totals is a year of 6, not 18)."""
    indicator = row.indicator
    if getattr(indicator, "aggregation", "") != "sum" or row.running_header:
        return None
    filled = []
    for quarter in (1, 2, 3, 4):
        if row.realisations.get(quarter) is None:
            break
        filled.append(row.realisations[quarter])
    if len(filled) < 2:
        return None
    written = {q: targets.get((indicator.pk, q)) for q in (1, 2, 3, 4)}
    if getattr(indicator, "quarter_form", "") == "sd":
        running_targets, own_targets = written, quarter_series(written, running=True).own
    else:
        own_targets, running_targets = written, quarter_series(written, running=False).to_date
    this, other = (running_targets, own_targets) if row.running else (own_targets, running_targets)
    for quarter, value in enumerate(filled[1:], start=2):
        near, far = other.get(quarter), this.get(quarter)
        if near is None or far is None or near == far or not abs(value - near) < abs(value - far):
            return None
    quarters = range(1, len(filled) + 1)

    def series(values):
        return "; ".join(format_number(values.get(q)) for q in quarters)

    span = f"TW I–{ROMAN_LABELS[len(filled)]}"
    shown = "; ".join(format_number(v) for v in filled)
    code = indicator.code
    if row.running:
        message = (
            f"Realisasi {code} {span} ({shown}) lebih dekat ke target per triwulan ({series(own_targets)}) daripada "
            f"ke target s.d. triwulan ({series(running_targets)}), padahal {code} diisi s.d. triwulan (kumulatif): "
            "tampaknya yang ditulis nilai per triwulan. Tulis nilai kumulatifnya (s.d. triwulan)."
        )
    else:
        message = (
            f"Realisasi {code} {span} ({shown}) lebih dekat ke target s.d. triwulan ({series(running_targets)}) "
            f"daripada ke target per triwulan ({series(own_targets)}), padahal {code} diisi per triwulan: tampaknya "
            "yang ditulis nilai kumulatif. Tulis nilai per triwulan, atau beri judul kolom 'Realisasi s.d. TW …'."
        )
    return Problem(row.sheet, row.cells.get("real_q1", ""), message, PLAUSIBILITY)


PLAUSIBILITY = "wajar"
IMPLAUSIBLE_FACTOR = Decimal(10)


def check_plausibility(result: ImportResult, targets: dict, *, confirmed: str = "") -> list[Problem]:
    """Refuse values that are read as written but are very likely a slip, before they count: a
    negative realisation (or a running total that falls), a quarter's own realisation more than
    10× its own target (else the annual one), and a percentage indicator whose every value is at
    most 1 while its target is above 1 (0,92 written for 92 %). `targets` maps (indicator id,
    quarter or None) to the master target as a number (a range by its upper bound), written the
    indicator's way (per quarter or running). With `confirmed` (the uploader's reason) such
    problems are kept as notes instead, and the file is accepted."""
    found: list[Problem] = []
    for row in result.rows:
        indicator = row.indicator
        code = indicator.code
        values = [(q, v) for q, v in sorted(row.realisations.items()) if v is not None]
        annual = targets.get((indicator.pk, None))
        # Most rows are written per quarter: their own values are the values read (one import can
        # hold thousands of rows; the series is made only where it differs).
        own_values = quarter_series(row.realisations, running=True).own if row.running else row.realisations
        for quarter, value in values:
            cell = row.cells.get(f"real_q{quarter}", "")
            label = f"Realisasi {code} {'s.d. ' if row.running else ''}TW {ROMAN_LABELS[quarter]}"
            own = own_values.get(quarter)
            if value < 0:
                found.append(
                    Problem(row.sheet, cell, f"{label} bernilai negatif ({format_number(value)}).", PLAUSIBILITY)
                )
                continue
            if own is not None and own < 0:
                before = row.realisations.get(quarter - 1)
                found.append(
                    Problem(
                        row.sheet,
                        cell,
                        f"{label} ({format_number(value)}) lebih kecil daripada s.d. TW {ROMAN_LABELS[quarter - 1]} "
                        f"({format_number(before)}): nilai kumulatif tidak turun.",
                        PLAUSIBILITY,
                    )
                )
                continue
            target = plausibility_target(indicator, targets, quarter)
            if own is not None and target is not None and own > target * IMPLAUSIBLE_FACTOR:
                shown = format_number(own) if not row.running else f"{format_number(own)} (triwulan itu sendiri)"
                found.append(
                    Problem(
                        row.sheet,
                        cell,
                        f"{label} {shown} lebih dari 10× targetnya ({format_number(target)}).",
                        PLAUSIBILITY,
                    )
                )
        other_form = _written_the_other_way(row, targets)
        if other_form is not None:
            found.append(other_form)
        unit = str(getattr(indicator, "unit", "") or "").lower()
        if PERCENT_UNITS.search(unit) and values and annual is not None and annual > 1:
            if all(v <= 1 for _q, v in values) and any(v > 0 for _q, v in values):
                cells = ", ".join(row.cells.get(f"real_q{q}", "?") for q, _v in values)
                shown = "; ".join(format_number(v) for _q, v in values)
                found.append(
                    Problem(
                        row.sheet,
                        row.cells.get(f"real_q{values[0][0]}", ""),
                        f"Realisasi {code} (sel {cells}: {shown}) semuanya tidak lebih dari 1, padahal targetnya "
                        f"{format_number(annual)} %. Kemungkinan persen ditulis sebagai pecahan (0,92 untuk 92 %): "
                        "tulis angka persennya.",
                        PLAUSIBILITY,
                    )
                )
    if not found:
        return found
    if confirmed.strip():
        result.notes += [f"Dipastikan benar oleh pengunggah ({confirmed.strip()}): {p}" for p in found]
        return found
    for problem in found:
        problem.message += " Periksa angkanya; bila memang benar, pastikan dengan alasannya ('Angka ini memang benar')."
    result.problems += found
    return found
