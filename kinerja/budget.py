"""The budget (programmes, kegiatan, sub-kegiatan with pagu and realisation per quarter), read
from a workbook laid out as the regional financial system's export (kode, nomenklatur, pagu,
realisasi per triwulan) with the guarantees of section workbooks: screened before it is opened,
hidden sheets and rows not read, a percentage-formatted or uncalculated money cell refused, and
nothing written unless every row is sure. Levels come from the code (Permendagri 90/2019: program
x.xx.xx, kegiatan x.xx.xx.x.xx, sub kegiatan x.xx.xx.x.xx.xxxx); a programme's or kegiatan's pagu
and realisation must equal the sum of the rows under it when those are in the file."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import permissions, uploads
from .engine.workflow import NotAllowed
from .models import BudgetItem, Indicator, Organisation, User
from .spreadsheets.importer import normalise, percent_styles, sheet_facts, values_not_calculated
from .spreadsheets.numbers import NotANumber, format_number, parse_number
from .spreadsheets.screening import screen

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_BY_SEGMENTS = {3: BudgetItem.Level.PROGRAM, 5: BudgetItem.Level.KEGIATAN, 6: BudgetItem.Level.SUB_KEGIATAN}
# The width of each segment of a code: urusan 7, bidang 7.01, program 7.01.01, kegiatan
# 7.01.01.2.01, sub kegiatan 7.01.01.2.01.0001; an account code (5.1.02.01.01.0024) fails it.
SEGMENT_WIDTHS = [1, 2, 2, 1, 2, 4]
PARENT_SEGMENTS = {BudgetItem.Level.KEGIATAN: 3, BudgetItem.Level.SUB_KEGIATAN: 5}
HEADER_SCAN_ROWS = 15
MAX_ROWS = 5000
MAX_COLUMNS = 30
QUARTER_WORDS = {"i": 1, "1": 1, "ii": 2, "2": 2, "iii": 3, "3": 3, "iv": 4, "4": 4}
REALISATION = re.compile(r"^realisasi\s*(?:anggaran\s*)?(?:tw|triwulan)\s*(iv|iii|ii|i|[1-4])$")
CODE_SHAPE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
EXPECTED = "Kode, Nomenklatur (atau Uraian), Pagu (atau Anggaran), Realisasi TW I … Realisasi TW IV"
MANAGERS = "Kasubag Perencanaan dan Pelaporan, Sekretaris Kecamatan atau administrator"


def level_of(code: str) -> str | None:
    """A programme's, kegiatan's or sub kegiatan's level read from its code; None for anything
    else (an urusan or bidang heading, an account code, a typo)."""
    segments = code.split(".")
    if not CODE_SHAPE.match(code) or [len(s) for s in segments] != SEGMENT_WIDTHS[: len(segments)]:
        return None
    return LEVEL_BY_SEGMENTS.get(len(segments))


def parent_code(code: str) -> str | None:
    """The code of the programme (kegiatan) a kegiatan (sub kegiatan) belongs to."""
    segments = PARENT_SEGMENTS.get(level_of(code))
    return ".".join(code.split(".")[:segments]) if segments else None


CODE_HELP = "program x.xx.xx, kegiatan x.xx.xx.x.xx, sub kegiatan x.xx.xx.x.xx.xxxx (mis. 7.01.01.2.01)"


def inconsistencies(organisation: Organisation, year: int) -> list[str]:
    """Where the stored budget of a year does not add up: a programme's (kegiatan's) pagu or a
    quarter's realisation unlike the sum of its kegiatan (sub kegiatan). Documents built on the
    budget refuse while there are any."""
    items = list(BudgetItem.objects.filter(organisation=organisation, year=year).order_by("code"))
    children: dict[int, list[BudgetItem]] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)
    found = []
    for item in items:
        under = children.get(item.pk)
        if not under:
            continue
        for label, mine, theirs in [("pagu", item.pagu, [c.pagu for c in under])] + [
            (f"realisasi TW {'I II III IV'.split()[q]}", getattr(item, f"real_q{q + 1}"),
             [getattr(c, f"real_q{q + 1}") for c in under])
            for q in range(4)
        ]:  # fmt: skip
            if mine is None and all(t is None for t in theirs):
                continue
            summed = sum((t or Decimal(0) for t in theirs), Decimal(0))
            if (mine or Decimal(0)) != summed:
                kind = under[0].get_level_display().lower()
                found.append(
                    f"{label.capitalize()} {item.code} {item.name} Rp {format_number(mine or Decimal(0))}, tetapi "
                    f"jumlah {len(under)} {kind} di bawahnya Rp {format_number(summed)}."
                )
    return found


def may_manage(user: User, organisation: Organisation) -> bool:
    """The budget is planning data: whoever edits the master data, and the Sekretaris."""
    return permissions.can_edit_master_data(user, organisation) or "sekretaris" in permissions.roles_in(
        user, organisation
    )


@dataclass
class BudgetRow:
    row: int
    code: str
    level: str
    name: str
    pagu: Decimal
    quarters: list[Decimal | None]
    indicators: list[str] | None  # None: the file has no indicator column (links left as they are)

    @property
    def realisation(self) -> Decimal | None:
        given = [v for v in self.quarters if v is not None]
        return sum(given, Decimal(0)) if given else None


@dataclass
class BudgetRead:
    rows: list[BudgetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _column(label) -> str | None:
    text = normalise(label)
    if text in ("kode", "kode rekening", "kode program/kegiatan", "kode program kegiatan", "kode kegiatan"):
        return "code"
    if text in ("nomenklatur", "uraian", "program/kegiatan/sub kegiatan", "nama program/kegiatan", "nama"):
        return "name"
    if text in ("pagu", "pagu anggaran", "anggaran", "pagu (rp)", "anggaran (rp)"):
        return "pagu"
    if text in ("indikator", "kode indikator", "indikator yang didukung"):
        return "indicators"
    match = REALISATION.match(text.replace("(rp)", "").strip())
    if match:
        return f"q{QUARTER_WORDS[match.group(1)]}"
    if text.startswith("realisasi"):
        return "realisation?"
    return None


def _header(rows: list[list]) -> tuple[int, dict[int, str]] | None:
    for index, values in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = {}
        for col, label in enumerate(values):
            meaning = _column(label)
            if meaning and meaning not in mapping.values():
                mapping[col] = meaning
        if {"code", "name", "pagu"} <= set(mapping.values()):
            return index, mapping
    return None


def read_budget(data: bytes, *, organisation: Organisation) -> BudgetRead:
    """Screen and read a budget workbook. Never raises for a bad file: problems say why."""
    result = BudgetRead()
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
        _read(workbook, data, organisation, result)
    except Exception:  # a damaged sheet can fail while its rows are read
        result.rows = []
        result.problems.append("Isi workbook rusak dan tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")
    finally:
        workbook.close()
    if not result.problems:
        _check_sums(result)
    return result


def _read(workbook, data: bytes, organisation: Organisation, result: BudgetRead) -> None:
    percent = percent_styles(workbook)
    uncalculated = values_not_calculated(data)
    found = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            result.notes.append(f"Lembar tersembunyi '{sheet.title}' tidak dibaca.")
            continue
        sheet.reset_dimensions()
        rows = [
            list(r)
            for _, r in zip(range(MAX_ROWS + 1), sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), strict=False)
        ]
        header = _header(rows)
        if header is not None:
            found.append((sheet, rows, header))
    if not found:
        result.problems.append(f"Tidak ditemukan baris judul kolom anggaran. Beri judul kolom: {EXPECTED}.")
        return
    if len(found) > 1:
        names = " dan ".join(f"'{sheet.title}'" for sheet, _r, _h in found)
        result.problems.append(
            f"Lembar {names} sama-sama berisi tabel anggaran, jadi tidak jelas mana yang datanya. "
            "Hapus atau sembunyikan lembar yang bukan data, lalu unggah lagi."
        )
        return
    sheet, rows, (start, mapping) = found[0]
    result.sheet = sheet.title
    if len(rows) > MAX_ROWS:
        result.problems.append(f"Lembar '{sheet.title}' lebih dari {MAX_ROWS} baris; pisahkan datanya.")
        return
    if "realisation?" in mapping.values():
        col = next(c for c, m in mapping.items() if m == "realisation?")
        result.problems.append(
            f"Kolom {get_column_letter(col + 1)} ('{rows[start][col]}') tidak menyebut triwulan. Realisasi disimpan "
            "per triwulan: beri judul Realisasi TW I, Realisasi TW II, Realisasi TW III, Realisasi TW IV "
            "(realisasi triwulan itu saja, bukan s.d. triwulan)."
        )
        return
    path = getattr(sheet, "_worksheet_path", None)
    facts = sheet_facts(_sheet_xml(data, path), percent, uncalculated=uncalculated) if path else None
    known = {
        code.upper(): code
        for code in Indicator.objects.filter(organisation=organisation).values_list("code", flat=True)
    }
    seen: dict[str, int] = {}
    hidden = skipped = 0
    for number, values in enumerate(rows[start + 1 :], start=start + 2):
        record = {meaning: (values[col] if col < len(values) else None) for col, meaning in mapping.items()}
        if all(v in (None, "") for v in record.values()):
            continue
        if facts and number in facts.hidden_rows:
            hidden += 1
            continue
        where = f"'{sheet.title}' baris {number}"

        def ref(meaning, number=number):
            return f"{get_column_letter(next(c for c, m in mapping.items() if m == meaning) + 1)}{number}"

        code = re.sub(r"\s+", "", str(record.get("code") or "")).rstrip(".")
        name = " ".join(str(record.get("name") or "").split())
        if not code:
            amounts_given = any(record.get(m) not in (None, "") for m in ("pagu", "q1", "q2", "q3", "q4"))
            if normalise(name).startswith(("jumlah", "total")) or not amounts_given:
                skipped += 1  # a total or a heading without a code: the sums are checked from the rows
                continue
            result.problems.append(f"{where}: ada angka tetapi kodenya kosong. Isi kode program/kegiatan.")
            continue
        segments = code.split(".")
        level = level_of(code)
        heading = (
            len(segments) <= 2
            and CODE_SHAPE.match(code)
            and [len(segment) for segment in segments] == SEGMENT_WIDTHS[: len(segments)]
        )
        if level is None and not heading:
            result.problems.append(
                f"{where}: kode '{code}' bukan kode program (x.xx.xx), kegiatan (x.xx.xx.x.xx) atau sub kegiatan "
                "(x.xx.xx.x.xx.xxxx). Hapus baris rekening belanja atau perbaiki kodenya."
            )
            continue
        if level is None:
            skipped += 1  # urusan (x) and bidang urusan (x.xx): headings above the programmes
            continue
        if code in seen:
            result.problems.append(f"{where}: kode {code} sudah ada di baris {seen[code]}.")
            continue
        seen[code] = number
        if not name:
            result.problems.append(f"{where}: nomenklatur {code} kosong.")
        amounts = {}
        for meaning in ("pagu", "q1", "q2", "q3", "q4"):
            if meaning not in mapping.values():
                amounts[meaning] = None
                continue
            raw, cell = record.get(meaning), ref(meaning)
            if facts and cell in facts.uncached:
                result.problems.append(
                    f"{where}, sel {cell}: rumus tanpa hasil tersimpan. "
                    "Buka dan simpan ulang di Excel, lalu unggah lagi."
                )
                continue
            if facts and cell in facts.percent and isinstance(raw, (int, float)):
                result.problems.append(
                    f"{where}, sel {cell}: berformat persen, padahal kolom ini rupiah. Ubah formatnya."
                )
                continue
            try:
                value = parse_number(raw)
            except NotANumber:
                result.problems.append(f"{where}, sel {cell}: '{raw}' bukan angka rupiah.")
                continue
            if value is not None and value < 0:
                result.problems.append(f"{where}, sel {cell}: nilai negatif ({format_number(value)}).")
                continue
            if value is not None and value != value.quantize(Decimal("0.01")):
                result.problems.append(
                    f"{where}, sel {cell}: {format_number(value)} lebih dari dua angka desimal (sen)."
                )
                continue
            amounts[meaning] = value
        if (
            amounts.get("pagu") is None
            and "pagu" in mapping.values()
            and not any(p.startswith(f"{where},") for p in result.problems)
        ):
            result.problems.append(f"{where}: pagu {code} kosong. Tulis 0 bila memang tidak ada pagu.")
        indicators = None
        if "indicators" in mapping.values():
            indicators = []
            for written in re.split(r"[,;\s]+", str(record.get("indicators") or "")):
                if not written:
                    continue
                if written.upper() not in known:
                    result.problems.append(f"{where}: indikator '{written}' tidak dikenal di {organisation}.")
                    continue
                indicators.append(known[written.upper()])
        row = BudgetRow(
            number, code, level, name, amounts.get("pagu") or Decimal(0),
            [amounts.get(f"q{q}") for q in range(1, 5)], indicators,
        )  # fmt: skip
        if row.realisation is not None and row.realisation > row.pagu:
            result.problems.append(
                f"{where}: realisasi {code} (Rp {format_number(row.realisation)}) melebihi pagunya "
                f"(Rp {format_number(row.pagu)})."
            )
        result.rows.append(row)
    if hidden:
        result.notes.append(f"{hidden} baris tersembunyi tidak dibaca.")
    if skipped:
        result.notes.append(f"{skipped} baris judul (urusan, bidang) atau jumlah dilewati.")
    if not result.rows and not result.problems:
        result.problems.append("Tidak ada baris program, kegiatan atau sub kegiatan di bawah judul kolom.")


def _sheet_xml(data: bytes, path: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(path.lstrip("/"))


def _check_sums(result: BudgetRead) -> None:
    """A programme's (kegiatan's) pagu and each quarter's realisation equal the sum of its
    kegiatan (sub kegiatan) in the file, when the file has them; a child needs its parent."""
    by_code = {row.code: row for row in result.rows}
    children: dict[str, list[BudgetRow]] = {}
    for row in result.rows:
        parent = parent_code(row.code)
        if parent:
            children.setdefault(parent, []).append(row)
    for code, rows in children.items():
        parent = by_code.get(code)
        if parent is None:
            continue  # checked against the stored items when the import is applied
        names = [("pagu", parent.pagu, [r.pagu for r in rows])] + [
            (f"realisasi TW {'I II III IV'.split()[q]}", parent.quarters[q], [r.quarters[q] for r in rows])
            for q in range(4)
        ]
        for label, total, parts in names:
            if total is None and all(p is None for p in parts):
                continue
            summed = sum((p or Decimal(0) for p in parts), Decimal(0))
            if (total or Decimal(0)) != summed:
                result.problems.append(
                    f"Baris {parent.row}: {label} {parent.code} Rp {format_number(total or Decimal(0))}, "
                    f"tetapi jumlah {len(rows)} baris di bawahnya Rp {format_number(summed)}. "
                    "Periksa berkasnya: angka mana yang benar?"
                )


@dataclass
class BudgetImport:
    read: BudgetRead
    year: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.read.ok


def import_budget(
    data: bytes, *, organisation: Organisation, year: int, by: User, filename: str = "anggaran.xlsx", dry_run=False
) -> BudgetImport:
    """Read a budget workbook and, when every row is sure, create or update the year's items by
    code (all or nothing). Items of the year not in the file are kept and listed."""
    if not may_manage(by, organisation):
        raise NotAllowed(f"Anggaran diimpor oleh {MANAGERS}.")
    read = read_budget(data, organisation=organisation)
    outcome = BudgetImport(read, year)
    stored = {item.code: item for item in BudgetItem.objects.filter(organisation=organisation, year=year)}
    if read.ok:
        for row in read.rows:
            parent = parent_code(row.code)
            if parent and parent not in {r.code for r in read.rows} and parent not in stored:
                read.problems.append(
                    f"Baris {row.row}: {row.code} tidak punya induk {parent} di berkas maupun di anggaran {year}."
                )
    outcome.not_in_file = sorted(set(stored) - {row.code for row in read.rows})
    if not read.ok or dry_run:
        outcome.created = [r.code for r in read.rows if r.code not in stored]
        outcome.updated = [r.code for r in read.rows if r.code in stored]
        return outcome
    with transaction.atomic():
        kept = uploads.store_bytes(data, organisation=organisation, by=by, original_name=filename, content_type=XLSX)
        items = dict(stored)
        for row in sorted(read.rows, key=lambda r: len(r.code.split("."))):
            item = items.get(row.code) or BudgetItem(organisation=organisation, year=year, code=row.code)
            (outcome.updated if item.pk else outcome.created).append(row.code)
            parent = parent_code(row.code)
            item.parent = items[parent] if parent else None
            item.level, item.name, item.pagu = row.level, row.name, row.pagu
            item.real_q1, item.real_q2, item.real_q3, item.real_q4 = row.quarters
            item.source, item.imported_from = BudgetItem.Source.IMPORT, kept
            item._history_user = by
            item.save()
            items[row.code] = item
            if row.indicators is not None:
                item.indicators.set(Indicator.objects.filter(organisation=organisation, code__in=row.indicators))
    return outcome


def table_rows(items) -> list[dict]:
    """The budget as the page shows it: amounts the Indonesian way, the level as an indent."""
    from .spreadsheets.numbers import display_number

    depth = {BudgetItem.Level.PROGRAM: 0, BudgetItem.Level.KEGIATAN: 1, BudgetItem.Level.SUB_KEGIATAN: 2}
    return [
        {
            "pk": item.pk,
            "code": item.code,
            "name": item.name,
            "level": item.get_level_display(),
            "depth": depth.get(item.level, 0),
            "pagu": display_number(item.pagu),
            "quarters": [display_number(getattr(item, f"real_q{q}")) for q in range(1, 5)],
            "realisation": display_number(item.realisation),
            "absorption": f"{display_number(item.absorption)}%" if item.absorption is not None else "—",
            "indicators": ", ".join(sorted(i.code for i in item.indicators.all())) or "—",
            "source": item.get_source_display(),
        }
        for item in items
    ]
