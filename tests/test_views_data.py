"""Steps 2, 4 and 5 through the pages: a section's data page, uploads and hand-in, the receipt
checklist, the completeness check and their PDFs; access for every role."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from kinerja.models import CompletenessCheck, ReceiptConfirmation, Submission

from .conftest import advance, count_queries, open_runs, start, workbook_bytes
from .factories import pdf_bytes

GOOD = {
    "pem": [
        ["Kode", "Satuan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PEM-01", "desa", 13, 12, 13, 13],
        ["PEM-02", "%", 100, 92, 100, 100],
    ],
    "trantib": [
        ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["TRA-01", 90, 90, 91, 92],
        ["TRA-02", 3, 5, 9, 10],  # TRA-02, PMD-01 and KES-01 are written s.d. triwulan
    ],
    "pmd": [
        ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PMD-01", 5, 11, 18, 24],
        ["PMD-02", 70, 70, 77, 77],
    ],
    "kesos": [
        ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["KES-01", 3, 7, 12, 16],
        ["KES-02", 25, 50, 75, 90],
    ],
    "pelum": [
        ["Kode", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PEL-01", 95, 96, 95, 97],
        ["PEL-02", 2, 2, 1.5, 2],
    ],
}


@pytest.fixture
def cycle(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    return cycle


def upload(client, cycle, code, rows, name="data.xlsx"):
    return client.post(
        reverse("kinerja:section_upload", args=[cycle.pk, code]),
        {"kind": "realisasi", "file": SimpleUploadedFile(name, workbook_bytes(rows))},
        follow=True,
    )


def hand_in(client, cycle, code):
    return client.post(
        reverse("kinerja:section_hand_in", args=[cycle.pk, code]), {"overdue_reason": "uji"}, follow=True
    )


def test_staff_see_what_they_owe_and_download_their_template(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    assert "Realisasi/monev Rencana Aksi" in page and "Belum ada versi yang diterima" in page
    response = client.get(reverse("kinerja:section_template", args=[cycle.pk, "pem", "realisasi"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-pem-realisasi-2026-TW4.xlsx"'
    assert response.content.startswith(b"PK")


def test_an_upload_with_mistakes_shows_each_with_its_cell_then_the_fix_is_accepted(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    bad = [
        ["Kode", "Realisasi TW I", "Realisasi TW II"],
        ["PEM-01", "tiga belas", 12],
        ["PEM-02", 100, "sembilan puluh"],
    ]
    page = upload(client, cycle, "pem", bad).content.decode()
    assert "Versi 1 ditolak: 2 masalah" in page
    assert "sel <strong>B2</strong>" in page and "sel <strong>C3</strong>" in page
    page = upload(client, cycle, "pem", GOOD["pem"]).content.decode()
    assert "Versi 2 diterima: 2 indikator terbaca" in page
    assert 'data-testid="hand-in"' in page
    page = hand_in(client, cycle, "pem").content.decode()
    assert "Data Seksi Pemerintahan diserahkan" in page
    assert cycle.runs.get(step__number=2, section__code="pem").closed_by == klego_data.staf_pem


def test_a_section_cannot_see_or_upload_another_sections_data(client, klego_data, cycle):
    client.force_login(klego_data.staf_trantib)
    for name in ("section_data", "section_hand_in"):
        method = client.get if name == "section_data" else client.post
        assert method(reverse(f"kinerja:{name}", args=[cycle.pk, "pem"])).status_code == 403
    assert client.get(reverse("kinerja:section_template", args=[cycle.pk, "pem", "realisasi"])).status_code == 403
    assert upload(client, cycle, "pem", GOOD["pem"]).status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("username", ["camat", "admin"])
def test_the_camat_and_the_administrator_may_read_every_sections_data_but_not_upload(
    client, klego_data, cycle, username
):
    client.force_login(klego_data.users[username])
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    assert "Data kinerja Seksi Pemerintahan" in page and 'data-testid="upload-realisasi"' not in page
    upload(client, cycle, "pem", GOOD["pem"])
    assert not Submission.objects.exists()


@pytest.mark.parametrize("username", ["sekcam", "kasubag"])
def test_the_kasubag_and_the_sekretaris_upload_for_a_section_only_with_a_reason(client, klego_data, cycle, username):
    client.force_login(klego_data.users[username])
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    assert 'data-testid="on-behalf"' in page and 'name="on_behalf"' in page
    page = upload(client, cycle, "pem", GOOD["pem"]).content.decode()
    assert "atas nama Seksi Pemerintahan: tuliskan alasannya" in page
    assert not Submission.objects.exists()


def test_an_uploaded_version_is_served_back_only_to_those_who_may_see_it(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    upload(client, cycle, "pem", GOOD["pem"])
    submission = Submission.objects.get()
    url = reverse("kinerja:submission_file", args=[cycle.pk, "pem", submission.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"PK")
    client.force_login(klego_data.staf_kesos)
    assert client.get(url).status_code == 403


def everyone_hands_in(client, cast, cycle):
    for code, rows in GOOD.items():
        client.force_login(cast.users[f"staf.{code}"])
        upload(client, cycle, code, rows)
        hand_in(client, cycle, code)


def test_the_receipt_matrix_fills_as_uploads_arrive_and_the_kasubag_confirms_it(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    upload(client, cycle, "pem", GOOD["pem"])
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:receipt", args=[cycle.pk])).content.decode()
    assert page.count('data-testid="received"') == 1 and page.count('data-testid="missing"') == 4
    everyone_hands_in(client, klego_data, cycle)
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:receipt", args=[cycle.pk])).content.decode()
    assert page.count('data-testid="received"') == 5 and 'data-testid="confirm-receipt"' in page
    response = client.post(
        reverse("kinerja:receipt", args=[cycle.pk]), {"note": "Lengkap diterima", "overdue_reason": "x"}
    )
    assert response.status_code == 302
    confirmation = ReceiptConfirmation.objects.get()
    assert len(confirmation.matrix) == 5 and confirmation.confirmed_by == klego_data.kasubag
    assert open_runs(cycle)[0].step.number == 5
    pdf = client.get(reverse("kinerja:receipt", args=[cycle.pk]) + "?format=pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "CEKLIST PENERIMAAN" in text and "Seksi Pemerintahan" in text and "Dikonfirmasi oleh Agus Setiawan" in text


@pytest.mark.parametrize("username", ["sekcam", "staf.pem"])
def test_only_the_kasubag_confirms_the_receipt(client, klego_data, cycle, username):
    everyone_hands_in(client, klego_data, cycle)
    client.force_login(klego_data.users[username])
    response = client.post(reverse("kinerja:receipt", args=[cycle.pk]), {"overdue_reason": "x"})
    assert response.status_code in (302, 403)
    assert not ReceiptConfirmation.objects.exists()


def test_an_incomplete_check_sends_only_the_named_section_back_with_its_reasons(client, klego_data, cycle):
    everyone_hands_in(client, klego_data, cycle)
    client.force_login(klego_data.kasubag)
    client.post(reverse("kinerja:receipt", args=[cycle.pk]), {"overdue_reason": "x"})
    page = client.get(reverse("kinerja:completeness", args=[cycle.pk])).content.decode()
    assert page.count('data-testid="section-check"') == 5
    sections = {s.code: s for s in cycle.sections.all()}
    data = {f"verdict-{s.pk}": "lengkap" for s in sections.values()}
    data[f"verdict-{sections['kesos'].pk}"] = "tidak"
    data[f"reasons-{sections['kesos'].pk}"] = "Realisasi KES-02 TW IV belum sesuai register DTKS"
    data["overdue_reason"] = "x"
    response = client.post(reverse("kinerja:completeness", args=[cycle.pk]), data, follow=True)
    assert "Seksi Kesejahteraan Sosial dikembalikan ke langkah 2" in response.content.decode()
    reopened = open_runs(cycle)
    assert [(r.step.number, r.section.code, r.round) for r in reopened] == [(2, "kesos", 2)]
    assert CompletenessCheck.objects.filter(complete=True).count() == 4
    # The section sees the reasons on its page and may upload again.
    client.force_login(klego_data.staf_kesos)
    page = client.get(reverse("kinerja:section_data", args=[cycle.pk, "kesos"])).content.decode()
    assert "Realisasi KES-02 TW IV belum sesuai register DTKS" in page and 'data-testid="upload-realisasi"' in page
    # Only the returned section can upload; the others are closed.
    client.force_login(klego_data.staf_pem)
    assert (
        'data-testid="upload-realisasi"'
        not in client.get(reverse("kinerja:section_data", args=[cycle.pk, "pem"])).content.decode()
    )
    pdf = client.get(reverse("kinerja:completeness", args=[cycle.pk]) + "?format=pdf")
    assert pdf.status_code == 403
    client.force_login(klego_data.kasubag)
    pdf = client.get(reverse("kinerja:completeness", args=[cycle.pk]) + "?format=pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "CEK LIST KELENGKAPAN DATA" in text and "TIDAK LENGKAP" in text and "belum sesuai register DTKS" in text


def test_incomplete_without_reasons_is_refused(client, klego_data, cycle):
    everyone_hands_in(client, klego_data, cycle)
    client.force_login(klego_data.kasubag)
    client.post(reverse("kinerja:receipt", args=[cycle.pk]), {"overdue_reason": "x"})
    sections = list(cycle.sections.all())
    data = {f"verdict-{s.pk}": "lengkap" for s in sections}
    data[f"verdict-{sections[0].pk}"] = "tidak"
    data["overdue_reason"] = "x"
    response = client.post(reverse("kinerja:completeness", args=[cycle.pk]), data, follow=True)
    assert "Tuliskan alasan" in response.content.decode()
    assert not CompletenessCheck.objects.exists()


def test_section_and_receipt_pages_query_counts_do_not_grow_with_versions(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    upload(client, cycle, "pem", GOOD["pem"])
    url = reverse("kinerja:section_data", args=[cycle.pk, "pem"])
    receipt = reverse("kinerja:receipt", args=[cycle.pk])
    few = count_queries(client, url)
    client.force_login(klego_data.kasubag)
    few_receipt = count_queries(client, receipt)
    client.force_login(klego_data.staf_pem)
    for _ in range(4):
        upload(client, cycle, "pem", GOOD["pem"])
    client.force_login(klego_data.staf_kesos)
    upload(client, cycle, "kesos", GOOD["kesos"])
    client.force_login(klego_data.staf_pem)
    assert count_queries(client, url) == few
    client.force_login(klego_data.kasubag)
    assert count_queries(client, receipt) == few_receipt


PDF = pdf_bytes()


def attach(client, cycle, code, indicator, **fields):
    data = {"indicator": indicator, **fields}
    return client.post(reverse("kinerja:section_evidence", args=[cycle.pk, code]), data, follow=True)


def test_evidence_files_and_links_are_attached_to_an_indicator(client, klego_data, cycle):
    from kinerja.models import Evidence

    client.force_login(klego_data.staf_pem)
    page = attach(
        client, cycle, "pem", "PEM-01", file=SimpleUploadedFile("lppdes.pdf", PDF), note="Rekap LPPDes"
    ).content.decode()
    assert "Bukti dukung PEM-01 dilampirkan" in page
    xlsx = workbook_bytes([["Desa", "Tanggal"], ["Klego", "2026-03-01"]])
    attach(client, cycle, "pem", "PEM-01", file=SimpleUploadedFile("rekap.xlsx", xlsx))
    attach(client, cycle, "pem", "PEM-02", url="https://sid.boyolali.go.id/apbdes/2026")
    assert Evidence.objects.count() == 3
    item = Evidence.objects.filter(file__isnull=False).first()
    response = client.get(reverse("kinerja:evidence_file", args=[cycle.pk, "pem", item.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    client.force_login(klego_data.staf_pmd)
    assert client.get(reverse("kinerja:evidence_file", args=[cycle.pk, "pem", item.pk])).status_code == 403


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")}, "Jenis berkas tidak diterima"),
        ({"url": "javascript:alert(1)"}, "Tautan harus alamat lengkap"),
        ({}, "Pilih berkas atau isi tautan"),
    ],
)
def test_bad_evidence_is_refused_with_a_message(client, klego_data, cycle, fields, message):
    from kinerja.models import Evidence

    client.force_login(klego_data.staf_pem)
    assert message in attach(client, cycle, "pem", "PEM-01", **fields).content.decode()
    assert not Evidence.objects.exists()


def test_evidence_for_another_sections_indicator_or_by_another_section_is_refused(client, klego_data, cycle):
    from kinerja.models import Evidence

    client.force_login(klego_data.staf_pem)
    page = attach(client, cycle, "pem", "TRA-01", url="https://contoh.id/x").content.decode()
    assert "Indikator itu bukan milik seksi ini." in page
    client.force_login(klego_data.staf_trantib)
    assert attach(client, cycle, "pem", "PEM-01", url="https://contoh.id/x").status_code == 403
    assert not Evidence.objects.exists()


def test_the_completeness_rules_one_by_one(klego_data, cycle, client):
    from kinerja.models import DataKind, Indicator, SubmissionRow
    from kinerja.steps import completeness, submissions

    section = klego_data.sections["pem"]
    kind = DataKind.objects.get(code="realisasi")

    def results():
        return {item.code: item for item in completeness.automatic_checks(cycle, section)}

    checks = results()
    assert not checks["diterima"].ok and not checks["indikator"].ok
    rows = [
        ["Kode", "Satuan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PEM-01", "desa", 13, -1, None, 13],
    ]
    refused = submissions.submit(
        cycle=cycle, section=section, kind=kind, data=workbook_bytes(rows), filename="a.xlsx", by=klego_data.staf_pem
    ).submission
    assert refused.status == "ditolak" and [(p["cell"], p["kind"]) for p in refused.problems] == [("D2", "wajar")]
    assert not results()["diterima"].ok
    submissions.confirm_values(refused, reason="LPPDes tercatat ganda di TW I", by=klego_data.staf_pem)
    # A unit other than the master data's is refused on upload now; a version accepted before that
    # rule may still hold one, and step 5 names it.
    SubmissionRow.objects.filter(submission__cycle=cycle, indicator__code="PEM-01").update(unit="orang")
    checks = results()
    assert checks["diterima"].ok
    assert checks["indikator"].details == ["PEM-02 Persentase desa yang menetapkan APBDes tepat waktu"]
    assert checks["triwulan"].details == ["PEM-01: realisasi TW III kosong (sel E2)"]
    assert "satuan 'orang' (sel B2), data induk 'desa'" in checks["satuan"].details[0]
    assert checks["wajar"].details == [
        "PEM-01 TW II: realisasi negatif (-1)",
        "dipastikan benar oleh seksi pada versi 2: LPPDes tercatat ganda di TW I",
    ]
    assert not checks["bukti"].ok and checks["target"].ok
    rows = [
        ["Kode", "Satuan", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
        ["PEM-01", "desa", 13, 13, 13, 13000],
        ["PEM-02", "%", 100, 100, 100, 100],
    ]
    submissions.submit(
        cycle=cycle, section=section, kind=kind, data=workbook_bytes(rows), filename="b.xlsx", by=klego_data.staf_pem,
        confirmation="Angka sesuai register",
    )  # fmt: skip
    checks = results()
    assert checks["indikator"].ok and checks["triwulan"].ok and checks["satuan"].ok
    assert checks["wajar"].details == [
        "PEM-01 TW IV: realisasi 13.000 lebih dari 10× target 13",
        "dipastikan benar oleh seksi pada versi 3: Angka sesuai register",
    ]
    submissions.add_evidence(
        cycle=cycle,
        section=section,
        indicator=Indicator.objects.get(code="PEM-01"),
        by=klego_data.staf_pem,
        url="https://contoh.id/lppdes",
    )
    assert results()["bukti"].ok


def test_the_page_shows_each_figure_read_with_its_sheet_and_cell_before_handing_in(client, klego_data, cycle):
    client.force_login(klego_data.staf_pem)
    rows = [
        ["Kode", "Target Tahunan", "Realisasi TW I", "Realisasi TW II"],
        ["PEM-01", 13, 13, "12,5"],
        [None, "JUMLAH", 13, 12.5],
        ["PEM-02", 100, 100, 92],
    ]
    page = upload(client, cycle, "pem", rows).content.decode()
    assert "Versi 1 diterima: 2 indikator terbaca" in page
    table = page[page.index('data-testid="rows"') :]
    assert "12,5" in table and "Data!D2" in table and "Data!B2" in table and "Data!C4" in table
    assert "Data dibaca dari lembar &#x27;Data&#x27;." in page or "Data dibaca dari lembar 'Data'." in page
    assert "baris 3 (baris jumlah/rata-rata)" in page
    # beside each figure, the master target it will be measured against (PEM-02: 100 each quarter)
    pem02 = table[table.index("PEM-02") :]
    assert pem02.count("target: 100") == 4 and "data induk: 100" in pem02
    # TW IV (the cycle's quarter) was not in the file: no hand-in until it is, or it is marked
    assert "Benar, serahkan data seksi" not in page
    assert "Data belum dapat diserahkan: 2 indikator tanpa realisasi TW IV" in page
