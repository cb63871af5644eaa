"""How the pages of one cycle grow with its indicators: a cycle of 40 and one of 160 indicators,
each driven through all ten steps (benchmarks/bench_reports.build_cycle, as the report benchmark
does) in its own throw-away installation, then every page of the cycle asked 20 times in
interleaved rounds against the trivial view, on its first view after a change (the
organisation's data mark moved before each request). Reported per page: the median at each size,
the ratio to the trivial view, the query count, and the growth per indicator from 40 to 160
(1.0 = linear; below 1 = the fixed part of the page still weighs).

    python benchmarks/bench_growth.py             # both sizes, each in a child process

The cycle is driven with the test suite's helpers, so this needs the test requirements.
"""

import json
import os
import statistics
import subprocess
import sys
import time

from _setup import ROOT, cycle_pages, django_up, say_load

SIZES = (40, 160)
RUNS = 20


def measure(indicators: int) -> dict:
    django_up()
    import bench_reports
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    bench_reports.INDICATORS = indicators
    cycle, kasubag, _moment = bench_reports.build_cycle()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(kasubag)
    pages = {
        "trivial (/healthz)": "/healthz",
        **cycle_pages(cycle.pk),
        "data base": "/data-base/",
        "dashboard": "/dasbor/",
    }
    organisation = cycle.organisation
    for url in pages.values():
        assert client.get(url).status_code == 200, url
    times: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(RUNS):
        for label, url in pages.items():
            organisation.save()  # a change in the kecamatan: the page's first view after it
            started = time.perf_counter()
            client.get(url)
            times[label].append(time.perf_counter() - started)
    counts = {}
    for label, url in pages.items():
        organisation.save()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[label] = len(queries)
    return {label: {"median": statistics.median(t), "queries": counts[label]} for label, t in times.items()}


def main():
    if os.environ.get("BENCH_GROWTH_SIZE"):
        print(json.dumps(measure(int(os.environ["BENCH_GROWTH_SIZE"]))))
        return
    say_load("at the start")
    results = {}
    for size in SIZES:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
        env["BENCH_GROWTH_SIZE"] = str(size)
        out = subprocess.run(
            [sys.executable, __file__], cwd=ROOT / "benchmarks", env=env, capture_output=True, text=True, check=True
        ).stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
    small, large = SIZES
    print(f"{'page':22} " + " ".join(f"{f'{s} indicators':>28}" for s in SIZES) + "  growth per indicator")
    for label in results[small]:
        cells = []
        for size in SIZES:
            figure = results[size][label]
            base = results[size]["trivial (/healthz)"]["median"]
            cells.append(f"{figure['median'] * 1000:8.1f} ms {figure['median'] / base:5.1f}x {figure['queries']:3d} q")
        growth = (results[large][label]["median"] / large) / (results[small][label]["median"] / small)
        print(f"{label:22} " + " ".join(f"{c:>28}" for c in cells) + f"  {growth:5.2f}")
    say_load("at the end")


if __name__ == "__main__":
    main()
