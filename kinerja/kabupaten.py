"""What the kabupaten's SAKIP coordinators read across its kecamatan: every kecamatan's cycle of a
period side by side, each IKU's capaian across kecamatan, and the step times. Read only: nothing
here writes, and each view asks `permissions.coordinated_kabupaten` first.

Comparisons never guess. An IKU is compared across kecamatan only under the same code, name and
unit (a code that names another indicator elsewhere is another row, said so); only records of the
same period are compared (a TW III capaian is never set beside a year's); a kecamatan that filed
one IKU twice for the period is shown, named and left out of the median rather than one of its
two values chosen."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from . import charts, permissions, wording
from .engine.statistics import StepStatistics, step_statistics_by_organisation
from .models import Amendment, Cycle, Kabupaten, Organisation, PerformanceRecord, Role, StepRun
from .spreadsheets.exporter import workbook_from_tables
from .spreadsheets.importer import unit_key
from .steps.analysis_steps import Table

ANNUAL = 0  # the period "Tahunan" in a query string: a cycle or record whose quarter is empty


def kecamatan_of(kabupaten: Kabupaten) -> list[Organisation]:
    return list(Organisation.objects.filter(kabupaten=kabupaten).only("pk", "name", "code").order_by("name"))


def period_label(year: int, quarter: int | None) -> str:
    return Cycle(year=year, quarter=quarter or None).period_label


def periods(kabupaten: Kabupaten, model=Cycle) -> list[tuple[int, int]]:
    """The periods (year, quarter; 0 for the year) that any kecamatan of the kabupaten has a cycle
    (or, with PerformanceRecord, filed records) for, the latest first: one query."""
    found = model.objects.filter(organisation__kabupaten=kabupaten).order_by().values_list("year", "quarter").distinct()
    return sorted({(year, quarter or ANNUAL) for year, quarter in found}, key=_period_rank, reverse=True)


def _period_rank(period: tuple[int, int]) -> tuple[int, int]:
    year, quarter = period
    return (year, quarter or 5)  # the year's own period after its TW IV


def chosen_period(available: list[tuple[int, int]], year: int | None, quarter: int | None) -> tuple[int, int] | None:
    """The period asked for when both parts are given; else the latest available; None if none."""
    if year is not None and quarter is not None:
        return (year, quarter)
    return available[0] if available else None


def _quarter_filter(quarter: int) -> dict:
    return {"quarter__isnull": True} if quarter == ANNUAL else {"quarter": quarter}


# Every kecamatan's cycle of a period ---------------------------------------------------------


@dataclass(frozen=True)
class LateStep:
    step: str  # "Langkah 3 Penerimaan data — Seksi Pemerintahan"
    role: str  # "Kasubag Perencanaan dan Pelaporan"
    holders: str  # the names of who holds that role today, or "jabatan kosong"
    since: datetime.datetime  # the due time that passed


@dataclass(frozen=True)
class KecamatanCycle:
    """One kecamatan's line of the overview."""

    name: str
    cycle_pk: int | None
    status: str  # "Berjalan", "Selesai", "Dibatalkan" or "Belum dimulai"
    reached: list[str]  # the open steps of a running cycle
    finished_at: datetime.datetime | None
    late: list[LateStep]
    other_cycles: int = 0  # more cycles of the same period (cancelled ones, a second filing)

    @property
    def late_since(self) -> datetime.datetime | None:
        return min((step.since for step in self.late), default=None)


def _preferred(cycles: list[dict]) -> dict:
    """Of one kecamatan's cycles for a period: the running one, else the latest finished, else the
    latest cancelled."""
    order = {Cycle.Status.RUNNING: 0, Cycle.Status.DONE: 1, Cycle.Status.CANCELLED: 2}
    return min(cycles, key=lambda c: (order[c["status"]], -c["started_at"].timestamp()))


