"""The audit trail: every history row of every tracked model of one organisation, filtered by
cycle, user and date. One query per tracked model (a fixed number), newest first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from simple_history.models import HistoricalChanges

from kinerja.models import Position

TYPES = {"+": "dibuat", "~": "diubah", "-": "dihapus"}


@dataclass
class Entry:
    at: datetime.datetime
    user: object
    model: str
    obj: str
    change: str
    reason: str


def tracked_history_models():
    return [
        m
        for m in apps.get_app_config("kinerja").get_models()
        if issubclass(m, HistoricalChanges) and m.__name__.startswith("Historical")
    ]


# How a history row reaches its organisation, by the first of its model's relations that has one.
ORGANISATION_PATHS = {
    "organisation": "organisation_id",
    "cycle": "cycle__organisation_id",
    "run": "run__cycle__organisation_id",
    "letter": "letter__organisation_id",
    "version": "version__organisation_id",
    "indicator": "indicator__organisation_id",
    "record": "record__organisation_id",
    "schedule": "schedule__organisation_id",
}


def _of_organisation(model, rows, organisation):
    """The rows of this history model that belong to the organisation. Users belong to it through
    a position there; reference data shared by every organisation (kinds of data) is kept."""
    instance = model.instance_type
    if instance.__name__ == "Organisation":
        return rows.filter(id=organisation.pk)
    if instance.__name__ == "User":
        return rows.filter(id__in=Position.objects.filter(organisation=organisation).values("user_id"))
    names = {f.name for f in instance._meta.concrete_fields if f.is_relation}
    for name, path in ORGANISATION_PATHS.items():
        if name in names:
            return rows.filter(**{path: organisation.pk})
    return rows


def entries(*, organisation=None, narrow=None, limit: int = 300) -> list[Entry]:
    """The newest `limit` changes, of one organisation when given (the page always gives one),
    each history table narrowed by `narrow(rows)` (the page's filters: kinerja.filters)."""
    found = []
    for model in tracked_history_models():
        rows = model.objects.select_related("history_user")
        if organisation is not None:
            rows = _of_organisation(model, rows, organisation)
        if narrow is not None:
            rows = narrow(rows)
        for row in rows.order_by("-history_date")[:limit]:
            found.append(
                Entry(
                    at=row.history_date,
                    user=row.history_user,
                    model=model.instance_type._meta.verbose_name,
                    obj=_describe(row),
                    change=TYPES.get(row.history_type, row.history_type),
                    reason=row.history_change_reason or "",
                )
            )
    found.sort(key=lambda e: e.at, reverse=True)
    return found[:limit]


def _describe(row) -> str:
    """A name from the row's own columns (no query per row): code, number, name, ... or its id."""
    for attribute in ("code", "number", "username", "name", "title", "label", "key", "original_name"):
        value = getattr(row, attribute, None)
        if value:
            return f"{value} (#{row.id})"[:120]
    return f"#{row.id}"
