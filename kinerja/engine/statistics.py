"""How long each SOP step took, against its target, across an organisation's cycles."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import F
from django.db.models.lookups import GreaterThan

from ..models import Organisation, StepRun


@dataclass
class StepStatistics:
    number: int
    name: str
    target_minutes: int
    count: int
    median_minutes: float | None
    worst_minutes: int | None
    late_count: int

    @property
    def median_ratio(self) -> float | None:
        if self.median_minutes is None or not self.target_minutes:
            return None
        return self.median_minutes / self.target_minutes


def step_statistics(organisation: Organisation) -> list[StepStatistics]:
    """Per SOP step, across all cycles of an organisation: how long its closed runs took in
    working minutes (median and worst) against the target, and how many closed late."""
    runs = (
        StepRun.objects.filter(cycle__organisation=organisation, closed_at__isnull=False, actual_minutes__isnull=False)
        .exclude(outcome="dibatalkan")
        .annotate(late=GreaterThan(F("closed_at"), F("due_at")))
        .values_list("step__number", "step__short_name", "target_minutes", "actual_minutes", "late")
    )
    grouped: dict[int, list] = {}
    for number, name, target, actual, late in runs:
        grouped.setdefault(number, []).append((name, target, actual, bool(late)))
    result = []
    for number in sorted(grouped):
        rows = grouped[number]
        actuals = [r[2] for r in rows]
        result.append(
            StepStatistics(
                number=number,
                name=rows[-1][0],
                target_minutes=rows[-1][1],
                count=len(rows),
                median_minutes=statistics.median(actuals),
                worst_minutes=max(actuals),
                late_count=sum(1 for r in rows if r[3]),
            )
        )
    return result
