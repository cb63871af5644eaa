"""A cycle's results for steps 6 and 7: for every indicator its targets, the sections' accepted
figures per quarter, capaian per quarter and for the year to date, category, trends and flags,
and the reconciliation of office figures with the sections' figures. A fixed number of queries,
however many indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from .. import wording
from ..models import Cycle, Explanation, Indicator, OfficeFigure, Submission, SubmissionRow, Target
from ..spreadsheets.importer import unit_key
from ..spreadsheets.numbers import format_number
from . import analysis, basis

QUARTERS = (1, 2, 3, 4)
ROMAN = wording.ROMAN  # quarters as the office writes them (kinerja.wording)
FAR_ABOVE = Decimal(150)  # capaian above this is flagged as suspicious
FAR_BELOW = Decimal(50)  # and below this as a warning
WRITTEN_CAPAIAN_TOLERANCE = Decimal("0.5")  # a section's capaian rounded to a whole percent still agrees


@dataclass
class Source:
    """Where a figure came from: a section's upload (kind, version, sheet and cell) or the office."""

    label: str
    value: Decimal | None


@dataclass
class IndicatorResult:
    """An indicator's figures for a cycle. For an indicator whose quarters add up ("jumlah"),
    `quarter_targets`, `realisations` and `capaian` per quarter are running totals (s.d.
    triwulan), whichever way they were written; `own` keeps each quarter's own realisation.
    For the others they are the quarter's own values."""

    indicator: Indicator
    annual_target: Target | None
    quarter_targets: dict[int, Target | None]
    realisations: dict[int, Decimal | None]
    cells: dict[int, str]
    sources: dict[int, list[Source]]
    capaian: dict[int, analysis.Result]
    year_to_date: Decimal | None
    year_capaian: analysis.Result
    category: str
    trend_quarter: analysis.Trend
    trend_year: analysis.Trend
    previous_year: Decimal | None
    # The target the year's capaian was measured against: the period's quarter target, else the
    # annual one (what the database files next to that capaian).
    period_target: Target | None = None
    flags: list[str] = field(default_factory=list)
    own: dict[int, Decimal | None] = field(default_factory=dict)  # each quarter's own realisation
    to_date_note: str = ""  # how the year to date was made when a quarter is missing

    @property
    def summed(self) -> bool:
        return self.indicator.aggregation == "sum"

    def quarter_rows(self):
        """(quarter, target, realisation, capaian, the quarter's own realisation where it differs
        from the one shown: a summed indicator's)."""
        return [
            (q, self.quarter_targets.get(q), self.realisations.get(q), self.capaian.get(q),
             self.own.get(q) if self.summed else None)
            for q in QUARTERS
        ]  # fmt: skip

    @property
    def target_shown(self) -> str:
        """The target the year's capaian stands against, as written (85, 80–90, BB)."""
        return self.period_target.shown if self.period_target else "—"

    @property
    def annual_note(self) -> str:
        """The Perjanjian Kinerja's annual target, when the period's target is another one."""
        if self.annual_target and self.period_target and self.period_target.shown != self.annual_target.shown:
            return f"PK {self.annual_target.shown}"
        return ""


@dataclass
class Difference:
    key: str
    kind: str  # "cascade" or "twice"
    indicator: Indicator
    quarter: int
    first: Source
    second: Source
    explanation: Explanation | None = None
    left_out: list[str] = field(default_factory=list)  # cascade children not comparable (another unit)
    cycle_id: int | None = None

    @property
    def resolved(self) -> bool:
        return self.explanation is not None and bool(self.explanation.text.strip())

    @property
    def carried(self) -> bool:
        """Explained by a standing explanation of an earlier cycle."""
        return self.explanation is not None and self.explanation.cycle_id != self.cycle_id


def _measure(realisation, target: Target | None, polarity: str) -> analysis.Result:
    """The capaian of a figure against a Target row. A predicate target (BB, WTP) is judged, not
    computed: no capaian, and the reason says so."""
    if realisation is not None and target is not None and target.text and target.value is None and target.low is None:
        return analysis.Result(None, f"target berupa predikat ({target.text}): capaian tidak dihitung otomatis")
    return analysis.capaian(realisation, polarity=polarity, **_target_values(target))


