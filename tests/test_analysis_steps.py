"""Steps 6 and 7 with real data: capaian and flags per indicator, reconciliation of office and
section figures, the narrative, the grouping report, and the reports matching the database."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.lib.units import mm

from kinerja.engine import workflow
from kinerja.measurement import results
from kinerja.models import DataKind, GroupingReport, Indicator, Narrative, SopStep, Target
from kinerja.steps import analysis_steps, submissions

from .conftest import MONDAY, advance, count_queries, open_runs, start, uploaded_to, workbook_bytes

HEADER = ["Kode", "Target Tahunan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
# TRA-02, PMD-01, KES-01 (and IKU-04) add their quarters up and are written as running totals
# (s.d. triwulan) in the demo master data, targets and realisations alike.
DATA = {
    "pem": [["PEM-01", 13, 13, 12, 13, 13], ["PEM-02", 100, 100, 92, 100, 100]],
    "trantib": [["TRA-01", 90, 90, 90, 91, 92], ["TRA-02", 12, 3, 6, 9, 20]],
    "pmd": [["PMD-01", 24, 5, 11, 18, 22], ["PMD-02", 77, 70, 70, 77, 77]],
    "kesos": [["KES-01", 20, 3, 7, 12, 16], ["KES-02", 95, 25, 50, 75, 95]],
    "pelum": [["PEL-01", 95, 95, 96, 95, 97], ["PEL-02", 2, 2, 2, "1,5", 2]],
}


def to_step_6(cast, data=DATA, *, header=HEADER):
    """A cycle of the sections in `data` at the analysis, each having uploaded its rows under
    `header`."""
    cycle = uploaded_to(cast, data, header=header, until=SopStep.Kind.ANALYSIS)
    assert open_runs(cycle)[0].step.number == 6
    return cycle


@pytest.fixture
def cycle(klego_data):
    return to_step_6(klego_data)


def by_code(cycle):
    return {r.indicator.code: r for r in results.indicator_results(cycle)}


def test_capaian_per_indicator_for_the_year_to_date(klego_data, cycle):
    data = by_code(cycle)
    pem = data["PEM-01"]  # latest of the quarters, against the TW IV target 13
    assert (
        pem.year_to_date == 13 and pem.year_capaian.rounded(1) == Decimal("100.0") and pem.category == "Sangat tinggi"
    )
    tra = data["TRA-02"]  # lower is better, s.d. TW IV 20 against s.d. 12: (1 + (1 - 20/12)) x 100
    assert tra.year_to_date == 20 and tra.year_capaian.rounded(1) == Decimal("33.3")
    assert {q: c.rounded(1) for q, c in tra.capaian.items()} == {1: 100, 2: 100, 3: 100, 4: Decimal("33.3")}
    pmd = data["PMD-01"]  # s.d. 22 of s.d. 24; its quarters' own: 5, 6, 7, 4
    assert pmd.year_capaian.rounded(1) == Decimal("91.7") and pmd.own == {1: 5, 2: 6, 3: 7, 4: 4}
    pel = data["PEL-02"]  # average of 2, 2, 1.5, 2, lower is better against 2
    assert pel.year_to_date == Decimal("1.875") and pel.year_capaian.value == Decimal("106.25")
    assert data["KES-02"].trend_quarter.direction == "naik"
    assert data["PEM-01"].capaian[2].rounded(1) == Decimal("92.3")


def test_flags_name_what_to_look_at(klego_data, cycle):
    data = by_code(cycle)
    assert data["PMD-01"].flags == []
    assert "capaian di bawah 50% (33,33%)" in data["TRA-02"].flags  # the kept value, with a decimal comma
    assert any("realisasi kosong TW I, II, III, IV" in f for f in data["IKU-01"].flags)  # no office figure yet
    assert any("target di berkas (20) berbeda dengan Perjanjian Kinerja (16)" in f for f in data["KES-01"].flags)
    assert data["PEL-01"].flags == []


def test_reconciliation_lists_a_disagreement_and_step_6_waits_for_it(klego_data, cycle):
    iku = Indicator.objects.get(code="IKU-04")  # sum of PMD-01 and KES-01
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=Decimal(10), by=klego_data.kasubag)
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=2, value=Decimal(18), by=klego_data.kasubag)
    (difference,) = results.differences(cycle)
    assert (difference.key, difference.first.value, difference.second.value) == ("cascade:IKU-04:1", 10, 8)
    assert "PMD-01 5" in difference.second.label and "KES-01 3" in difference.second.label
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.WorkflowError, match="1 selisih yang belum diselesaikan"):
        analysis_steps.finish_analysis(run, by=klego_data.kasubag, at=MONDAY)
    analysis_steps.explain(
        cycle=cycle, key="cascade:IKU-04:1", text="Kegiatan lintas seksi dihitung sekali", by=klego_data.kasubag
    )
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, at=MONDAY)
    assert open_runs(cycle)[0].step.number == 7


def test_correcting_the_office_figure_resolves_the_difference(klego_data, cycle):
    iku = Indicator.objects.get(code="IKU-04")
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=Decimal(10), by=klego_data.kasubag)
    assert len(results.differences(cycle)) == 1
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=Decimal(8), by=klego_data.kasubag)
    assert results.differences(cycle) == []
    with pytest.raises(workflow.WorkflowError, match="sudah tidak ada"):
        analysis_steps.explain(cycle=cycle, key="cascade:IKU-04:1", text="x", by=klego_data.kasubag)


def test_office_figures_posted_with_one_bad_cell_save_none_and_say_which(client, klego_data, cycle):
    from kinerja.models import OfficeFigure

    iku = Indicator.objects.get(code="IKU-04")
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:analysis_office", args=[cycle.pk])
    response = client.post(url, {f"office-{iku.pk}-1": "8", f"office-{iku.pk}-2": "delapan"}, follow=True)
    html = response.content.decode()
    assert "IKU-04 TW II: &#x27;delapan&#x27; bukan angka." in html and "Tidak ada angka yang disimpan" in html
    assert not OfficeFigure.objects.filter(cycle=cycle).exists()
    client.post(url, {f"office-{iku.pk}-1": "8", f"office-{iku.pk}-2": "9,5"})
    saved = dict(OfficeFigure.objects.filter(cycle=cycle).values_list("quarter", "value"))
    assert saved == {1: Decimal("8"), 2: Decimal("9.5")}
    client.post(url, {f"office-{iku.pk}-2": ""})  # an emptied cell is removed, a cell not sent stays
    assert dict(OfficeFigure.objects.filter(cycle=cycle).values_list("quarter", "value")) == {1: Decimal("8")}


def test_the_same_indicator_reported_twice_with_different_values_is_a_difference(klego_data):
    from kinerja.models import Obligation

    pengukuran = DataKind.objects.get(code="pengukuran")
    cycle = start(klego_data)
    for section in cycle.sections.all():
        Obligation.objects.create(cycle=cycle, section=section, kind=pengukuran)
    advance(klego_data, cycle, 2)
    section = klego_data.sections["pem"]
    for kind, q1 in (("realisasi", 13), ("pengukuran", 12)):
        data = workbook_bytes([HEADER, ["PEM-01", 13, q1]])
        submissions.submit(
            cycle=cycle, section=section, kind=DataKind.objects.get(code=kind), data=data,
            filename=f"{kind}.xlsx", by=klego_data.staf_pem,
        )  # fmt: skip
    (difference,) = results.differences(cycle)
    assert difference.kind == "twice" and difference.key == "twice:PEM-01:1"
    assert {difference.first.value, difference.second.value} == {13, 12}
    assert "sel B2" in difference.first.label or "sel C2" in difference.first.label


def test_only_the_kasubag_changes_the_analysis_and_only_while_step_6_is_open(klego_data, cycle):
    iku = Indicator.objects.get(code="IKU-04")
    with pytest.raises(workflow.NotAllowed):
        analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=1, by=klego_data.sekcam)
    (run,) = open_runs(cycle)
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="tidak sedang terbuka"):
        analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=1, by=klego_data.kasubag)


def test_narrative_is_saved_as_typed_through_the_autosave_endpoint(client, klego_data, cycle):
    url = reverse("kinerja:narrative_save", args=[cycle.pk])
    objective = Indicator.objects.get(code="IKU-04").objective
    client.force_login(klego_data.kasubag)
    response = client.post(
        url, {"objective": objective.pk, "analysis": "Capaian SS3 baik"}, headers={"X-Requested-With": "autosave"}
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    client.post(
        url,
        {"objective": objective.pk, "analysis": "Capaian SS3 baik sekali", "causes": "Dana desa"},
        headers={"X-Requested-With": "autosave"},
    )
    narrative = Narrative.objects.get(objective=objective)
    assert (narrative.analysis, narrative.causes) == ("Capaian SS3 baik sekali", "Dana desa")
    assert narrative.history.count() == 2
    client.force_login(klego_data.staf_pem)
    assert client.post(url, {"objective": objective.pk, "analysis": "x"}).status_code == 403


def test_the_analysis_page_shows_the_table_chart_and_differences(client, klego_data, cycle):
    analysis_steps.set_office_figure(
        cycle=cycle, indicator=Indicator.objects.get(code="IKU-04"), quarter=1, value=10, by=klego_data.kasubag
    )
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()
    assert page.count('data-indicator="') == 14 and "<svg" in page and 'data-testid="differences"' in page
    assert "Masih ada 1 selisih" in page and "js/autosave.js" in page


def test_the_target_shown_beside_a_capaian_is_the_one_it_was_measured_against(client, klego_data, cycle):
    # TW IV cycle: PEM-02's Rencana Aksi target for TW IV becomes a range; the PK's stays 100.
    pem_target = Target.objects.get(indicator__code="PEM-02", year=2026, quarter=4)
    pem_target.value, pem_target.low, pem_target.high = None, 90, 100
    pem_target.save()
    kes_target = Target.objects.get(indicator__code="KES-02", year=2026, quarter=4)  # 95, as the PK's: no note
    data = by_code(cycle)
    assert (data["PEM-02"].target_shown, data["PEM-02"].annual_note) == ("90–100", "PK 100")
    assert (data["KES-02"].target_shown, data["KES-02"].annual_note) == ("95", "")
    assert data["PEM-02"].year_capaian.value == 100  # 100 is inside 90–100
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()
    row = page[page.index('data-indicator="PEM-02"') :].split("</tr>")[0]
    assert "90–100" in row and "PK 100" in row
    (pem_02_line,) = [
        line for line in analysis_steps.grouping_tables(cycle, ["section"])[0].rows if line[0] == "PEM-02"
    ]
    assert pem_02_line[3] == "90–100"
    (kes_02_line,) = [
        line for line in analysis_steps.grouping_tables(cycle, ["section"])[0].rows if line[0] == "KES-02"
    ]
    assert kes_02_line[3] == kes_target.value  # a number stays a number for the spreadsheet


def test_the_analysis_reports_open_and_match_the_database(client, klego_data, cycle):
    client.force_login(klego_data.kasubag)
    pdf = client.get(reverse("kinerja:analysis", args=[cycle.pk]) + "?format=pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Daftar isi" in text and "1. Capaian per indikator" in text and "Halaman 2" in text
    assert "KECAMATAN KLEGO" in text and "PEL-02" in text and "106,25" in text  # (2 - 1,875/2) x 100, kept
    xlsx = client.get(reverse("kinerja:analysis", args=[cycle.pk]) + "?format=xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    quarter_sheet = workbook["Per triwulan"]
    assert quarter_sheet.freeze_panes == "C5"
    rows = {row[0]: row for row in quarter_sheet.iter_rows(min_row=5, values_only=True)}
    assert Decimal(str(rows["PEL-02"][10])) == Decimal("1.5")  # Realisasi TW III, to the last digit
    target = Target.objects.get(indicator__code="PEL-02", year=2026, quarter=3).value
    assert Decimal(str(rows["PEL-02"][9])) == target


def test_step_7_groups_the_data_as_chosen_and_closes_only_with_a_report(client, klego_data, cycle):
    (run,) = open_runs(cycle)
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, at=MONDAY)
    (grouping_run,) = open_runs(cycle)
    with pytest.raises(workflow.WorkflowError, match="laporan pengelompokan"):
        analysis_steps.finish_grouping(grouping_run, by=klego_data.kasubag, at=MONDAY)
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:grouping", args=[cycle.pk])
    client.post(url, {"action": "make", "groupings": ["objective", "section", "cascade"]})
    report = GroupingReport.objects.get()
    assert report.groupings == ["objective", "cascade", "section"]
    page = client.get(url).content.decode()
    assert page.count('data-testid="grouping-table"') == 3
    assert "oleh Agus Setiawan, S.E.</p>" in page  # the name's own full stop ends the sentence
    workbook = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    assert workbook.sheetnames == ["Per sasaran strategis", "Per IKU dan cascade-nya", "Per seksi"]
    reader = PdfReader(io.BytesIO(client.get(url + "?format=pdf").content))
    assert "Per seksi" in " ".join(p.extract_text() for p in reader.pages)
    client.post(url, {"action": "finish", "overdue_reason": "x"})
    assert open_runs(cycle)[0].step.number == 8


def test_the_analysis_page_query_count_is_the_same_for_10_and_500_indicators(client, klego_data):
    from kinerja.models import Indicator as I  # noqa: N817

    Indicator.objects.filter(code__startswith="IKU").update(active=False)
    cycle = to_step_6(klego_data, {"pem": DATA["pem"]})
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:analysis", args=[cycle.pk])
    small = count_queries(client, url)
    pem = klego_data.sections["pem"]
    I.objects.bulk_create(
        [
            I(organisation=klego_data.org, code=f"N-{i:03d}", name=f"Indikator {i}", unit="x", section=pem)
            for i in range(490)
        ]
    )
    Target.objects.bulk_create(
        [Target(indicator=i, year=2026, value=10) for i in I.objects.filter(code__startswith="N-")]
    )
    assert count_queries(client, url) == small


def test_the_pdf_draws_trends_with_one_measured_quarter_and_negative_capaian(klego_data, cycle):
    """Regression: reportlab cannot draw a one-point line, and negative bars ran off the chart."""
    from kinerja.reports import analysis_report

    analysis_steps.set_office_figure(
        cycle=cycle, indicator=Indicator.objects.get(code="IKU-04"), quarter=1, value=8, by=klego_data.kasubag
    )
    for quarter, value in ((1, 80), (2, -5)):  # a negative office figure of a higher-is-better IKU
        analysis_steps.set_office_figure(
            cycle=cycle,
            indicator=Indicator.objects.get(code="IKU-01"),
            quarter=quarter,
            value=value,
            by=klego_data.kasubag,
        )
    data = results.indicator_results(cycle)
    assert data and any(r.year_capaian.value is not None and r.year_capaian.value < 0 for r in data)
    pdf = analysis_report.render_analysis(cycle, data, results.differences(cycle, data), [])
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Tren capaian IKU per triwulan" in text and "IKU-01" in text


def seventy_more_indicators(cast) -> None:
    """N-000 … N-069 for Seksi Pemerintahan, each with a 2026 target of 10."""
    pem = cast.sections["pem"]
    Indicator.objects.bulk_create(
        [Indicator(organisation=cast.org, code=f"N-{i:03d}", name=f"Indikator {i}", unit="x", section=pem)
         for i in range(70)]
    )  # fmt: skip
    Target.objects.bulk_create(
        [Target(indicator=i, year=2026, value=10) for i in Indicator.objects.filter(code__startswith="N-")]
    )


def test_the_analysis_pdf_of_many_indicators_charts_every_one_on_pages_that_fit(klego_data):
    """Regression: one bar chart of 40 indicators was taller than a landscape page, and reportlab
    refused to lay the report out at all."""
    from kinerja.reports import analysis_report

    seventy_more_indicators(klego_data)
    rows = DATA["pem"] + [[f"N-{i:03d}", 10, 5, 6, 7, 8 + i % 5] for i in range(70)]
    cycle = to_step_6(klego_data, {"pem": rows})
    data = results.indicator_results(cycle)
    measured = [r for r in data if r.year_capaian.value is not None]
    assert len(measured) == 72
    shown, note = analysis_report.chart_selection(data)
    assert len(shown) == 30 and "30 dari 72 indikator" in note
    left_out = [r for r in measured if r not in shown]
    assert max(r.year_capaian.value for r in shown) <= min(r.year_capaian.value for r in left_out)
    charts = analysis_report.capaian_charts(data, 250 * mm)
    assert all(chart.wrap(0, 0)[1] < 450 for chart in charts[1:])
    pdf = analysis_report.render_analysis(cycle, data, results.differences(cycle, data), [])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(pages)
    assert "N-069" in text and "30 dari 72 indikator terukur" in text
    # The heading stands on the page of its chart (whose 100% line is labelled), never alone.
    (chart_page,) = [page for page in pages[1:] if "2. Grafik capaian terhadap 100%" in page]  # 1: contents
    assert "100%" in chart_page.split("2. Grafik capaian terhadap 100%", 1)[1]


def test_the_contents_give_the_page_each_part_begins_on_from_a_single_layout_pass(klego_data):
    """The analysis of 70 indicators runs over several pages; the contents (page 1) give each
    part's page, and the document is laid out once (the page numbers are written when the pages
    are known, not by laying everything out a second time)."""
    from unittest import mock

    from reportlab.platypus.doctemplate import BaseDocTemplate

    from kinerja.reports import analysis_report

    seventy_more_indicators(klego_data)
    cycle = to_step_6(klego_data, {"pem": DATA["pem"] + [[f"N-{i:03d}", 10, 5, 6, 7, 8] for i in range(70)]})
    data = results.indicator_results(cycle)
    with mock.patch.object(BaseDocTemplate, "build", autospec=True, side_effect=BaseDocTemplate.build) as laid_out:
        pdf = analysis_report.render_analysis(cycle, data, results.differences(cycle, data), [])
    assert laid_out.call_count == 1
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 5 and "Daftar isi" in pages[0]
    parts = ("1. Capaian per indikator", "2. Grafik capaian terhadap 100%", "3. Rekonsiliasi", "4. Narasi analisis")
    for part in parts:
        listed = re.search(rf"{re.escape(part)}[^0-9]* (\d+)", pages[0])
        assert listed, part
        page = int(listed.group(1))
        assert page > 1 and part in pages[page - 1] and not any(part in p for p in pages[1 : page - 1]), part


def test_up_to_sixty_measured_indicators_each_have_their_bar(klego_data, cycle):
    from kinerja.reports import analysis_report

    data = results.indicator_results(cycle)
    shown, note = analysis_report.chart_selection(data)
    assert note is None and len(shown) == len([r for r in data if r.year_capaian.value is not None])


def test_a_year_to_date_made_without_a_quarter_says_so_beside_the_figure(client, klego_data):
    """PEL-02 (average) with TW II empty: (2 + 1,5 + 2) / 3 = 1,8333…; PEM-01 (latest) with TW IV
    empty takes TW III's 12; KES-01 (summed, written s.d.) with TW IV empty has no s.d. TW IV."""
    data = {
        "pem": [["PEM-01", 13, 13, 13, 12, None], ["PEM-02", 100, 100, 92, 100, 100]],
        "kesos": [["KES-01", 16, 3, 7, 12, None], ["KES-02", 95, 25, 50, 75, 95]],
        "pelum": [["PEL-01", 95, 95, 96, 95, 97], ["PEL-02", 2, 2, None, "1,5", 2]],
    }
    cycle = start(klego_data, sections=[klego_data.sections[code] for code in data])
    advance(klego_data, cycle, 2)
    kind = DataKind.objects.get(code="realisasi")
    for code, rows in data.items():
        submissions.submit(
            cycle=cycle, section=klego_data.sections[code], kind=kind, data=workbook_bytes([HEADER, *rows]),
            filename=f"{code}.xlsx", by=klego_data.users[f"staf.{code}"], at=MONDAY,
        )  # fmt: skip
    found = by_code(cycle)
    assert found["PEL-02"].year_to_date.quantize(Decimal("0.0001")) == Decimal("1.8333")
    assert found["PEL-02"].to_date_note == "rata-rata dari 3 triwulan; TW II kosong"
    assert (found["PEM-01"].year_to_date, found["PEM-01"].to_date_note) == (12, "nilai TW III; TW IV kosong")
    assert found["KES-01"].year_to_date is None and not found["KES-01"].year_capaian.measurable
    assert found["KES-01"].to_date_note == "s.d. TW IV tidak dapat dihitung; TW IV kosong"
    assert found["PEL-01"].to_date_note == ""
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()
    assert "rata-rata dari 3 triwulan; TW II kosong" in page and "nilai TW III; TW IV kosong" in page
    (line,) = [row for row in analysis_steps.grouping_tables(cycle, ["section"])[0].rows if row[0] == "PEL-02"]
    assert line[-1] == "rata-rata dari 3 triwulan; TW II kosong"  # the Excel and PDF tables say it too


