"""Every page that had no query-count test gets one (issue 17): the number of queries a page runs
on its first view (caches emptied) is the same with one filed cycle as with four filed cycles,
their records and amendments, so a kecamatan's fifth year costs what its first did."""

from decimal import Decimal

from django.urls import reverse

from kinerja.models import Amendment, Cycle, PerformanceRecord
from kinerja.steps import filing

from .conftest import count_queries
from .test_filing import filed  # noqa: F401  (fixture: a cycle filed as the performance database)


def grow(cycle: Cycle, kasubag) -> None:
    """Three more filed cycles (TW I–III 2025), each with a copy of every record of `cycle`, and
    one amendment on each copy of PEM-01."""
    originals = list(PerformanceRecord.objects.filter(cycle=cycle))
    for quarter in (1, 2, 3):
        period = Cycle.objects.get(pk=cycle.pk)
        period.pk, period.year, period.quarter = None, 2025, quarter
        period.save()
        for original in originals:
            record = PerformanceRecord.objects.get(pk=original.pk)
            record.pk, record.cycle, record.year, record.quarter = None, period, 2025, quarter
            record.save()
            if record.code == "PEM-01":
                filing.amend(
                    filing.with_amendments(PerformanceRecord.objects.filter(pk=record.pk)).get(),
                    by=kasubag, field="target", raw="26", reason="PK perubahan", approver="Camat",
                )  # fmt: skip
    assert PerformanceRecord.objects.count() == 4 * len(originals)


def test_the_office_pages_run_as_many_queries_with_four_filed_cycles_as_with_one(client, klego_data, filed):  # noqa: F811
    cycle, _archive, _expected = filed
    pem = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    client.force_login(klego_data.kasubag)
    urls = [
        reverse("kinerja:database"),
        reverse("kinerja:database") + "?tahun=2026&seksi=Seksi+Pemerintahan",
        reverse("kinerja:database") + f"?indikator=PEM-01&amandemen={pem.pk}",
        reverse("kinerja:cycle_list"),
        reverse("kinerja:statistics"),
        reverse("kinerja:completeness", args=[cycle.pk]),
        reverse("kinerja:grouping", args=[cycle.pk]),
        reverse("kinerja:review", args=[cycle.pk]),
        reverse("kinerja:filing", args=[cycle.pk]),
        reverse("kinerja:section_data", args=[cycle.pk, "pem"]),
    ]
    few = {url: count_queries(client, url) for url in urls}
    grow(cycle, klego_data.kasubag)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few
    # The pages did show the grown data (the counts are not of an empty page).
    page = client.get(reverse("kinerja:database")).content.decode()
    assert page.count("Ajukan amandemen") == 4 * 14 and 'data-testid="comparison"' in page


def test_the_audit_page_runs_as_many_queries_with_four_filed_cycles_as_with_one(client, klego_data, filed):  # noqa: F811
    cycle, _archive, _expected = filed
    client.force_login(klego_data.users["admin"])
    url = reverse("kinerja:audit")
    few = count_queries(client, url)
    grow(cycle, klego_data.kasubag)
    assert count_queries(client, url) == few
    assert Amendment.objects.filter(field="target", new_value=Decimal("26")).count() == 3
