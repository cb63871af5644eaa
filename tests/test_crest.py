"""The kop surat's crest (issue 19): the administrator uploads the organisation's lambang daerah
(PNG or JPEG, screened like every upload); every printed document draws it on each page; a file
that is not a picture is refused with a sentence and nothing changes."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from kinerja.models import Organisation, SopVersion, StoredFile


def png(width=40, height=50, tail=b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 20, 20)).save(buffer, format="PNG")
    return buffer.getvalue() + tail


def images_on_first_page(pdf: bytes) -> int:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    objects = page["/Resources"].get("/XObject") or {}
    return sum(1 for item in objects.values() if item.get_object().get("/Subtype") == "/Image")


def post_crest(client, org, upload=None, **extra):
    data = {
        "code": org.code, "name": org.name, "government": org.government, "address": org.address,
        "phone": org.phone, "email": org.email, "postal_code": org.postal_code,
        "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0", **extra,
    }  # fmt: skip
    if upload is not None:
        data["crest_upload"] = upload
    return client.post(reverse("admin:kinerja_organisation_change", args=[org.pk]), data)


def sop_pdf(client, klego) -> bytes:
    client.force_login(klego.kasubag)
    return client.get(reverse("kinerja:sop_pdf", args=[SopVersion.objects.get().pk])).content


def test_the_administrators_crest_is_drawn_on_every_printed_page(client, klego):
    assert images_on_first_page(sop_pdf(client, klego)) == 0
    client.force_login(klego.admin)
    response = post_crest(client, klego.org, SimpleUploadedFile("lambang.png", png(), content_type="image/png"))
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organisation.objects.get(pk=klego.org.pk)
    assert org.crest.content_type == "image/png" and org.crest.organisation_id == org.pk
    pdf = sop_pdf(client, klego)
    assert images_on_first_page(pdf) == 1
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3 and all(
        any(o.get_object().get("/Subtype") == "/Image" for o in (p["/Resources"].get("/XObject") or {}).values())
        for p in reader.pages
    )

    client.force_login(klego.admin)
    post_crest(client, org, crest_remove="on")
    assert Organisation.objects.get(pk=org.pk).crest is None
    assert images_on_first_page(sop_pdf(client, klego)) == 0


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("lambang.png", b"<html><script>alert(1)</script></html>", "Jenis berkas tidak diterima"),
        ("lambang.pdf", b"%PDF-1.4 bukan gambar", "Jenis berkas tidak diterima"),
        ("lambang.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Gambar rusak"),
    ],
)
def test_a_crest_that_is_not_a_picture_is_refused_and_nothing_changes(client, klego, name, data, says):
    files = StoredFile.objects.count()
    client.force_login(klego.admin)
    response = post_crest(client, klego.org, SimpleUploadedFile(name, data))
    assert response.status_code == 200 and says in response.content.decode()
    assert Organisation.objects.get(pk=klego.org.pk).crest is None and StoredFile.objects.count() == files


def test_what_rides_along_a_crest_picture_is_not_kept(client, klego):
    client.force_login(klego.admin)
    post_crest(client, klego.org, SimpleUploadedFile("lambang.png", png(tail=b"<script>alert(1)</script>")))
    crest = Organisation.objects.get(pk=klego.org.pk).crest
    with crest.file.open("rb") as handle:
        kept = handle.read()
    assert kept.startswith(b"\x89PNG") and b"<script>" not in kept


def test_a_crest_whose_file_is_gone_leaves_the_documents_without_it_and_says_so_in_the_log(client, klego, caplog):
    client.force_login(klego.admin)
    post_crest(client, klego.org, SimpleUploadedFile("lambang.png", png()))
    crest = Organisation.objects.get(pk=klego.org.pk).crest
    crest.file.storage.delete(crest.file.name)
    pdf = sop_pdf(client, klego)
    assert pdf.startswith(b"%PDF") and images_on_first_page(pdf) == 0
    assert "Lambang Kecamatan Klego tidak dapat dibaca" in caplog.text


def test_the_kop_surat_heading_is_the_one_the_office_writes_in_pdf_and_word(klego_data):
    from django.core.exceptions import ValidationError

    from kinerja import agreements
    from kinerja.reports import agreement_document

    from .conftest import text_of_pdf
    from .test_agreements import JANUARY_2, docx_text

    org = klego_data.org
    from kinerja.reports import final_tables

    assert text_of_pdf(final_tables.render_lkjip(org, 2026, [])).startswith(
        "PEMERINTAH KABUPATEN BOYOLALI KECAMATAN KLEGO"
    )  # nothing written: the government over the office
    org.letterhead = "Pemerintah Kecamatan Klego Kabupaten Boyolali"
    org.full_clean()
    org.save()
    pdf = text_of_pdf(final_tables.render_lkjip(org, 2026, []))
    assert pdf.startswith("PEMERINTAH KECAMATAN KLEGO KABUPATEN BOYOLALI Jl. Raya Klego")
    draft = agreements.office_agreement(org, 2027, on=JANUARY_2, draft=True)
    assert docx_text(agreement_document.render_docx([draft])).startswith(
        "PEMERINTAH KECAMATAN KLEGO KABUPATEN BOYOLALI Jl. Raya Klego"
    )
    org.letterhead = "SATU\nDUA\nTIGA"
    with pytest.raises(ValidationError, match="paling banyak dua baris"):
        org.full_clean()
