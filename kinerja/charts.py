"""Chart geometry for pages (drawn by templates, no JavaScript): capaian per indicator against
100% as rows of text and bars that fit any screen, and each indicator's realisation per quarter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCALE_MAX = Decimal(150)  # bars are drawn up to 150%; beyond that they are capped and marked


# Where 100% stands on a bar's track, in percent of the track (bars run from 0 to SCALE_MAX).
HUNDRED_PERCENT = float(Decimal(100) / SCALE_MAX * 100)


@dataclass
class Bar:
    """One row of a bar chart: its label and value as text, its bar as a share of the track."""

    label: str
    value: Decimal | None
    width: float  # percent of the track
    colour: str
    capped: bool


def capaian_bars(results) -> list[Bar]:
    bars = []
    for r in results:
        value = r.year_capaian.rounded(2)
        if value is None:
            bars.append(Bar(r.indicator.code, None, 0, "#adb5bd", False))
            continue
        shown = max(Decimal(0), min(value, SCALE_MAX))
        bars.append(Bar(r.indicator.code, value, float(shown / SCALE_MAX * 100), _colour(value), value > SCALE_MAX))
    return bars


def _colour(value: Decimal) -> str:
    return "#198754" if value >= 100 else "#ffc107" if value >= 76 else "#dc3545"


def average_bars(groups: dict[str, list[Decimal]]) -> list[Bar]:
    """One bar per group (sorted by label): the average of its capaian values."""
    bars = []
    for label, values in sorted(groups.items()):
        average = sum(values, Decimal(0)) / len(values)
        shown = max(Decimal(0), min(average, SCALE_MAX))
        bars.append(
            Bar(label[:60], average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), float(shown / SCALE_MAX * 100),
                _colour(average),
                average > SCALE_MAX)
        )  # fmt: skip
    return bars


def sparkline(values: list, width: int = 80, height: int = 22) -> str:
    """SVG polyline points for up to four quarterly values (missing ones skipped)."""
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(present) < 2:
        return ""
    low = min(v for _, v in present)
    high = max(v for _, v in present)
    span = (high - low) or 1.0
    step = width / 3
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in present)