def cycle_overview(kabupaten: Kabupaten, year: int, quarter: int, now: datetime.datetime | None = None):
    """Each kecamatan of the kabupaten (by name) with its cycle of the period: the step reached,
    who is late and since when. Four queries, whatever the number of kecamatan."""
    now = now or timezone.now()
    organisations = kecamatan_of(kabupaten)
    cycles: dict[int, list[dict]] = {}
    for cycle in (
        Cycle.objects.filter(organisation__kabupaten=kabupaten, year=year, **_quarter_filter(quarter))
        .order_by()
        .values("pk", "organisation_id", "status", "started_at", "finished_at")
    ):
        cycles.setdefault(cycle["organisation_id"], []).append(cycle)
    chosen = {organisation: _preferred(found) for organisation, found in cycles.items()}
    running = [c["pk"] for c in chosen.values() if c["status"] == Cycle.Status.RUNNING]
    runs = list(
        StepRun.objects.filter(cycle__in=running, closed_at__isnull=True)
        .order_by("step__number", "section__order", "section__name", "pk")
        .values_list(
            "cycle_id", "cycle__organisation_id", "step__number", "step__short_name", "step__actor_role",
            "section_id", "section__name", "due_at",
        )
    )  # fmt: skip
    late_keys = {(org, role, section) for _c, org, _n, _s, role, section, _sn, due in runs if due < now}
    holders = permissions.holders_for(late_keys, on=timezone.localdate(now)) if late_keys else {}
    roles = dict(Role.choices)
    statuses = dict(Cycle.Status.choices)
    lines = []
    for organisation in organisations:
        cycle = chosen.get(organisation.pk)
        if cycle is None:
            lines.append(KecamatanCycle(organisation.name, None, "Belum dimulai", [], None, []))
            continue
        reached, late = [], []
        for cycle_pk, org, number, name, role, section, section_name, due in runs:
            if cycle_pk != cycle["pk"]:
                continue
            label = f"Langkah {number} {name}" + (f" — {section_name}" if section_name else "")
            reached.append(label)
            if due < now:
                names = ", ".join(str(user) for user in holders[(org, role, section)]) or "jabatan kosong"
                late.append(LateStep(label, roles.get(role, role), names, due))
        lines.append(
            KecamatanCycle(
                organisation.name, cycle["pk"], statuses[cycle["status"]], reached, cycle["finished_at"], late,
                other_cycles=len(cycles[organisation.pk]) - 1,
            )
        )  # fmt: skip
    return lines


def overview_workbook(kabupaten: Kabupaten, year: int, quarter: int, lines: list[KecamatanCycle]) -> bytes:
    rows = []
    for line in lines:
        late = "; ".join(
            f"{s.step}: {s.role} ({s.holders}), terlambat sejak {wording.moment(s.since)}" for s in line.late
        )  # fmt: skip
        rows.append(
            [line.name, line.status, "; ".join(line.reached), wording.moment(line.finished_at) or "—", late or "—"]
        )
    table = Table("Siklus kecamatan", ["Kecamatan", "Status", "Langkah terbuka", "Selesai", "Terlambat"], rows)
    return workbook_from_tables([table], title=kabupaten.name, subtitle=period_label(year, quarter))


# Capaian per IKU across kecamatan --------------------------------------------------------------


@dataclass(frozen=True)
class KecamatanValue:
    name: str
    capaian: Decimal | None  # after its latest amendment; None when not filed or not a number
    state: str  # "" (a number), "belum diarsipkan", "tanpa angka capaian", "diarsipkan 2 kali"
    bar: charts.Bar | None = None


@dataclass
class IkuComparison:
    code: str
    name: str
    unit: str
    values: list[KecamatanValue]
    notes: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> list[Decimal]:
        return [v.capaian for v in self.values if v.capaian is not None]

    @property
    def count(self) -> int:
        return len(self.numbers)

    @property
    def median(self) -> Decimal | None:
        return _two_places(statistics.median(self.numbers)) if self.numbers else None

    @property
    def minimum(self) -> Decimal | None:
        return min(self.numbers) if self.numbers else None

    @property
    def maximum(self) -> Decimal | None:
        return max(self.numbers) if self.numbers else None

    @property
    def bars(self) -> list[charts.Bar]:
        return [v.bar for v in self.values if v.bar is not None]

    @property
    def without_number(self) -> list[KecamatanValue]:
        return [v for v in self.values if v.capaian is None]

    @property
    def spread(self) -> Decimal | None:
        """The range: the highest capaian less the lowest."""
        return self.maximum - self.minimum if self.numbers else None


