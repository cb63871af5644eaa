"""Step 10 and the performance database: filing, the locked records and their amendments, the
archive and its manifest (tamper detected), the print bundle in order, the exports and the
dashboard."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kinerja.engine import workflow
from kinerja.models import Cycle, CycleArchive, Indicator, PerformanceRecord
from kinerja.steps import filing

from .conftest import MONDAY, advance, open_runs, start, workbook_bytes
from .test_analysis_steps import to_step_6

# The demo master data: every indicator of Klego is filed, the IKU and the sections' cascade.
FILED_CODES = {
    "IKU-01", "IKU-02", "IKU-03", "IKU-04", "PEM-01", "PEM-02", "TRA-01", "TRA-02", "PMD-01", "PMD-02",
    "KES-01", "KES-02", "PEL-01", "PEL-02",
}  # fmt: skip


@pytest.fixture
def filed(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    archive = filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    return cycle, archive, FILED_CODES


def test_filing_keeps_every_indicator_and_ends_the_cycle(klego_data, filed):
    cycle, archive, expected = filed
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DONE
    records = {r.code: r for r in PerformanceRecord.objects.filter(cycle=cycle)}
    assert set(records) == set(expected)
    pel = records["PEL-02"]
    assert pel.realisation == Decimal("1.875")  # the average of 2, 2, 1.5 and 2
    assert pel.capaian == Decimal("106.25") and pel.target == 2 and pel.quarter == 4


def test_after_filing_no_edit_path_exists_but_the_amendment(client, klego_data, filed):
    cycle, archive, _expected = filed
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    record.realisation = Decimal(1)
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()
    model_admin = site._registry[PerformanceRecord]
    request = type("R", (), {"user": klego_data.admin})()
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
    run = cycle.runs.get(step__number=10)
    with pytest.raises(workflow.WorkflowError):
        filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    assert PerformanceRecord.objects.get(pk=record.pk).realisation == 13
    # The amendment: a reason and an approver; the original stays visible.
    client.force_login(klego_data.kasubag)
    data = {
        "field": "realisation",
        "new_value": "12,5",
        "reason": "Salah ketik LPPDes",
        "approver": "Drs. Haryanto Wibowo, Camat",
    }
    client.post(reverse("kinerja:amend_record", args=[record.pk]), data)
    record = PerformanceRecord.objects.get(pk=record.pk)
    assert record.realisation == 13 and filing.current_value(record, "realisation") == Decimal("12.5")
    amendment = record.amendments.get(field="realisation")
    assert (amendment.old_value, amendment.approver, amendment.created_by) == (
        13,
        "Drs. Haryanto Wibowo, Camat",
        klego_data.kasubag,
    )
    # The capaian follows: 12,5 / 13 = 96,15 % (still "Sangat tinggi", so the category stays).
    (derived,) = record.amendments.exclude(pk=amendment.pk)
    assert (derived.field, derived.old_value, derived.new_value, derived.derived_from) == (
        "capaian", Decimal("100"), Decimal("96.15"), amendment,
    )  # fmt: skip
    page = client.get(reverse("kinerja:database") + "?indikator=PEM-01").content.decode()
    assert "13 → 12,5" in page and "Salah ketik LPPDes" in page


@pytest.mark.parametrize("username", ["staf.pem", "sekcam"])
def test_only_the_kasubag_or_the_camat_amend(client, klego_data, filed, username):
    cycle, _archive, _expected = filed
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    with pytest.raises(workflow.NotAllowed):
        filing.amend(record, by=klego_data.users[username], field="realisation", raw="1", reason="x", approver="y")
    with pytest.raises(workflow.WorkflowError, match="alasan dan nama pejabat"):
        filing.amend(record, by=klego_data.camat, field="realisation", raw="1", reason=" ", approver="y")


def test_the_archive_matches_its_manifest_and_a_tampered_one_is_detected(klego_data, filed):
    cycle, archive, _expected = filed
    assert filing.verify(archive) == []
    data = archive.file.file.open("rb").read()
    zipped = zipfile.ZipFile(io.BytesIO(data))
    paths = {item["path"] for item in archive.manifest}
    assert paths | {"manifest.json"} == set(zipped.namelist())
    assert any(p.startswith("asli/seksi/pem/realisasi-v1") for p in paths)
    assert "laporan/01-lembar-disposisi.pdf" in paths and "laporan/07-tabel-data-base-kinerja.xlsx" in paths
    assert json.loads(zipped.read("manifest.json")) == archive.manifest
    assert all(item["made_by"] and item["made_at"] for item in archive.manifest)
    # Change one report inside the zip: the verification names it.
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for name in zipped.namelist():
            content = zipped.read(name)
            if name == "laporan/04-laporan-analisa.pdf":
                content = content + b"% diubah"
            out.writestr(name, content)
    problems = filing.verify(archive, data=tampered.getvalue())
    assert "laporan/04-laporan-analisa.pdf: isinya berubah (SHA-256 tidak cocok)." in problems
    assert any("Checksum berkas arsip" in p for p in problems)


def test_the_print_bundle_has_the_pages_in_the_sops_order(klego_data, filed):
    _cycle, archive, _expected = filed
    reader = PdfReader(io.BytesIO(archive.bundle.file.open("rb").read()))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages][2:]  # after the cover and contents
    order = ["LEMBAR DISPOSISI", "CEKLIST PENERIMAAN", "CEK LIST KELENGKAPAN", "Laporan analisa data kinerja",
             "Laporan hasil pengolahan dan pengelompokan", "CATATAN PEMERIKSAAN", "DATA BASE KINERJA"]  # fmt: skip
    first_pages = [next(i for i, t in enumerate(texts) if marker in t) for marker in order]
    assert first_pages == sorted(first_pages)


def test_the_filing_page_offers_downloads_and_verification(client, klego_data, filed):
    cycle, archive, _expected = filed
    client.force_login(klego_data.camat)
    response = client.post(reverse("kinerja:filing", args=[cycle.pk]), {"action": "verify"}, follow=True)
    assert f"Arsip utuh: {len(archive.manifest)} berkas cocok" in response.content.decode()
    zip_response = client.get(reverse("kinerja:archive_download", args=[cycle.pk, "zip"]))
    assert zip_response["Content-Type"] == "application/zip" and zip_response["Content-Disposition"].startswith(
        "attachment;"
    )
    client.force_login(klego_data.staf_pem)
    assert client.get(reverse("kinerja:archive_download", args=[cycle.pk, "zip"])).status_code == 403


def test_lkjip_tables_and_pk_draft_export_the_database_values(client, klego_data, filed):
    from django.utils import timezone

    from kinerja.models import Narrative

    cycle, _archive, _expected = filed
    Indicator.objects.filter(code="PEL-02").update(renstra_target=Decimal(2))
    objective = Indicator.objects.get(code="PEL-02").objective
    Narrative.objects.create(
        cycle=cycle, objective=objective, analysis="Waktu layanan turun berkat antrean daring.",
        causes="Aplikasi antrean", updated_by=klego_data.kasubag, updated_at=timezone.now(),
    )  # fmt: skip
    last_year = Cycle.objects.get(pk=cycle.pk)
    last_year.pk, last_year.year, last_year.quarter = None, 2025, None
    last_year.save()
    before = PerformanceRecord.objects.get(cycle=cycle, code="PEL-02")
    before.pk, before.cycle, before.year, before.quarter = None, last_year, 2025, None
    before.realisation, before.capaian = Decimal("1.9"), Decimal("105")
    before.save()
    client.force_login(klego_data.kasubag)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("kinerja:exports", args=["lkjip.xlsx"]) + "?tahun=2026").content)
    )
    values, notes = {}, []
    for sheet in workbook.worksheets:
        assert sheet.column_dimensions["A"].width < sheet.column_dimensions["B"].width  # code narrow, name wide
        for row in sheet.iter_rows(min_row=5, values_only=True):
            if row[0] and row[0][:3] in ("IKU", "PEM", "TRA", "PMD", "KES", "PEL"):
                values[row[0]] = row
            elif row[0]:
                notes.append((row[0], row[1]))
    # PEL-02 (average, lower is better): realisation 1,875 against 2: (2 - 1,875/2) x 100 = 106,25;
    # against the Renstra's 2: 1,875 / 2 = 93,75 %.
    assert values["PEL-02"][3] == "TW IV 2026"
    assert Decimal(str(values["PEL-02"][5])) == Decimal("1.875")
    assert Decimal(str(values["PEL-02"][6])) == Decimal("106.25")
    assert values["PEL-02"][11] == 2 and Decimal(str(values["PEL-02"][12])) == Decimal("93.75")
    assert (Decimal(str(values["PEL-02"][7])), values["PEL-02"][8]) == (Decimal("1.9"), 105)  # 2025's realisation
    assert ("Analisis capaian", "Waktu layanan turun berkat antrean daring.") in notes
    assert ("Penyebab", "Aplikasi antrean") in notes
    pdf = client.get(reverse("kinerja:exports", args=["lkjip.pdf"]) + "?tahun=2026")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    # Only TW IV is filed for 2026: the title must not call quarter figures the year's.
    assert "TABEL BAB III LKjIP TAHUN 2026 (DATA S.D. TW IV 2026)" in text
    assert "periode terakhir yang diarsipkan: TW IV 2026" in text
    assert workbook.worksheets[0]["A1"].value.endswith("tahun 2026 (data s.d. TW IV 2026)")
    assert "Analisis capaian. Waktu layanan turun berkat antrean daring." in text
    draft = load_workbook(
        io.BytesIO(client.get(reverse("kinerja:exports", args=["pk.xlsx"]) + "?tahun=2026").content)
    ).active
    rows = {row[1]: row for row in draft.iter_rows(min_row=5, values_only=True) if row[1]}
    assert rows["PEM-01"][4] == 13 and rows["PEM-01"][5] == "target 2026 (sesuaikan)"


def test_the_database_is_searchable_and_the_dashboard_shows_the_year(client, klego_data, filed):
    client.force_login(klego_data.camat)
    page = client.get(reverse("kinerja:database") + "?tahun=2026&seksi=Seksi Pemerintahan").content.decode()
    assert "PEM-01" in page and "TRA-01" not in page
    page = client.get(reverse("kinerja:database") + "?sasaran=SS3").content.decode()
    assert "PMD-01" in page and "PEM-01" not in page
    page = client.get(reverse("kinerja:database") + "?tahun=2025").content.decode()
    assert "PEM-01" not in page  # filed for 2026 only
    # A value that is not of its kind filters nothing and is shown back empty, not as typed.
    page = client.get(reverse("kinerja:database") + "?tahun=dua&triwulan=9").content.decode()
    assert "PEM-01" in page and "PMD-01" in page and 'value="dua"' not in page
    page = client.get(reverse("kinerja:dashboard")).content.decode()
    assert "Capaian rata-rata IKU 2026 per sasaran" in page and "<svg" in page and "Selesai" in page
    assert CycleArchive.objects.count() == 1


def test_the_dashboard_reads_amended_capaian_and_its_query_count_does_not_grow(client, klego_data, filed):
    from kinerja import charts

    from .conftest import count_queries, start

    client.force_login(klego_data.camat)
    url = reverse("kinerja:dashboard")
    few = count_queries(client, url)
    record = PerformanceRecord.objects.filter(code="PEM-01", quarter__isnull=True).first() or (
        PerformanceRecord.objects.filter(code="PEM-01").first()
    )
    filing.amend(record, by=klego_data.kasubag, field="capaian", raw="10", reason="uji", approver="x")
    for quarter in (1, 2, 3):
        start(klego_data, quarter=quarter)
    assert count_queries(client, url) == few
    groups = filing.capaian_groups(klego_data.org, record.year)
    assert Decimal("10") in groups.cascade_by_section[record.section]
    bars = {bar.label: bar for bar in charts.average_bars(groups.cascade_by_section)}
    page = client.get(url).content.decode()
    shown = str(bars[record.section].value).replace(".", ",")  # Indonesian decimal comma
    assert f"{shown}%" in page and page.count('data-testid="dashboard-cycles"') == 1


def test_an_indicator_with_only_an_annual_target_is_filed_with_the_target_its_capaian_used(klego_data):
    """Regression: the capaian was measured against the annual target (no TW IV target set),
    but the filed record showed no target at all."""
    from kinerja.models import Target

    Target.objects.filter(indicator__code="PEM-02", year=2026, quarter__isnull=False).delete()
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-02")
    annual = Target.objects.get(indicator__code="PEM-02", year=2026, quarter__isnull=True).value
    assert record.target == annual and record.capaian is not None


def test_a_range_target_is_filed_as_written_and_shown_with_its_record(client, klego_data):
    """Regression: a range target (Target.low/high) was filed as no target at all."""
    from kinerja.models import Target

    target = Target.objects.get(indicator__code="PEM-02", year=2026, quarter=4)
    target.value, target.low, target.high = None, 90, 100
    target.save()
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-02")
    assert (record.target, record.target_text, record.capaian) == (None, "90–100", Decimal("100.00"))
    assert PerformanceRecord.objects.get(cycle=cycle, code="PEM-01").target_text == ""
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:database"), {"indikator": "PEM-02"}).content.decode()
    assert "90–100" in page
    workbook = load_workbook(io.BytesIO(client.get(reverse("kinerja:database"), {"format": "xlsx"}).content))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert "90–100" in values
    lkjip = [row for table in filing.lkjip_tables(klego_data.org, 2026) for row in table.rows]
    assert any(row[0] == "PEM-02" and row[4] == "90–100" for row in lkjip)


def test_the_dashboard_shows_the_latest_filed_year_in_january_and_any_year_asked(
    client, klego_data, filed, monkeypatch
):
    import datetime

    from django.utils import timezone

    client.force_login(klego_data.camat)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2027, 1, 5) if not a else real(*a))
    page = client.get(reverse("kinerja:database") + "?tahun=2025").content.decode()
    assert "PEM-01" not in page  # filed for 2026 only
    # A value that is not of its kind filters nothing and is shown back empty, not as typed.
    page = client.get(reverse("kinerja:database") + "?tahun=dua&triwulan=9").content.decode()
    assert "PEM-01" in page and "PMD-01" in page and 'value="dua"' not in page
    page = client.get(reverse("kinerja:dashboard")).content.decode()
    assert "Capaian rata-rata IKU 2026 per sasaran" in page  # 2027 has nothing filed yet
    page = client.get(reverse("kinerja:dashboard"), {"tahun": "2025"}).content.decode()
    assert "Capaian rata-rata IKU 2025 per sasaran" in page and "Belum ada IKU yang diarsipkan" in page
    page = client.get(reverse("kinerja:dashboard"), {"tahun": "tahun lalu"}).content.decode()
    assert "Capaian rata-rata IKU 2026 per sasaran" in page


def test_the_archive_is_streamed_so_memory_does_not_grow_with_the_uploads(klego_data, monkeypatch):
    """Ten 5 MB evidence files (50 MB, incompressible) go into the archive while Python's own
    allocations stay far below their size: each file is copied in 1 MB chunks to a temporary file
    (the old archive was built whole in memory: 30 uploads of 9.9 MB made a 297 MB worker peak)."""
    import os
    import tracemalloc

    from kinerja import uploads
    from kinerja.models import Evidence, Indicator

    cycle = to_step_6(klego_data)
    indicator = Indicator.objects.get(code="PEM-01")
    for number in range(10):
        stored = uploads.store_bytes(
            os.urandom(5 * 1024 * 1024), organisation=klego_data.org, by=klego_data.staf_pem,
            original_name=f"bukti-{number}.pdf", content_type="application/pdf",
        )  # fmt: skip
        Evidence.objects.create(cycle=cycle, section=klego_data.sections["pem"], indicator=indicator, file=stored,
                                uploaded_by=klego_data.staf_pem)  # fmt: skip
    advance(klego_data, cycle, 10)
    tracemalloc.start()
    archive = filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert archive.file.size > 50 * 1024 * 1024
    assert peak < 25 * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"
    assert filing.verify(archive) == []
    assert sum(item["path"].startswith("asli/bukti/pem/PEM-01-") for item in archive.manifest) == 10


def test_versions_and_evidence_files_are_capped_with_a_sentence(klego_data, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kinerja.models import DataKind, Indicator
    from kinerja.steps import submissions

    from .factories import pdf_bytes

    monkeypatch.setattr(submissions, "MAX_VERSIONS", 2)
    monkeypatch.setattr(submissions, "MAX_EVIDENCE_FILES", 1)
    cycle = start(klego_data, sections=[klego_data.sections["pem"]])
    advance(klego_data, cycle, 2)
    kind, section, staff = DataKind.objects.get(code="realisasi"), klego_data.sections["pem"], klego_data.staf_pem
    data = workbook_bytes([["Kode", "Realisasi TW I"], ["PEM-01", 13]])
    for _ in range(2):
        submissions.submit(cycle=cycle, section=section, kind=kind, data=data, filename="a.xlsx", by=staff, at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="sudah mengunggah 2 versi"):
        submissions.submit(cycle=cycle, section=section, kind=kind, data=data, filename="a.xlsx", by=staff, at=MONDAY)
    indicator = Indicator.objects.get(code="PEM-01")
    evidence = dict(cycle=cycle, section=section, indicator=indicator, by=staff)
    submissions.add_evidence(**evidence, upload=SimpleUploadedFile("a.pdf", pdf_bytes()))
    with pytest.raises(workflow.WorkflowError, match="sudah memiliki 1 berkas bukti"):
        submissions.add_evidence(**evidence, upload=SimpleUploadedFile("b.pdf", pdf_bytes()))
    submissions.add_evidence(**evidence, url="https://klego.example.id/bukti")  # a link is always possible


def test_the_database_page_shows_its_rows_a_page_at_a_time_keeping_the_filters(client, klego_data, filed, monkeypatch):
    from kinerja.views import filing as filing_views

    monkeypatch.setattr(filing_views, "PAGE_SIZE", 5)  # 14 filed rows: pages of 5, 5 and 4
    client.force_login(klego_data.camat)
    url = reverse("kinerja:database")

    def rows(page: str) -> int:
        return page.split('data-testid="records"')[1].split("</table>")[0].count("<tr>") - 1  # minus the heading

    first = client.get(url, {"tahun": "2026"}).content.decode()
    assert rows(first) == 5
    assert "Halaman 1 dari 3 (14 baris)" in first and 'href="?tahun=2026&amp;halaman=2"' in first
    last = client.get(url, {"tahun": "2026", "halaman": "3"}).content.decode()
    assert "Halaman 3 dari 3 (14 baris)" in last and "Berikutnya" not in last
    assert rows(last) == 4
    beyond = client.get(url, {"halaman": "99"}).content.decode()  # past the end: the last page
    assert "Halaman 3 dari 3" in beyond
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx", "halaman": "2"}).content))
    assert sum(1 for row in workbook.active.iter_rows(min_row=5, values_only=True) if row[1]) == 14  # all of them


def test_the_database_export_names_its_selection_and_each_records_period(client, klego_data, filed):
    """The filed TW IV 2026 cycle plus an annual record of PEM-01: with 'Semua' the two PEM-01
    lines are told apart by their period column; the title says what was selected."""
    cycle, _archive, _expected = filed
    annual = Cycle.objects.get(pk=cycle.pk)
    annual.pk, annual.quarter = None, None  # an annual cycle of the same year, filed too
    annual.save()
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    record.pk, record.cycle, record.quarter = None, annual, None
    record.save()
    client.force_login(klego_data.kasubag)

    def export(**query):
        data = client.get(reverse("kinerja:database"), {"format": "xlsx", **query}).content
        sheet = load_workbook(io.BytesIO(data)).active
        rows = list(sheet.iter_rows(values_only=True))
        return rows[0][0], rows[3], [row for row in rows[4:] if row[1] == "PEM-01"]

    title, headers, pem = export()
    assert title == "Data base kinerja Kecamatan Klego · semua tahun"
    assert headers[:3] == ("Periode", "Kode", "Indikator")
    assert sorted(row[0] for row in pem) == ["TW IV 2026", "Tahun 2026"]
    title, _headers, pem = export(tahun="2026", triwulan="4")
    assert title == "Data base kinerja Kecamatan Klego · tahun 2026 · TW IV"
    assert [row[0] for row in pem] == ["TW IV 2026"]
    title, _headers, pem = export(tahun="2026", triwulan="tahunan")
    assert title.endswith("· tahun 2026 · tahunan") and [row[0] for row in pem] == ["Tahun 2026"]


def test_the_dashboard_counts_each_indicator_once_from_its_latest_period_and_keeps_iku_apart(client, klego_data, filed):
    """PEM-01 filed for TW IV with capaian 100 and again for the year with 40: the year's record
    is its latest, so Seksi Pemerintahan's cascade average is (40 + PEM-02's) / 2, never three
    records; IKU-01 is in the objective's IKU chart, not in any section's."""
    cycle, _archive, _expected = filed
    annual = Cycle.objects.get(pk=cycle.pk)
    annual.pk, annual.quarter = None, None
    annual.save()
    pem01 = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    pem02 = PerformanceRecord.objects.get(cycle=cycle, code="PEM-02")
    pem01.pk, pem01.cycle, pem01.quarter, pem01.capaian = None, annual, None, Decimal("40")
    pem01.save()
    groups = filing.capaian_groups(klego_data.org, 2026)
    assert sorted(groups.cascade_by_section["Seksi Pemerintahan"]) == sorted([Decimal("40"), pem02.capaian])
    assert all("IKU" not in label for label in groups.cascade_by_section)
    iku = PerformanceRecord.objects.get(cycle=cycle, code="IKU-01")
    assert all(iku.capaian not in values or label == iku.objective for label, values in groups.iku_by_objective.items())
    # 14 indicators: PEM-01 from the year; of the other 13, the four IKU have no office figure in
    # this cycle and so no capaian to average: 9 from TW IV.
    assert groups.periods == "Tahun 2026 (1 indikator), TW IV 2026 (9 indikator)"
    client.force_login(klego_data.camat)
    page = client.get(reverse("kinerja:dashboard")).content.decode()
    assert "dari periode terakhir yang diarsipkan: Tahun 2026 (1 indikator), TW IV 2026 (9 indikator)" in page


def test_an_amendment_holds_a_range_or_a_predicate_target_and_a_quarters_correction_and_recomputes(
    client, klego_data, filed
):
    """Filed TW IV (tests/test_analysis_steps.DATA), by hand:
    - PEM-01 13 of 13 (100 %): target amended to 15–16, so 13 is below the range: 13 / 15 = 86,67 %,
      "Tinggi"; then to BB: no capaian ("Tidak dapat diukur").
    - KES-01 (summed, s.d.) 16 of 16: TW IV's s.d. amended to 12: realisation 12, 12 / 16 = 75 %, "Sedang".
    - PEL-02 (average, lower is better) 2, 2, 1,5, 2: TW III amended to 2: average 2, (2 - 2/2) x 100 = 100 %.
    The originals stay on the record; each recomputed figure names the amendment it follows."""
    cycle, _archive, _expected = filed
    kasubag = klego_data.kasubag

    def record(code):
        return filing.with_amendments(PerformanceRecord.objects.filter(cycle=cycle, code=code)).get()

    def current(code, *fields):
        found = record(code)
        return tuple(filing.current_value(found, field) for field in fields)

    pem = record("PEM-01")
    first = filing.amend(pem, by=kasubag, field="target", raw="15–16", reason="PK perubahan", approver="Camat")
    assert (first.old_value, first.new_value, first.new_text) == (13, None, "15–16")
    assert current("PEM-01", "target", "capaian", "category") == ("15–16", Decimal("86.67"), "Tinggi")
    assert [a.derived_from_id for a in record("PEM-01").amendments.exclude(pk=first.pk)] == [first.pk, first.pk]
    filing.amend(record("PEM-01"), by=kasubag, field="target", raw="BB", reason="Predikat", approver="Camat")
    assert current("PEM-01", "target", "capaian", "category") == ("BB", None, "Tidak dapat diukur")
    assert record("PEM-01").target == 13 and record("PEM-01").capaian == 100  # the filed record never changes

    filing.amend(record("KES-01"), by=kasubag, field="real_q4", raw="12", reason="Dobel hitung", approver="Camat")
    assert current("KES-01", "real_q4", "realisation", "capaian", "category") == (12, 12, Decimal("75.00"), "Sedang")

    filing.amend(record("PEL-02"), by=kasubag, field="real_q3", raw="2", reason="Salah ketik", approver="Camat")
    assert current("PEL-02", "realisation", "capaian") == (2, Decimal("100.00"))

    with pytest.raises(workflow.WorkflowError, match="kategori mengikuti capaian"):
        filing.amend(record("PEL-02"), by=kasubag, field="category", raw="1", reason="x", approver="y")
    with pytest.raises(workflow.WorkflowError, match="terbalik"):
        filing.amend(record("PEL-02"), by=kasubag, field="target", raw="3-2", reason="x", approver="y")

    client.force_login(kasubag)
    page = client.get(reverse("kinerja:database"), {"indikator": "PEM-01"}).content.decode()
    assert "Target: 13 → 15–16" in page and "Target: 15–16 → BB" in page and "Tidak dapat diukur" in page
    assert "Dihitung ulang setelah amandemen Target: PK perubahan" in page


def test_the_archive_holds_byte_for_byte_the_analysis_report_the_camat_approved(client, klego_data, filed):
    """Each review decision keeps the analysis report it decided on; filing archives the approving
    one unchanged, and the review page shows its SHA-256, which the manifest repeats."""
    import hashlib

    from kinerja.models import ReviewSnapshot

    cycle, archive, _expected = filed
    approved = ReviewSnapshot.objects.get(run__cycle=cycle, run__step__number=9, run__outcome="disetujui")
    kept = approved.document.file.open("rb").read()
    assert hashlib.sha256(kept).hexdigest() == approved.document.sha256
    with zipfile.ZipFile(io.BytesIO(archive.file.file.open("rb").read())) as bundle:
        assert bundle.read("laporan/04-laporan-analisa.pdf") == kept
    (item,) = [i for i in archive.manifest if i["path"] == "laporan/04-laporan-analisa.pdf"]
    assert item["sha256"] == approved.document.sha256
    assert ReviewSnapshot.objects.filter(run__cycle=cycle, document__isnull=False).count() == 2  # steps 8 and 9
    client.force_login(klego_data.camat)
    page = client.get(reverse("kinerja:review", args=[cycle.pk])).content.decode()
    digest = approved.document.sha256
    # The short form, the whole digest on demand, and which document was archived as it is.
    assert f'<summary>SHA-256 <code>{digest[:12]}…</code></summary><code class="text-break">{digest}</code>' in page
    assert f"{digest}</code></details> (diarsipkan apa adanya)" in page


def test_the_comparison_between_years_takes_each_years_latest_period_after_amendments(client, klego_data, filed):
    """PEM-01: TW II 2025 at 60 %, TW III 2025 at 70 % (renamed since), TW IV 2026 at 100 % and the
    year 2026 at 40 %, whose target is then amended to 26: 13 / 26 = 50 %. The comparison shows
    70 for 2025 (TW III after TW II) and 50 for 2026 (the year's own record, after its
    amendment), under 2026's name; KES-01 was filed in 2026 only (16 of 16, 100 %)."""
    cycle, _archive, _expected = filed

    def copy(code, *, year, quarter, capaian, name=None):
        period = Cycle.objects.get(pk=cycle.pk)
        period.pk, period.year, period.quarter = None, year, quarter
        period.save()
        record = PerformanceRecord.objects.get(cycle=cycle, code=code)
        record.pk, record.cycle, record.year, record.quarter = None, period, year, quarter
        record.capaian, record.name = Decimal(capaian), name or record.name
        record.save()
        return record

    copy("PEM-01", year=2025, quarter=2, capaian="60", name="Nama lama")
    copy("PEM-01", year=2025, quarter=3, capaian="70", name="Nama lama")
    annual = copy("PEM-01", year=2026, quarter=None, capaian="40")
    filing.amend(
        filing.with_amendments(PerformanceRecord.objects.filter(pk=annual.pk)).get(),
        by=klego_data.kasubag, field="target", raw="26", reason="PK perubahan", approver="Camat",
    )  # fmt: skip
    comparison = filing.capaian_by_year(PerformanceRecord.objects.filter(organisation=klego_data.org))
    rows = {code: (name, values) for code, name, values in comparison.rows}
    assert comparison.years == [2025, 2026]
    assert rows["PEM-01"][1] == [Decimal("70"), Decimal("50.00")]
    assert rows["PEM-01"][0] == annual.name != "Nama lama"
    assert rows["KES-01"][1] == [None, Decimal("100")]
    client.force_login(klego_data.camat)
    page = client.get(reverse("kinerja:database")).content.decode()
    table = page.split('data-testid="comparison"')[1].split("</table>")[0]
    assert f'<td>PEM-01</td><td>{annual.name}</td><td class="text-end">70</td><td class="text-end">50</td>' in table


