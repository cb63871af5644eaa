"""The master data a cycle's figures are computed with, kept at its final approval and with its
archive.

An approved cycle is decided and a filed one is history: their capaian were approved, signed and
archived. Their pages, exports and PDFs keep computing from the uploads, and must give the figures
that were approved and filed even after the office changes its master data (a Perjanjian Kinerja
perubahan, a rule corrected, its own capaian categories, an indicator retired or added). So the
final approval keeps the master data its figures were computed with (`capture`: the active
indicators, their sections, objectives and cascade parents, the year's targets and the
categories), filing files with them and keeps them with the archive (`to_file`), and every later
computation for that cycle reads them (`master_for`) instead of today's rows.

A cycle filed before its master data were kept (an archive without them) is computed with
today's rows and checked against the figures it filed (`check_against_records`): when they
differ, nothing is shown but the sentence that says which indicator differs and where the filed
figures are (`NotAsFiled`): never a capaian the office did not sign. (One approved before, and
not yet filed, is checked by filing: `steps.review.check_as_approved`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.core import serializers
from django.db import connection
from django.db.models import F
from django.utils import timezone

from ..models import (
    CapaianCategory,
    Cycle,
    CycleArchive,
    Indicator,
    PerformanceRecord,
    ReviewSnapshot,
    Section,
    StepRun,
    StrategicObjective,
    Target,
)
from . import analysis

VERSION = 1


class NotAsFiled(Exception):
    """Today's computation of a filed cycle differs from the figures it filed (kept without its
    master data): the message says where and what to do."""

    def __init__(self, message: str, cycle: Cycle):
        super().__init__(message)
        self.cycle = cycle


@dataclass
class Master:
    """What the figures of one cycle are computed with. `filed`: read from its archive."""

    indicators: list[Indicator]  # in the order every table shows them
    targets: dict[tuple[int, int | None], Target]
    categories: list[tuple[Decimal, str]]  # the office's own; empty: the default categories
    filed: bool = False  # kept with the archive (else with the final approval, or today's)
    # Filed without its master data (before they were kept): check the result against the records.
    unchecked_filing: bool = False


def _serialised(queryset) -> list[dict]:
    return serializers.serialize("python", queryset)


def _loaded(model, data: list[dict]) -> list:
    """Instances of `model` from `_serialised` data (as JSON gave it back: decimals and dates as
    text), built as the ORM builds rows (`from_db`): Django's deserializer takes five times as
    long. A field added since takes its default; one removed since is left out."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    out = []
    for item in data:
        given = item["fields"]
        values = []
        for f in fields:
            if f.primary_key:
                values.append(f.to_python(item["pk"]))
            elif f.name not in given:
                values.append(f.get_default())
            elif f.is_relation:
                values.append(given[f.name])
            else:
                values.append(f.to_python(given[f.name]))
        out.append(model.from_db("default", attnames, values))
    return out


def _live_indicators(organisation) -> list[Indicator]:
    return list(
        Indicator.objects.filter(organisation=organisation, active=True)
        .select_related("section", "objective", "parent")
        # Indicators without an objective last on every database (SQLite sorts NULL first, PostgreSQL last).
        .order_by(F("objective__order").asc(nulls_last=True), "code")
    )


def capture(cycle: Cycle) -> dict:
    """Today's master data for `cycle`'s figures, as JSON-ready data (DjangoJSONEncoder) to keep."""
    indicators = _live_indicators(cycle.organisation)
    ids = {i.pk for i in indicators}
    parents = {i.parent_id for i in indicators if i.parent_id} - ids
    return {
        "version": VERSION,
        "indicators": _serialised(indicators),
        "parents": _serialised(Indicator.objects.filter(pk__in=parents).order_by("pk")),
        "sections": _serialised(Section.objects.filter(pk__in={i.section_id for i in indicators}).order_by("pk")),
        "objectives": _serialised(
            StrategicObjective.objects.filter(pk__in={i.objective_id for i in indicators if i.objective_id}).order_by(
                "pk"
            )
        ),
        "targets": _serialised(Target.objects.filter(indicator__in=ids, year=cycle.year).order_by("pk")),
        "categories": _serialised(CapaianCategory.objects.filter(organisation=cycle.organisation).order_by("pk")),
    }


def _from_kept(kept: dict, *, filed: bool) -> Master:
    sections = {s.pk: s for s in _loaded(Section, kept["sections"])}
    objectives = {o.pk: o for o in _loaded(StrategicObjective, kept["objectives"])}
    indicators = _loaded(Indicator, kept["indicators"])
    by_pk = {i.pk: i for i in [*indicators, *_loaded(Indicator, kept["parents"])]}
    for indicator in indicators:
        indicator.section = sections[indicator.section_id]
        indicator.objective = objectives.get(indicator.objective_id) if indicator.objective_id else None
        indicator.parent = by_pk.get(indicator.parent_id) if indicator.parent_id else None
    # The order of the live query: by objective (those without one last), then code.
    indicators.sort(key=lambda i: (i.objective is None, i.objective.order if i.objective else 0, i.code))
    targets = {(t.indicator_id, t.quarter): t for t in _loaded(Target, kept["targets"])}
    for target in targets.values():
        target.indicator = by_pk[target.indicator_id]
    categories = [(c.lower_bound, c.label) for c in _loaded(CapaianCategory, kept["categories"])]
    return Master(indicators, targets, categories, filed=filed)


def from_kept(kept: dict) -> Master:
    """The Master of master data kept as `capture` wrote them (the archive's own copy)."""
    return _from_kept(kept, filed=True)


