"""Page benchmark on a kabupaten-sized data set: every page a user opens (the inbox, the cycle
list and page, each step's page of a filed cycle, the data base with and without a filter, the
indicator list, the dashboard, the letters, the statistics and, as the administrator, the audit
trail; as the kabupaten's coordinator, the three kabupaten pages across every kecamatan) against
a trivial view (/healthz) through the same stack: medians of 40 requests each, asked in
interleaved rounds, with each page's query count. Three kinds of first view, medians
of 10 requests each:
- "changed here": each request made right after a change in Klego (a history row written in the
  user's own kecamatan, which makes its kept page parts anew): a page's first view after a change;
- "changed elsewhere": after a change in another kecamatan (kept parts stay valid);
- "emptied": after emptying every cache (kept parts, the working calendar and the audit trail's
  kept query), as after a restart.

    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python benchmarks/generate_kabupaten.py
    DATABASE_URL=sqlite:////tmp/kab/db.sqlite3 python benchmarks/bench_pages.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import cycle_pages, say_load  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
os.environ.setdefault("TWO_FACTOR_ENFORCED", "0")
RUNS = 40
COLD_RUNS = 10


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from infra.audit import forget_built
    from kinerja.engine.calendar import forget_cached
    from kinerja.models import Cycle, Organisation, PerformanceRecord, User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="kasubag"))
    administrator = Client()
    administrator.force_login(User.objects.get(username="admin"))
    coordinator = Client()  # the kabupaten's SAKIP coordinator (demo.ensure_kabupaten): every kecamatan
    coordinator.force_login(User.objects.get(username="koordinator.kab"))
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
        "cycle list": "/siklus/",
        **cycle_pages(cycle.pk),
        "data base": "/data-base/",
        "data base, search": "/data-base/?indikator=K-001",
        "indicator list": "/indikator/",
        "dashboard": "/dasbor/",
        "letters": "/surat/",
        "statistics": "/statistik/",
        "notices": "/pemberitahuan/",
        "profile": "/profil/",
        "budget": "/anggaran/",
        "baseline": "/data-awal/",
        "documents": "/dokumen/",
        "audit (administrator)": "/audit/",
        "kabupaten cycles (coord.)": "/kabupaten/",
        "kabupaten capaian (coord.)": "/kabupaten/capaian/",
        "kabupaten steps (coord.)": "/kabupaten/waktu-langkah/",
    }
    clients = {
        label: administrator if "administrator" in label else coordinator if "coord." in label else client
        for label in pages
    }
    print(
        f"database: {connection.vendor}; records: {PerformanceRecord.objects.count()}, cycles: {Cycle.objects.count()}"
    )
    say_load("at the start")
    for label, url in pages.items():
        assert clients[label].get(url).status_code == 200, url  # warm up
    # Interleaved: every round asks each page once, so a slow moment of the machine hits all alike.
    warm: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(RUNS):
        for label, url in pages.items():
            started = time.perf_counter()
            clients[label].get(url)
            warm[label].append(time.perf_counter() - started)
    counts = {}
    for label, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            clients[label].get(url)
        counts[label] = len(queries)
    here = Organisation.objects.get(code="klego")
    elsewhere = Organisation.objects.exclude(pk=here.pk).order_by("pk").first()

    def change(organisation):
        """A tracked change (its history row moves the organisation's data mark), not timed."""
        organisation.save()

    def changed_here(label, url):
        change(here)

    def changed_elsewhere(label, url):
        clients[label].get(url)  # the page kept, as a user who just saw it
        change(elsewhere)

    def emptied(label, url):
        cache.clear()
        forget_cached()
        forget_built()

    first_views = {"changed here": changed_here, "changed elsewhere": changed_elsewhere, "emptied": emptied}
    first: dict[str, dict[str, list[float]]] = {kind: {label: [] for label in pages} for kind in first_views}
    first_counts: dict[str, int] = {}
    # One kind after the other, each in interleaved rounds over every page: "emptied" (a restart)
    # comes last, so that it never leaves the process colder than a change does for the next kind.
    for kind, prepare in first_views.items():
        for _ in range(COLD_RUNS):
            for label, url in pages.items():
                prepare(label, url)
                started = time.perf_counter()
                clients[label].get(url)
                first[kind][label].append(time.perf_counter() - started)
        if kind == "changed here":
            for label, url in pages.items():
                change(here)
                with CaptureQueriesContext(connection) as queries:
                    clients[label].get(url)
                first_counts[label] = len(queries)
    base = statistics.median(warm["trivial (/healthz)"])
    heading = " ".join(f"{kind:>22}" for kind in first_views)
    print(f"{'page':24} {'repeat':>16} {heading}  queries (repeat, changed here)")
    for label in pages:
        median = statistics.median(warm[label])
        cells = [f"{median * 1000:6.1f} ms {median / base:5.1f}x"]
        for kind in first_views:
            value = statistics.median(first[kind][label])
            cells.append(f"{value * 1000:12.1f} ms {value / base:5.1f}x")
        print(f"{label:24} " + " ".join(cells) + f"  {counts[label]:3d}, {first_counts[label]:3d}")
    say_load("at the end")


if __name__ == "__main__":
    main()
