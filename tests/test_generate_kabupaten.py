"""The benchmark data generator makes the organisations, cycles and records it says."""

import io

from django.core.management import call_command

from kinerja.models import Cycle, Indicator, Organisation, PerformanceRecord


def test_generate_kabupaten_makes_organisations_cycles_and_records(db):
    out = io.StringIO()
    call_command("generate_kabupaten", "--organisations", "2", "--years", "2", "--indicators", "6", stdout=out)
    assert "2 organisasi × 2 tahun × 4 triwulan × 6 indikator" in out.getvalue()
    ampel = Organisation.objects.get(code="ampel")
    assert Indicator.objects.filter(organisation=ampel).count() == 6
    finished = Cycle.objects.filter(organisation=ampel, status=Cycle.Status.DONE)
    assert 4 <= finished.count() <= 8  # quarters that have begun by today
    assert PerformanceRecord.objects.filter(organisation=ampel).count() == finished.count() * 6
    # Running it again adds nothing.
    again = ["--organisations", "2", "--years", "2", "--indicators", "6"]
    call_command("generate_kabupaten", *again, stdout=io.StringIO())
    assert Cycle.objects.filter(organisation=ampel).count() == finished.count()
