"""The whole `import_kinerja --dry-run` process (interpreter and Django start-up, screening,
reading, checking) against a process that only iterates the same file with openpyxl in read-only
mode, both on the same 10,000-row workbook in the section template's layout (the application's
own template for 10,000 indicators, filled in). CPU time (user + system) of each child process,
medians of 7 runs taken in turns; target: at most 2x.

    python benchmarks/bench_import_process.py
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _setup import ROOT, django_up, say_load, step_2_open

ROWS = 10_000
RUNS = 7
RAW_READ = (
    "import sys\n"
    "from openpyxl import load_workbook\n"
    "book = load_workbook(sys.argv[1], read_only=True)\n"
    "for sheet in book.worksheets:\n"
    "    for row in sheet.iter_rows(values_only=True):\n"
    "        for cell in row:\n"
    "            pass\n"
    "book.close()\n"
)


def cpu_of(command: list[str], env: dict) -> float:
    """User + system CPU seconds of one child process run to its end (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    django_up()

    from kinerja.models import DataKind, Indicator, Organisation, Section
    from kinerja.spreadsheets.templates import build_template, filled_in

    org = Organisation.objects.get(code="klego")
    section = Section.objects.get(organisation=org, code="pem")
    kind = DataKind.objects.get(code="realisasi")
    Indicator.objects.bulk_create(
        [
            Indicator(organisation=org, code=f"B-{i:05d}", name=f"Indikator uji {i}", unit="x", section=section)
            for i in range(ROWS)
        ],
        ignore_conflicts=True,
    )
    step_2_open(org, section, letter_number="B/2")
    indicators = list(Indicator.objects.filter(organisation=org, section=section, active=True).order_by("code"))
    template = build_template(
        organisation=org, section=section, kind=kind, year=2026, quarter=4, indicators=indicators, targets={}
    )
    data = filled_in(template, kind, realisation=lambda code, quarter, target: quarter * 10)
    folder = Path(tempfile.mkdtemp(prefix="kinerja-import-"))
    path = folder / "pem-realisasi.xlsx"
    path.write_bytes(data)
    script = folder / "raw_read.py"
    script.write_text(RAW_READ)
    env = dict(os.environ)
    ours = [sys.executable, "manage.py", "import_kinerja", str(path), "--seksi", "pem", "--jenis", "realisasi",
            "--periode", "2026-TW4", "--dry-run"]  # fmt: skip
    raw = [sys.executable, str(script), str(path)]
    startup = [sys.executable, "-c", "pass"]
    django = [sys.executable, "manage.py", "check", "--fail-level", "ERROR"]
    times: dict[str, list[float]] = {"ours": [], "raw": [], "python": [], "django check": []}
    for _ in range(RUNS):
        times["ours"].append(cpu_of(ours, env))
        times["raw"].append(cpu_of(raw, env))
        times["python"].append(cpu_of(startup, env))
        times["django check"].append(cpu_of(django, env))
    medians = {label: statistics.median(values) for label, values in times.items()}
    print(f"workbook: {len(indicators)} rows in the template layout, {len(data) / 1024:.0f} KiB")
    say_load("at the end")
    for label, values in times.items():
        print(f"{label:14} CPU median {medians[label]:.3f} s  runs {', '.join(f'{t:.3f}' for t in values)}")
    print(f"ratio import_kinerja --dry-run / openpyxl read-only process: {medians['ours'] / medians['raw']:.2f}x "
          "(target at most 2x)")  # fmt: skip


if __name__ == "__main__":
    main()