def _target_values(target: Target | None) -> dict:
    if target is None:
        return {"target": None}
    if target.low is not None and target.high is not None:
        return {"low": target.low, "high": target.high}
    return {"target": target.value}


def _accepted_rows(cycles_filter):
    """Rows of the latest accepted submission of every (cycle, section, kind)."""
    latest: dict[tuple, int] = {}
    for sid, cycle_id, section_id, kind_id in (
        Submission.objects.filter(cycles_filter, status=Submission.Status.ACCEPTED)
        .values_list("pk", "cycle_id", "section_id", "kind_id")
        .order_by("version")
    ):
        latest[(cycle_id, section_id, kind_id)] = sid
    return (
        SubmissionRow.objects.filter(submission_id__in=latest.values())
        .select_related("submission__kind")
        .order_by("submission__kind__order", "row_number")
    )


def indicator_results(cycle: Cycle) -> list[IndicatorResult]:
    """Every active indicator of the organisation with its figures for the cycle's period."""
    # A filed cycle's master data as they were when it was filed (kinerja.measurement.basis).
    master = basis.master_for(cycle)
    indicators, targets = master.indicators, master.targets
    rows_by_indicator: dict[int, list[SubmissionRow]] = {}
    for row in _accepted_rows(Q(cycle=cycle)):
        rows_by_indicator.setdefault(row.indicator_id, []).append(row)
    office = {(f.indicator_id, f.quarter): f for f in OfficeFigure.objects.filter(cycle=cycle)}
    previous: dict[int, SubmissionRow] = {}
    previous_cycles = Q(
        cycle__organisation=cycle.organisation, cycle__year=cycle.year - 1, cycle__quarter=cycle.quarter
    )
    for row in _accepted_rows(previous_cycles):
        previous.setdefault(row.indicator_id, row)
    thresholds = master.categories or analysis.DEFAULT_CATEGORIES
    up_to = cycle.quarter or 4
    results = []
    for indicator in indicators:
        summed = indicator.aggregation == "sum"
        own: dict[int, Decimal | None] = {}
        to_date: dict[int, Decimal | None] = {}
        cells: dict[int, str] = {}
        sources: dict[int, list[Source]] = {q: [] for q in QUARTERS}
        for row in rows_by_indicator.get(indicator.pk, []):
            series = analysis.quarter_series(row.written(), running=row.running)
            for q in QUARTERS:
                written = row.realisation_written(q)
                if written is None and not row.cells.get(f"real_q{q}"):
                    continue
                label = (
                    f"{row.submission.kind.name} v{row.submission.version}, "
                    f"lembar '{row.sheet}' sel {row.cells.get(f'real_q{q}', '?')}"
                )
                sources[q].append(Source(label, series.to_date[q] if summed else series.own[q]))
                if own.get(q) is None and to_date.get(q) is None and written is not None:
                    own[q], to_date[q] = series.own[q], series.to_date[q]
                    cells[q] = row.cells.get(f"real_q{q}", "")
        figures = {q: office.get((indicator.pk, q)) for q in QUARTERS}
        if indicator.section.kind != "seksi" and any(figures.values()):
            # The office's own indicators (IKU) take the office's figures, written the indicator's way.
            series = analysis.quarter_series(
                {q: f.value if f else None for q, f in figures.items()}, running=indicator.written_running
            )
            for q, figure in figures.items():
                if figure is not None:
                    own[q], to_date[q], cells[q] = series.own[q], series.to_date[q], figure.source
        quarter_targets = _quarter_targets(indicator, targets)
        realisations = {q: (to_date.get(q) if summed else own.get(q)) for q in QUARTERS}
        realisations = {q: v for q, v in realisations.items() if v is not None}
        capaian = {
            q: _measure(realisations.get(q), quarter_targets[q], indicator.polarity) for q in QUARTERS if q <= up_to
        }
        if summed:
            to_date_value = realisations.get(up_to)
        else:
            to_date_value = analysis.aggregate([own.get(q) for q in QUARTERS if q <= up_to], indicator.aggregation)
        period_target = quarter_targets.get(up_to) if cycle.quarter else targets.get((indicator.pk, None))
        period_target = period_target or targets.get((indicator.pk, None))
        year_capaian = _measure(to_date_value, period_target, indicator.polarity)
        previous_row = previous.get(indicator.pk)
        previous_value = None
        if previous_row is not None:
            previous_value = previous_row.to_date(up_to) if summed else previous_row.realisation(up_to)
        result = IndicatorResult(
            indicator=indicator,
            annual_target=targets.get((indicator.pk, None)),
            quarter_targets=quarter_targets,
            realisations=realisations,
            cells=cells,
            sources=sources,
            capaian=capaian,
            year_to_date=to_date_value,
            year_capaian=year_capaian,
            category=analysis.category(year_capaian.rounded(2), thresholds),
            trend_quarter=analysis.trend(own.get(up_to), own.get(up_to - 1) if up_to > 1 else None),
            trend_year=analysis.trend(realisations.get(up_to), previous_value),
            previous_year=previous_value,
            period_target=period_target,
            own={q: v for q, v in own.items() if v is not None},
            to_date_note=_to_date_note(indicator.aggregation, own, realisations, up_to),
        )
        result.flags = _flags(result, rows_by_indicator.get(indicator.pk, []), up_to)
        results.append(result)
    if master.unchecked_filing:
        basis.check_against_records(cycle, {r.indicator.pk: filed_figures(r) for r in results})
    return results


