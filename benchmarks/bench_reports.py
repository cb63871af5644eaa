"""Report benchmark: the analysis PDF of a cycle with 500 indicators, and the print bundle of
that full cycle (every report of the archive as one PDF), each against reportlab drawing the same
table cells without our
styling (reportlab's default `Table` of the same strings, broken into lines with reportlab's
`simpleSplit`, in the same column widths on the same paper: no letterhead, no grid, no type
choices, no table of contents, no charts). Medians of 5 runs; target: at most 1.5x. The time
of the whole archive (the bundle, the originals, the database workbook, the zip) is reported too.

    python benchmarks/bench_reports.py

The cycle is driven through the SOP with the test suite's helpers (tests/conftest.py), so this
script needs the test requirements (`make test` installs them).
"""

import io
import os
import sys

from _setup import ROOT, django_up, interleaved_medians, median_of, say_load

RUNS = 5
# BENCH_REPORT_INDICATORS=50 measures a small report, where the layout's set-up weighs most.
INDICATORS = int(os.environ.get("BENCH_REPORT_INDICATORS", "500"))
SECTIONS = ("pem", "trantib", "pmd", "kesos", "pelum")


def plain_reportlab(tables, size, font_size: float = 7.5, leading: float = 9) -> bytes:
    """The baseline: reportlab's own Table, the same cells and column widths in the report's
    own type size, each cell's text broken into lines with reportlab's own `simpleSplit` (so the
    same lines are drawn: a long indicator name must not run over its neighbours)."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=12 * mm, rightMargin=12 * mm)
    style = TableStyle([("FONTSIZE", (0, 0), (-1, -1), font_size), ("LEADING", (0, 0), (-1, -1), leading)])
    flowables = []
    for cells, widths in tables:
        inner = [w - 12 for w in widths]  # the default cell padding: 6 points each side
        wrapped = [
            ["\n".join(simpleSplit(c, "Helvetica", font_size, inner[i])) for i, c in enumerate(row)] for row in cells
        ]
        table = Table(wrapped, colWidths=widths, repeatRows=1)
        table.setStyle(style)
        flowables.append(table)
    doc.build(flowables)
    return buffer.getvalue()


def plain_text(cell) -> str:
    """What a cell of the lembar disposisi says, as plain text (paragraphs, nested checklists)."""
    from reportlab.platypus import Flowable, Paragraph, Table

    if isinstance(cell, Paragraph):
        return cell.getPlainText()
    if isinstance(cell, Table):
        return "  ".join(plain_text(c) for row in cell._cellvalues for c in row)
    if isinstance(cell, list | tuple):
        return "\n".join(plain_text(c) for c in cell)
    if isinstance(cell, Flowable):  # a tick box says nothing
        return ""
    return str(cell)


def sheet_tables(letter, width):
    """The lembar disposisi's tables (as first laid out, in its body type) as plain strings."""
    from reportlab.platypus import Table

    from kinerja.models import DispositionInstruction
    from kinerja.reports import disposition_sheet

    hops = list(letter.dispositions.select_related("sender", "recipient").order_by("created_at", "pk"))
    instructions = DispositionInstruction.objects.filter(organisation=letter.organisation)
    labels = list(instructions.values_list("label", flat=True))
    story = disposition_sheet._story(letter, hops, labels, width, "body", None)
    return [
        ([[plain_text(c) for c in row] for row in flowable._cellvalues], flowable._colWidths)
        for flowable in story
        if isinstance(flowable, Table)
    ]


def captured_tables(func):
    """Run `func` and return the cells (as the strings our tables show) and column widths of
    every table it drew through `layout.data_table`."""
    from kinerja.reports import layout

    tables = []
    original = layout.data_table

    def recording(headers, rows, widths):
        tables.append(([list(headers)] + [[layout.cell_text(v) for v in row] for row in rows], widths))
        return original(headers, rows, widths)

    layout.data_table = recording
    modules = [m for m in sys.modules.values() if getattr(m, "data_table", None) is original]
    for module in modules:
        module.data_table = recording
    try:
        func()
    finally:
        layout.data_table = original
        for module in modules:
            module.data_table = original
    return tables


