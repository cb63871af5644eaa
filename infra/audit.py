"""The audit trail: every history row of every tracked model of one organisation, filtered by
cycle, user and date, newest first, a page at a time: one query over every tracked model (each
reading at most a page and one row) and one for the users named."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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


# The trail's query (SQL and parameters) by organisation, filters, page size and place. Building
# it compiles about forty querysets, most of the page's time; it depends on nothing the data can
# change, so each process keeps what it built (bounded; emptied whole when full).
_BUILT: dict[tuple, tuple[str, list] | None] = {}
_BUILT_MAX = 512


def forget_built() -> None:
    """Empty the kept queries, as a restart of the process does (the benchmarks' cold views)."""
    _BUILT.clear()


def entries(
    *, organisation=None, narrow=None, narrowed_by: tuple | None = None, limit: int = 50, before: Place | None = None
) -> Page:
    """The newest `limit` changes older than `before` (from the newest when None), of one
    organisation when given (the page always gives one), each history table narrowed by
    `narrow(rows)` (the page's filters: kinerja.filters). Two queries whatever the size of the
    history and however many tables it spans: each table's newest `limit` + 1 rows, as its own
    queryset builds them (the same ownership and filters), put together in one UNION ALL and
    ordered there; then the users named. `narrowed_by` names what `narrow` applies (a hashable
    key: the same key, the same narrowing); with it, or without `narrow`, the query is built once
    per process and kept (`_BUILT`)."""
    models = tracked_history_models()
    rank = {label: i for i, label in enumerate(sorted(m._meta.label_lower for m in models))}
    by_rank = {rank[m._meta.label_lower]: m for m in models}
    key = None
    if narrow is None or narrowed_by is not None:
        key = (organisation.pk if organisation is not None else None, narrowed_by, limit, before)
    if key is not None and key in _BUILT:
        query = _BUILT[key]
    else:
        query = _query(models, rank, organisation, narrow, limit, before)
        if key is not None:
            if len(_BUILT) >= _BUILT_MAX:
                _BUILT.clear()
            _BUILT[key] = query
    if query is None:
        return Page([], None)
    with connection.cursor() as cursor:
        cursor.execute(*query)
        found = cursor.fetchall()
    return _page(found, by_rank, limit)


def _query(models, rank, organisation, narrow, limit: int, before: Place | None) -> tuple[str, list] | None:
    """The trail's one query, as SQL and parameters; None when no table can have a row."""
    parts, params = [], []
    for model in models:
        table = model._meta.label_lower
        rows = model.objects.all()
        if organisation is not None:
            rows = _of_organisation(model, rows, organisation)
        if narrow is not None:
            rows = narrow(rows)
        if before is not None:
            rows = _older_than(rows, table, before)
        if rows.query.is_empty():
            continue
        rows = (
            rows.annotate(audit_table=Value(rank[table]), audit_name=_name_of(model))
            .order_by("-history_date", "-history_id")
            .values_list(*COLUMNS)[: limit + 1]
        )
        sql, more = rows.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS audit_{len(parts)}")
        params.extend(more)
    if not parts:
        return None
    return f"{' UNION ALL '.join(parts)} ORDER BY 1 DESC, 3 DESC, 2 DESC LIMIT %s", [*params, limit + 1]


def _page(found, by_rank, limit: int) -> Page:
    """The entries of the rows the trail's query found (one more than a page when there are more)."""
    users = User.objects.in_bulk({row[6] for row in found if row[6] is not None})
    shown = []
    for at, history_id, table, obj_id, kind, reason, user_id, name in found[:limit]:
        model = by_rank[table]
        at = _moment(at)
        shown.append(
            (
                Place(at, model._meta.label_lower, history_id),
                Entry(
                    at=at,
                    user=users.get(user_id),
                    model=model.instance_type._meta.verbose_name,
                    obj=f"{name} (#{obj_id})"[:120] if name else f"#{obj_id}",
                    change=TYPES.get(kind, kind),
                    reason=reason or "",
                ),
            )
        )
    older = shown[-1][0] if len(found) > limit else None
    return Page([entry for _place, entry in shown], older)


COLUMNS = ("history_date", "history_id", "audit_table", "id", "history_type", "history_change_reason",
           "history_user_id", "audit_name")  # fmt: skip
# A change is named by the first of these columns its row has and fills: code, number, name, ...
NAMING = ("code", "number", "username", "name", "title", "label", "key", "original_name")


def _name_of(model):
    """The row's name as text from its own columns (no query per row), or NULL: an empty text or a
    zero does not name it."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    named = []
    for attribute in NAMING:
        field = fields.get(attribute)
        if field is None:
            continue
        textual = isinstance(field, models.CharField | models.TextField)
        named.append(Cast(NullIf(F(attribute), Value("" if textual else 0)), models.TextField()))
    if not named:
        return Value(None, output_field=models.TextField())
    return Coalesce(*named, output_field=models.TextField()) if len(named) > 1 else named[0]


def _moment(value) -> datetime.datetime:
    """A history_date as the raw query gives it: an aware datetime (PostgreSQL), or SQLite's text
    in UTC (what Django's own converter for SQLite does)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