def two_places(value: Decimal | None) -> Decimal | None:
    # Half-up, as every capaian is kept (measurement.analysis.KEPT): never a banker's 97,24 for 97,245.
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if value is not None else None


def filed_figures(result: IndicatorResult) -> dict:
    """The figures step 10 files for one indicator (PerformanceRecord's fields): a number target
    in `target`, a range or a predicate, as written, in `target_text`."""
    target = result.period_target.cell if result.period_target else None
    written = isinstance(target, str)
    return {
        "target": None if written else target,
        "target_text": target if written else "",
        "real_q1": result.realisations.get(1),
        "real_q2": result.realisations.get(2),
        "real_q3": result.realisations.get(3),
        "real_q4": result.realisations.get(4),
        "realisation": result.year_to_date,
        "capaian": two_places(result.year_capaian.value),
        "category": result.category,
    }


def _to_date_note(aggregation: str, own: dict, shown: dict, up_to: int) -> str:
    """ "rata-rata dari 2 triwulan; TW II kosong": how the year to date was made when a quarter up
    to the period has no value (nothing when every quarter has one, or none has). A summed
    indicator's year to date is its s.d. value of the period's quarter: a note only when that
    cannot be told."""
    present = [q for q in QUARTERS if q <= up_to and own.get(q) is not None]
    missing = [q for q in QUARTERS if q <= up_to and own.get(q) is None]
    if not missing or not (present or shown):
        return ""
    empty = "TW " + ", ".join(ROMAN[q] for q in missing) + " kosong"
    if aggregation == "average":
        return f"rata-rata dari {len(present)} triwulan; {empty}"
    if aggregation == "latest":
        return f"nilai TW {ROMAN[present[-1]]}; {empty}"
    if shown.get(up_to) is None:
        return f"s.d. TW {ROMAN[up_to]} tidak dapat dihitung; {empty}"
    return ""


def _quarter_targets(indicator: Indicator, targets: dict) -> dict[int, Target | None]:
    """The quarters' targets as every table shows them: a summed indicator's as running totals
    (s.d. triwulan), added up from per-quarter targets when it is written per quarter (None from
    the first quarter without a number), the others' as written."""
    written = {q: targets.get((indicator.pk, q)) for q in QUARTERS}
    if indicator.aggregation != "sum" or indicator.written_running:
        return written
    running: dict[int, Target | None] = {}
    value, low, high = Decimal(0), Decimal(0), Decimal(0)
    form = ""  # "value" or "range", from the first quarter
    for q in QUARTERS:
        target = written[q]
        is_range = target is not None and target.low is not None and target.high is not None
        is_value = target is not None and not is_range and target.value is not None
        if is_range and form in ("", "range"):
            form, low, high = "range", low + target.low, high + target.high
            running[q] = Target(indicator=indicator, year=target.year, quarter=q, low=low, high=high)
        elif is_value and form in ("", "value"):
            form, value = "value", value + target.value
            running[q] = Target(indicator=indicator, year=target.year, quarter=q, value=value)
        else:  # no target, a text one, or numbers mixed with ranges: nothing to add up from here on
            form = "broken"
            running[q] = None
    return running


