"""Page benchmark on a kabupaten-sized data set: the inbox, the cycle page, the indicator list and
the dashboard against a trivial view (/healthz) through the same stack, medians of 20 requests,
with each page's query count.

    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python manage.py generate_kabupaten
    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python benchmarks/bench_pages.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
os.environ.setdefault("TWO_FACTOR_ENFORCED", "0")
RUNS = 20


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kinerja.models import Cycle, PerformanceRecord, User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="kasubag"))
    # The Klego cycle with the longest record (every step run and transition of a finished cycle).
    cycle = (
        Cycle.objects.filter(organisation__code="klego")
        .annotate(length=Count("runs") + Count("transitions", distinct=True))
        .order_by("-length", "-started_at")
        .first()
    )
    pages = {
        "trivial (/healthz)": "/healthz",
        "inbox (/)": "/",
        "cycle page": f"/siklus/{cycle.pk}/",
        "indicator list": "/indikator/",
        "dashboard": "/dasbor/",
    }
    print(
        f"database: {connection.vendor}; records: {PerformanceRecord.objects.count()}, cycles: {Cycle.objects.count()}"
    )
    results = {}
    for label, url in pages.items():
        client.get(url)  # warm up
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[label] = (statistics.median(times), len(queries))
    base = results["trivial (/healthz)"][0]
    for label, (median, queries) in results.items():
        print(f"{label:22} median {median * 1000:7.1f} ms  {median / base:5.1f}x trivial  {queries:3d} queries")


if __name__ == "__main__":
    main()
