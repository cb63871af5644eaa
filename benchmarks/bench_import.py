"""Import benchmark: a valid 10,000-row workbook screened, read, validated and stored, against
openpyxl in read-only mode merely iterating the same file's cells. Reports medians of 7 runs
(taken in turns),
their ratio (target: at most 2×) and the peak memory of one import.

    python benchmarks/bench_import.py
"""

import io
import tracemalloc

from _setup import django_up, interleaved_medians, say_load, step_2_open

ROWS = 10_000
RUNS = 7


def main():
    django_up()
    say_load("at the start")
    from openpyxl import Workbook, load_workbook

    from kinerja.models import DataKind, Indicator, Organisation, Section
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

    cycle, users = step_2_open(org, section, letter_number="B/1")
    kind = DataKind.objects.get(code="realisasi")
    from django.db import connection

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
