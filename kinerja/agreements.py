"""The Perjanjian Kinerja (PermenPAN-RB 53/2014): the Camat promises the Bupati the year's targets
of the office's key indicators, and down the cascade each Kepala Seksi / Kasubag promises the
Camat the targets of their own unit's indicators, each with the programmes, kegiatan and budget
behind them. Who signs is whoever holds the post on the document's date. One content, two
renderings: kinerja.reports.agreement_document (PDF and .docx).

A signed PK (the current year) is refused while a target is missing or the budget does not add
up; a draft (next year) prints "belum ditetapkan" where a target is not set yet."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from . import budget, signatures
from .models import BudgetItem, Indicator, Organisation, Role, Section, Target
from .signatures import Signer
from .spreadsheets.numbers import display_number

OFFICE = "kantor"
ALL_UNITS = "semua"
NOT_SET = "belum ditetapkan"


class AgreementRefused(ValueError):
    """The agreement cannot be made as asked; the message says where and what to do."""


@dataclass
class TargetRow:
    objective: str
    code: str
    indicator: str
    target: str  # as people write it, with its unit: "85 %", "80–90 nilai"


@dataclass
class BudgetRow:
    code: str
    name: str
    level: str
    pagu: Decimal

    @property
    def shown(self) -> str:
        return display_number(self.pagu)


@dataclass
class Agreement:
    organisation: Organisation
    year: int
    day: datetime.date
    draft: bool
    unit: str  # "Kecamatan Klego", "Seksi Pemerintahan"
    first: Signer  # pihak pertama: who promises
    second: Signer  # pihak kedua: their superior
    targets: list[TargetRow] = field(default_factory=list)
    programmes: list[BudgetRow] = field(default_factory=list)
    budget_note: str = ""  # why the programme table is empty

    @property
    def title(self) -> str:
        return f"{'Rancangan ' if self.draft else ''}Perjanjian Kinerja Tahun {self.year}"

    @property
    def total(self) -> Decimal:
        # The programme table of the office lists programmes only; a unit's lists kegiatan and
        # their sub kegiatan: the total counts each rupiah once (the top level shown).
        tops = [row for row in self.programmes if row.level != BudgetItem.Level.SUB_KEGIATAN] or self.programmes
        return sum((row.pagu for row in tops), Decimal(0))

    @property
    def place(self) -> str:
        return signatures.town(self.organisation)


def _targets(indicators: list[Indicator], year: int, draft: bool) -> list[TargetRow]:
    annual = {
        t.indicator_id: t for t in Target.objects.filter(indicator__in=indicators, year=year, quarter__isnull=True)
    }
    missing = [i.code for i in indicators if i.pk not in annual]
    if missing and not draft:
        raise AgreementRefused(
            f"Target tahun {year} belum diisi untuk {', '.join(missing)}. Isi targetnya di halaman Indikator "
            f"(tahun {year}), lalu buat Perjanjian Kinerja lagi."
        )
    rows = []
    for indicator in indicators:
        target = annual.get(indicator.pk)
        shown = f"{target.shown} {indicator.unit}".strip() if target else NOT_SET
        objective = f"{indicator.objective.code} {indicator.objective.name}" if indicator.objective else "—"
        rows.append(TargetRow(objective, indicator.code, indicator.name, shown))
    return rows


def _budget(organisation: Organisation, year: int, draft: bool, items) -> tuple[list[BudgetRow], str]:
    problems = budget.inconsistencies(organisation, year)
    if problems:
        raise AgreementRefused(
            f"Anggaran {year} belum klop: {problems[0]} "
            "Perbaiki di halaman Anggaran, lalu buat Perjanjian Kinerja lagi."
        )
    rows = [BudgetRow(item.code, item.name, item.level, item.pagu) for item in items]
    if rows:
        return rows, ""
    if not draft and not BudgetItem.objects.filter(organisation=organisation, year=year).exists():
        raise AgreementRefused(
            f"Belum ada anggaran tahun {year}. Impor atau isi di halaman Anggaran, lalu buat Perjanjian Kinerja lagi."
        )
    return [], f"Belum ada program/kegiatan anggaran {year} yang dikaitkan dengan indikator ini."


def office_agreement(organisation: Organisation, year: int, *, on: datetime.date, draft: bool = False) -> Agreement:
    """The Camat's PK with the Bupati: the office's IKU and the year's programmes."""
    indicators = list(
        Indicator.objects.filter(organisation=organisation, active=True, is_iku=True)
        .select_related("objective")
        .order_by("objective__order", "code")
    )
    if not indicators:
        raise AgreementRefused("Belum ada IKU. Tandai indikator kinerja utama di halaman Indikator.")
    programmes = BudgetItem.objects.filter(organisation=organisation, year=year, level=BudgetItem.Level.PROGRAM)
    rows, note = _budget(organisation, year, draft, programmes.order_by("code"))
    return Agreement(
        organisation=organisation, year=year, day=on, draft=draft, unit=organisation.name,
        first=signatures.signer(organisation, Role.KEPALA, on), second=signatures.regent(organisation),
        targets=_targets(indicators, year, draft), programmes=rows, budget_note=note,
    )  # fmt: skip


def unit_agreement(section: Section, year: int, *, on: datetime.date, draft: bool = False) -> Agreement:
    """A Kepala Seksi's (Kasubag's) PK with the Camat: their unit's own indicators and the kegiatan
    and sub kegiatan that support them."""
    organisation = section.organisation
    indicators = list(
        Indicator.objects.filter(section=section, active=True).select_related("objective").order_by("code")
    )
    items = (
        BudgetItem.objects.filter(organisation=organisation, year=year, indicators__in=indicators)
        .exclude(level=BudgetItem.Level.PROGRAM)
        .distinct()
        .order_by("code")
    )
    rows, note = _budget(organisation, year, draft, items)
    return Agreement(
        organisation=organisation, year=year, day=on, draft=draft, unit=section.name,
        first=signatures.section_head(organisation, section, on),
        second=signatures.signer(organisation, Role.KEPALA, on),
        targets=_targets(indicators, year, draft), programmes=rows, budget_note=note,
    )  # fmt: skip


def units(organisation: Organisation):
    """The seksi and subbagian that own indicators: each has its own PK in the cascade."""
    return (
        Section.objects.filter(organisation=organisation, active=True, indicators__active=True)
        .distinct()
        .order_by("order", "name")
    )


def agreements(organisation: Organisation, year: int, unit: str, *, on: datetime.date, draft: bool) -> list[Agreement]:
    """The office's PK (`kantor`), one unit's (its section code), or the whole cascade (`semua`)."""
    if unit == OFFICE:
        return [office_agreement(organisation, year, on=on, draft=draft)]
    found = units(organisation)
    if unit != ALL_UNITS:
        found = found.filter(code=unit)
        if not found:
            raise AgreementRefused(f"Unit '{unit}' tidak dikenal atau tidak memiliki indikator aktif.")
    return [unit_agreement(section, year, on=on, draft=draft) for section in found]
