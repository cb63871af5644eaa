"""The baseline: each indicator's realisation in the years before the application was used
(with target and capaian where known), imported once from a workbook (Kode, Tahun, Target,
Realisasi, Capaian) with the guarantees of section workbooks, so the LKjIP compares with the two
previous years from the first year of use. An imported figure is always shown as such; a year
the database holds (filed by a cycle) is never imported over; a capaian that contradicts its own
target and realisation is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import budget, uploads
from .engine.workflow import NotAllowed
from .measurement import analysis
from .models import BaselineFigure, Indicator, Organisation, PerformanceRecord, User
from .spreadsheets.importer import PERCENT_UNITS, IndicatorLookup, normalise, same_unit
from .spreadsheets.numbers import NotANumber, OtherUnit, format_number, parse_number
from .spreadsheets.tables import other_office, read_table

XLSX = budget.XLSX
EXPECTED = "Kode, Tahun, Realisasi, dan bila ada Target dan Capaian"
COLUMNS = {
    "code": {"kode", "kode indikator"},
    "year": {"tahun"},
    "target": {"target"},
    "realisation": {"realisasi", "realisasi tahunan"},
    "capaian": {"capaian", "capaian (%)", "capaian %"},
    "unit": {"satuan"},
    "name": {"indikator", "nama indikator", "indikator kinerja", "uraian indikator"},
}


def _column(label) -> str | None:
    text = normalise(label)
    return next((meaning for meaning, names in COLUMNS.items() if text in names), None)


@dataclass
class BaselineRow:
    row: int
    indicator: Indicator
    year: int
    target: Decimal | None
    realisation: Decimal
    capaian: Decimal | None


@dataclass
class BaselineImport:
    rows: list[BaselineRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _number(cell, where: str, what: str, indicator: Indicator | None, problems: list[str], *, percent_ok=False):
    """A figure from a cell: a percentage-formatted cell is read as shown (0,85 → 85) only where
    the figure is a percentage (the capaian, an indicator in %); elsewhere refused."""
    if cell is None or cell.value in (None, "", "-", "–"):
        return None
    if cell.uncalculated:
        problems.append(
            f"{where}, sel {cell.ref}: rumus tanpa hasil tersimpan. Simpan ulang di Excel, lalu unggah lagi."
        )
        return None
    try:
        value = parse_number(cell.value, unit="%" if percent_ok else indicator.unit if indicator else "")
    except OtherUnit as exc:
        problems.append(f"{where}, sel {cell.ref}: {exc.sentence(indicator.code)}")
        return None
    except NotANumber:
        problems.append(f"{where}, sel {cell.ref}: {what} '{cell.value}' bukan angka.")
        return None
    if cell.percent and isinstance(cell.value, (int, float)):
        if not (percent_ok or (indicator and PERCENT_UNITS.search(indicator.unit.lower()))):
            problems.append(
                f"{where}, sel {cell.ref}: berformat persen (tampil {format_number(value * 100)}%), padahal satuan "
                f"{indicator.code} adalah '{indicator.unit}'. Ubah format selnya menjadi angka biasa."
            )
            return None
        value = (value * 100).quantize(Decimal("0.0001")).normalize()
    return value


def import_baseline(
    data: bytes, *, organisation: Organisation, by: User, filename: str = "data-awal.xlsx", dry_run: bool = False
) -> BaselineImport:
    """Read the baseline workbook and, when every row is sure, keep it (all or nothing)."""
    if not budget.may_manage(by, organisation):
        raise NotAllowed(f"Data awal diimpor oleh {budget.MANAGERS}.")
    result = BaselineImport()
    table = read_table(
        data, meaning=_column, required={"code", "year", "realisation"}, expected=EXPECTED, what="data awal"
    )
    result.sheet, result.problems, result.notes = table.sheet, table.problems, table.notes
    if table.problems:
        return result
    elsewhere = other_office(table, organisation.name, organisation.other_names())
    if elsewhere:
        result.problems.append(elsewhere)
        return result
    indicators = {i.code.upper(): i for i in Indicator.objects.filter(organisation=organisation)}
    lookup = IndicatorLookup(indicators.values(), section=None)  # the section upload's name rule
    filed = set(PerformanceRecord.objects.filter(organisation=organisation).values_list("code", "year"))
    kept = set(BaselineFigure.objects.filter(organisation=organisation).values_list("indicator__code", "year"))
    this_year = timezone.localdate().year
    seen: dict[tuple[str, int], int] = {}
    for number, record in table.rows:
        where = f"'{table.sheet}' baris {number}"
        written = str(record["code"].value or "").strip()
        indicator = indicators.get(written.upper())
        if indicator is None:
            result.problems.append(f"{where}: indikator '{written}' tidak dikenal di {organisation}.")
            continue
        written_name = str(getattr(record.get("name"), "value", None) or "").strip()
        named = lookup.named_otherwise(indicator, written, written_name)
        if named is not None:
            result.problems.append(
                f"{where}: kode {indicator.code} adalah '{indicator.name}', tetapi nama di baris ini adalah nama "
                f"indikator {named.code}. Perbaiki kode atau nama agar menunjuk satu indikator yang sama."
            )
            continue
        written_unit = str(getattr(record.get("unit"), "value", None) or "").strip()
        if not same_unit(written_unit, indicator.unit):
            result.problems.append(
                f"{where}, sel {record['unit'].ref}: satuan '{written_unit}', padahal satuan {indicator.code} pada "
                f"data induk adalah '{indicator.unit}'. Tulis nilainya dalam satuan data induk."
            )
            continue
        try:
            written_year = parse_number(record["year"].value)
        except NotANumber:
            written_year = None
        # A year is a whole number: 2025,5 is a typo to fix, never read as 2025.
        year = int(written_year) if written_year is not None and written_year == written_year.to_integral() else 0
        if not 2000 <= year < this_year:
            result.problems.append(
                f"{where}: tahun '{record['year'].value}' bukan tahun sebelum {this_year}. Data awal hanya untuk "
                "tahun-tahun sebelum aplikasi dipakai."
            )
            continue
        key = (indicator.code, year)
        if key in seen:
            result.problems.append(f"{where}: {indicator.code} tahun {year} sudah ada di baris {seen[key]}.")
            continue
        seen[key] = number
        if key in filed:
            result.problems.append(
                f"{where}: {indicator.code} tahun {year} sudah ada di data base kinerja (hasil siklus); "
                "data awal tidak menimpanya. Hapus baris ini."
            )
            continue
        if key in kept:
            result.problems.append(
                f"{where}: data awal {indicator.code} tahun {year} sudah diimpor. Bila keliru, hapus dahulu di "
                "halaman Data awal, lalu impor lagi."
            )
            continue
        problems: list[str] = []
        realisation = _number(record["realisation"], where, "realisasi", indicator, problems)
        target = _number(record.get("target"), where, "target", indicator, problems)
        capaian = _number(record.get("capaian"), where, "capaian", indicator, problems, percent_ok=True)
        if realisation is None and not problems:
            problems.append(f"{where}: realisasi {indicator.code} tahun {year} kosong.")
        if target is not None and realisation is not None:
            measured = analysis.capaian(realisation, target, polarity=indicator.polarity)
            if measured.value is None:
                problems.append(f"{where}: capaian {indicator.code} tidak dapat dihitung ({measured.reason}).")
            elif capaian is not None and analysis.differs(capaian, measured.value, Decimal("0.01")):
                problems.append(
                    f"{where}: capaian tertulis {format_number(capaian)}%, padahal realisasi "
                    f"{format_number(realisation)} terhadap target {format_number(target)} memberi "
                    f"{format_number(measured.value)}%. "
                    "Periksa angka mana yang benar."
                )
            else:
                capaian = measured.value
        result.problems += problems
        if not problems:
            kept_capaian = capaian.quantize(analysis.KEPT) if capaian is not None else None
            result.rows.append(BaselineRow(number, indicator, year, target, realisation, kept_capaian))
    if not result.rows and not result.problems:
        result.problems.append("Tidak ada baris data awal di bawah judul kolom.")
    if result.ok and not dry_run:
        now = timezone.now()
        with transaction.atomic():
            stored = uploads.store_bytes(
                data, organisation=organisation, by=by, original_name=filename, content_type=XLSX
            )
            for row in result.rows:
                figure = BaselineFigure(
                    organisation=organisation, indicator=row.indicator, year=row.year, target=row.target,
                    realisation=row.realisation, capaian=row.capaian, source_file=stored, imported_by=by,
                    imported_at=now,
                )  # fmt: skip
                figure._history_user = by
                figure.save()
    return result


def delete_figure(figure: BaselineFigure, *, by: User) -> None:
    """Remove a wrong baseline figure (with history), so it can be imported again."""
    if not budget.may_manage(by, figure.organisation):
        raise NotAllowed(f"Data awal diubah oleh {budget.MANAGERS}.")
    with transaction.atomic():
        figure._history_user = by
        figure.delete()