def test_only_children_in_the_iku_unit_are_reconciled_as_its_cascade_rule_says(klego_data, cycle):
    """IKU-01 (%) is fed by PEM-01 (desa) and PEM-02 (%). As an average, only PEM-02 is
    comparable: the office's 90 for TW I against PEM-02's 100 is a difference, PEM-01 is named as
    left out. Marked 'not comparable', IKU-01 is not reconciled at all."""
    iku = Indicator.objects.get(code="IKU-01")
    iku.cascade_rule = Indicator.CascadeRule.AVERAGE
    iku.save()
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=Decimal(90), by=klego_data.kasubag)
    (difference,) = results.differences(cycle)
    assert (difference.key, difference.first.value, difference.second.value) == ("cascade:IKU-01:1", 90, 100)
    assert difference.second.label == "rata-rata seksi: PEM-02 100" and difference.left_out == ["PEM-01 (desa)"]
    iku.cascade_rule = Indicator.CascadeRule.NONE
    iku.save()
    assert results.differences(cycle) == []


def test_a_child_whose_unit_is_the_ikus_written_another_way_is_reconciled(klego_data, cycle):
    """The upload's unit rule (importer.unit_key) holds for the cascade too: PEM-02 in "persen
    (%)" is in the unit of IKU-01 in "%", and PEM-01 in "Ds." is in desa, not a percentage."""
    iku = Indicator.objects.get(code="IKU-01")
    iku.cascade_rule = Indicator.CascadeRule.AVERAGE
    iku.save()
    Indicator.objects.filter(code="PEM-02").update(unit="persen (%)")
    Indicator.objects.filter(code="PEM-01").update(unit="Ds.")
    analysis_steps.set_office_figure(cycle=cycle, indicator=iku, quarter=1, value=Decimal(90), by=klego_data.kasubag)
    (difference,) = results.differences(cycle)
    assert difference.second.label == "rata-rata seksi: PEM-02 100" and difference.left_out == ["PEM-01 (Ds.)"]


