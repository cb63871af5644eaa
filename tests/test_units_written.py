"""A figure typed with the sign of another unit ("85%" for a count of desa, "Rp 12" for a number
of kegiatan) is refused on every path that reads a typed figure: the section upload, Data awal,
the master-data import, the indicator page's targets, the office figures of step 6 and the
amendment of a filed record. Before, the sign was dropped and the number read as the indicator's
own unit. A percent-formatted cell was already refused the same way; typed text was not."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja import baseline, masterdata
from kinerja.engine import workflow
from kinerja.models import BaselineFigure, Indicator, OfficeFigure, PerformanceRecord, Target
from kinerja.spreadsheets.importer import read_workbook
from kinerja.spreadsheets.numbers import OtherUnit, parse_number
from kinerja.steps import filing

from .conftest import workbook_bytes
from .test_analysis_steps import cycle  # noqa: F401 - the fixture (step 6 open)
from .test_filing import filed  # noqa: F401 - the fixture
from .test_masterdata import HEADER as MASTER_HEADER
from .test_masterdata import _master_file

PEM01 = "Jumlah desa yang menyampaikan LPPDes tepat waktu"
DESA_IN_PERCENT = (
    "'85%' ditulis dalam persen (%), padahal satuan PEM-01 adalah 'desa'. Tulis angkanya dalam desa tanpa %; bila "
    "satuan pada data induk yang keliru, minta Kasubag Perencanaan dan Pelaporan memperbaikinya."
)


@pytest.mark.parametrize(
    "raw,unit,sign",
    [("85%", "desa", "persen"), ("85 %", "kegiatan", "persen"), ("85,5%", "nilai", "persen"),
     ("Rp 12", "kegiatan", "rupiah"), ("rp12.000", "%", "rupiah")],
)  # fmt: skip
def test_a_sign_of_another_unit_is_refused_by_the_number_reader(raw, unit, sign):
    with pytest.raises(OtherUnit) as caught:
        parse_number(raw, unit=unit)
    assert caught.value.sign == sign


@pytest.mark.parametrize(
    "raw,unit,expected",
    [("85%", "%", Decimal("85")), ("85 %", "persen", Decimal("85")), ("82 (>100%)", "desa", Decimal("82")),
     ("Rp 1.500.000", "Rp", Decimal("1500000")), ("Rp 1.500.000", "rupiah", Decimal("1500000")),
     ("85%", "", Decimal("85")), ("3 kejadian", "kejadian", Decimal("3"))],
)  # fmt: skip
def test_a_sign_of_the_figures_own_unit_or_of_no_unit_is_read(raw, unit, expected):
    assert parse_number(raw, unit=unit) == expected


def test_the_section_upload_refuses_a_percent_typed_for_a_count(klego_data):
    rows = [
        ["Kode", "Indikator", "Satuan", "Realisasi TW IV"],
        ["PEM-01", PEM01, "desa", "85%"],
        ["PEM-02", "", "%", "95%"],
    ]
    result = read_workbook(workbook_bytes(rows), indicators=Indicator.objects.all(), section=klego_data.sections["pem"])
    assert [str(p) for p in result.problems] == [f"Lembar 'Data', sel D2: {DESA_IN_PERCENT}"]


def test_data_awal_refuses_a_percent_typed_for_a_count_but_reads_a_written_capaian(klego_data):
    rows = [["Kode", "Tahun", "Target", "Realisasi", "Capaian"], ["IKU-04", 2025, 20, "18%", None],
            ["IKU-01", 2025, 80, "76%", "95%"]]  # fmt: skip
    outcome = baseline.import_baseline(workbook_bytes(rows), organisation=klego_data.org, by=klego_data.kasubag)
    assert outcome.problems == [
        "'Data' baris 2, sel D2: '18%' ditulis dalam persen (%), padahal satuan IKU-04 adalah 'kegiatan'. Tulis "
        "angkanya dalam kegiatan tanpa %; bila satuan pada data induk yang keliru, minta Kasubag Perencanaan dan "
        "Pelaporan memperbaikinya."
    ]
    assert not BaselineFigure.objects.exists()


def test_the_master_data_import_refuses_a_percent_target_for_a_count(klego_data):
    rows = [MASTER_HEADER, ["PEM-01", PEM01, "desa", "tinggi", "pem", "IKU-01", "SS1", "tidak", "85%", None]]
    result = masterdata.import_workbook(
        _master_file(rows), organisation=klego_data.org, year=2027, by=klego_data.kasubag
    )
    assert [str(p) for p in result.problems] == [
        f"Lembar 'Indikator', sel I2: Kolom Target tahunan PEM-01: {DESA_IN_PERCENT}"
    ]
    assert not Target.objects.filter(year=2027).exists()


def test_the_indicator_page_refuses_a_percent_target_for_a_count(client, klego_data):
    indicator = Indicator.objects.get(code="PEM-01")
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:indicator_edit", args=[indicator.pk]) + "?tahun=2026"
    data = {
        "code": "PEM-01", "name": indicator.name, "unit": "desa", "polarity": "higher", "aggregation": "latest",
        "quarter_form": "triwulan", "cascade_rule": "none", "section": indicator.section_id,
        "parent": indicator.parent_id or "", "objective": indicator.objective_id or "", "definition": "",
        "data_source": "", "active": "on", "annual": "85%", "q1": "", "q2": "", "q3": "", "q4": "13",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["annual"] == [DESA_IN_PERCENT]
    assert Target.objects.get(indicator=indicator, year=2026, quarter=None).value == Decimal("13")


def test_the_office_figures_refuse_a_percent_typed_for_a_count(client, klego_data, cycle):  # noqa: F811
    iku = Indicator.objects.get(code="IKU-04")  # counted in kegiatan
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:analysis_office", args=[cycle.pk])
    html = client.post(url, {f"office-{iku.pk}-1": "8", f"office-{iku.pk}-2": "90%"}, follow=True).content.decode()
    assert (
        "IKU-04 TW II: &#x27;90%&#x27; ditulis dalam persen (%), padahal satuan IKU-04 adalah &#x27;kegiatan&#x27;."
        in html
    )
    assert not OfficeFigure.objects.filter(cycle=cycle).exists()


def test_an_amendment_refuses_a_percent_for_a_count_and_reads_one_for_the_capaian(klego_data, filed):  # noqa: F811
    filed_cycle, _archive, _expected = filed
    record = filing.with_amendments(PerformanceRecord.objects.filter(cycle=filed_cycle, code="PEM-01")).get()
    with pytest.raises(workflow.WorkflowError) as caught:
        filing.amend(record, by=klego_data.kasubag, field="real_q4", raw="85%", reason="x", approver="Camat")
    assert str(caught.value) == DESA_IN_PERCENT
    with pytest.raises(workflow.WorkflowError) as caught:
        filing.amend(record, by=klego_data.kasubag, field="target", raw="85%", reason="x", approver="Camat")
    assert str(caught.value) == DESA_IN_PERCENT
    amendment = filing.amend(record, by=klego_data.kasubag, field="capaian", raw="92,5%", reason="x", approver="Camat")
    assert amendment.new_value == Decimal("92.5")


def test_the_budget_import_refuses_a_percent_typed_in_a_rupiah_column(klego_data):
    from kinerja import budget

    from .test_budget import HEADER as BUDGET_HEADER

    rows = [BUDGET_HEADER[:4], ["7.01.01", "PROGRAM PENUNJANG", "1.000.000", "85%"]]
    read = budget.read_budget(workbook_bytes(rows), organisation=klego_data.org)
    assert read.problems == [
        "'Data' baris 2, sel D2: '85%' ditulis dalam persen (%), padahal kolom ini dalam Rp. Tulis angkanya dalam Rp "
        "tanpa %."
    ]


def test_the_budget_page_refuses_a_percent_typed_as_rupiah(client, klego_data):
    from kinerja.models import BudgetItem

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:budget_create") + "?tahun=2026"
    html = client.post(url, {"code": "7.01.01", "name": "Program", "pagu": "1.250.000", "real_q1": "60%"}).content
    assert "&#x27;60%&#x27; ditulis dalam persen (%)" in html.decode()
    assert not BudgetItem.objects.exists()
