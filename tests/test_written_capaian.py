"""A section's own capaian column, compared at the analysis with the capaian the application
computes from the same file's realisations and the master targets. The SOP's warning is exactly
this: the sections' figures disagreeing with the office's, unnoticed until the evaluation. A
disagreement is a flag beside the indicator (never a refusal: a section may compute its capaian
another way, and the Kasubag decides); a capaian that agrees once rounded is no flag. Figures by
hand from the demo's 2026 targets: PEM-01 13 desa every quarter, PEM-02 100 % every quarter,
KES-01 (jumlah, s.d.) 3 / 7 / 12 / 16."""

from decimal import Decimal

from kinerja import scenario
from kinerja.measurement import results
from kinerja.models import SopStep, SubmissionRow

from .conftest import MONDAY, start
from .test_analysis_steps import to_step_6

HEADER = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV", "Capaian TW II (%)",
          "Capaian (%)"]  # fmt: skip


def _analysis(cast, data):
    cycle = to_step_6(cast, data, header=HEADER)
    return {r.indicator.code: r for r in results.indicator_results(cycle)}


def _written(flags):
    return [f for f in flags if f.startswith("capaian di berkas")]


def test_a_written_capaian_that_disagrees_with_the_computed_one_is_flagged(klego_data):
    data = _analysis(
        klego_data,
        {
            # TW II 12 of 13 is 92,31 %: "92,3" agrees; the period (TW IV) 13 of 13 is 100 %, not 50.
            "pem": [["PEM-01", 13, 12, 13, 13, "92,3", 50], ["PEM-02", 100, 92, 100, 100, 50, 100]],
            # Running 3, 6, 12, 16: TW II 6 of 7 is 85,71 %, its own 3 of 4 is 75 %: either agrees.
            "kesos": [["KES-01", 3, 6, 12, 16, 75, 100], ["KES-02", 25, 50, 75, 95, None, None]],
        },
    )
    assert _written(data["PEM-01"].flags) == ["capaian di berkas TW IV (50%) berbeda dengan hasil hitung (100%)"]
    assert _written(data["PEM-02"].flags) == ["capaian di berkas TW II (50%) berbeda dengan hasil hitung (92%)"]
    assert _written(data["KES-01"].flags) == []
    assert _written(data["KES-02"].flags) == []


def test_a_running_capaian_that_matches_neither_reading_is_flagged_with_the_tables_figure(klego_data):
    data = _analysis(klego_data, {"kesos": [["KES-01", 3, 6, 12, 16, 60, 100], ["KES-02", 25, 50, 75, 95, None, None]]})
    assert _written(data["KES-01"].flags) == ["capaian di berkas TW II (60%) berbeda dengan hasil hitung (85,71%)"]


def test_a_capaian_column_in_words_or_a_percent_format_is_read_as_the_person_saw_it(klego_data):
    from openpyxl import Workbook

    def workbook(cycle, section, kind):
        import io

        book = Workbook()
        sheet = book.active
        for row in [HEADER, ["PEM-01", 13, 12, 13, 13, 0.5, "Sangat baik"], ["PEM-02", 100, 92, 100, 100, None, "-"]]:
            sheet.append(row)
        sheet["F2"].number_format = "0%"  # shown 50%
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    cycle = start(klego_data, sections=[klego_data.sections["pem"]])
    scenario.take_cycle_to(cycle, SopStep.Kind.ANALYSIS, at=lambda run: MONDAY, workbook=workbook)
    row = SubmissionRow.objects.get(indicator__code="PEM-01")
    assert row.capaian_written == {"2": "50"} and row.cells["capaian_q2"] == "F2"
    data = {r.indicator.code: r for r in results.indicator_results(cycle)}
    assert _written(data["PEM-01"].flags) == ["capaian di berkas TW II (50%) berbeda dengan hasil hitung (92,31%)"]
    assert SubmissionRow.objects.get(indicator__code="PEM-02").capaian_written == {}
    assert Decimal(row.capaian_written["2"]) == 50


def test_a_written_capaian_not_as_the_importer_writes_it_is_passed_over_not_a_crash(klego_data):
    """A row restored from a backup or made by hand can hold anything in its JSON: the analysis
    page must still open."""
    from types import SimpleNamespace

    data = _analysis(
        klego_data, {"pem": [["PEM-01", 13, 12, 13, 13, None, None], ["PEM-02", 100, 92, 100, 100, None, 50]]}
    )
    odd = SimpleNamespace(capaian_written={"2": "dua", "x": "1", "4": "NaN", "3": None})
    assert results._written_capaian_flags(data["PEM-01"], [odd], 4) == []
