"""Capaian (achievement), categories, trends and aggregation: pure functions over plain values.

Capaian follows PermenPAN-RB 53/2014 (pengukuran kinerja) as applied in its 2022 successor
(PermenPAN-RB 6/2022): higher is better, realisation / target × 100%; lower is better,
(1 + (1 − realisation / target)) × 100%, never below 0% (twice the target or more is 0%); a
lower-is-better target of 0 is met (100%) by a realisation of 0 and missed (0%) by any other.
A target given as a range is compared with its upper bound when the realisation is above the
range and with its lower bound when below; inside the range the target is met (100%). Any other
zero, negative or missing target cannot be measured. Every capaian is kept to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE = Decimal(1)


KEPT = Decimal("0.01")


@dataclass(frozen=True)
class Result:
    """A capaian in percent, kept to two decimals (half-up), or why there is none. The category,
    pages, PDFs, spreadsheets and the database all use the kept value: 90,96 % is "Tinggi" and is
    shown as 90,96 %, never as 91,0 %."""

    value: Decimal | None
    reason: str = ""

    def __post_init__(self):
        if self.value is not None:
            object.__setattr__(self, "value", self.value.quantize(KEPT, rounding=ROUND_HALF_UP))

    @property
    def measurable(self) -> bool:
        return self.value is not None

    def rounded(self, places: int = 2) -> Decimal | None:
        if self.value is None:
            return None
        return self.value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _d(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def capaian(
    realisation,
    target=None,
    *,
    polarity: str = "higher",
    low=None,
    high=None,
) -> Result:
    """Capaian of one figure. `polarity` is "higher", "lower" or "range" (best inside the range).
    Give `target` for a single target, or `low` and `high` for a range."""
    realisation, target, low, high = _d(realisation), _d(target), _d(low), _d(high)
    if realisation is None:
        return Result(None, "realisasi belum ada")
    if low is not None and high is not None:
        if low > high:
            low, high = high, low
        if low <= realisation <= high:
            return Result(HUNDRED)
        above = realisation > high
        bound = high if above else low
        if bound <= 0:
            return Result(None, "target nol atau negatif tidak dapat diukur")
        if polarity == "range":
            # Outside a "best within" range, falling short of the lower bound is measured as
            # higher-is-better, overshooting the upper bound as lower-is-better.
            return Result(_lower(realisation, bound) if above else _higher(realisation, bound))
        if polarity == "lower":
            return Result(_lower(realisation, bound))
        return Result(_higher(realisation, bound))
    if target is None:
        return Result(None, "target belum ada")
    if target == 0 and polarity == "lower" and realisation >= 0:
        # Zero conflicts, zero findings: none is the target met, any is the target missed.
        return Result(HUNDRED if realisation == 0 else Decimal(0))
    if target <= 0:
        return Result(None, "target nol atau negatif tidak dapat diukur")
    if polarity == "lower":
        return Result(_lower(realisation, target))
    return Result(_higher(realisation, target))


def _higher(realisation: Decimal, target: Decimal) -> Decimal:
    return realisation / target * HUNDRED


def _lower(realisation: Decimal, target: Decimal) -> Decimal:
    """Lower is better; twice the target or more is 0 %, never below."""
    return max(Decimal(0), (ONE + (ONE - realisation / target)) * HUNDRED)


# Categories ----------------------------------------------------------------------------------

# Permendagri 86/2017 (Lampiran, kriteria tingkat capaian kinerja): the office may change them.
DEFAULT_CATEGORIES: list[tuple[Decimal, str]] = [
    (Decimal(91), "Sangat tinggi"),
    (Decimal(76), "Tinggi"),
    (Decimal(66), "Sedang"),
    (Decimal(51), "Rendah"),
    (Decimal("-Infinity"), "Sangat rendah"),
]


def category(value, thresholds: Iterable[tuple[Decimal, str]] = DEFAULT_CATEGORIES) -> str:
    """The category of a capaian: the first whose lower bound it reaches (bounds descending).
    A capaian below every bound takes the lowest category, as the regulation's lowest has no
    floor: a measured capaian is never "Tidak dapat diukur" (only a missing one is)."""
    value = _d(value)
    ordered = sorted(thresholds, key=lambda t: t[0], reverse=True)
    if value is None or not ordered:
        return "Tidak dapat diukur"
    for lower, label in ordered:
        if value >= lower:
            return label
    return ordered[-1][1]


# Aggregation and trends ----------------------------------------------------------------------


def aggregate(values: Iterable, method: str) -> Decimal | None:
    """Quarters (or sections' figures) into one: "sum", "latest" (last present) or "average"
    of the values present. None when no value is present."""
    present = [_d(v) for v in values if v is not None]
    if not present:
        return None
    if method == "sum":
        return sum(present, Decimal(0))
    if method == "average":
        return sum(present, Decimal(0)) / len(present)
    if method == "latest":
        return present[-1]
    raise ValueError(f"cara menjumlah tidak dikenal: {method}")


@dataclass(frozen=True)
class QuarterSeries:
    """A summed indicator's quarters both ways: each quarter's own value and the running total
    up to it (s.d. triwulan). A value that cannot be told is None: the own value of a quarter
    whose running total, or the one before it, is missing; the running total after a missing
    quarter."""

    own: dict[int, Decimal | None]
    to_date: dict[int, Decimal | None]


def quarter_series(values: dict, *, running: bool) -> QuarterSeries:
    """`values` by quarter (1-4) as written: running totals when `running`, else each quarter's
    own value."""
    values = {q: _d(values.get(q)) for q in (1, 2, 3, 4)}
    own: dict[int, Decimal | None] = {}
    to_date: dict[int, Decimal | None] = {}
    if running:
        for q in (1, 2, 3, 4):
            before = Decimal(0) if q == 1 else values[q - 1]
            to_date[q] = values[q]
            own[q] = values[q] - before if values[q] is not None and before is not None else None
        return QuarterSeries(own, to_date)
    total: Decimal | None = Decimal(0)
    for q in (1, 2, 3, 4):
        own[q] = values[q]
        total = total + values[q] if total is not None and values[q] is not None else None
        to_date[q] = total
    return QuarterSeries(own, to_date)


@dataclass(frozen=True)
class Trend:
    change: Decimal | None
    direction: str  # "naik", "turun", "tetap" or "" when it cannot be told

    @property
    def label(self) -> str:
        return self.direction or "—"


def trend(current, previous) -> Trend:
    current, previous = _d(current), _d(previous)
    if current is None or previous is None:
        return Trend(None, "")
    change = current - previous
    return Trend(change, "naik" if change > 0 else "turun" if change < 0 else "tetap")


def went_backwards(values: Iterable) -> list[int]:
    """The 1-based quarters whose value is lower than an earlier one (a cumulative indicator's
    realisation must not go down)."""
    result, highest = [], None
    for quarter, value in enumerate(values, start=1):
        value = _d(value)
        if value is None:
            continue
        if highest is not None and value < highest:
            result.append(quarter)
        highest = value if highest is None else max(highest, value)
    return result


def differs(a, b, tolerance=Decimal("0.0001")) -> bool:
    """Two figures disagree (a missing one disagrees with a present one)."""
    a, b = _d(a), _d(b)
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > tolerance
