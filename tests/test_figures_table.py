"""The figures of one indicator, through the whole pipeline (master data, an uploaded workbook,
the importer, the cycle's results), case by case. Every expected value is computed by hand and
written here as a number; the rules are the README's ("A quarter's capaian", "Capaian").

Each case: the indicator (polarity, how its quarters add up, how they are written), its targets
(TW I-IV and the year; numbers, ranges "a–b" or predicates), the realisations as written in the
file, and the expected capaian per quarter and for the year (TW IV cycle), with the category."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from kinerja.measurement import results
from kinerja.measurement.targets import parse_target
from kinerja.models import DataKind, Indicator, Target
from kinerja.steps import submissions

from .conftest import advance, start, workbook_bytes

D = Decimal


@dataclass
class Case:
    polarity: str
    aggregation: str
    targets: tuple  # TW I..IV, then the year
    written: tuple  # TW I..IV as typed in the file (None: empty)
    quarters: dict  # expected capaian per quarter (None: not measured)
    year: Decimal | None
    category: str
    quarter_form: str = "triwulan"
    running_columns: bool = False  # the file's columns say "s.d. TW"
    note: str = ""
    extra: dict = field(default_factory=dict)


CASES = {
    # Higher is better, latest value: each quarter against its own target; the year is TW IV's.
    # 76/80 = 95; 85/85 = 100; 99/90 = 110; 95/95 = 100.
    "higher_latest": Case("higher", "latest", (80, 85, 90, 95, 95), (76, 85, 99, 95),
                          {1: D("95.00"), 2: D("100.00"), 3: D("110.00"), 4: D("100.00")}, D("100.00"),
                          "Sangat tinggi"),
    # Lower is better: (2 - 8/10) = 120; (2 - 12/10) = 80; 25 is over twice the target: 0, never below.
    "lower_latest_floor": Case("lower", "latest", (10, 10, 10, 10, 10), (8, 12, 25, 10),
                               {1: D("120.00"), 2: D("80.00"), 3: D("0.00"), 4: D("100.00")}, D("100.00"),
                               "Sangat tinggi"),
    # Range 80–90, higher is better: 70/80 = 87,5; inside = 100; above, the upper bound: 92/90 = 102,22.
    "range_higher": Case("higher", "latest", ("80–90",) * 5, (70, 85, 92, 80),
                         {1: D("87.50"), 2: D("100.00"), 3: D("102.22"), 4: D("100.00")}, D("100.00"),
                         "Sangat tinggi"),
    # Best within 80–90: short, as higher is better 60/80 = 75; over, as lower is better (2 - 99/90) = 90.
    "range_best_within": Case("range", "latest", ("80–90",) * 5, (60, 99, 85, 85),
                              {1: D("75.00"), 2: D("90.00"), 3: D("100.00"), 4: D("100.00")}, D("100.00"),
                              "Sangat tinggi"),
    # A predicate is judged, not computed.
    "predicate": Case("higher", "latest", ("BB",) * 5, (1, 1, 1, 1),
                      {1: None, 2: None, 3: None, 4: None}, None, "Tidak dapat diukur"),
    # Lower is better with a target of zero: none is met (100), any is missed (0).
    "zero_target_lower": Case("lower", "latest", (0, 0, 0, 0, 0), (0, 0, 1, 0),
                              {1: D("100.00"), 2: D("100.00"), 3: D("0.00"), 4: D("100.00")}, D("100.00"),
                              "Sangat tinggi"),
    # Summed, written per quarter: targets 3, 4, 5, 4 (s.d. 3, 7, 12, 16); done 4, 3, 5, 3 (s.d. 4, 7,
    # 12, 15): 4/3 = 133,33; 7/7 = 100; 12/12 = 100; 15/16 = 93,75.
    "sum_per_quarter": Case("higher", "sum", (3, 4, 5, 4, 16), (4, 3, 5, 3),
                            {1: D("133.33"), 2: D("100.00"), 3: D("100.00"), 4: D("93.75")}, D("93.75"),
                            "Sangat tinggi"),
    # The same indicator written s.d. triwulan, in plain "TW" columns.
    "sum_running_form": Case("higher", "sum", (3, 7, 12, 16, 16), (4, 7, 12, 15),
                             {1: D("133.33"), 2: D("100.00"), 3: D("100.00"), 4: D("93.75")}, D("93.75"),
                             "Sangat tinggi", quarter_form="sd"),
    # Written per quarter in the master data, but the file's columns say "s.d.": read as running totals.
    "sum_running_columns": Case("higher", "sum", (3, 4, 5, 4, 16), (4, 7, 12, 15),
                                {1: D("133.33"), 2: D("100.00"), 3: D("100.00"), 4: D("93.75")}, D("93.75"),
                                "Sangat tinggi", running_columns=True),
    # Summed, lower is better, s.d.: (2 - 4/3) = 66,67; (2 - 7/6) = 83,33; (2 - 12/9) = 66,67; (2 - 15/12) = 75.
    "sum_lower_running": Case("lower", "sum", (3, 6, 9, 12, 12), (4, 7, 12, 15),
                              {1: D("66.67"), 2: D("83.33"), 3: D("66.67"), 4: D("75.00")}, D("75.00"), "Sedang",
                              quarter_form="sd"),
    # Average, lower is better: (2 - 1,5/2) = 125 for TW III; the year (2+2+1,5+2)/4 = 1,875: 106,25.
    "average_lower": Case("lower", "average", (2, 2, 2, 2, 2), (2, 2, "1,5", 2),
                          {1: D("100.00"), 2: D("100.00"), 3: D("125.00"), 4: D("100.00")}, D("106.25"),
                          "Sangat tinggi"),
    # Average with TW II empty: (2 + 1,5 + 2)/3 = 1,8333…: (2 - 0,91666…) x 100 = 108,33.
    "average_missing_quarter": Case("lower", "average", (2, 2, 2, 2, 2), (2, None, "1,5", 2),
                                    {1: D("100.00"), 2: None, 3: D("125.00"), 4: D("100.00")}, D("108.33"),
                                    "Sangat tinggi", note="rata-rata dari 3 triwulan; TW II kosong"),
    # Latest with TW IV empty: TW III's 90 against the period's target 95: 94,74.
    "latest_missing_last": Case("higher", "latest", (80, 85, 90, 95, 95), (80, 85, 90, None),
                                {1: D("100.00"), 2: D("100.00"), 3: D("100.00"), 4: None}, D("94.74"),
                                "Sangat tinggi", note="nilai TW III; TW IV kosong"),
    # One rounding: 70,04 of 77 = 90,961… kept as 90,96, so "Tinggi" (never 91,0 with "Tinggi").
    "rounding_boundary": Case("higher", "latest", (77, 77, 77, 77, 77), (77, 77, 77, "70,04"),
                              {1: D("100.00"), 2: D("100.00"), 3: D("100.00"), 4: D("90.96")}, D("90.96"), "Tinggi"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_each_case_gives_the_hand_computed_capaian_per_quarter_and_for_the_year(klego_data, name):
    case = CASES[name]
    section = klego_data.sections["pem"]
    indicator = Indicator.objects.create(
        organisation=klego_data.org, code="UJI-01", name="Indikator uji", unit="kali", section=section,
        polarity=case.polarity, aggregation=case.aggregation, quarter_form=case.quarter_form,
    )  # fmt: skip
    for quarter, written in zip((1, 2, 3, 4, None), case.targets, strict=True):
        Target.objects.create(indicator=indicator, year=2026, quarter=quarter, **parse_target(written).fields())
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    heading = "Realisasi s.d. TW" if case.running_columns else "Realisasi TW"
    header = ["Kode", *(f"{heading} {roman}" for roman in ("I", "II", "III", "IV"))]
    outcome = submissions.submit(
        cycle=cycle, section=section, kind=DataKind.objects.get(code="realisasi"),
        data=workbook_bytes([header, ["UJI-01", *case.written]]), filename="uji.xlsx", by=klego_data.staf_pem,
    )  # fmt: skip
    assert outcome.result.ok, outcome.result.problems
    (result,) = [r for r in results.indicator_results(cycle) if r.indicator.code == "UJI-01"]
    assert {q: c.value for q, c in result.capaian.items()} == case.quarters
    assert result.year_capaian.value == case.year
    assert result.category == case.category
    assert result.to_date_note == case.note


def test_the_table_covers_every_kind_the_issue_names():
    kinds = {(c.polarity, c.aggregation, c.quarter_form) for c in CASES.values()}
    assert {"higher", "lower", "range"} <= {k[0] for k in kinds}
    assert {"latest", "sum", "average"} <= {k[1] for k in kinds}
    assert {"triwulan", "sd"} <= {k[2] for k in kinds}
    assert any("–" in str(c.targets[0]) for c in CASES.values()) and any(c.targets[0] == "BB" for c in CASES.values())
    assert any(c.targets[0] == 0 for c in CASES.values()) and len(CASES) >= 14