def test_a_standing_explanation_is_carried_to_the_next_cycle_and_shown_as_such(client, klego_data):
    from kinerja.models import Cycle

    first = to_step_6(klego_data)
    iku = Indicator.objects.get(code="IKU-04")  # the sum of PMD-01 and KES-01 (s.d.)
    analysis_steps.set_office_figure(cycle=first, indicator=iku, quarter=1, value=Decimal(10), by=klego_data.kasubag)
    analysis_steps.explain(
        cycle=first, key="cascade:IKU-04:1", text="Kegiatan lintas seksi dihitung sekali", by=klego_data.kasubag,
        standing=True,
    )  # fmt: skip
    workflow.cancel_cycle(first, by=klego_data.camat, reason="uji", at=MONDAY)
    Cycle.objects.filter(pk=first.pk).update(started_at=MONDAY - datetime.timedelta(days=90))
    later = to_step_6(klego_data)
    for quarter in (1, 2):
        analysis_steps.set_office_figure(
            cycle=later, indicator=iku, quarter=quarter, value=Decimal(10 * quarter + 1), by=klego_data.kasubag
        )
    found = {d.key: d for d in results.differences(later)}
    assert set(found) == {"cascade:IKU-04:1", "cascade:IKU-04:2"}  # 11 vs 5 + 3; 21 vs 11 + 7
    assert all(d.resolved and d.carried for d in found.values())
    (run,) = open_runs(later)
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, at=MONDAY)  # nothing left to explain
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[later.pk])).content.decode()
    assert page.count('data-testid="standing"') == 2 and "Penjelasan tetap dari TW IV 2026" in page


