"""The office acting for a section (issue 18): the Kasubag or the Sekretaris uploads a section's
workbook and hands it in on its behalf, always with a reason, and every page, checklist and the
archive name both people; the Kasubag submits for the sub-division he heads as its own; a section
whose data came back hands in again only with something new or a stated reason."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kinerja.engine import workflow
from kinerja.models import DataKind, ReceiptConfirmation, StepRun, Submission, TransitionLog
from kinerja.selectors import inbox
from kinerja.steps import completeness, filing, submissions

from .conftest import (
    MONDAY,
    accept_data,
    advance,
    check_completeness,
    filled_template,
    open_runs,
    start,
    text_of_pdf,
    workbook_bytes,
)
from .test_views_data import GOOD, upload

WHATSAPP = "Berkas dikirim seksi lewat WhatsApp"
LEAVE = "Staf seksi sedang cuti"


@pytest.fixture
def cycle(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def pem_run(cycle):
    return StepRun.objects.get(cycle=cycle, step__number=2, section__code="pem", closed_at__isnull=True)


def pdf_text(response) -> str:
    return text_of_pdf(response.content)


def test_the_kasubag_uploads_and_hands_in_for_a_section_and_every_place_names_both(client, klego_data, cycle):
    client.force_login(klego_data.kasubag)
    response = client.post(
        reverse("kinerja:section_upload", args=[cycle.pk, "pem"]),
        {"kind": "realisasi", "on_behalf": WHATSAPP, "file": _file(GOOD["pem"])},
        follow=True,
    )
    page = response.content.decode()
    assert "Versi 1 diterima: 2 indikator terbaca" in page
    submission = Submission.objects.get()
    assert (submission.uploaded_by, submission.on_behalf_reason) == (klego_data.kasubag, WHATSAPP)
    assert "diunggah oleh Agus Setiawan, S.E. atas nama Seksi Pemerintahan" in page
    assert f"Alasan diunggah atas nama seksi: {WHATSAPP}" in page

    hand_in_url = reverse("kinerja:section_hand_in", args=[cycle.pk, "pem"])
    page = client.post(hand_in_url, {"overdue_reason": "uji"}, follow=True).content.decode()
    assert "Anda menyerahkan atas nama Seksi Pemerintahan: tuliskan alasannya" in page
    assert pem_run(cycle).closed_at is None
    client.post(hand_in_url, {"overdue_reason": "uji", "on_behalf": LEAVE}, follow=True)
    run = StepRun.objects.get(cycle=cycle, step__number=2, section__code="pem")
    assert (run.closed_by, run.on_behalf_reason) == (klego_data.kasubag, LEAVE)
    log = TransitionLog.objects.get(run=run)
    assert log.note == "Atas nama Seksi Pemerintahan: Staf seksi sedang cuti. uji."

    for code in ("trantib", "pmd", "kesos", "pelum"):
        accept_data(cycle, klego_data.sections[code])
        submissions.hand_in(
            StepRun.objects.get(cycle=cycle, section__code=code, closed_at__isnull=True),
            by=klego_data.users[f"staf.{code}"], overdue_reason="uji",
        )  # fmt: skip
    page = client.get(reverse("kinerja:receipt", args=[cycle.pk])).content.decode()
    assert "Agus Setiawan, S.E. atas nama Seksi Pemerintahan" in page and f"alasan: {WHATSAPP}" in page
    text = pdf_text(client.get(reverse("kinerja:receipt", args=[cycle.pk]) + "?format=pdf"))
    assert f"Agus Setiawan, S.E. atas nama Seksi Pemerintahan (alasan: {WHATSAPP})" in text

    (receipt,) = open_runs(cycle)
    submissions.confirm_receipt(receipt, by=klego_data.kasubag, overdue_reason="uji")
    snapshot = ReceiptConfirmation.objects.get().matrix
    pem = next(row for row in snapshot if row["section"] == "Seksi Pemerintahan")
    assert pem["cells"][0]["by"] == "Agus Setiawan, S.E. atas nama Seksi Pemerintahan"
    assert pem["cells"][0]["on_behalf"] == WHATSAPP

    checks = {c.code: c for c in completeness.automatic_checks(cycle, klego_data.sections["pem"])}
    assert checks["atas_nama"].info and checks["atas_nama"].details == [
        f"versi 1 diunggah oleh Agus Setiawan, S.E. atas nama Seksi Pemerintahan: {WHATSAPP}",
        f"diserahkan oleh Agus Setiawan, S.E. atas nama Seksi Pemerintahan: {LEAVE}",
    ]
    others = completeness.automatic_checks(cycle, klego_data.sections["trantib"])
    assert "atas_nama" not in {c.code for c in others}
    page = client.get(reverse("kinerja:completeness", args=[cycle.pk])).content.decode()
    assert f"diserahkan oleh Agus Setiawan, S.E. atas nama Seksi Pemerintahan: {LEAVE}" in page

    (entry,) = [e for e in filing.original_entries(cycle) if e.path.startswith("asli/seksi/pem/")]
    assert entry.made_by == "Agus Setiawan, S.E. atas nama Seksi Pemerintahan"
    (own,) = [e for e in filing.original_entries(cycle) if e.path.startswith("asli/seksi/trantib/")]
    assert own.made_by == "Joko Prasetyo"


def _file(rows):
    return SimpleUploadedFile("data.xlsx", workbook_bytes(rows))


def test_the_sekretaris_may_act_for_a_section_but_the_camat_and_other_sections_may_not(client, klego_data, cycle):
    realisasi = DataKind.objects.get(code="realisasi")
    pem = klego_data.sections["pem"]
    data = filled_template(cycle, pem, realisasi)
    for user in (klego_data.camat, klego_data.staf_trantib, klego_data.admin):
        with pytest.raises(workflow.NotAllowed, match="Hanya staf Seksi Pemerintahan"):
            submissions.submit(cycle=cycle, section=pem, kind=realisasi, data=data, filename="x.xlsx", by=user,
                               on_behalf=WHATSAPP)  # fmt: skip
    client.force_login(klego_data.camat)
    client.post(reverse("kinerja:section_upload", args=[cycle.pk, "pem"]),
                {"kind": "realisasi", "on_behalf": WHATSAPP, "file": _file(GOOD["pem"])})  # fmt: skip
    client.force_login(klego_data.staf_trantib)
    response = client.post(reverse("kinerja:section_upload", args=[cycle.pk, "pem"]),
                           {"kind": "realisasi", "on_behalf": WHATSAPP, "file": _file(GOOD["pem"])})  # fmt: skip
    assert response.status_code == 403
    assert not Submission.objects.exists()

    outcome = submissions.submit(cycle=cycle, section=pem, kind=realisasi, data=data, filename="x.xlsx",
                                 by=klego_data.sekcam, on_behalf=WHATSAPP)  # fmt: skip
    assert outcome.submission.uploader == "Sri Lestari, S.Sos. atas nama Seksi Pemerintahan"
    with pytest.raises(workflow.NotAllowed):
        submissions.hand_in(pem_run(cycle), by=klego_data.camat, overdue_reason="uji", on_behalf=LEAVE)
    submissions.hand_in(pem_run(cycle), by=klego_data.sekcam, overdue_reason="uji", on_behalf=LEAVE)
    assert StepRun.objects.get(cycle=cycle, section=pem, step__number=2).closed_by == klego_data.sekcam


def test_the_sections_own_upload_keeps_no_reason_even_when_one_is_sent(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    client.post(reverse("kinerja:section_upload", args=[cycle.pk, "pem"]),
                {"kind": "realisasi", "on_behalf": "tidak perlu", "file": _file(GOOD["pem"])})  # fmt: skip
    submission = Submission.objects.get()
    assert submission.on_behalf_reason == "" and submission.uploader == "Dwi Rahmawati"
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    assert 'data-testid="on-behalf"' not in page and 'name="on_behalf"' not in page


def test_the_kasubag_submits_for_the_subdivision_he_heads_as_its_own(klego_data):
    perencanaan, pem = klego_data.sections["perencanaan"], klego_data.sections["pem"]
    cycle = start(klego_data, sections=[perencanaan, pem])
    advance(klego_data, cycle, 2)
    run = StepRun.objects.get(cycle=cycle, section=perencanaan, closed_at__isnull=True)
    assert run in [item.run for item in inbox(klego_data.kasubag, MONDAY)]
    realisasi = DataKind.objects.get(code="realisasi")
    outcome = submissions.submit(
        cycle=cycle, section=perencanaan, kind=realisasi, data=filled_template(cycle, perencanaan, realisasi),
        filename="perencanaan.xlsx", by=klego_data.kasubag, at=MONDAY,
    )  # fmt: skip
    assert outcome.result.ok and outcome.submission.row_count == 4  # IKU-01 to IKU-04
    assert (outcome.submission.on_behalf_reason, outcome.submission.uploader) == ("", "Agus Setiawan, S.E.")
    submissions.hand_in(run, by=klego_data.kasubag, overdue_reason="uji")
    run.refresh_from_db()
    assert run.closed_by == klego_data.kasubag and run.on_behalf_reason == ""
    # Seksi staff never act for the sub-division.
    assert run not in [item.run for item in inbox(klego_data.staf_pem, MONDAY)]


def test_the_cycle_form_offers_every_unit_that_owes_data(client, klego_data):
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:letter_create")).content.decode()
    for name in ("Subbagian Perencanaan dan Pelaporan", "Subbagian Umum dan Kepegawaian", "Seksi Pemerintahan"):
        assert name in page
    assert "Pimpinan Kecamatan" not in page


# After "tidak lengkap": something new, or "tidak ada perubahan" with a reason ----------------------


@pytest.fixture
def returned(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 5)
    (check,) = open_runs(cycle)
    # The Kasubag checks two hours after the data came in (an upload at the moment a round
    # opens counts as new in that round).
    check_completeness(klego_data, check, incomplete=("pem",), when=MONDAY + datetime.timedelta(hours=2))
    return cycle


def test_a_returned_section_cannot_hand_in_again_without_a_change_or_a_reason(client, klego_data, returned):
    run = pem_run(returned)
    assert run.round == 2
    with pytest.raises(workflow.WorkflowError, match="belum ada unggahan baru sejak itu"):
        submissions.hand_in(run, by=klego_data.staf_pem, overdue_reason="uji")
    assert pem_run(returned).closed_at is None
    client.force_login(klego_data.staf_pem)
    page = client.get(reverse("kinerja:section_data", args=[returned.pk, "pem"])).content.decode()
    assert 'name="unchanged"' in page and "serahkan data seksi tanpa perubahan" in page

    reason = "Angka TW IV sudah sesuai register; berita acara menyusul"
    client.post(reverse("kinerja:section_hand_in", args=[returned.pk, "pem"]),
                {"overdue_reason": "uji", "unchanged": reason})  # fmt: skip
    closed = StepRun.objects.get(cycle=returned, section__code="pem", round=2)
    assert closed.closed_by == klego_data.staf_pem and closed.unchanged_reason == reason

    advance(klego_data, returned, 5, when=timezone.now())
    checks = {c.code: c for c in completeness.automatic_checks(returned, klego_data.sections["pem"])}
    assert not checks["perubahan"].ok
    # Handed in through the page just now: the moment's form, written by hand, not its value.
    (detail,) = checks["perubahan"].details
    moment = r"\d\d-\d\d-\d{4} \d\d:\d\d"
    expected = rf"putaran 2 diserahkan lagi tanpa perubahan oleh Dwi Rahmawati, {moment}: {re.escape(reason)}"
    assert re.fullmatch(expected, detail), detail
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:completeness", args=[returned.pk])).content.decode()
    assert "diserahkan lagi tanpa perubahan oleh Dwi Rahmawati" in page and reason in page


def test_a_returned_section_that_uploads_a_correction_needs_no_reason(client, klego_data, returned):
    client.force_login(klego_data.staf_pem)
    upload(client, returned, "pem", GOOD["pem"])
    page = client.get(reverse("kinerja:section_data", args=[returned.pk, "pem"])).content.decode()
    assert 'name="unchanged"' not in page
    client.post(reverse("kinerja:section_hand_in", args=[returned.pk, "pem"]), {"overdue_reason": "uji"})
    closed = StepRun.objects.get(cycle=returned, section__code="pem", round=2)
    assert closed.closed_at is not None and closed.unchanged_reason == ""
    advance(klego_data, returned, 5, when=timezone.now())
    checks = {c.code: c for c in completeness.automatic_checks(returned, klego_data.sections["pem"])}
    assert checks["perubahan"].ok and checks["perubahan"].details == []


def test_a_first_hand_in_never_asks_for_a_change(klego_data, cycle):
    accept_data(cycle, klego_data.sections["pem"])
    submissions.hand_in(pem_run(cycle), by=klego_data.staf_pem, overdue_reason="uji")
    run = StepRun.objects.get(cycle=cycle, section__code="pem", step__number=2)
    assert run.round == 1 and run.closed_at is not None
    checks = {c.code for c in completeness.automatic_checks(cycle, klego_data.sections["pem"])}
    assert "perubahan" not in checks
