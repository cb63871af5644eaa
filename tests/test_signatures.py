"""Signatures on the printed documents (issue 19, first part): the official who held the position
on the document's date signs it (Plt. for an acting holder), with the function as the office
writes it, pangkat/golongan and NIP; users keep their NIP (18 digits) and pangkat in their profile.
Names, NIPs and dates written by hand."""

import datetime

import pytest
from django.urls import reverse

from kinerja import signatures
from kinerja.models import Position, Role, User
from kinerja.reports import completeness_checklist, final_tables, receipt_checklist
from kinerja.steps import submissions

from .conftest import MONDAY, advance, open_runs, start, text_of_pdf

OCTOBER_31 = datetime.date(2026, 10, 31)


pdf_text = text_of_pdf


@pytest.fixture
def new_kasubag(klego):
    """Agus Setiawan hands the Kasubag's post to Budi Santoso (acting, Plt.) on 1 November 2026."""
    old = Position.objects.get(user=klego.kasubag, role=Role.KASUBAG)
    old.end_date = OCTOBER_31
    old.save()
    budi = User.objects.create(
        username="budi", first_name="Budi Santoso, S.E.", nip="198503152010011009", pangkat="Penata, III/c"
    )
    Position.objects.create(
        user=budi, organisation=klego.org, section=old.section, role=Role.KASUBAG, acting=True,
        title="Plt. Kasubag Perencanaan dan Pelaporan", start_date=datetime.date(2026, 11, 1),
    )  # fmt: skip
    return budi


def test_the_holder_on_the_documents_date_signs_it(klego, new_kasubag):
    before = signatures.signer(klego.org, Role.KASUBAG, OCTOBER_31)
    assert before == signatures.Signer(
        function="Kepala Subbagian Perencanaan dan Pelaporan", name="Agus Setiawan, S.E.",
        pangkat="Penata Tk. I, III/d", nip="198011172006041012",
    )  # fmt: skip
    after = signatures.signer(klego.org, Role.KASUBAG, datetime.date(2026, 11, 2), lead="Mengetahui,")
    assert after == signatures.Signer(
        function="Plt. Kepala Subbagian Perencanaan dan Pelaporan", name="Budi Santoso, S.E.",
        pangkat="Penata, III/c", nip="198503152010011009", lead="Mengetahui,",
    )  # fmt: skip
    assert signatures.signer(klego.org, Role.KEPALA, datetime.date(2026, 11, 2)).function == "Camat Klego"
    vacant = signatures.signer(klego.org, Role.KEPALA, datetime.date(2019, 1, 1))
    assert vacant.name == "" and vacant.function == "Camat Klego"


def test_the_receipt_checklist_is_signed_by_whoever_confirmed_it_that_day(klego_data, new_kasubag):
    cycle = start(klego_data, by=klego_data.camat)
    advance(klego_data, cycle, 4)
    (receipt,) = open_runs(cycle)
    submissions.confirm_receipt(receipt, by=new_kasubag, note="Berkas PMD menyusul aslinya", overdue_reason="uji",
                                at=MONDAY)  # fmt: skip
    kinds, rows = submissions.receipt_matrix(cycle)
    text = pdf_text(receipt_checklist.render(cycle, kinds, rows))
    assert "Catatan penerimaan: Berkas PMD menyusul aslinya" in text
    assert "Klego, 2 November 2026 Plt. Kepala Subbagian Perencanaan dan Pelaporan" in text
    assert "Budi Santoso, S.E. Penata, III/c NIP. 198503152010011009" in text
    assert "Agus Setiawan" not in text.split("Klego, 2 November 2026")[1]


def test_the_completeness_checklist_has_the_sekretaris_knowing_and_the_kasubag_making_it(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 6)
    from kinerja.models import CompletenessCheck

    checks = list(CompletenessCheck.objects.filter(run__cycle=cycle).select_related("section", "run", "checked_by"))
    text = pdf_text(completeness_checklist.render(cycle, checks))
    assert "Mengetahui, Sekretaris Kecamatan" in text
    assert "Klego, 2 November 2026" in text and "Kepala Subbagian Perencanaan dan Pelaporan" in text
    assert "Sri Lestari, S.Sos." in text and "NIP. 197203081998032004" in text and "Pembina, IV/a" in text
    assert "Agus Setiawan, S.E." in text and "NIP. 198011172006041012" in text


