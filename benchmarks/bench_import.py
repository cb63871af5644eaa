"""Import benchmark: a valid 10,000-row workbook screened, read, validated and stored, against
openpyxl in read-only mode merely iterating the same file's cells. Reports medians of 7 runs
(taken in turns),
their ratio (target: at most 2×) and the peak memory of one import.

    python benchmarks/bench_import.py
"""

import io
import tracemalloc

from _setup import django_up, interleaved_medians, say_load

ROWS = 10_000
RUNS = 7


def main():
    django_up()
    say_load("at the start")
    from django.utils import timezone
    from openpyxl import Workbook, load_workbook

    from kinerja.engine import workflow
    from kinerja.models import DataKind, Indicator, Letter, Organisation, Section
    from kinerja.steps import submissions

    org = Organisation.objects.get(code="klego")
    section = Section.objects.get(organisation=org, code="pem")
    Indicator.objects.bulk_create(
        [
            Indicator(organisation=org, code=f"B-{i:05d}", name=f"Indikator uji {i}", unit="x", section=section)
            for i in range(ROWS)
        ],
        ignore_conflicts=True,
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Kode", "Satuan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"])
    for i in range(ROWS):
        sheet.append([f"B-{i:05d}", "x", i, i + 1, f"{i},5", i + 3])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    def raw_read():
        wb = load_workbook(io.BytesIO(data), read_only=True)
        for row in wb.worksheets[0].iter_rows(values_only=True):
            for _cell in row:
                pass
        wb.close()

    from kinerja import demo

    demo.ensure_schedule(org)
    users = {u.username: u for u, _p, _pos in demo.ensure_users(org)}
    letter = Letter.objects.create(
        organisation=org, number="B/1", date=timezone.localdate(), sender="x", subject="x",
        received_date=timezone.localdate(), registered_by=users["kasubag"],
    )  # fmt: skip
    cycle = workflow.start_cycle(
        organisation=org, letter=letter, year=2026, quarter=4, by=users["kasubag"], sections=[section]
    )
    kind = DataKind.objects.get(code="realisasi")
    from django.db import connection

    from kinerja.models import StepRun

    # Open step 2 for the section without the disposition chain (a benchmark, not a workflow test).
    step2 = cycle.sop_version.steps.get(number=2)
    StepRun.objects.filter(cycle=cycle).update(closed_at=timezone.now())
    StepRun.objects.create(
        cycle=cycle,
        step=step2,
        section=section,
        round=1,
        opened_at=timezone.now(),
        due_at=timezone.now(),
        target_minutes=450,
    )

    def import_once():
        outcome = submissions.submit(
            cycle=cycle, section=section, kind=kind, data=data, filename="b.xlsx", by=users["staf.pem"]
        )
        assert outcome.result.ok and outcome.submission.row_count == ROWS, outcome.result.problems[:3]

    (raw, raw_runs), (imported, import_runs) = interleaved_medians([raw_read, import_once], RUNS)
    tracemalloc.start()
    import_once()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"database: {connection.vendor}; workbook: {ROWS} rows, {len(data) / 1024:.0f} KiB")
    print(f"openpyxl read-only iterate: median {raw:.3f} s  runs {[round(t, 3) for t in raw_runs]}")
    print(f"screen + read + validate + store: median {imported:.3f} s  runs {[round(t, 3) for t in import_runs]}")
    print(f"ratio import / raw read: {imported / raw:.2f}x (target <= 2x)")
    print(f"peak traced memory of one import: {peak / 1048576:.0f} MiB")

    say_load("at the end")


if __name__ == "__main__":
    main()