def test_a_predicate_target_is_not_computed_and_says_why(klego_data, cycle):
    Target.objects.filter(indicator__code="PEM-02", year=2026, quarter=4).update(value=None, text="BB")
    pem = by_code(cycle)["PEM-02"]
    assert pem.target_shown == "BB" and not pem.year_capaian.measurable
    assert pem.year_capaian.reason == "target berupa predikat (BB): capaian tidak dihitung otomatis"
    assert pem.category == "Tidak dapat diukur" and pem.capaian[3].value == 100  # TW III's target is 100


def test_the_analysis_table_shows_each_figure_as_written_by_hand(client, klego_data, cycle):
    """PEL-02 (average, lower is better, target 2): 2, 2, 1,5 and 2, year to date 1,875 shown to two
    decimals as 1,88, capaian (2 - 1,875/2) x 100 = 106,25 %. PMD-01 (summed): the s.d. figures
    5, 11, 18, 22 with each quarter's own 5, 6, 7, 4 under them."""
    import re

    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()

    def cells(code):
        row = page[page.index(f'data-indicator="{code}"') :].split("</tr>")[0]
        return [re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1]).split() for cell in row.split("<td")[1:]]

    pel = cells("PEL-02")
    assert [cell[0] for cell in pel[4:8]] == ["2", "2", "1,50", "2"]
    assert pel[8][0] == "1,88" and pel[9] == ["106,25%"]
    pmd = cells("PMD-01")
    assert [cell[:4] for cell in pmd[4:8]] == [
        ["5", "TW", "itu:", "5"], ["11", "TW", "itu:", "6"], ["18", "TW", "itu:", "7"], ["22", "TW", "itu:", "4"],
    ]  # fmt: skip