def build_cycle():
    """Klego with 500 indicators, data from all five sections, driven through steps 1 to 10."""
    sys.path.insert(0, str(ROOT))
    from kinerja import demo
    from kinerja.models import Indicator, Organisation, Section, Target
    from kinerja.steps import filing
    from tests.conftest import MONDAY, Cast, advance, open_runs
    from tests.test_analysis_steps import DATA, to_step_6

    org = Organisation.objects.get(code="klego")
    demo.ensure_schedule(org)
    demo.ensure_instructions(org)
    users = {user.username: user for user, _password, _position in demo.ensure_users(org)}
    sections = {s.code: s for s in Section.objects.filter(organisation=org)}
    cast = Cast(org=org, users=users, sections=sections)
    demo.ensure_indicators(org, (2025, 2026))
    existing = Indicator.objects.filter(organisation=org).count()
    per_section = (INDICATORS - existing) // len(SECTIONS) + 1
    data = {code: list(DATA[code]) for code in SECTIONS}  # the demo indicators' own rows, then the new ones
    new = []
    for code in SECTIONS:
        for i in range(per_section):
            if existing + len(new) >= INDICATORS:
                break
            indicator_code = f"{code.upper()}-B{i:03d}"
            new.append(
                Indicator(
                    organisation=org,
                    code=indicator_code,
                    name=f"Persentase layanan {code} nomor {i} yang diselesaikan tepat waktu sesuai standar",
                    unit="%",
                    section=sections[code],
                )
            )
            data[code].append([indicator_code, 100, 60 + i % 40, 70 + i % 30, 80 + i % 20, 90 + i % 15])
    Indicator.objects.bulk_create(new)
    Target.objects.bulk_create(
        [Target(indicator=i, year=2026, value=100) for i in Indicator.objects.filter(code__contains="-B")]
    )
    assert Indicator.objects.filter(organisation=org).count() == INDICATORS
    cycle = to_step_6(cast, data)
    advance(cast, cycle, 10)
    (run,) = open_runs(cycle)
    filing.file_database(run, by=cast.kasubag, at=MONDAY)
    return cycle, cast.kasubag, MONDAY


def main():
    django_up()
    say_load("at the start")
    from reportlab.lib.units import mm

    from kinerja.measurement import basis, results
    from kinerja.reports import analysis_report, disposition_sheet, layout
    from kinerja.steps import filing

    cycle, kasubag, moment = build_cycle()
    data = results.indicator_results(cycle)
    differences = results.differences(cycle, data)
    wide = layout.page_size("a4", wide=True)

    def analysis_pdf():
        return analysis_report.render_analysis(cycle, data, differences, [])

    def bundle():
        return filing.print_bundle(cycle, filing.report_entries(cycle, by=kasubag, at=moment), by=kasubag, at=moment)

    analysis_tables = captured_tables(analysis_pdf)
    bundle_tables = captured_tables(bundle)
    cells = sum(len(rows) * len(rows[0]) for rows, _w in analysis_tables)
    bundle_cells = sum(len(rows) * len(rows[0]) for rows, _w in bundle_tables)
    portrait = layout.page_size("a4")
    letter_tables = sheet_tables(cycle.letter, portrait[0] - 24 * mm)
    letter_cells = sum(len(rows) * len(rows[0]) for rows, _w in letter_tables)
    figures = [
        (f"analysis PDF, {INDICATORS} indicators", analysis_pdf, lambda: plain_reportlab(analysis_tables, wide), cells),
        ("print bundle of the cycle", bundle, lambda: plain_reportlab(bundle_tables, wide), bundle_cells),
        (
            "lembar disposisi",
            lambda: disposition_sheet.render(cycle.letter),
            lambda: plain_reportlab(letter_tables, portrait, 8.5, 10.5),
            letter_cells,
        ),
    ]
    print(f"indicators: {len(data)}; machine timings are medians of {RUNS} runs")
    for label, ours, baseline, count in figures:
        (ours_median, ours_runs), (base_median, base_runs) = interleaved_medians([ours, baseline], RUNS)
        print(f"{label}: {count} table cells")
        print(f"  ours      median {ours_median:6.3f} s  runs {', '.join(f'{t:.3f}' for t in ours_runs)}")
        print(f"  reportlab median {base_median:6.3f} s  runs {', '.join(f'{t:.3f}' for t in base_runs)}")
        print(f"  ratio {ours_median / base_median:.2f}x (target at most 1.5x)")
    kept = basis.capture(cycle)
    whole, runs = median_of(lambda: filing.archive_contents(cycle, by=kasubag, at=moment, kept=kept), RUNS)
    print("whole archive (bundle + originals + database workbook + zip with manifest)")
    print(f"  median {whole:6.3f} s  runs {', '.join(f'{t:.3f}' for t in runs)}")

    say_load("at the end")


if __name__ == "__main__":
    main()