def test_the_filed_tables_are_known_by_the_camat(klego_data):
    from kinerja.models import PerformanceRecord
    from kinerja.steps import filing

    cycle = start(klego_data)
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    records = list(PerformanceRecord.objects.filter(cycle=cycle).order_by("code"))
    text = pdf_text(final_tables.render_records(cycle, records))
    assert "Mengetahui, Camat Klego" in text and "Drs. Haryanto Wibowo, M.Si." in text
    assert "NIP. 196805121994031007" in text


def test_a_user_keeps_an_eighteen_digit_nip_and_a_pangkat_in_the_profile(client, klego):
    client.force_login(klego.staf_pem)
    url = reverse("kinerja:profile")
    page = client.post(url, {"nip": "12345", "pangkat": "Pengatur, II/c"}).content.decode()
    assert "NIP terdiri atas 18 angka" in page
    assert User.objects.get(pk=klego.staf_pem.pk).nip == "199004022015032001"
    client.post(url, {"nip": "1990 0402 2015 0320 02", "pangkat": "Pengatur, II/c"})
    user = User.objects.get(pk=klego.staf_pem.pk)
    assert (user.nip, user.pangkat) == ("199004022015032002", "Pengatur, II/c")
    page = client.post(url, {"nip": "199004022015032002", "pangkat": "Pengatur\nII/c"}).content.decode()
    assert "Tulis dalam satu baris" in page


def test_the_analysis_report_is_dated_by_the_analysis_closing_and_signed(klego_data):
    from kinerja.measurement import results
    from kinerja.reports.analysis_report import analysis_document
    from kinerja.steps import analysis_steps

    from .test_analysis_steps import to_step_6

    cycle = to_step_6(klego_data)
    (run,) = open_runs(cycle)
    for difference in results.differences(cycle):
        analysis_steps.explain(cycle=cycle, key=difference.key, text="Angka seksi", by=klego_data.kasubag)
    analysis_steps.finish_analysis(run, by=klego_data.kasubag, overdue_reason="uji", at=MONDAY)
    text = pdf_text(analysis_document(cycle))
    assert "Mengetahui, Sekretaris Kecamatan" in text
    assert "Klego, 2 November 2026 Kepala Subbagian Perencanaan dan Pelaporan" in text
    assert "Agus Setiawan, S.E." in text and "NIP. 198011172006041012" in text


def test_the_disposition_sheet_is_signed_by_the_camat_of_the_first_dispositions_day(klego_data):
    from kinerja.reports import disposition_sheet

    cycle = start(klego_data)
    advance(klego_data, cycle, 2)  # the Camat disposed on Monday 2 November 2026
    text = pdf_text(disposition_sheet.render(cycle.letter))
    assert "Paraf" in text
    assert "Klego, 2 November 2026 Camat Klego" in text
    assert "Drs. Haryanto Wibowo, M.Si. Pembina Tk. I, IV/b NIP. 196805121994031007" in text
    assert "Sri Lestari" not in text.split("Klego, 2 November 2026")[1]  # she is on the sheet, not signing it


def test_a_sheet_of_a_day_the_camats_post_was_vacant_leaves_a_line_for_the_name(klego_data):
    from kinerja.reports import disposition_sheet

    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    Position.objects.filter(user=klego_data.camat).update(start_date=datetime.date(2026, 11, 3))
    text = pdf_text(disposition_sheet.render(cycle.letter))
    assert "Klego, 2 November 2026 Camat Klego" in text and "Haryanto" not in text.split("Klego, 2 November")[1]


def test_the_signers_of_a_document_are_read_in_one_query_and_as_each_would_be_alone(klego, new_kasubag):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = datetime.date(2026, 11, 2)
    roles = ((Role.SEKRETARIS, signatures.MENGETAHUI), (Role.KEPALA, signatures.MENGETAHUI), (Role.KASUBAG, ""))
    with CaptureQueriesContext(connection) as queries:
        together = signatures.signers(klego.org, day, *roles)
    assert len(queries) == 1
    assert together == [signatures.signer(klego.org, role, day, lead=lead) for role, lead in roles]
    assert together[2].name == "Budi Santoso, S.E." and together[2].function.startswith("Plt. ")
