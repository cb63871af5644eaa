"""The budget (programmes, kegiatan, sub-kegiatan with pagu and realisation per quarter), read
from a workbook laid out as the regional financial system's export (kode, nomenklatur, pagu,
realisasi per triwulan) with the guarantees of section workbooks: screened before it is opened,
hidden sheets and rows not read, a percentage-formatted or uncalculated money cell refused, and
nothing written unless every row is sure. Levels come from the code (Permendagri 90/2019: program
x.xx.xx, kegiatan x.xx.xx.x.xx, sub kegiatan x.xx.xx.x.xx.xxxx); a programme's or kegiatan's pagu
and realisation must equal the sum of the rows under it when those are in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from . import permissions, uploads
from .engine.workflow import NotAllowed, WorkflowError
from .models import BudgetItem, Indicator, Organisation, User
from .spreadsheets.importer import normalise, title_period
from .spreadsheets.numbers import NotANumber, OtherUnit, format_number, parse_number
from .spreadsheets.tables import other_office, read_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_BY_SEGMENTS = {3: BudgetItem.Level.PROGRAM, 5: BudgetItem.Level.KEGIATAN, 6: BudgetItem.Level.SUB_KEGIATAN}
# The width of each segment of a code: urusan 7, bidang 7.01, program 7.01.01, kegiatan
# 7.01.01.2.01, sub kegiatan 7.01.01.2.01.0001; an account code (5.1.02.01.01.0024) fails it.
SEGMENT_WIDTHS = [1, 2, 2, 1, 2, 4]
PARENT_SEGMENTS = {BudgetItem.Level.KEGIATAN: 3, BudgetItem.Level.SUB_KEGIATAN: 5}
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


def inconsistencies(organisation: Organisation, year: int, items=None) -> list[str]:
    """Where the stored budget of a year does not add up: a programme's (kegiatan's) pagu or a
    quarter's realisation unlike the sum of its kegiatan (sub kegiatan). Documents built on the
    budget refuse while there are any. `items`: the year's items when the caller has read them."""
    if items is None:
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


def read_budget(data: bytes, *, organisation: Organisation, year: int | None = None) -> BudgetRead:
    """Screen and read a budget workbook (for `year`: a title naming another year, or another
    kecamatan of the installation, is refused). Never raises for a bad file: problems say why."""
    result = BudgetRead()
    table = read_table(data, meaning=_column, required={"code", "name", "pagu"}, expected=EXPECTED, what="anggaran")
    result.sheet, result.problems, result.notes = table.sheet, table.problems, table.notes
    if table.problems:
        return result
    named_year, _quarter, text = title_period(table.title_rows)
    if year is not None and named_year is not None and named_year != year:
        result.problems.append(
            f'Judul berkas menyebut "{text}", sedangkan anggaran ini diimpor untuk tahun {year}. Impor berkas tahun '
            f"yang benar, atau pilih tahun {named_year} bila berkas ini memang anggaran {named_year}."
        )
    elsewhere = other_office(table, organisation.name, organisation.other_names())
    if elsewhere:
        result.problems.append(elsewhere)
    if result.problems:
        return result
    if "realisation?" in table.mapping.values():
        col = table.column_of("realisation?")
        label = table.header[next(c for c, m in table.mapping.items() if m == "realisation?")]
        result.problems.append(
            f"Kolom {col} ('{label}') tidak menyebut triwulan. Realisasi disimpan per triwulan: beri judul "
            "Realisasi TW I, Realisasi TW II, Realisasi TW III, Realisasi TW IV (realisasi triwulan itu saja, "
            "bukan s.d. triwulan)."
        )
        return result
    codes = Indicator.objects.filter(organisation=organisation).values_list("code", flat=True)
    known = {code.upper(): code for code in codes}
    seen: dict[str, int] = {}
    skipped = 0
    for number, record in table.rows:
        where = f"'{table.sheet}' baris {number}"
        value = {meaning: cell.value for meaning, cell in record.items()}
        code = re.sub(r"\s+", "", str(value.get("code") or "")).rstrip(".")
        name = " ".join(str(value.get("name") or "").split())
        if not code:
            amounts_given = any(value.get(m) not in (None, "") for m in ("pagu", "q1", "q2", "q3", "q4"))
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
        amounts = {meaning: _money(record.get(meaning), where, result) for meaning in ("pagu", "q1", "q2", "q3", "q4")}
        if amounts["pagu"] is None and "pagu" in record and record["pagu"].value in (None, ""):
            result.problems.append(f"{where}: pagu {code} kosong. Tulis 0 bila memang tidak ada pagu.")
        indicators = None
        if "indicators" in record:
            indicators = []
            for written in re.split(r"[,;\s]+", str(value.get("indicators") or "")):
                if not written:
                    continue
                if written.upper() not in known:
                    result.problems.append(f"{where}: indikator '{written}' tidak dikenal di {organisation}.")
                    continue
                indicators.append(known[written.upper()])
        row = BudgetRow(
            number, code, level, name, amounts["pagu"] or Decimal(0), [amounts[f"q{q}"] for q in range(1, 5)],
            indicators,
        )  # fmt: skip
        if row.realisation is not None and row.realisation > row.pagu:
            result.problems.append(
                f"{where}: realisasi {code} (Rp {format_number(row.realisation)}) melebihi pagunya "
                f"(Rp {format_number(row.pagu)})."
            )
        result.rows.append(row)
    if skipped:
        result.notes.append(f"{skipped} baris judul (urusan, bidang) atau jumlah dilewati.")
    if not result.rows and not result.problems:
        result.problems.append("Tidak ada baris program, kegiatan atau sub kegiatan di bawah judul kolom.")
    if not result.problems:
        _check_sums(result)
    return result