def test_an_amendment_is_asked_for_one_row_at_a_time_and_only_by_those_who_may(client, klego_data, filed):
    """Each row links to the one amendment form, which names the record and its values; the form
    posts to that record. A section's staff (who may not amend) get neither link nor form, even
    by typing the address; a record of another kecamatan is never offered."""
    cycle, _archive, _expected = filed
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    url = reverse("kinerja:database")
    client.force_login(klego_data.kasubag)
    page = client.get(url, {"indikator": "PEM-01"}).content.decode()
    assert f'href="?indikator=PEM-01&amp;halaman=1&amp;amandemen={record.pk}#amandemen"' in page
    assert "<td>2026 TW IV<span" in page and "TW 4" not in page  # quarters as the office writes them
    assert 'data-testid="amend-form"' not in page
    page = client.get(url, {"indikator": "PEM-01", "amandemen": record.pk}).content.decode()
    form = page.split('data-testid="amend-form"')[1].split("</section>")[0]
    assert "Amandemen PEM-01 · 2026 TW IV" in form and "target 13, realisasi 13" in form
    assert f'action="{reverse("kinerja:amend_record", args=[record.pk])}"' in form
    for junk in ("abc", "0", "99999999"):
        assert 'data-testid="amend-form"' not in client.get(url, {"amandemen": junk}).content.decode()
    client.force_login(klego_data.staf_pem)
    page = client.get(url, {"amandemen": record.pk}).content.decode()
    assert "Ajukan amandemen" not in page and 'data-testid="amend-form"' not in page