def _flags(result: IndicatorResult, rows: list[SubmissionRow], up_to: int) -> list[str]:
    flags = []
    missing = [ROMAN[q] for q in QUARTERS if q <= up_to and result.realisations.get(q) is None]
    if missing:
        flags.append("realisasi kosong TW " + ", ".join(missing))
    value = result.year_capaian.value
    if value is not None and value > FAR_ABOVE:
        flags.append(f"capaian jauh di atas 100% ({_fmt(result.year_capaian.rounded(2))}%)")
    if value is not None and value < FAR_BELOW:
        flags.append(f"capaian di bawah {FAR_BELOW}% ({_fmt(result.year_capaian.rounded(2))}%)")
    if result.summed:
        backwards = analysis.went_backwards([result.realisations.get(q) for q in QUARTERS])
        if backwards:
            flags.append("realisasi kumulatif turun pada TW " + ", ".join(ROMAN[q] for q in backwards))
    annual = result.annual_target.value if result.annual_target else None
    for row in rows:
        if row.annual_target is not None and annual is not None and analysis.differs(row.annual_target, annual):
            flags.append(
                f"target di berkas ({_fmt(row.annual_target)}) berbeda dengan Perjanjian Kinerja ({_fmt(annual)})"
            )
            break
    flags += _written_capaian_flags(result, rows, up_to)
    return flags


def _written_capaian_flags(result: IndicatorResult, rows: list[SubmissionRow], up_to: int) -> list[str]:
    """A section's own capaian (its file's capaian column) that agrees with none of the capaian
    computed for that quarter: the table's (for a summed indicator, s.d. the quarter), the
    quarter's own realisation against its own target, and for the cycle's quarter the period's.
    Shown against the table's figure (the period's for a capaian written without a quarter)."""
    flags = []
    for row in rows:
        for key, written in sorted((row.capaian_written or {}).items()):
            try:
                quarter, value = int(key) or up_to, Decimal(str(written))
            except (ValueError, ArithmeticError):
                continue  # not as the importer writes it (a restored or hand-made row): nothing to compare
            if quarter > up_to or not value.is_finite():
                continue
            shown = result.year_capaian if key == "0" else result.capaian.get(quarter)
            computed = [result.capaian.get(quarter), _own_quarter_capaian(result, quarter)]
            if quarter == up_to:
                computed.append(result.year_capaian)
            agreeing = [c.value for c in computed if c is not None and c.value is not None]
            if not agreeing or shown is None or shown.value is None:
                continue  # nothing computed to compare with (no target, a predicate, no realisation)
            if all(abs(value - c) > WRITTEN_CAPAIAN_TOLERANCE for c in agreeing):
                flags.append(
                    f"capaian di berkas TW {ROMAN[quarter]} ({_fmt(value)}%) berbeda dengan hasil hitung "
                    f"({_fmt(shown.rounded(2))}%)"
                )
    return flags


def _own_quarter_capaian(result: IndicatorResult, quarter: int) -> analysis.Result | None:
    """A summed indicator's quarter measured on its own: its own realisation against its own
    target (the running target less the quarter before's). None for the others (the table's
    capaian is already the quarter's own) or where a target is not a number."""
    if not result.summed:
        return None
    here = result.quarter_targets.get(quarter)
    before = result.quarter_targets.get(quarter - 1) if quarter > 1 else None
    if here is None or here.value is None or (quarter > 1 and (before is None or before.value is None)):
        return None
    own_target = here.value - (before.value if before is not None else 0)
    return analysis.capaian(result.own.get(quarter), own_target, polarity=result.indicator.polarity)


