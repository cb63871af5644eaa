"""Issued documents: every generated PDF carries a verification code (every page) and a QR code
(first page), is registered with its SHA-256, and the public page /verifikasi/<code>/ says what it
is and whether a file in hand matches. The print bundle: cover, contents, pages numbered across
the whole, the evidence list with its links."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from kinerja import verification
from kinerja.models import Indicator, IssuedDocument, SopVersion
from kinerja.steps import filing, submissions

from .conftest import MONDAY, advance, open_runs, start, text_of_pdf
from .factories import pdf_bytes

CODE = re.compile(r"Kode verifikasi ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def printed_code(data: bytes) -> str:
    """The one code printed on every page of the PDF (asserted to be the same on each)."""
    codes = [CODE.findall(text) for text in page_texts(data)]
    assert all(len(found) == 1 for found in codes), codes
    assert len({found[0] for found in codes}) == 1
    return codes[0][0]


@pytest.fixture
def with_evidence(klego_data):
    """A cycle filed at step 10 whose Seksi Pemerintahan gave a file and a link as bukti dukung."""
    cycle = start(klego_data, sections=[klego_data.sections["pem"], klego_data.sections["kesos"]])
    advance(klego_data, cycle, 2)
    indicator = Indicator.objects.get(code="PEM-01")
    evidence = dict(cycle=cycle, section=klego_data.sections["pem"], indicator=indicator, by=klego_data.staf_pem)
    submissions.add_evidence(**evidence, upload=SimpleUploadedFile("foto.pdf", pdf_bytes()), note="Foto kegiatan")
    submissions.add_evidence(**evidence, url="https://drive.example.id/bukti-pem-01", note="Daftar hadir")
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    archive = filing.file_database(run, by=klego_data.kasubag, at=MONDAY)
    return cycle, archive


def test_codes_are_twelve_crockford_characters_read_back_as_typed():
    code = verification.new_code()
    assert len(code) == 12 and set(code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert verification.normalise("k7qx-m2pa 9f3c") == "K7QXM2PA9F3C"
    assert verification.normalise("O1IL-0000-0000") == "0111" + "0" * 8  # O read as 0, I and L as 1
    assert verification.normalise("K7QX-M2PA") is None
    assert verification.normalise("K7QX-M2PA-9F3U") is None  # U is not in the alphabet
    assert verification.display("K7QXM2PA9F3C") == "K7QX-M2PA-9F3C"


@pytest.mark.parametrize(
    "name, url, query",
    [
        ("receipt", "kinerja:receipt", {"format": "pdf"}),
        ("completeness", "kinerja:completeness", {"format": "pdf"}),
        ("analysis", "kinerja:analysis", {"format": "pdf"}),
        ("grouping", "kinerja:grouping", {"format": "pdf"}),
    ],
)
def test_every_cycle_pdf_download_is_registered_with_the_code_it_prints(
    client, klego_data, with_evidence, name, url, query
):
    cycle, _archive = with_evidence
    client.force_login(klego_data.kasubag)
    before = set(IssuedDocument.objects.values_list("code", flat=True))
    response = client.get(reverse(url, args=[cycle.pk]), query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    (issued,) = IssuedDocument.objects.exclude(code__in=before)
    assert verification.display(issued.code) == printed_code(data)
    assert issued.sha256 == hashlib.sha256(data).hexdigest() and issued.size == len(data)
    assert issued.cycle == cycle and issued.made_by == klego_data.kasubag and issued.period == "TW IV 2026"
    pages = page_texts(data)
    assert all(f"Halaman {n} dari {len(pages)}" in text for n, text in enumerate(pages, 1))


def test_the_letter_sheet_the_sop_and_the_lkjip_tables_are_issued_too(client, klego_data, with_evidence):
    cycle, _archive = with_evidence
    client.force_login(klego_data.camat)
    version = SopVersion.objects.filter(organisation=klego_data.org).first()
    downloads = [
        reverse("kinerja:letter_sheet", args=[cycle.letter_id]),
        reverse("kinerja:sop_pdf", args=[version.pk]),
        reverse("kinerja:exports", args=["lkjip.pdf"]) + "?tahun=2026",
    ]
    for url in downloads:
        before = IssuedDocument.objects.count()
        data = client.get(url).content
        assert IssuedDocument.objects.count() == before + 1, url
        issued = IssuedDocument.objects.get(code=printed_code(data).replace("-", ""))
        assert issued.sha256 == hashlib.sha256(data).hexdigest()
    sheet = IssuedDocument.objects.get(kind=IssuedDocument.Kind.DISPOSITION_SHEET, made_by=klego_data.camat)
    # The register names the agenda number, never the letter's subject (a rahasia one stays on paper).
    assert cycle.letter.subject not in sheet.title and sheet.title.startswith("Lembar disposisi surat nomor agenda")


def test_the_verification_page_opens_without_login_and_says_what_the_document_is(client, klego_data, with_evidence):
    cycle, archive = with_evidence
    bundle = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BUNDLE, cycle=cycle)
    response = client.get(f"/verifikasi/{verification.display(bundle.code).lower()}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bundel data base kinerja TW IV 2026" in page and "Kecamatan Klego" in page and "TW IV 2026" in page
    assert archive.bundle.sha256 in page  # the registered bytes are the stored bundle's


def test_a_pdf_changed_by_one_byte_does_not_match_and_the_original_does(client, klego_data, with_evidence):
    cycle, archive = with_evidence
    bundle = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BUNDLE, cycle=cycle)
    original = archive.bundle.file.open("rb").read()
    url = reverse("verify", args=[bundle.code])
    same = client.post(url, {"berkas": SimpleUploadedFile("bundel.pdf", original)}).content.decode()
    assert "Cocok." in same and "Tidak cocok" not in same
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    other = client.post(url, {"berkas": SimpleUploadedFile("bundel.pdf", bytes(changed))}).content.decode()
    assert "Tidak cocok." in other and hashlib.sha256(bytes(changed)).hexdigest() in other
    pasted = client.post(url, {"sha256": archive.bundle.sha256.upper()}).content.decode()
    assert "Cocok." in pasted
    nonsense = client.post(url, {"sha256": "abc"}).content.decode()
    assert "64 angka heksadesimal" in nonsense


def test_an_unknown_code_answers_404_saying_nothing_about_any_office(client, klego_data, with_evidence):
    cycle, _archive = with_evidence
    known = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BUNDLE, cycle=cycle).code
    unknown = "0" * 12 if known != "0" * 12 else "1" * 12
    responses = [client.get(f"/verifikasi/{code}/") for code in (unknown, "ZZZZZZZZZZZZ", "bukan-kode", known[:-1])]
    assert {r.status_code for r in responses} == {404}
    bodies = {r.content for r in responses}
    assert len(bodies) == 1  # a well-formed unknown code and garbage answer the same page
    body = bodies.pop().decode()
    assert "TW IV 2026" not in body and "Bundel" not in body and cycle.letter.number not in body
    assert client.post(f"/verifikasi/{unknown}/", {"sha256": "0" * 64}).status_code == 404


def test_the_bundle_has_a_cover_contents_and_pages_numbered_across_the_whole(klego_data, with_evidence):
    cycle, archive = with_evidence
    data = archive.bundle.file.open("rb").read()
    pages = page_texts(data)
    total = len(pages)
    bundle = IssuedDocument.objects.get(kind=IssuedDocument.Kind.BUNDLE, cycle=cycle)
    code = verification.display(bundle.code)
    # Every page: the bundle's line (its code, its page of the whole); the reports keep their own.
    assert all(f"Bundel data base kinerja TW IV 2026 · Kode verifikasi {code}" in text for text in pages)
    assert all(f"Halaman {n} dari {total}" in text for n, text in enumerate(pages, 1))
    assert all(len(set(CODE.findall(text))) == 2 for text in pages[2:])  # the report's own code too
    assert "Halaman 1 dari 2" not in pages[0]  # the cover is numbered as part of the bundle only
    cover, contents = pages[0], pages[1]
    assert "BUNDEL DATA BASE KINERJA" in cover and "KECAMATAN KLEGO" in cover and "TW IV 2026" in cover
    assert "Diarsipkan pada 2 November 2026" in cover and f"terdiri dari {total} halaman" in cover
    assert f"Kode verifikasi: {code}" in cover
    assert "Mengetahui, Camat Klego" in cover and "Klego, 2 November 2026 Kepala Subbagian Perencanaan" in cover
    # Each report's first page, found by its own title, is the page the contents name.
    titles = {
        "Lembar disposisi": "LEMBAR DISPOSISI",
        "Ceklist penerimaan data": "CEKLIST PENERIMAAN",
        "Ceklist kelengkapan data": "CEK LIST KELENGKAPAN",
        "Laporan analisa data kinerja": "Laporan analisa data kinerja",
        "Catatan pemeriksaan": "CATATAN PEMERIKSAAN",
        "Tabel data base kinerja": "DATA BASE KINERJA PERANGKAT DAERAH",
        "Daftar bukti dukung": "DAFTAR BUKTI DUKUNG",
    }
    for entry, marker in titles.items():
        listed = re.search(rf"\d+ {re.escape(entry)} (\d+)", contents)
        assert listed, entry
        first = next(n for n, text in enumerate(pages, 1) if n > 2 and marker in text)
        assert int(listed.group(1)) == first, entry
    spans = {item["path"]: item["halaman_bundel"] for item in archive.manifest if "halaman_bundel" in item}
    assert spans["laporan/01-lembar-disposisi.pdf"] == [3, 3]  # after the cover and the contents


def test_the_archive_lists_every_bukti_dukung_links_included(klego_data, with_evidence):
    cycle, archive = with_evidence
    listed = next(item for item in archive.manifest if item["path"] == "laporan/08-daftar-bukti-dukung.pdf")
    stored_file = next(item for item in archive.manifest if item["path"].startswith("asli/bukti/pem/PEM-01-"))
    import zipfile

    with archive.file.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        text = text_of_pdf(zipped.read(listed["path"]))
    assert "https://drive.example.id/bukti-pem-01" in text and "Daftar hadir" in text and "tautan" in text
    assert stored_file["path"] in text.replace(" ", "") or stored_file["path"] in text
    assert "Foto kegiatan" in text and "berkas" in text


def test_each_report_in_the_archive_is_registered_with_its_own_bytes(klego_data, with_evidence):
    import zipfile

    cycle, archive = with_evidence
    with archive.file.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        for item in archive.manifest:
            if not item["path"].startswith("laporan/") or not item["path"].endswith(".pdf"):
                continue
            data = zipped.read(item["path"])
            issued = IssuedDocument.objects.get(code=printed_code(data).replace("-", ""))
            assert issued.sha256 == item["sha256"], item["path"]
            assert issued.kind != IssuedDocument.Kind.BUNDLE


def test_checking_a_file_stores_nothing(client, klego_data, with_evidence):
    from kinerja.models import StoredFile

    cycle, _archive = with_evidence
    code = IssuedDocument.objects.filter(cycle=cycle).first().code
    before = (StoredFile.objects.count(), IssuedDocument.objects.count())
    client.post(reverse("verify", args=[code]), {"berkas": SimpleUploadedFile("x.pdf", pdf_bytes())})
    assert (StoredFile.objects.count(), IssuedDocument.objects.count()) == before


def test_downloading_an_issued_pdf_moves_no_data_mark_so_nobodys_kept_pages_are_remade(
    client, klego_data, with_evidence
):
    from kinerja.models import DataMark

    cycle, _archive = with_evidence
    client.force_login(klego_data.kasubag)
    before = dict(DataMark.objects.values_list("scope", "value"))
    issued = IssuedDocument.objects.count()
    for url in (reverse("kinerja:receipt", args=[cycle.pk]), reverse("kinerja:analysis", args=[cycle.pk])):
        assert client.get(url, {"format": "pdf"}).status_code == 200
    assert IssuedDocument.objects.count() == issued + 2  # each download is registered …
    assert dict(DataMark.objects.values_list("scope", "value")) == before  # … and empties no kept page
