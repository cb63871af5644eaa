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
    # The cycles a benchmark drives write notices; their e-mail waits for `send_notices` instead
    # of being printed (the console backend) or sent in the middle of a measurement.
    os.environ.setdefault("NOTICE_MAIL", "cron")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kinerja import demo

    demo.load_fixtures()


def cycle_pages(cycle_pk: int) -> dict[str, str]:
    """The pages of one cycle (its page and each step's), by label, for the page benchmarks."""
    return {
        "cycle page": f"/siklus/{cycle_pk}/",
        "section data": f"/siklus/{cycle_pk}/seksi/pem/",
        "receipt": f"/siklus/{cycle_pk}/penerimaan/",
        "completeness": f"/siklus/{cycle_pk}/kelengkapan/",
        "analysis": f"/siklus/{cycle_pk}/analisis/",
        "grouping": f"/siklus/{cycle_pk}/pengelompokan/",
        "review": f"/siklus/{cycle_pk}/pemeriksaan/",
        "filing": f"/siklus/{cycle_pk}/arsip/",
    }


def step_2_open(org, section, *, letter_number: str):
    """Klego's demo officials, and a TW IV 2026 cycle for `section` with its step 2 open, made
    without the disposition chain (for the import benchmarks, not a workflow test). Returns the
    cycle and the users by name."""
    from django.utils import timezone

    from kinerja import demo
    from kinerja.engine import workflow
    from kinerja.models import Letter, StepRun

    demo.ensure_schedule(org)
    users = {u.username: u for u, _p, _pos in demo.ensure_users(org)}
    today = timezone.localdate()
    letter = Letter.objects.create(
        organisation=org, number=letter_number, date=today, sender="x", subject="x", received_date=today,
        registered_by=users["kasubag"],
    )  # fmt: skip
    cycle = workflow.start_cycle(
        organisation=org, letter=letter, year=2026, quarter=4, by=users["kasubag"], sections=[section]
    )
    StepRun.objects.filter(cycle=cycle).update(closed_at=timezone.now())
    StepRun.objects.create(
        cycle=cycle, step=cycle.sop_version.steps.get(number=2), section=section, round=1,
        opened_at=timezone.now(), due_at=timezone.now(), target_minutes=450,
    )  # fmt: skip
    return cycle, users


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
