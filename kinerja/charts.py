"""Chart geometry for pages (SVG drawn by templates, no JavaScript): capaian per indicator
against 100%, and each indicator's realisation per quarter."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SCALE_MAX = Decimal(150)  # bars are drawn up to 150%; beyond that they are capped and marked


ROW = 18  # drawing units per bar
LEFT, RIGHT = 70, 930  # where bars start and where the 150% mark ends


@dataclass
class Bar:
    label: str
    value: Decimal | None
    width: float  # percent of the drawing width
    colour: str
    capped: bool
    y: int = 0

    @property
    def length(self) -> float:
        return self.width / 100 * (RIGHT - LEFT)

    @property
    def text_y(self) -> int:
        return self.y + 13


def capaian_bars(results) -> list[Bar]:
    bars = []
    for index, r in enumerate(results):
        value = r.year_capaian.rounded(1)
        if value is None:
            bars.append(Bar(r.indicator.code, None, 0, "#adb5bd", False, index * ROW))
            continue
        shown = max(Decimal(0), min(value, SCALE_MAX))
        bars.append(
            Bar(r.indicator.code, value, float(shown / SCALE_MAX * 100), _colour(value), value > SCALE_MAX, index * ROW)
        )
    return bars


def _colour(value: Decimal) -> str:
    return "#198754" if value >= 100 else "#ffc107" if value >= 76 else "#dc3545"


def average_bars(groups: dict[str, list[Decimal]]) -> list[Bar]:
    """One bar per group (sorted by label): the average of its capaian values."""
    bars = []
    for index, (label, values) in enumerate(sorted(groups.items())):
        average = sum(values, Decimal(0)) / len(values)
        shown = max(Decimal(0), min(average, SCALE_MAX))
        bars.append(
            Bar(label[:60], average.quantize(Decimal("0.1")), float(shown / SCALE_MAX * 100), _colour(average),
                average > SCALE_MAX, index * ROW)
        )  # fmt: skip
    return bars


HUNDRED_AT = LEFT + float(Decimal(100) / SCALE_MAX) * (RIGHT - LEFT)


def chart_height(bars) -> int:
    return ROW * len(bars) + 6


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