def test_the_archive_manifest_shows_times_and_digests_as_office_staff_read_them(client, klego_data, filed):
    """The manifest keeps ISO 8601 times and whole SHA-256 digests; the filing page shows each time
    as dd-mm-yyyy hh:mm in Asia/Jakarta and each digest short, with the whole value on demand."""
    from kinerja.wording import moment

    cycle, archive, _expected = filed
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:filing", args=[cycle.pk])).content.decode()
    manifest = page.split("<summary>Manifes</summary>")[1].split("</table>")[0]
    (item,) = [i for i in archive.manifest if i["path"] == "laporan/07-tabel-data-base-kinerja.xlsx"]
    assert item["made_at"] == "2026-11-02T08:00:00+07:00" and item["made_at"] not in manifest  # filed on MONDAY
    row = manifest.split("laporan/07-tabel-data-base-kinerja.xlsx")[1].split("</tr>")[0]
    assert "<td>02-11-2026 08:00</td>" in row
    assert f"<code>{item['sha256'][:12]}…</code>" in manifest and f">{item['sha256']}</code>" in manifest
    assert moment("2026-11-02T01:00:00+00:00") == "02-11-2026 08:00"  # UTC into Asia/Jakarta, by hand
    assert moment("bukan waktu") == "bukan waktu" and moment(None) == ""
