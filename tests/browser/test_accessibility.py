"""WCAG 2 A/AA checks with axe-core in Chromium on the pages people use most, in the states this
session changed: a section's data page with a refused version to confirm, missing realisations
and 'tidak ada data' marks; the indicator form; the analysis page with summed indicators; the
cycle page and the inbox. axe-core comes from npm (.ci/run installs it into .ci/node_modules);
where it is missing the test is skipped, saying so."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from kinerja.models import DataKind, Indicator
from kinerja.steps import submissions

from ..conftest import advance, start, workbook_bytes
from ..test_analysis_steps import to_step_6
from ..test_filing import filed  # noqa: F401  (fixture: a cycle filed as the performance database)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(os.environ.get("AXE_CORE", Path(__file__).resolve().parents[2] / ".ci/node_modules/axe-core/axe.min.js"))
RUN = """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations.map(
    v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary).join(' | '))"""


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE}: npm install --prefix .ci axe-core@4.14.1 (CI installs it)")
    source = AXE.read_text()

    def violations(page) -> list[str]:
        page.evaluate(
            source + "\n;1"
        )  # evaluated through the browser's protocol: the page's CSP allows no inline script
        return page.evaluate(RUN)

    return violations


def test_the_section_page_in_every_state_of_step_2_passes_axe(klego_data, login, live_server, axe):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    header = ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
    section = klego_data.sections["pem"]
    for rows in ([["PEM-01", 13, 13, 13, 13], ["PEM-02", 100, 100, 100, None]],
                 [["PEM-01", 13, 13, 13, 140], ["PEM-02", 100, 100, 100, None]]):  # fmt: skip
        submissions.submit(
            cycle=cycle, section=section, kind=DataKind.objects.get(code="realisasi"),
            data=workbook_bytes([header, *rows]), filename="pem.xlsx", by=klego_data.staf_pem,
        )  # fmt: skip
    page = login("staf.pem")
    url = f"{live_server.url}{reverse('kinerja:section_data', args=[cycle.pk, 'pem'])}"
    page.goto(url)
    assert page.locator("[data-testid=hand-in-blocked]").count() == 1
    assert axe(page) == []
    submissions.mark_no_data(
        cycle=cycle, section=section, indicator=Indicator.objects.get(code="PEM-02"), reason="Belum ditetapkan",
        by=klego_data.staf_pem,
    )  # fmt: skip
    page.goto(url)
    assert axe(page) == []
    page.goto(f"{live_server.url}/")
    assert axe(page) == []


def test_the_analysis_cycle_and_indicator_pages_pass_axe(klego_data, login, live_server, axe):
    cycle = to_step_6(klego_data)
    page = login("kasubag")
    for url in (
        reverse("kinerja:analysis", args=[cycle.pk]),
        reverse("kinerja:cycle_detail", args=[cycle.pk]),
        reverse("kinerja:indicator_edit", args=[Indicator.objects.get(code="KES-01").pk]),
    ):
        page.goto(f"{live_server.url}{url}")
        assert axe(page) == [], url


def test_the_data_base_page_and_a_filed_cycles_analysis_pass_axe(klego_data, filed, login, live_server, axe):  # noqa: F811
    from kinerja.models import PerformanceRecord

    cycle, _archive, _expected = filed
    record = PerformanceRecord.objects.get(cycle=cycle, code="PEM-01")
    page = login("kasubag")
    base = f"{live_server.url}{reverse('kinerja:database')}"
    page.goto(base)
    assert page.locator("[data-testid=comparison]").count() == 0  # one year filed: nothing to compare
    assert axe(page) == []
    page.goto(f"{base}?amandemen={record.pk}")
    assert page.locator("[data-testid=amend-form]").count() == 1
    assert axe(page) == []
    # The filing page with its manifest (short digests, the whole on demand), the review page of
    # the decided rounds and the letter: as office staff read them.
    for name, args in (("kinerja:filing", [cycle.pk]), ("kinerja:review", [cycle.pk]),
                       ("kinerja:letter_detail", [cycle.letter_id])):  # fmt: skip
        page.goto(f"{live_server.url}{reverse(name, args=args)}")
        page.evaluate("document.querySelectorAll('details').forEach(element => { element.open = true; })")
        assert axe(page) == [], name
    # The analysis page of the filed cycle: its narratives as text, no longer as disabled forms.
    page.goto(f"{live_server.url}{reverse('kinerja:analysis', args=[cycle.pk])}")
    assert page.locator("[data-testid=narrative]").count() == 0
    assert page.locator("[data-testid=narrative-read]").count() >= 1
    assert axe(page) == []
    # Filed before its master data were kept, a target changed since: the sentence instead (409).
    from decimal import Decimal

    from kinerja.models import CycleArchive, ReviewSnapshot, Target

    CycleArchive.objects.filter(cycle=cycle).update(basis=None)
    ReviewSnapshot.objects.filter(run__cycle=cycle).update(basis=None)
    for target in Target.objects.filter(indicator__code="PEM-01", year=cycle.year):
        target.value = Decimal(1)
        target.save()  # with its history row: the kept page parts are made anew
    response = page.goto(f"{live_server.url}{reverse('kinerja:analysis', args=[cycle.pk])}")
    assert response.status == 409 and "PEM-01" in page.locator("main").inner_text()
    assert axe(page) == []


def test_the_review_forms_note_rows_are_labelled_on_a_phone_and_pass_axe(klego_data, login, live_server, axe):
    """Issue 18: on a phone the review page's note rows were 16 controls without a visible label.
    Each row is now a fieldset "Catatan n" with a visible label on each of its four controls."""
    cycle = advance(klego_data, to_step_6(klego_data), 8)  # the Sekretaris's review is open
    page = login("sekcam")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{reverse('kinerja:review', args=[cycle.pk])}")
    rows = page.locator("[data-testid=note-row]")
    assert rows.count() == 4
    assert rows.nth(1).locator("legend").inner_text() == "Catatan 2"
    for label in ("Indikator", "Tentang", "Triwulan", "Catatan revisi"):
        assert rows.nth(1).locator("label", has_text=label).first.is_visible(), label
    assert rows.nth(1).get_by_label("Catatan revisi").count() == 1  # each label names its control
    assert axe(page) == []


def test_the_pages_of_acting_for_a_section_notices_and_return_notes_pass_axe(klego_data, login, live_server, axe):
    """Issue 18's pages: the section page as the Kasubag acting for it (reason fields), the
    notices page with unread and read notices, the analysis page under a review's return notes and
    the completeness page with an information item, on a desktop and on a phone."""
    from kinerja.steps import review

    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 8)
    (run,) = [r for r in cycle.runs.filter(closed_at__isnull=True)]
    review.review(run, by=klego_data.sekcam, outcome="revisi_analisis", notes=[review.NoteInput("Periksa IKU-01")],
                  overdue_reason="uji")  # fmt: skip
    other = start(klego_data, quarter=3)
    advance(klego_data, other, 2)
    page = login("kasubag")
    urls = [
        reverse("kinerja:section_data", args=[other.pk, "pem"]),
        reverse("kinerja:notices"),
        reverse("kinerja:analysis", args=[cycle.pk]),
        reverse("kinerja:profile"),
    ]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            assert axe(page) == [], (width, url)
    page.goto(f"{live_server.url}{reverse('kinerja:analysis', args=[cycle.pk])}")
    assert page.locator("[data-testid=return-notes]").count() == 1
    page.goto(f"{live_server.url}{reverse('kinerja:notices')}")
    assert page.locator("[data-testid=notice-list] li").count() >= 1


def test_the_budget_baseline_documents_and_verification_pages_pass_axe(klego_data, filed, login, live_server, axe):  # noqa: F811
    from kinerja import baseline, budget
    from kinerja.models import IssuedDocument

    from ..test_budget import budget_file

    cycle, _archive, _expected = filed
    budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    baseline.import_baseline(
        workbook_bytes([["Kode", "Tahun", "Target", "Realisasi"], ["IKU-01", 2025, 80, 76]]),
        organisation=klego_data.org, by=klego_data.kasubag,
    )  # fmt: skip
    page = login("kasubag")
    pages = [("kinerja:budget", "?tahun=2026"), ("kinerja:budget_create", "?tahun=2026"), ("kinerja:baseline", ""),
             ("kinerja:documents", ""), ("kinerja:lkjip_texts", "?tahun=2026")]  # fmt: skip
    for name, query in pages:
        page.goto(f"{live_server.url}{reverse(name)}{query}")
        assert axe(page) == [], name
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}{reverse('kinerja:budget')}?tahun=2026")
    assert axe(page) == [], "budget at 375 px"
    code = IssuedDocument.objects.filter(cycle=cycle).first().code
    evaluator = page.context.browser.new_page()
    evaluator.goto(f"{live_server.url}/verifikasi/{code}/")
    assert axe(evaluator) == [], "verification page"
    evaluator.set_input_files("#berkas", {"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"})
    evaluator.click("button:has-text('Periksa')")
    assert "Tidak cocok." in evaluator.inner_text("[data-testid=result]")
    assert axe(evaluator) == [], "verification result"
    evaluator.close()


def test_the_kabupaten_pages_pass_axe_on_a_desk_and_a_phone(klego_data, filed, login, live_server, axe):  # noqa: F811
    """As the kabupaten's coordinator: the cycles of the kecamatan (one running late), the capaian
    across kecamatan (Klego's filed cycle and a second kecamatan) and the step times."""
    from kinerja import demo

    from ..test_kabupaten import filed as filed_record
    from ..test_kabupaten import kecamatan

    demo.ensure_kabupaten(klego_data.org)
    klego_data.org.refresh_from_db()
    start(klego_data, quarter=3)
    filed_record(kecamatan(klego_data.org.kabupaten, "Andong"), "IKU-01", "87.5", quarter=4)
    for mobile in (False, True):
        page = login("koordinator.kab", mobile=mobile)
        for name in ("kinerja:kabupaten", "kinerja:kabupaten_capaian", "kinerja:kabupaten_steps"):
            page.goto(f"{live_server.url}{reverse(name)}")
            assert page.locator("h1").count() == 1
            assert axe(page) == [], (name, mobile)
        page.goto(f"{live_server.url}{reverse('kinerja:kabupaten_capaian')}?periode=2026-4&urut=capaian")
        assert page.locator("[data-testid=capaian-iku]").count() >= 1
        assert axe(page) == [], ("sorted capaian", mobile)


def test_the_document_request_page_passes_axe_and_follows_its_request(klego_data, login, live_server, axe):
    from django.utils import timezone

    from kinerja import uploads
    from kinerja.models import DocumentJob, IssuedDocument

    stored = uploads.store_bytes(
        b"PK\x03\x04 uji", organisation=klego_data.org, by=klego_data.kasubag, original_name="lkjip-klego-2026.docx",
        content_type="application/octet-stream", history=False,
    )  # fmt: skip
    jobs = {
        status: DocumentJob.objects.create(
            organisation=klego_data.org,
            kind=IssuedDocument.Kind.LKJIP,
            fmt="docx",
            title="LKjIP 2026 (DOCX)",
            requested_by=klego_data.kasubag,
            requested_at=timezone.now(),
            status=status,
            result=stored if status == DocumentJob.Status.READY else None,
            error="Belum ada data kinerja 2026 yang diarsipkan." if status == DocumentJob.Status.FAILED else "",
        )  # fmt: skip
        for status in (DocumentJob.Status.BUILDING, DocumentJob.Status.READY, DocumentJob.Status.FAILED)
    }
    page = login("kasubag")
    for status, job in jobs.items():
        page.goto(f"{live_server.url}{reverse('kinerja:document_job', args=[job.pk])}")
        assert page.inner_text("[data-testid=job-status]") == job.get_status_display()
        assert axe(page) == [], status
    # The page follows the request by itself (its script asks every 2 seconds): made ready meanwhile,
    # it offers the file without the user reloading.
    waiting = jobs[DocumentJob.Status.BUILDING]
    page.goto(f"{live_server.url}{reverse('kinerja:document_job', args=[waiting.pk])}")
    assert page.locator("[data-testid=job-download]").count() == 0
    DocumentJob.objects.filter(pk=waiting.pk).update(status=DocumentJob.Status.READY, result=stored)
    page.wait_for_selector("[data-testid=job-download]", timeout=10_000)
    assert page.inner_text("[data-testid=job-status]") == "Siap diunduh"


def test_the_filing_page_follows_a_filing_on_the_worker_and_passes_axe(klego_data, login, live_server, axe):
    from django.utils import timezone

    from kinerja.models import FilingJob

    from ..conftest import open_runs

    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    assert open_runs(cycle)[0].step.number == 10
    job = FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.kasubag, requested_at=timezone.now(), status=FilingJob.Status.BUILDING
    )
    url = f"{live_server.url}{reverse('kinerja:filing', args=[cycle.pk])}"
    for mobile in (False, True):
        page = login("kasubag", mobile=mobile)
        page.goto(url)
        assert page.inner_text("[data-testid=job-status]") == "Sedang dibuat"
        assert page.locator("[data-testid=file-database]").count() == 0
        assert axe(page) == [], ("waiting", mobile)
    # The worker fails meanwhile: the page reloads by itself, says why and offers the form again.
    FilingJob.objects.filter(pk=job.pk).update(
        status=FilingJob.Status.FAILED, error="Langkah 10 tidak sedang terbuka. Tidak ada yang diarsipkan."
    )
    page.wait_for_selector("[data-testid=filing-failed]", timeout=10_000)
    assert "Tidak ada yang diarsipkan" in page.inner_text("[data-testid=filing-failed]")
    assert page.locator("[data-testid=file-database]").count() == 1
    assert axe(page) == [], "failed"