def _two_places(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _identity(code: str, name: str, unit: str) -> tuple[str, str, str]:
    return (code.strip().upper(), " ".join(name.split()).casefold(), unit_key(unit))


SORTS = {"kecamatan": "nama kecamatan", "capaian": "capaian tertinggi", "capaian-naik": "capaian terendah"}


def iku_comparison(kabupaten: Kabupaten, year: int, quarter: int, *, sort: str = "kecamatan") -> list[IkuComparison]:
    """Each IKU filed for the period by any kecamatan of the kabupaten, with every kecamatan's
    capaian (after its latest amendment), sorted as asked, the median and the spread. Three
    queries, whatever the number of kecamatan and IKU."""
    organisations = kecamatan_of(kabupaten)
    records = list(
        PerformanceRecord.objects.filter(
            organisation__kabupaten=kabupaten, year=year, is_iku=True, **_quarter_filter(quarter)
        )
        .order_by("code", "pk")
        .values_list("pk", "organisation_id", "code", "name", "unit", "capaian")
    )
    amended = dict(
        Amendment.objects.filter(record__in=[r[0] for r in records], field="capaian")
        .order_by("created_at", "pk")
        .values_list("record_id", "new_value")
    )  # later amendments overwrite earlier ones
    filed: dict[tuple, dict[int, list]] = {}
    shown: dict[tuple, tuple[str, str, str]] = {}
    for pk, organisation, code, name, unit, capaian in records:
        key = _identity(code, name, unit)
        shown.setdefault(key, (code, name, unit))
        filed.setdefault(key, {}).setdefault(organisation, []).append(amended.get(pk, capaian))
    codes: dict[str, list[tuple]] = {}
    for key in filed:
        codes.setdefault(key[0], []).append(key)
    comparisons = []
    for key in sorted(filed, key=lambda k: (k[0], k[1], k[2])):
        code, name, unit = shown[key]
        values = [_value(organisation.name, filed[key].get(organisation.pk)) for organisation in organisations]
        comparison = IkuComparison(code, name, unit, _sorted(values, sort))
        if len(codes[key[0]]) > 1:
            comparison.notes.append(
                f"Kode {code} dipakai untuk {len(codes[key[0]])} indikator berbeda (nama atau satuan lain) di "
                "kecamatan kabupaten ini: masing-masing dibandingkan sendiri, tidak digabung."
            )
        twice = [v.name for v in values if v.state.startswith("diarsipkan")]
        if twice:
            comparison.notes.append(
                f"{', '.join(twice)} mengarsipkan indikator ini lebih dari sekali untuk periode ini: tidak dihitung "
                "dalam median. Periksa data base kecamatan itu."
            )
        comparisons.append(comparison)
    return comparisons


def _value(name: str, found: list | None) -> KecamatanValue:
    if not found:
        return KecamatanValue(name, None, "belum diarsipkan")
    if len(found) > 1:
        return KecamatanValue(name, None, f"diarsipkan {len(found)} kali")
    if found[0] is None:
        return KecamatanValue(name, None, "tanpa angka capaian")
    value = _two_places(found[0])
    return KecamatanValue(name, value, "", charts.average_bars({name: [value]})[0])


def _sorted(values: list[KecamatanValue], sort: str) -> list[KecamatanValue]:
    if sort == "capaian":
        return sorted(values, key=lambda v: (v.capaian is None, -(v.capaian or 0), v.name))
    if sort == "capaian-naik":
        return sorted(values, key=lambda v: (v.capaian is None, v.capaian or 0, v.name))
    return values  # the kecamatan by name, as read


def comparison_workbook(kabupaten: Kabupaten, year: int, quarter: int, comparisons: list[IkuComparison]) -> bytes:
    names = [o.name for o in kecamatan_of(kabupaten)]
    headers = ["Kode", "Indikator", "Satuan", *names, "Jumlah kecamatan", "Median", "Terendah", "Tertinggi", "Rentang"]
    rows, notes = [], []
    for c in comparisons:
        by_name = {v.name: (v.capaian if v.capaian is not None else v.state) for v in c.values}
        rows.append(
            [c.code, c.name, c.unit, *(by_name[n] for n in names), c.count, c.median, c.minimum, c.maximum, c.spread]
        )
        notes.extend((c.code, note) for note in c.notes)
    table = Table("Capaian IKU per kecamatan", headers, rows, notes)
    return workbook_from_tables([table], title=kabupaten.name, subtitle=f"Capaian (%) {period_label(year, quarter)}")


# Step times across kecamatan -----------------------------------------------------------------


@dataclass(frozen=True)
class StepTimes:
    steps: list[StepStatistics]  # over every kecamatan of the kabupaten
    rows: list[tuple[str, list[StepStatistics | None]]]  # per kecamatan, a cell per step of `steps`


def step_times(kabupaten: Kabupaten, year: int | None = None) -> StepTimes:
    """How long each step took (working minutes, median, late runs) per kecamatan and over the
    whole kabupaten, of every cycle or of one year's: two queries."""
    runs = StepRun.objects.filter(cycle__organisation__kabupaten=kabupaten)
    if year is not None:
        runs = runs.filter(cycle__year=year)
    overall, by_organisation = step_statistics_by_organisation(runs)
    rows = [
        (organisation.name, [by_organisation.get(organisation.pk, {}).get(step.number) for step in overall])
        for organisation in kecamatan_of(kabupaten)
    ]
    return StepTimes(overall, rows)


def step_times_workbook(kabupaten: Kabupaten, year: int | None, times: StepTimes) -> bytes:
    headers = ["Kecamatan"]
    for step in times.steps:
        headers += [f"Langkah {step.number} median (menit)", f"Langkah {step.number} terlambat"]
    rows = [
        [name, *(value for cell in cells for value in ((cell.median_minutes, cell.late_count) if cell else ("—", "—")))]
        for name, cells in times.rows
    ]
    rows.append(
        ["Seluruh kabupaten", *(value for s in times.steps for value in (s.median_minutes, s.late_count))]
    )  # fmt: skip
    notes = [(f"Langkah {s.number}", f"{s.name}; target {s.target_minutes} menit kerja") for s in times.steps]
    table = Table("Waktu langkah", headers, rows, notes)
    return workbook_from_tables(
        [table], title=kabupaten.name, subtitle=f"Tahun {year}" if year else "Semua siklus"
    )  # fmt: skip