def _row(cycle: Cycle, sql: str) -> tuple:
    """The one row of `sql` about `cycle`: {archive}, {snapshot} and {run} stand for the tables of
    CycleArchive, ReviewSnapshot and StepRun, and every %s for the cycle's id."""
    tables = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (("archive", CycleArchive), ("snapshot", ReviewSnapshot), ("run", StepRun))
    }
    text = sql.format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(text, [cycle.pk] * text.count("%s"))
        return cursor.fetchone()


def _kept_for(cycle: Cycle) -> tuple[bool, dict | None]:
    """Whether `cycle` is filed, and the master data kept for it: its archive's, else its final
    approval's (`ReviewSnapshot.basis`, kept by the approval only; filing keeps the same with the
    archive, so an archive without them is one filed before they were kept). One query, written
    out: built with the ORM (Exists, two Subqueries, Coalesce) it took 2.5 ms to compile, on every
    computation of a cycle's figures, for 0.01 ms in the database."""
    filed, kept = _row(
        cycle,
        "SELECT EXISTS(SELECT 1 FROM {archive} WHERE cycle_id = %s), COALESCE("
        "(SELECT basis FROM {archive} WHERE cycle_id = %s ORDER BY created_at DESC, id DESC LIMIT 1), "
        "(SELECT s.basis FROM {snapshot} s INNER JOIN {run} r ON s.run_id = r.id "
        "WHERE r.cycle_id = %s AND s.basis IS NOT NULL ORDER BY s.created_at DESC, s.id DESC LIMIT 1))",
    )
    if isinstance(kept, str):  # text on SQLite (and jsonb as Django has psycopg give it)
        kept = json.loads(kept)
    return bool(filed), kept


def kept_when(cycle: Cycle) -> str:
    """When the master data `cycle`'s figures are computed with were kept, as the pages say it
    ("pengarsipan", "persetujuan akhir"), or "" (today's rows). One query, without the data."""
    filed, approved = _row(
        cycle,
        "SELECT EXISTS(SELECT 1 FROM {archive} WHERE cycle_id = %s AND basis IS NOT NULL), "
        "EXISTS(SELECT 1 FROM {snapshot} s INNER JOIN {run} r ON s.run_id = r.id "
        "WHERE r.cycle_id = %s AND s.basis IS NOT NULL)",
    )
    return "pengarsipan" if filed else "persetujuan akhir" if approved else ""


def kept_master(cycle: Cycle) -> tuple[bool, Master | None]:
    """Whether `cycle` is filed, and the master data kept at its final approval or filing (None:
    nothing kept). One query."""
    filed, kept = _kept_for(cycle)
    if kept is None:
        return filed, None
    if kept.get("version") != VERSION:
        raise NotAsFiled(
            f"Data induk siklus {cycle.period_label} tersimpan dalam bentuk (versi {kept.get('version')}) "
            "yang tidak dikenal aplikasi ini, jadi angkanya tidak dihitung ulang. Angka yang berlaku ada di "
            "arsip siklus dan di halaman Data base kinerja.",
            cycle,
        )
    return filed, _from_kept(kept, filed=filed)


def master_for(cycle: Cycle) -> Master:
    """The master data `cycle`'s figures are computed with: those kept when it was approved
    (finally) or filed, else today's (a cycle still under way, or one filed before they were
    kept: `unchecked_filing`). One query, and three more for today's."""
    filed, kept = kept_master(cycle)
    if kept is not None:
        return kept
    indicators = _live_indicators(cycle.organisation)
    targets = {(t.indicator_id, t.quarter): t for t in Target.objects.filter(indicator__in=indicators, year=cycle.year)}
    categories = [(c.lower_bound, c.label) for c in CapaianCategory.objects.filter(organisation=cycle.organisation)]
    return Master(indicators, targets, categories, unchecked_filing=filed)


def to_file(cycle: Cycle) -> dict:
    """The master data filing keeps with the archive: the final approval's when it kept them
    (what was approved is what is filed), else today's."""
    _filed, kept = _kept_for(cycle)
    return kept if kept is not None else capture(cycle)


def check_against_records(cycle: Cycle, computed: dict[int, dict]) -> None:
    """For a cycle filed before its master data were kept: today's figures (`computed`: by
    indicator, as `results.filed_figures` gives them) must be the ones it filed, indicator by
    indicator, else NotAsFiled names the indicators that differ."""
    records = {r.indicator_id: r for r in PerformanceRecord.objects.filter(cycle=cycle)}
    differ = set(computed) ^ set(records)
    for pk in set(computed) & set(records):
        figures, record = computed[pk], records[pk]
        for name, value in figures.items():
            stored = getattr(record, name)
            if isinstance(value, str) or isinstance(stored, str):
                same = (value or "") == (stored or "")
            else:  # a number against a number, or a missing one: a zero is not nothing
                same = not analysis.differs(value, stored)
            if not same:
                differ.add(pk)
                break
    if differ:
        codes = sorted({r.code for pk, r in records.items() if pk in differ} | _codes(differ - set(records)))
        filed_on = min(r.filed_at for r in records.values()) if records else None
        when = f" pada {timezone.localtime(filed_on):%d-%m-%Y}" if filed_on else ""
        raise NotAsFiled(
            f"Angka siklus {cycle.period_label} bila dihitung ulang dengan data induk sekarang berbeda dari "
            f"yang diarsipkan{when} untuk {', '.join(codes)}: target, cara hitung atau kategori indikatornya "
            "berubah sesudah pengarsipan, dan siklus ini diarsipkan sebelum aplikasi menyimpan data induknya. "
            "Halaman ini tidak menampilkan hitungan ulang; angka yang berlaku ada di arsip siklus dan di halaman "
            "Data base kinerja.",
            cycle,
        )


def _codes(pks: set[int]) -> set[str]:
    return set(Indicator.objects.filter(pk__in=pks).values_list("code", flat=True))
