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


def _closed_runs(runs):
    """The closed, timed runs of `runs` (cancelled ones left out), as plain values: (organisation
    id, step number, step name, target minutes, actual minutes, closed late)."""
    return (
        runs.filter(closed_at__isnull=False, actual_minutes__isnull=False)
        .exclude(outcome="dibatalkan")
        .annotate(late=GreaterThan(F("closed_at"), F("due_at")))
        .order_by("opened_at", "pk")
        .values_list("cycle__organisation_id", "step__number", "step__short_name", "target_minutes", "actual_minutes",
                     "late")
    )  # fmt: skip


def _summarise(number: int, rows: list) -> StepStatistics:
    actuals = [r[2] for r in rows]
    return StepStatistics(
        number=number,
        name=rows[-1][0],
        target_minutes=rows[-1][1],
        count=len(rows),
        median_minutes=statistics.median(actuals),
        worst_minutes=max(actuals),
        late_count=sum(1 for r in rows if r[3]),
    )


def step_statistics(organisation: Organisation) -> list[StepStatistics]:
    """Per SOP step, across all cycles of an organisation: how long its closed runs took in
    working minutes (median and worst) against the target, and how many closed late."""
    grouped: dict[int, list] = {}
    for _organisation, number, name, target, actual, late in _closed_runs(
        StepRun.objects.filter(cycle__organisation=organisation)
    ):
        grouped.setdefault(number, []).append((name, target, actual, bool(late)))
    return [_summarise(number, grouped[number]) for number in sorted(grouped)]


def step_statistics_by_organisation(runs) -> tuple[list[StepStatistics], dict[int, dict[int, StepStatistics]]]:
    """The same figures for several organisations at once (one query over `runs`, a StepRun
    queryset): per step over all of them, and per organisation id and step number."""
    overall: dict[int, list] = {}
    by_organisation: dict[int, dict[int, list]] = {}
    for organisation, number, name, target, actual, late in _closed_runs(runs):
        row = (name, target, actual, bool(late))
        overall.setdefault(number, []).append(row)
        by_organisation.setdefault(organisation, {}).setdefault(number, []).append(row)
    return (
        [_summarise(number, overall[number]) for number in sorted(overall)],
        {
            organisation: {number: _summarise(number, rows) for number, rows in steps.items()}
            for organisation, steps in by_organisation.items()
        },
    )
