"""The whole LKjIP (Laporan Kinerja Instansi Pemerintah, PermenPAN-RB 53/2014) of a year, from
the filed data: Ikhtisar Eksekutif; Bab I Pendahuluan (the office's own words kept per year, and
its structure from the sections and positions); Bab II Perencanaan Kinerja (Renstra objectives
and indicators, the year's Perjanjian Kinerja); Bab III Akuntabilitas Kinerja (per sasaran the
chapter III tables with the two previous years and the Renstra target, the step 6 narrative,
the efficiency of resources per programme, Realisasi Anggaran); Bab IV Penutup; Lampiran (PK,
Rencana Aksi, the measurement table). One content, two renderings (kinerja.reports.lkjip_document).

Refused, with the sentence saying what to do, while the year has no filed data, its PK cannot be
made (a missing target, a budget that does not add up) or it has no budget."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import agreements, budget, signatures
from .agreements import Agreement, AgreementRefused
from .models import (
    BudgetItem,
    Indicator,
    Organisation,
    PerformanceRecord,
    Position,
    ReportText,
    Role,
    Section,
    StrategicObjective,
    Target,
)
from .signatures import Signer
from .spreadsheets.numbers import display_number, format_number
from .steps.analysis_steps import Table
from .steps.filing import current_value, lkjip_tables, with_amendments

LkjipRefused = AgreementRefused  # one kind of refusal for the documents the office signs

DEFAULT_TEXT = {
    ReportText.Part.PROFILE: "(Tuliskan gambaran umum {unit}: wilayah, penduduk, desa, dan kondisi umum.)",
    ReportText.Part.TASKS: "(Tuliskan tugas pokok dan fungsi {unit} sesuai peraturan bupati tentang kedudukan, "
    "susunan organisasi, tugas dan fungsi.)",
    ReportText.Part.ISSUES: "(Tuliskan isu strategis yang dihadapi {unit} pada tahun {year}.)",
    ReportText.Part.SUMMARY: "",
    ReportText.Part.CLOSING: "Laporan Kinerja Instansi Pemerintah {unit} tahun {year} ini disusun sebagai wujud "
    "pertanggungjawaban atas pelaksanaan tugas dan fungsi serta pencapaian sasaran strategis. Capaian yang belum "
    "memenuhi target menjadi perhatian untuk diperbaiki pada tahun berikutnya melalui tindak lanjut yang diuraikan "
    "pada Bab III.",
}


def texts(organisation: Organisation, year: int) -> dict[str, str]:
    """The office's words for each part (a reminder in brackets where none is written yet)."""
    kept = {t.part: t.text for t in ReportText.objects.filter(organisation=organisation, year=year)}
    return {
        part: (kept.get(part) or "").strip() or default.format(unit=organisation.name, year=year)
        for part, default in DEFAULT_TEXT.items()
    }


@dataclass
class StructureRow:
    unit: str
    function: str
    name: str
    staff: int


@dataclass
class EfficiencyRow:
    code: str
    name: str
    pagu: Decimal
    realisation: Decimal | None
    absorption: Decimal | None
    capaian: Decimal | None
    indicators: str

    @property
    def verdict(self) -> str:
        if self.absorption is None or self.capaian is None:
            return "tidak dapat dinilai"
        return "efisien" if self.capaian >= self.absorption else "kurang efisien"


@dataclass
class Lkjip:
    organisation: Organisation
    year: int
    day: datetime.date
    period_note: str
    signer: Signer
    texts: dict[str, str]
    summary: list[str]
    structure: list[StructureRow]
    renstra: list[list]
    agreement: Agreement
    chapter3: list[Table]
    efficiency: list[EfficiencyRow]
    budget_rows: list[list]
    action_plan: list[list]
    measurement_headers: list[str] = field(default_factory=list)
    measurement: list[list] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Laporan Kinerja Instansi Pemerintah (LKjIP) {self.organisation.name} Tahun {self.year}"

    @property
    def place(self) -> str:
        return signatures.town(self.organisation)


