"""The audit trail: every history row of every tracked model of one organisation, filtered by
cycle, user and date, newest first, a page at a time. One query per tracked model (a fixed
number), each reading at most a page and one row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from simple_history.models import HistoricalChanges

from kinerja.models import Position, User
from kinerja.ownership import KABUPATEN_LEVEL, ORGANISATION_PATHS

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
    """The history of each tracked model. A many-to-many field's own history rows (the budget's
    linked indicators) belong to a history row of their model, which is listed."""
    return [
        m
        for m in apps.get_app_config("kinerja").get_models()
        if issubclass(m, HistoricalChanges)
        and m.__name__.startswith("Historical")
        and any(f.name == "history_date" for f in m._meta.fields)
    ]


def _of_organisation(model, rows, organisation):
    """The rows of this history model that belong to the organisation, by the ownership map the
    admin and the data marks use (kinerja.ownership). Users belong to it through a position
    there; data of the whole installation (kinds of data) is kept."""
    instance = model.instance_type
    if instance is User:
        return rows.filter(id__in=Position.objects.filter(organisation=organisation).values("user_id"))
    if instance in KABUPATEN_LEVEL:
        return rows.none()  # the kabupaten's business, not the kecamatan's
    path = ORGANISATION_PATHS.get(instance)
    if path is None:
        return rows
    return rows.filter(**{f"{path}_id" if path else "id": organisation.pk})


@dataclass(frozen=True)
class Place:
    """Where a page of the trail starts: entries strictly older than this one, in the trail's
    order (time, then table, then history id, all newest first), so that two changes made in the
    same microsecond are never skipped at a page boundary."""

    at: datetime.datetime
    table: str
    history_id: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}~{self.table}~{self.history_id}"

    @classmethod
    def parse(cls, text: str) -> Place | None:
        """The place a page link carries; None for anything else (it comes from the address bar)."""
        parts = str(text or "").split("~")
        if len(parts) != 3 or not parts[2].isascii() or not parts[2].isdigit() or len(parts[2]) > 18:
            return None
        try:
            at = datetime.datetime.fromisoformat(parts[0])
        except ValueError:
            return None
        if at.tzinfo is None or parts[1] not in {m._meta.label_lower for m in tracked_history_models()}:
            return None
        return cls(at, parts[1], int(parts[2]))


@dataclass
class Page:
    entries: list
    older: Place | None  # where the next page starts; None on the last page


def _older_than(rows, table: str, place: Place):
    if table < place.table:
        return rows.filter(history_date__lte=place.at)
    if table == place.table:
        return rows.filter(Q(history_date__lt=place.at) | Q(history_date=place.at, history_id__lt=place.history_id))
    return rows.filter(history_date__lt=place.at)


def entries(*, organisation=None, narrow=None, limit: int = 50, before: Place | None = None) -> Page:
    """The newest `limit` changes older than `before` (from the newest when None), of one
    organisation when given (the page always gives one), each history table narrowed by
    `narrow(rows)` (the page's filters: kinerja.filters). One query per tracked table, each
    reading at most `limit` + 1 rows whatever the size of the history."""
    found = []
    for model in tracked_history_models():
        table = model._meta.label_lower
        rows = model.objects.select_related("history_user")
        if organisation is not None:
            rows = _of_organisation(model, rows, organisation)
        if narrow is not None:
            rows = narrow(rows)
        if before is not None:
            rows = _older_than(rows, table, before)
        for row in rows.order_by("-history_date", "-history_id")[: limit + 1]:
            found.append(
                (
                    (row.history_date, table, row.history_id),
                    Entry(
                        at=row.history_date,
                        user=row.history_user,
                        model=model.instance_type._meta.verbose_name,
                        obj=_describe(row),
                        change=TYPES.get(row.history_type, row.history_type),
                        reason=row.history_change_reason or "",
                    ),
                )
            )
    found.sort(key=lambda pair: pair[0], reverse=True)
    shown = found[:limit]
    older = Place(*shown[-1][0]) if len(found) > limit else None
    return Page([entry for _key, entry in shown], older)


def _describe(row) -> str:
    """A name from the row's own columns (no query per row): code, number, name, ... or its id."""
    for attribute in ("code", "number", "username", "name", "title", "label", "key", "original_name"):
        value = getattr(row, attribute, None)
        if value:
            return f"{value} (#{row.id})"[:120]
    return f"#{row.id}"
