"""Shared set-up for the benchmark scripts: a throw-away SQLite installation (or the database
DATABASE_URL names), migrated, with the demo organisation loaded."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_up():
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="kinerja-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("MEDIA_ROOT", f"{folder}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kinerja import demo

    demo.load_fixtures()


def say_load(when: str) -> None:
    """The machine's load (1, 5 and 15 minutes) beside a benchmark's figures: a busy machine
    explains slow absolute times (the ratios, measured in turns, hold)."""
    print(f"machine load (1, 5, 15 min) {when}: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))


def median_of(func, runs: int = 5) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def interleaved_medians(funcs, runs: int = 5) -> list[tuple[float, list[float]]]:
    """Time each function `runs` times, taking them in turn (a, b, a, b, ...), so a slow moment
    of the machine falls on all of them alike; the median and the runs of each."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for index, func in enumerate(funcs):
            started = time.perf_counter()
            func()
            times[index].append(time.perf_counter() - started)
    return [(statistics.median(t), t) for t in times]