def differences(cycle: Cycle, results: list[IndicatorResult] | None = None) -> list[Difference]:
    """Every disagreement to resolve or explain before step 6 closes: an office figure (IKU) that
    differs from its cascade children's figures, combined as the IKU's cascade rule says (sum or
    average; "not comparable" is never reconciled) over the children in the same unit only (the
    others are named as left out), and an indicator whose figure differs between two uploads of
    different kinds. A difference is explained by this cycle's explanation, else by a standing
    explanation of an earlier cycle for the same indicator and kind of difference."""
    results = results if results is not None else indicator_results(cycle)
    by_indicator = {r.indicator.pk: r for r in results}
    children: dict[int, list[IndicatorResult]] = {}
    for r in results:
        if r.indicator.parent_id:
            children.setdefault(r.indicator.parent_id, []).append(r)
    office = {(f.indicator_id, f.quarter): f for f in OfficeFigure.objects.filter(cycle=cycle)}
    explanations = _explanations(cycle)
    up_to = cycle.quarter or 4
    found = []
    for (indicator_id, quarter), figure in sorted(office.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        parent = by_indicator.get(indicator_id)
        if parent is None or quarter > up_to or parent.indicator.cascade_rule == Indicator.CascadeRule.NONE:
            continue
        unit = unit_key(parent.indicator.unit)
        kids = [k for k in children.get(indicator_id, []) if unit_key(k.indicator.unit) == unit]
        left_out = [
            f"{k.indicator.code} ({k.indicator.unit})"
            for k in children.get(indicator_id, [])
            if unit_key(k.indicator.unit) != unit
        ]
        if not kids:
            continue
        values = [k.realisations.get(quarter) for k in kids]
        method = "sum" if parent.indicator.cascade_rule == Indicator.CascadeRule.SUM else "average"
        combined = analysis.aggregate(values, method)
        shown = parent.realisations.get(quarter)  # a summed IKU's figure up to the quarter
        if analysis.differs(shown, combined):
            key = f"cascade:{parent.indicator.code}:{quarter}"
            detail = ", ".join(f"{k.indicator.code} {_fmt(k.realisations.get(quarter))}" for k in kids)
            found.append(
                Difference(
                    key=key,
                    kind="cascade",
                    indicator=parent.indicator,
                    quarter=quarter,
                    first=Source(f"angka kantor ({figure.source or 'isian Kasubag'})", shown),
                    second=Source(f"{'jumlah' if method == 'sum' else 'rata-rata'} seksi: {detail}", combined),
                    explanation=explanations(key),
                    left_out=left_out,
                    cycle_id=cycle.pk,
                )
            )
    for r in results:
        for quarter in QUARTERS:
            values = r.sources.get(quarter, [])
            if quarter > up_to or len(values) < 2:
                continue
            first = values[0]
            for other in values[1:]:
                if analysis.differs(first.value, other.value):
                    key = f"twice:{r.indicator.code}:{quarter}"
                    found.append(
                        Difference(key, "twice", r.indicator, quarter, first, other, explanations(key), [], cycle.pk)
                    )
                    break
    return found


def standing_key(key: str) -> str:
    """A difference's key without its quarter: "cascade:IKU-01" (what a standing explanation covers)."""
    return key.rsplit(":", 1)[0]


def _explanations(cycle: Cycle):
    """A lookup from a difference's key to its explanation: this cycle's own, else the latest
    standing explanation given in an earlier cycle of the organisation for the same indicator
    and kind of difference. Two queries."""
    own = {e.key: e for e in Explanation.objects.filter(cycle=cycle).select_related("explained_by")}
    standing: dict[str, Explanation] = {}
    earlier = (
        Explanation.objects.filter(
            cycle__organisation=cycle.organisation, standing=True, cycle__started_at__lt=cycle.started_at
        )
        .exclude(cycle=cycle)
        .select_related("explained_by", "cycle")
        .order_by("explained_at", "pk")
    )
    for explanation in earlier:
        standing[standing_key(explanation.key)] = explanation  # the latest wins

    def lookup(key: str) -> Explanation | None:
        return own.get(key) or standing.get(standing_key(key))

    return lookup


def _fmt(value) -> str:
    return format_number(value)
