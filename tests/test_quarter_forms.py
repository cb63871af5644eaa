"""How an indicator's quarters are written (per quarter, or as running totals "s.d. triwulan"),
one setting followed by the master data, the template, the import and the analysis; and the
quarter capaian of an indicator whose quarters add up: running realisation over running target.

Every expected value is computed by hand. The worked example is the issue's KES-01: quarters of
4, 3, 5, 3 activities (running 4, 7, 12, 15) against running targets 3, 7, 12, 16 (per quarter
3, 4, 5, 4): TW I 4/3 = 133,33 %, TW II 7/7 = 100 %, TW III 12/12 = 100 %, TW IV 15/16 = 93,75 %."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kinerja import masterdata
from kinerja.measurement import results
from kinerja.models import DataKind, Indicator, Target
from kinerja.steps import submissions

from .conftest import advance, filled_template, start, workbook_bytes

KES01_CAPAIAN = {1: Decimal("133.33"), 2: Decimal("100.00"), 3: Decimal("100.00"), 4: Decimal("93.75")}


@pytest.fixture
def cycle(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def realisasi():
    return DataKind.objects.get(code="realisasi")


def upload(klego_data, cycle, section, data):
    outcome = submissions.submit(
        cycle=cycle, section=klego_data.sections[section], kind=realisasi(), data=data, filename="x.xlsx",
        by=klego_data.users[f"staf.{section}"],
    )  # fmt: skip
    assert outcome.result.ok, outcome.result.problems
    return outcome


def result_of(cycle, code):
    return next(r for r in results.indicator_results(cycle) if r.indicator.code == code)


def capaian(result):
    return {q: c.rounded(2) for q, c in result.capaian.items()}


def test_the_template_states_how_each_indicator_is_written(klego_data, cycle):
    data = submissions.template_for(cycle, klego_data.sections["kesos"], realisasi())
    book = load_workbook(io.BytesIO(data))
    sheet = book["Data Kinerja"]
    assert sheet["N4"].value == "Cara isi triwulan"
    forms = {sheet.cell(row, 1).value: sheet.cell(row, 14).value for row in range(6, sheet.max_row + 1)}
    assert forms == {"KES-01": "s.d. triwulan (kumulatif)", "KES-02": "per triwulan"}
    guide = [row[0] for row in book["Petunjuk"].iter_rows(values_only=True)]
    assert "   Ditulis s.d. triwulan (kumulatif): KES-01." in guide
    assert "   Ditulis per triwulan: KES-02." in guide


def test_a_running_indicator_filled_in_its_template_is_read_as_running_totals(klego_data, cycle):
    running = {1: 4, 2: 7, 3: 12, 4: 15}
    data = filled_template(
        cycle, klego_data.sections["kesos"], realisasi(),
        realisation=lambda code, q, target: running[q] if code == "KES-01" else target,
    )  # fmt: skip
    row = upload(klego_data, cycle, "kesos", data).submission.rows.get(indicator__code="KES-01")
    assert row.running and [row.realisation(q) for q in (1, 2, 3, 4)] == [4, 3, 5, 3]
    kes = result_of(cycle, "KES-01")
    assert kes.realisations == {1: 4, 2: 7, 3: 12, 4: 15} and kes.own == {1: 4, 2: 3, 3: 5, 4: 3}
    assert capaian(kes) == KES01_CAPAIAN
    assert kes.year_to_date == 15 and kes.year_capaian.rounded(2) == Decimal("93.75")
    assert kes.category == "Sangat tinggi" and not any("turun" in flag for flag in kes.flags)


def test_an_indicator_written_per_quarter_is_measured_the_same_way(klego_data, cycle):
    kes = Indicator.objects.get(code="KES-01")
    kes.quarter_form = Indicator.QuarterForm.PER_QUARTER
    kes.save()
    for quarter, value in ((1, 3), (2, 4), (3, 5), (4, 4)):
        Target.objects.filter(indicator=kes, year=2026, quarter=quarter).update(value=value)
    header = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
    upload(klego_data, cycle, "kesos", workbook_bytes([header, ["KES-01", 4, 3, 5, 3], ["KES-02", 25, 50, 75, 95]]))
    result = result_of(cycle, "KES-01")
    assert [result.quarter_targets[q].value for q in (1, 2, 3, 4)] == [3, 7, 12, 16]
    assert capaian(result) == KES01_CAPAIAN


def test_running_columns_of_a_per_quarter_indicator_lower_is_better(klego_data, cycle):
    """TRA-02 (lower is better) written per quarter with targets 3 each; the file gives s.d.
    columns 4, 7, 12, 15. Running targets 3, 6, 9, 12: TW I (2 - 4/3) = 66,67 %; TW II
    (2 - 7/6) = 83,33 %; TW III (2 - 12/9) = 66,67 %; TW IV (2 - 15/12) = 75 %."""
    tra = Indicator.objects.get(code="TRA-02")
    tra.quarter_form = Indicator.QuarterForm.PER_QUARTER
    tra.save()
    Target.objects.filter(indicator=tra, year=2026, quarter__isnull=False).update(value=3)
    header = ["Kode", "Realisasi s.d. TW I", "Realisasi s.d. TW II", "Realisasi s.d. TW III", "Realisasi s.d. TW IV"]
    row = upload(klego_data, cycle, "trantib", workbook_bytes([header, ["TRA-02", 4, 7, 12, 15]]))
    assert row.submission.rows.get().running
    result = result_of(cycle, "TRA-02")
    assert result.own == {1: 4, 2: 3, 3: 5, 4: 3}
    expected = {1: Decimal("66.67"), 2: Decimal("83.33"), 3: Decimal("66.67"), 4: Decimal("75.00")}
    assert capaian(result) == expected


def test_a_running_indicator_needs_summed_quarters(klego_data):
    pem = Indicator.objects.get(code="PEM-01")  # takes its latest value
    pem.quarter_form = Indicator.QuarterForm.RUNNING
    with pytest.raises(ValidationError, match="hanya untuk indikator yang triwulannya dijumlah"):
        pem.full_clean()


def test_the_master_data_workbook_keeps_the_setting_both_ways(klego_data):
    data = masterdata.export_workbook(klego_data.org, 2026)
    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Cara isi triwulan")
    written = {row[0]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert written["KES-01"] == "s.d. triwulan" and written["PEM-01"] == "per triwulan"
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        if row[0].value == "KES-01":
            sheet.cell(number, column + 1).value = "per triwulan"
        if row[0].value == "PEM-01":
            sheet.cell(number, column + 1).value = "s.d. triwulan"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    refused = masterdata.import_workbook(
        buffer.getvalue(), organisation=klego_data.org, year=2026, by=klego_data.kasubag
    )
    assert any("PEM-01: s.d. triwulan hanya untuk indikator" in str(p) for p in refused.problems)
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=2):
        if row[0].value == "PEM-01":
            sheet.cell(number, column + 1).value = "per triwulan"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    done = masterdata.import_workbook(buffer.getvalue(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert not done.problems
    assert Indicator.objects.get(code="KES-01").quarter_form == Indicator.QuarterForm.PER_QUARTER
