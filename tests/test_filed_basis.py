"""An approved cycle is decided and a filed one is history: their pages, exports and PDFs, and
the filing itself, give the figures as they were approved and filed, computed with the master data
of the final approval (kept with it and with the archive), whatever the office changes later in its
indicators, targets or capaian categories; what came before this was kept is checked, never
guessed. The figures are tests/test_filed_figures.HAND, computed by hand."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kinerja.engine.workflow import WorkflowError
from kinerja.measurement import basis, results
from kinerja.models import (
    Amendment,
    CapaianCategory,
    CycleArchive,
    Indicator,
    PerformanceRecord,
    ReviewSnapshot,
    Section,
    Target,
)
from kinerja.steps import filing

from .conftest import MONDAY, open_runs
from .test_analysis_steps import to_step_6
from .test_filed_figures import HAND, NOT_MEASURED, approved, as_decimal, filed  # noqa: F401 (filed: a fixture)


def change_master_data(cast):
    """What an office may well do in the next quarter: a PK perubahan (TRA-01's targets 90 -> 45),
    rules corrected (PEM-02 lower is better; PEL-02 its latest quarter, not the average), its own categories, an
    indicator retired (KES-02) and a new one added."""
    admin = cast.admin
    for target in Target.objects.filter(indicator__code="TRA-01", year=2026):
        target.value = Decimal(45)
        target._history_user = admin
        target.save()
    for code, field, value in (("PEM-02", "polarity", "lower"), ("PEL-02", "aggregation", "latest"),
                               ("KES-02", "active", False)):  # fmt: skip
        indicator = Indicator.objects.get(code=code)
        setattr(indicator, field, value)
        indicator._history_user = admin
        indicator.save()
    CapaianCategory.objects.create(organisation=cast.org, lower_bound=Decimal(0), label="Kategori baru")
    Indicator.objects.create(
        organisation=cast.org, section=Section.objects.get(organisation=cast.org, code="pem"), code="BARU-01",
        name="Indikator baru", unit="%",
    )  # fmt: skip


def test_changing_master_data_changes_nothing_a_filed_cycle_shows(client, klego_data, filed):  # noqa: F811
    cycle, _archive = filed
    change_master_data(klego_data)
    expected = {**HAND, **dict.fromkeys(NOT_MEASURED)}
    shown = {r.indicator.code: as_decimal(r.year_capaian.rounded(2)) for r in results.indicator_results(cycle)}
    assert shown == expected  # KES-02 still there, BARU-01 not, TRA-01 102,22 (not 204,44)
    categories = {r.indicator.code: r.category for r in results.indicator_results(cycle)}
    assert "Kategori baru" not in categories.values()

    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:analysis", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert "102,22" in page and "204,44" not in page and "BARU-01" not in page
    book = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    exported = {}
    for sheet in book.worksheets:
        if sheet.title != "Per triwulan":
            for row in sheet.iter_rows(min_row=5, values_only=True):
                if row[0] in expected:
                    exported[row[0]] = as_decimal(row[5])
    assert exported == expected
    # The analysis PDF issued today, and the review and grouping pages, say the same.
    pdf = PdfReader(io.BytesIO(client.get(url, {"format": "pdf"}).content))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "102,22" in text[text.index("TRA-01") :][:400] and "204,44" not in text and "BARU-01" not in text
    kept = "dihitung dengan data induk (indikator, target, kategori capaian) yang disimpan saat pengarsipan"
    assert kept in client.get(url).content.decode()  # the pages say so
    for name in ("kinerja:review", "kinerja:grouping"):
        page = client.get(reverse(name, args=[cycle.pk])).content.decode()
        assert "204,44" not in page and "BARU-01" not in page and kept in page, name
    # The section's data page: what was read, beside the target it was measured against.
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "trantib"])).content.decode()
    row = page[page.index("TRA-01", page.index('id="terbaca"')) :][:1500]
    assert "data induk: 90" in row and "data induk: 45" not in row


def test_the_section_page_of_a_filed_cycle_lists_the_indicators_it_was_filed_with_and_their_evidence(
    client,
    klego_data,
    filed,  # noqa: F811
):
    """KES-02 retired after filing and BARU-01 added (to Seksi Pemerintahan): the filed cycle's
    section pages still list KES-02 with the evidence attached to it, and never BARU-01."""
    from kinerja.models import Evidence

    cycle, _archive = filed
    Evidence.objects.create(
        cycle=cycle, section=klego_data.sections["kesos"], indicator=Indicator.objects.get(code="KES-02"),
        url="https://contoh.id/dtks-tw4.pdf", uploaded_by=klego_data.staf_kesos,
    )  # fmt: skip
    change_master_data(klego_data)
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "kesos"])).content.decode()
    evidence = page[page.index('data-testid="evidence"') :].split("</table>")[0]
    assert "KES-02" in evidence and "https://contoh.id/dtks-tw4.pdf" in evidence
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    evidence = page[page.index('data-testid="evidence"') :].split("</table>")[0]
    assert "PEM-01" in evidence and "BARU-01" not in evidence


def test_the_archive_carries_the_master_data_its_figures_were_computed_with(klego_data, filed):  # noqa: F811
    """Taken out of the application, the archive still says which targets and rules its figures
    used: TRA-01's PK 90 (45 since), PEM-02 higher is better (lower since), PEL-02 averaged (its
    latest quarter since), KES-02 (retired since); never the indicator added after filing."""
    import zipfile

    cycle, archive = filed
    change_master_data(klego_data)
    with zipfile.ZipFile(io.BytesIO(archive.file.file.open("rb").read())) as bundle:
        data = bundle.read(filing.MASTER_DATA)
        listed = {item["path"] for item in json.loads(bundle.read("manifest.json"))}
    assert filing.MASTER_DATA in listed  # with its SHA-256, like every other file
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["TRA-01"]["Target tahunan"] == 90
    assert (rows["PEM-02"]["Polaritas"], rows["PEL-02"]["Cara menjumlah"]) == ("tinggi", "rata-rata")
    assert rows["PEL-02"]["Polaritas"] == "rendah" and "KES-02" in rows and "BARU-01" not in rows
    assert len(rows) == 14  # the demo's 14 indicators, as approved


def test_a_running_cycle_is_computed_with_todays_master_data(client, klego_data):
    """Only the final approval keeps the master data: before it, a corrected target counts at once."""
    cycle = to_step_6(klego_data)
    change_master_data(klego_data)
    shown = {r.indicator.code: as_decimal(r.year_capaian.rounded(2)) for r in results.indicator_results(cycle)}
    assert shown["TRA-01"] == Decimal("204.44")  # 92 / 45
    assert "BARU-01" in shown and "KES-02" not in shown
    client.force_login(klego_data.kasubag)
    assert 'data-testid="kept-basis"' not in client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()


def test_a_cycle_filed_before_its_master_data_were_kept_is_shown_only_while_they_give_its_figures(
    client,
    klego_data,
    filed,  # noqa: F811
):
    cycle, archive = filed
    # As approved and filed by the version before, which kept no master data.
    CycleArchive.objects.filter(pk=archive.pk).update(basis=None)
    ReviewSnapshot.objects.filter(run__cycle=cycle).update(basis=None)
    client.force_login(klego_data.kasubag)
    url = reverse("kinerja:analysis", args=[cycle.pk])
    page = client.get(url)
    assert page.status_code == 200 and "102,22" in page.content.decode()  # today's rows give the filed figures
    target = Target.objects.get(indicator__code="TRA-01", year=2026, quarter=4)
    target.value = Decimal(45)
    target._history_user = klego_data.admin
    target.save()
    sentence = "bila dihitung ulang dengan data induk sekarang berbeda dari yang diarsipkan"
    for query in ({}, {"format": "xlsx"}, {"format": "pdf"}):
        response = client.get(url, query)
        assert response.status_code == 409, query
        text = response.content.decode()
        assert sentence in text and "untuk TRA-01:" in text and "204,44" not in text
    # Where the sentence sends the reader answers: the cycle's archive and the data base.
    for name, args in (("kinerja:filing", [cycle.pk]), ("kinerja:database", [])):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    with pytest.raises(basis.NotAsFiled, match="untuk TRA-01: target, cara hitung atau kategori"):
        results.indicator_results(cycle)


def test_what_the_camat_approved_is_what_is_filed_even_if_master_data_change_in_between(client, klego_data):
    cycle = approved(klego_data)
    change_master_data(klego_data)
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:analysis", args=[cycle.pk])).content.decode()
    assert "102,22" in page and "204,44" not in page and "yang disimpan saat persetujuan akhir" in page
    expected = {**HAND, **dict.fromkeys(NOT_MEASURED)}
    (run,) = open_runs(cycle)
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    assert {r.code: r.capaian for r in PerformanceRecord.objects.filter(cycle=cycle)} == expected
    assert not PerformanceRecord.objects.filter(cycle=cycle, code="BARU-01").exists()


def test_an_approval_that_kept_no_master_data_is_filed_only_while_they_give_its_figures(klego_data):
    cycle = approved(klego_data)
    ReviewSnapshot.objects.filter(run__cycle=cycle).update(basis=None)  # approved by the version before
    target = Target.objects.get(indicator__code="TRA-01", year=2026, quarter=4)
    target.value = Decimal(45)
    target.save()
    (run,) = open_runs(cycle)
    with pytest.raises(WorkflowError, match=r"disetujui Camat \(Kepala\) pada 02-11-2026 08:00 untuk TRA-01: data"):
        filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    assert not PerformanceRecord.objects.filter(cycle=cycle).exists() and run.closed_at is None
    target.value = Decimal(90)  # as when it was approved
    target.save()
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    assert PerformanceRecord.objects.get(cycle=cycle, code="TRA-01").capaian == Decimal("102.22")


def test_an_amendment_takes_its_category_from_the_categories_the_cycle_was_filed_with(klego_data, filed):  # noqa: F811
    cycle, _archive = filed
    CapaianCategory.objects.create(organisation=klego_data.org, lower_bound=Decimal(0), label="Kategori baru")
    record = PerformanceRecord.objects.get(cycle=cycle, code="TRA-01")
    filing.amend(record, by=klego_data.kasubag, field="capaian", raw="70", reason="Salah hitung", approver="Camat")
    category = Amendment.objects.get(record=record, field="category")
    assert (category.old_text, category.new_text) == ("Sangat tinggi", "Sedang")  # 66 <= 70 < 76, by default


def test_an_amendment_is_recomputed_with_the_rules_the_cycle_was_filed_with(klego_data, filed):  # noqa: F811
    """After filing, PEM-02 became lower is better and PEL-02 its latest quarter (change_master_data).
    A correction of the filed TW IV is recomputed the way the cycle measured, by hand:
    - PEM-02 (higher is better, latest; PK 100): TW IV 100 -> 80: realisation 80, 80 / 100 = 80 %
      (today's rule would give (2 - 80/100) x 100 = 120 %).
    - PEL-02 (lower is better, average; target 2; 2, 2, 1,5, 2): TW IV 2 -> 1: average 1,625,
      (2 - 1,625/2) x 100 = 118,75 % (today's "latest" would take 1: 150 %)."""
    cycle, _archive = filed
    change_master_data(klego_data)

    def amended(code, field, raw):
        record = PerformanceRecord.objects.get(cycle=cycle, code=code)
        filing.amend(record, by=klego_data.kasubag, field=field, raw=raw, reason="Salah ketik", approver="Camat")
        record = filing.with_amendments(PerformanceRecord.objects.filter(pk=record.pk)).get()
        return filing.current_value(record, "realisation"), filing.current_value(record, "capaian")

    assert amended("PEM-02", "real_q4", "80") == (Decimal("80"), Decimal("80.00"))
    assert amended("PEL-02", "real_q4", "1") == (Decimal("1.625"), Decimal("118.75"))


def test_the_check_of_an_old_filing_tells_a_zero_from_nothing(klego_data, filed):  # noqa: F811
    """IKU-02 was filed without a figure (no office figure entered): computed today as 0, it differs."""
    cycle, _archive = filed
    computed = {r.indicator.pk: results.filed_figures(r) for r in results.indicator_results(cycle)}
    basis.check_against_records(cycle, computed)  # today's figures are the filed ones: nothing said
    iku_02 = Indicator.objects.get(code="IKU-02").pk
    assert computed[iku_02]["real_q4"] is None
    computed[iku_02]["real_q4"] = Decimal(0)
    with pytest.raises(basis.NotAsFiled, match="untuk IKU-02:"):
        basis.check_against_records(cycle, computed)