def test_the_charts_place_bars_and_lines_where_the_values_say():
    """Capaian chart 390 points wide: the plot starts at x 60 and is 300 wide for 0–200 %, so
    100 % is a bar 150 wide and 250 % is drawn at the 200 % end (300). Trend chart 400 wide: the
    plot runs from x 40 over 200 points for TW I–IV and from y 25 over 110 points for -50…200 %,
    so 80 % at TW I is (40, 82.2), 250 % is clipped to 200 % (y 135), -80 % to -50 % (y 25); an
    indicator that is not an IKU, or has one measured quarter, has no line."""
    from types import SimpleNamespace

    from kinerja.measurement.analysis import Result
    from kinerja.reports import analysis_report

    def result(code, values, iku=True):
        capaian = {q: Result(None if v is None else Decimal(v)) for q, v in enumerate(values, 1)}
        year = Result(Decimal(values[-1]) if values[-1] is not None else None)
        return SimpleNamespace(indicator=SimpleNamespace(code=code, is_iku=iku), capaian=capaian, year_capaian=year)

    bars = analysis_report.capaian_chart([result("A", [100]), result("B", [250])], 390)
    rects = [shape for shape in bars.shapes if shape[0] == "rect"]
    assert [round(shape[3], 2) for shape in rects] == [150, 300] and rects[0][2] > rects[1][2]  # A above B
    assert ("text", 60 + 150 + 2, 20 + (12 * 2 + 40 - 35) + 3, "100%") == bars.shapes[-1][:4]

    trend = analysis_report.trend_chart(
        [result("IKU-01", [80, 90, 100, 110]), result("IKU-02", [250, -80, None, None]),
         result("IKU-03", [100, None, None, None]), result("PEM-01", [10, 20, 30, 40], iku=False)],
        400,
    )  # fmt: skip
    lines = [shape[1] for shape in trend.shapes if shape[0] == "polyline"]
    assert [[(round(x, 1), round(y, 1)) for x, y in line] for line in lines] == [
        [(40.0, 82.2), (106.7, 86.6), (173.3, 91.0), (240.0, 95.4)],
        [(40.0, 135.0), (106.7, 25.0)],
    ]
    assert [shape[3] for shape in trend.shapes if shape[0] == "text"][-2:] == ["IKU-01", "IKU-02"]