def _money(cell, where: str, result: BudgetRead) -> Decimal | None:
    """A rupiah amount from a cell, or None (empty, or refused with a sentence in `result`)."""
    if cell is None:
        return None
    if cell.uncalculated:
        result.problems.append(
            f"{where}, sel {cell.ref}: rumus tanpa hasil tersimpan. Buka dan simpan ulang di Excel, lalu unggah lagi."
        )
        return None
    if cell.percent and isinstance(cell.value, (int, float)):
        result.problems.append(f"{where}, sel {cell.ref}: berformat persen, padahal kolom ini rupiah. Ubah formatnya.")
        return None
    try:
        value = parse_number(cell.value, unit="Rp")
    except OtherUnit as exc:
        result.problems.append(f"{where}, sel {cell.ref}: {exc.sentence()}")
        return None
    except NotANumber:
        result.problems.append(f"{where}, sel {cell.ref}: '{cell.value}' bukan angka rupiah.")
        return None
    if value is not None and value < 0:
        result.problems.append(f"{where}, sel {cell.ref}: nilai negatif ({format_number(value)}).")
        return None
    if value is not None and value != value.quantize(Decimal("0.01")):
        result.problems.append(f"{where}, sel {cell.ref}: {format_number(value)} lebih dari dua angka desimal (sen).")
        return None
    return value


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
    read = read_budget(data, organisation=organisation, year=year)
    outcome = BudgetImport(read, year)
    stored = {item.code: item for item in BudgetItem.objects.filter(organisation=organisation, year=year)}
    if read.ok:
        for row in read.rows:
            parent = parent_code(row.code)
            if parent and parent not in {r.code for r in read.rows} and parent not in stored:
                read.problems.append(
                    f"Baris {row.row}: {row.code} tidak punya induk {parent} di berkas maupun di anggaran {year}."
                )
    if read.ok:  # a refused file was not compared with the stored budget: nothing is missing from it
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


def save_item(item: BudgetItem, *, by: User, indicators=None) -> BudgetItem:
    """Keep an item entered by hand (its level and parent already read from its code by the form),
    after the model's own rules (realisation within the pagu); ValidationError says what is wrong."""
    if not may_manage(by, item.organisation):
        raise NotAllowed(f"Anggaran diubah oleh {MANAGERS}.")
    item.full_clean(exclude=["indicators"])
    with transaction.atomic():
        item._history_user = by
        item.save()
        if indicators is not None:
            item.indicators.set(indicators)
    return item


def delete_item(item: BudgetItem, *, by: User) -> None:
    """Remove an item (with history); one with kegiatan under it is refused with a sentence."""
    if not may_manage(by, item.organisation):
        raise NotAllowed(f"Anggaran diubah oleh {MANAGERS}.")
    if item.children.exists():
        raise WorkflowError(f"{item.code} masih punya kegiatan di bawahnya; hapus itu dahulu.")
    with transaction.atomic():
        item._history_user = by
        item.indicators.clear()
        item.delete()
