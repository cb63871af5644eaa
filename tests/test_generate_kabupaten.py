"""The benchmark data generator makes the organisations, cycles and records it says."""

from benchmarks.generate_kabupaten import generate
from kinerja.models import Cycle, Indicator, Organisation, PerformanceRecord


def test_generate_kabupaten_makes_organisations_cycles_and_records(db):
    said = []
    generate(organisations=2, years=2, indicators=6, say=said.append)
    assert said[-1] == "2 organisasi × 2 tahun × 4 triwulan × 6 indikator."
    ampel = Organisation.objects.get(code="ampel")
    assert Indicator.objects.filter(organisation=ampel).count() == 6
    finished = Cycle.objects.filter(organisation=ampel, status=Cycle.Status.DONE)
    assert 4 <= finished.count() <= 8  # quarters that have begun by today
    assert PerformanceRecord.objects.filter(organisation=ampel).count() == finished.count() * 6
    # Every kecamatan in the demo's kabupaten, so its coordinator reads them all.
    assert ampel.kabupaten.name == "Pemerintah Kabupaten Boyolali"
    assert ampel.kabupaten_id == Organisation.objects.get(code="klego").kabupaten_id
    # Running it again adds nothing.
    generate(organisations=2, years=2, indicators=6, say=said.append)
    assert Cycle.objects.filter(organisation=ampel).count() == finished.count()
