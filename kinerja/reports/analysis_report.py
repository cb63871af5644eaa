"""Step 6's "laporan analisa data kinerja" and step 7's "laporan hasil pengolahan dan
pengelompokan data kinerja": PDF with letterhead, page numbers, table of contents and charts."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .. import signatures
from ..measurement import results
from ..measurement.results import QUARTERS, ROMAN
from ..models import Narrative, Role, SopStep, StepRun, StrategicObjective
from .layout import Sketch, build_with_contents, data_table, heading, page_size, signature_blocks, text

# Bars per chart: one chart must fit the frame of a landscape A4 page (about 450 points high).
BARS_PER_CHART = 30
# Up to this many measured indicators every one has its bar; beyond it (a kabupaten-sized list)
# one chart shows the IKU and the lowest capaian, and the table has every figure.
CHART_ALL_UP_TO = 60


def chart_selection(results) -> tuple[list, str | None]:
    """The measured indicators the capaian chart shows, and a note when that is not all."""
    measured = [r for r in results if r.year_capaian.value is not None]
    if len(measured) <= CHART_ALL_UP_TO:
        return measured, None
    ranked = sorted(measured, key=lambda r: (not r.indicator.is_iku, r.year_capaian.value, r.indicator.code))
    shown = sorted(ranked[:BARS_PER_CHART], key=lambda r: r.indicator.code)
    note = (
        f"Grafik memuat {len(shown)} dari {len(measured)} indikator terukur: IKU lebih dulu, lalu capaian "
        "terendah. Angka semua indikator ada di tabel 1."
    )
    return shown, note


def capaian_charts(results, width: float) -> list:
    """The capaian chart(s) as flowables: charts of at most `BARS_PER_CHART` bars, each of which
    fits on a page, with the note of `chart_selection` when not every indicator is shown."""
    shown, note = chart_selection(results)
    chunks = [shown[i : i + BARS_PER_CHART] for i in range(0, len(shown), BARS_PER_CHART)]
    flowables = [capaian_chart(chunk, width) for chunk in chunks or [[]]]
    return ([text(note, "small")] if note else []) + flowables


BLUE = colors.HexColor("#0d6efd")
LABEL_SIZE = 6.5


def _value_axis(chart: Sketch, x0: float, y0: float, length: float, low: int, high: int, step: int) -> None:
    """A horizontal axis from `low` to `high` with a tick and its number every `step`."""
    chart.line(x0, y0, x0 + length, y0)
    for tick in range(low, high + 1, step):
        x = x0 + length * (tick - low) / (high - low)
        chart.line(x, y0, x, y0 - 3)
        chart.text(x, y0 - 9, str(tick), LABEL_SIZE, "middle")


def capaian_chart(shown, width: float) -> Sketch:
    """Capaian of the given (measured) indicators as horizontal bars from 0 to 200% (beyond is
    drawn at 200), the first indicator at the top, with the 100% line."""
    height = max(60, 12 * len(shown) + 40)
    chart = Sketch(width, height)
    x0, y0 = 60, 20
    plot_width, plot_height = width - 90, height - 35
    band = plot_height / max(1, len(shown))
    bar = band * 0.7
    chart.line(x0, y0, x0, y0 + plot_height)
    _value_axis(chart, x0, y0, plot_width, 0, 200, 25)
    for index, r in enumerate(shown):
        value = max(0.0, min(float(r.year_capaian.value), 200.0))
        y = y0 + plot_height - (index + 1) * band + (band - bar) / 2
        chart.rect(x0, y, plot_width * value / 200, bar, BLUE)
        chart.text(x0 - 3, y + bar / 2 - 2.2, r.indicator.code, LABEL_SIZE, "end")
    x100 = x0 + plot_width * 100 / 200
    chart.line(x100, y0, x100, y0 + plot_height, colors.red, 0.8)
    chart.text(x100 + 2, y0 + plot_height + 3, "100%", LABEL_SIZE, colour=colors.red)
    return chart


def trend_chart(results, width: float) -> Sketch:
    """Capaian per quarter of each IKU as lines (the office-level trend), from -50 to 200%.
    Indicators with fewer than two measured quarters have no line; at most six lines."""
    palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"]
    lines = []
    for r in results:
        if not r.indicator.is_iku:
            continue
        points = [(q, float(r.capaian[q].value)) for q in QUARTERS if q in r.capaian and r.capaian[q].value is not None]
        if len(points) >= 2:
            lines.append((r.indicator.code, [(x, max(min(y, 200.0), -50.0)) for x, y in points]))
    lines = lines[:6]
    chart = Sketch(width, 150)
    if not lines:
        chart.text(10, 70, "Belum ada data tren (perlu sedikitnya dua triwulan terukur).", 8)
        return chart
    x0, y0, plot_width, plot_height = 40, 25, width - 200, 110

    def at(quarter: float, value: float) -> tuple[float, float]:
        return x0 + plot_width * (quarter - 1) / 3, y0 + plot_height * (value + 50) / 250

    chart.line(x0, y0, x0 + plot_width, y0)
    chart.line(x0, y0, x0, y0 + plot_height)
    for quarter in QUARTERS:
        x, _y = at(quarter, -50)
        chart.line(x, y0, x, y0 - 3)
        chart.text(x, y0 - 10, f"TW {ROMAN[quarter]}", LABEL_SIZE, "middle")
    for value in range(-50, 201, 50):
        _x, y = at(1, value)
        chart.line(x0 - 3, y, x0, y)
        chart.text(x0 - 5, y - 2.2, str(value), LABEL_SIZE, "end")
    for index, (code, points) in enumerate(lines):
        colour = colors.HexColor(palette[index])
        chart.polyline([at(x, y) for x, y in points], colour)
        legend_y = 130 - index * 10
        chart.rect(width - 150, legend_y, 6, 6, colour)
        chart.text(width - 140, legend_y + 0.5, code, LABEL_SIZE)
    return chart


def _signed(cycle, moment, width):
    """The Kasubag makes the analysis and grouping reports; the Sekretaris knows them (Mengetahui)."""
    day = signatures.local_day(moment)
    chosen = signatures.signers(cycle.organisation, day, (Role.SEKRETARIS, signatures.MENGETAHUI), (Role.KASUBAG, ""))
    return signature_blocks(chosen, place=signatures.town(cycle.organisation), day=day, width=width)


def _closed(cycle, kind):
    """When the step of `kind` last closed in the cycle (None while it is open or never ran)."""
    run = StepRun.objects.filter(cycle=cycle, step__kind=kind, closed_at__isnull=False).order_by("-closed_at").first()
    return run.closed_at if run else None


def render_analysis(cycle, results, differences, narratives, paper: str = "a4", signed_at=None) -> bytes:
    width = page_size(paper, wide=True)[0] - 24 * mm
    story = [heading("1. Capaian per indikator"), Spacer(1, 2 * mm)]
    headers = ["Kode", "Indikator", "Satuan", "Target s.d. periode"] + [f"Real. TW {ROMAN[q]}" for q in QUARTERS] + [
        "Realisasi s.d. periode", "Capaian (%)", "Kategori", "Tren TW", "Tren thn", "Catatan"
    ]  # fmt: skip
    rows = []
    for r in results:
        rows.append(
            [
                r.indicator.code,
                r.indicator.name,
                r.indicator.unit,
                r.period_target.cell if r.period_target else None,
                *[r.realisations.get(q) for q in QUARTERS],
                r.year_to_date,
                r.year_capaian.rounded(2),
                r.category,
                r.trend_quarter.label,
                r.trend_year.label,
                "; ".join([*([r.to_date_note] if r.to_date_note else []), *r.flags]) or "-",
            ]
        )
    fixed = [16, 60, 14, 15] + [15] * 4 + [18, 15, 18, 13, 13]
    widths = [w * mm for w in fixed]
    widths.append(max(width - sum(widths), 25 * mm))
    story.append(data_table(headers, rows, widths))
    summed = [r.indicator.code for r in results if r.summed]
    if summed:
        story.append(
            text(
                f"Indikator yang triwulannya dijumlah ({', '.join(summed)}): realisasi dan capaian tiap triwulan "
                "adalah s.d. triwulan itu (jumlah sejak TW I), dibanding target s.d. triwulan itu.",
                "small",
            )
        )
    charts = capaian_charts(results, width)
    # The heading (and the note) on the page of the first chart, not left alone above a page break.
    first = next(i for i, flowable in enumerate(charts) if isinstance(flowable, Sketch)) + 1
    story += [Spacer(1, 4 * mm), KeepTogether([heading("2. Grafik capaian terhadap 100%"), *charts[:first]])]
    story += charts[first:]
    story += [
        Spacer(1, 2 * mm),
        KeepTogether([text("Tren capaian IKU per triwulan (%)", "bold"), trend_chart(results, width)]),
    ]
    story += [Spacer(1, 4 * mm), heading("3. Rekonsiliasi angka kantor dan angka seksi")]
    if differences:
        rec_rows = [
            [d.indicator.code, f"TW {ROMAN[d.quarter]}", d.first.label, d.first.value, d.second.label, d.second.value,
             d.explanation.text if d.explanation else "BELUM DIJELASKAN"]
            for d in differences
        ]  # fmt: skip
        story.append(
            data_table(
                ["Indikator", "Triwulan", "Sumber 1", "Nilai 1", "Sumber 2", "Nilai 2", "Penjelasan"],
                rec_rows,
                [18 * mm, 16 * mm, 60 * mm, 18 * mm, 60 * mm, 18 * mm, width - 190 * mm],
            )
        )
    else:
        story.append(text("Tidak ada selisih antara angka kantor dan angka seksi."))
    story += [Spacer(1, 4 * mm), heading("4. Narasi analisis")]
    if not narratives:
        story.append(text("Belum ada narasi."))
    for subject, narrative in narratives:
        parts = [heading(subject, 1)]
        for label, value in (
            ("Analisis capaian", narrative.analysis),
            ("Penyebab", narrative.causes),
            ("Kendala", narrative.obstacles),
            ("Tindak lanjut", narrative.follow_up),
        ):
            if value.strip():
                parts += [text(label, "bold"), text(value)]
        story.append(KeepTogether(parts))
        story.append(Spacer(1, 3 * mm))
    story.append(_signed(cycle, signed_at, width))
    return build_with_contents(
        story,
        organisation=cycle.organisation,
        title=f"Laporan analisa data kinerja {cycle.period_label}",
        paper=paper,
        wide=True,
    )


def render_grouping(cycle, tables, paper: str = "a4") -> bytes:
    width = page_size(paper, wide=True)[0] - 24 * mm
    story = []
    for number, table in enumerate(tables, 1):
        columns = len(table.headers)
        if columns <= 7:
            widths = [30 * mm, 100 * mm] + [(width - 130 * mm) / (columns - 2)] * (columns - 2)
        else:
            widths = [18 * mm, 60 * mm] + [(width - 78 * mm) / (columns - 2)] * (columns - 2)
        story += [
            heading(f"{number}. {table.title}"),
            Spacer(1, 2 * mm),
            data_table(table.headers, table.rows, widths),
            Spacer(1, 5 * mm),
        ]
    story.append(_signed(cycle, _closed(cycle, SopStep.Kind.GROUPING), width))
    return build_with_contents(
        story,
        organisation=cycle.organisation,
        title=f"Laporan hasil pengolahan dan pengelompokan data kinerja {cycle.period_label}",
        paper=paper,
        wide=True,
    )


def analysis_document(cycle, paper: str = "a4") -> bytes:
    """The analysis report of a cycle, built one way for the analysis page, the reviewers (kept
    with each review decision) and the archive: active indicators in the results' order
    (objective order, then code), then the narratives, objectives in their order before
    indicators in the results' order, so the same data give the same document on any database."""
    data = results.indicator_results(cycle)
    saved = list(Narrative.objects.filter(cycle=cycle).select_related("indicator", "objective"))
    by_objective = {n.objective_id: n for n in saved if n.objective_id}
    by_indicator = {n.indicator_id: n for n in saved if n.indicator_id}
    objectives = StrategicObjective.objects.filter(organisation=cycle.organisation).order_by("order", "code")
    narratives = [(f"Sasaran {o}", by_objective[o.pk]) for o in objectives if o.pk in by_objective]
    narratives += [
        (f"Indikator {r.indicator}", by_indicator[r.indicator.pk]) for r in data if r.indicator.pk in by_indicator
    ]
    return render_analysis(
        cycle, data, results.differences(cycle, data), narratives, paper=paper,
        signed_at=_closed(cycle, SopStep.Kind.ANALYSIS),
    )  # fmt: skip