def _mean(values) -> Decimal | None:
    values = [v for v in values if isinstance(v, Decimal)]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _percent(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def build(organisation: Organisation, year: int, *, on: datetime.date) -> Lkjip:
    if not PerformanceRecord.objects.filter(organisation=organisation, year=year).exists():
        raise LkjipRefused(
            f"Belum ada data kinerja tahun {year} yang diarsipkan (langkah 10). LKjIP dibuat dari data yang sudah "
            "diarsipkan: selesaikan siklusnya dahulu."
        )
    agreement = agreements.office_agreement(organisation, year, on=on)
    if not agreement.programmes:
        raise LkjipRefused(f"Belum ada program anggaran {year}. Isi di halaman Anggaran, lalu buat LKjIP lagi.")
    tables = lkjip_tables(organisation, year)
    periods = sorted({row[3] for table in tables for row in table.rows})
    latest = {row[0]: row for table in tables for row in table.rows}
    items = list(
        BudgetItem.objects.filter(organisation=organisation, year=year).prefetch_related("indicators").order_by("code")
    )
    return Lkjip(
        organisation=organisation,
        year=year,
        day=on,
        period_note=""
        if periods == [f"Tahun {year}"]
        else f"Data dari periode terakhir yang diarsipkan: {', '.join(periods)}.",
        signer=signatures.signer(organisation, Role.KEPALA, on),
        texts=texts(organisation, year),
        summary=_summary(organisation, year, latest, items),
        structure=_structure(organisation, on),
        renstra=_renstra(organisation),
        agreement=agreement,
        chapter3=tables,
        efficiency=_efficiency(items, latest),
        budget_rows=_budget_rows(items),
        action_plan=_action_plan(organisation, year),
        measurement_headers=tables[0].headers if tables else [],
        measurement=[row for table in tables for row in table.rows],
    )


def _summary(organisation, year, latest: dict, items) -> list[str]:
    iku = set(Indicator.objects.filter(organisation=organisation, is_iku=True).values_list("code", flat=True))
    records = with_amendments(PerformanceRecord.objects.filter(organisation=organisation, year=year))
    categories: dict[str, int] = {}
    counted = set()
    for record in records.order_by("-quarter"):
        if record.code in counted:
            continue  # the latest period of each indicator, as chapter III
        counted.add(record.code)
        category = current_value(record, "category") or "tidak terukur"
        categories[category] = categories.get(category, 0) + 1
    objectives = StrategicObjective.objects.filter(organisation=organisation).count()
    sentences = [
        f"Pada tahun {year} {organisation.name} mengukur {len(latest)} indikator kinerja, {len(iku & set(latest))} "
        f"di antaranya indikator kinerja utama (IKU), untuk {objectives} sasaran strategis."
    ]
    if categories:
        parts = ", ".join(f"{count} berkategori {name}" for name, count in sorted(categories.items()))
        sentences.append(f"Menurut kategori capaiannya: {parts}.")
    average = _mean(row[6] for code, row in latest.items() if code in iku)
    if average is not None:
        sentences.append(f"Rata-rata capaian IKU {format_number(average)}%.")
    programmes = [i for i in items if i.level == BudgetItem.Level.PROGRAM]
    pagu = sum((i.pagu for i in programmes), Decimal(0))
    spent = sum((i.realisation or Decimal(0) for i in programmes), Decimal(0))
    if pagu:
        sentences.append(
            f"Realisasi anggaran Rp {format_number(spent)} dari pagu Rp {format_number(pagu)} "
            f"({format_number(_percent(spent, pagu))}%)."
        )
    return sentences


def _structure(organisation, on) -> list[StructureRow]:
    positions = list(
        Position.objects.active_on(on).filter(organisation=organisation, user__is_active=True).select_related("user")
    )
    rows = []
    for section in Section.objects.filter(organisation=organisation, active=True).order_by("order", "name"):
        mine = [p for p in positions if p.section_id == section.pk]
        if section.kind in (Section.Kind.SEKSI, Section.Kind.SUBBAGIAN):
            head = signatures.section_head(organisation, section, on)
        else:
            role = Role.KEPALA if section.kind == "pimpinan" else Role.SEKRETARIS
            head = signatures.signer(organisation, role, on)
        staff = sum(1 for p in mine if p.role == Role.STAF)
        rows.append(StructureRow(section.name, head.function, head.name or "(kosong)", staff))
    return rows


def _renstra(organisation) -> list[list]:
    rows = []
    for indicator in (
        Indicator.objects.filter(organisation=organisation, active=True, is_iku=True)
        .select_related("objective")
        .order_by("objective__order", "code")
    ):
        objective = f"{indicator.objective.code} {indicator.objective.name}" if indicator.objective else "—"
        target = f"{display_number(indicator.renstra_target)} {indicator.unit}" if indicator.renstra_target else "—"
        rows.append([objective, f"{indicator.code} {indicator.name}", target])
    return rows


def _efficiency(items, latest: dict) -> list[EfficiencyRow]:
    """Per programme: its absorption against the average capaian of the indicators it and its
    kegiatan support; the row names the indicators averaged and, apart, those without a capaian of
    the year (never a list that reads as if all were averaged)."""
    children: dict[int, list] = {}
    for item in items:
        if item.parent_id:
            children.setdefault(item.parent_id, []).append(item)

    def linked(item) -> set[str]:
        found = {i.code for i in item.indicators.all()}
        for child in children.get(item.pk, []):
            found |= linked(child)
        return found

    rows = []
    for item in items:
        if item.level != BudgetItem.Level.PROGRAM:
            continue
        codes = sorted(linked(item))
        measured = [code for code in codes if code in latest and isinstance(latest[code][6], Decimal)]
        missing = [code for code in codes if code not in measured]
        # The codes averaged, then those left out (no filed record of the year, or no capaian).
        named = "; ".join(
            part for part in (", ".join(measured), f"tanpa capaian: {', '.join(missing)}" if missing else "") if part
        )
        rows.append(
            EfficiencyRow(
                item.code, item.name, item.pagu, item.realisation, item.absorption,
                _mean(latest[code][6] for code in measured), named or "—",
            )
        )  # fmt: skip
    return rows


def _budget_rows(items) -> list[list]:
    rows = [
        [item.code, ("    " * ["program", "kegiatan", "sub_kegiatan"].index(item.level)) + item.name,
         display_number(item.pagu), display_number(item.realisation), display_number(item.absorption)]
        for item in items
    ]  # fmt: skip
    programmes = [i for i in items if i.level == BudgetItem.Level.PROGRAM]
    pagu = sum((i.pagu for i in programmes), Decimal(0))
    spent = sum((i.realisation or Decimal(0) for i in programmes), Decimal(0))
    rows.append(["", "Jumlah", display_number(pagu), display_number(spent), display_number(_percent(spent, pagu))])
    return rows


def _action_plan(organisation, year) -> list[list]:
    """Rencana Aksi: each active indicator's targets per quarter of the year."""
    indicators = list(Indicator.objects.filter(organisation=organisation, active=True).order_by("code"))
    targets = {
        (t.indicator_id, t.quarter): t
        for t in Target.objects.filter(indicator__in=indicators, year=year, quarter__isnull=False)
    }
    return [
        [indicator.code, indicator.name, indicator.unit,
         *[targets[(indicator.pk, q)].shown if (indicator.pk, q) in targets else "—" for q in (1, 2, 3, 4)]]
        for indicator in indicators
    ]  # fmt: skip


def save_texts(organisation: Organisation, year: int, values: dict[str, str], *, by) -> None:
    """Keep the office's words for the LKjIP of a year (history written)."""
    from django.db import transaction
    from django.utils import timezone

    if not budget.may_manage(by, organisation):
        from .engine.workflow import NotAllowed

        raise NotAllowed(f"Teks LKjIP ditulis oleh {budget.MANAGERS}.")
    with transaction.atomic():
        for part, text in values.items():
            if part not in ReportText.Part.values:
                continue
            kept = ReportText.objects.filter(organisation=organisation, year=year, part=part).first()
            if kept is None:
                kept = ReportText(organisation=organisation, year=year, part=part)
            elif kept.text == text:
                continue
            kept.text, kept.updated_by, kept.updated_at = text, by, timezone.now()
            kept._history_user = by
            kept.save()
