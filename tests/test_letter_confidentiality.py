"""A rahasia letter is read only by the Camat, whoever registered it, the people its dispositions
reached, and the kecamatan's administrator: through its own pages, and through every other path
that carries it (the cycle's archive zip and print bundle); never by another kecamatan's people."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from kinerja import uploads
from kinerja.models import CycleArchive, Letter, Position, Role
from kinerja.steps import dispositions, filing

from .conftest import MONDAY, advance, open_runs
from .factories import OrganisationFactory, PositionFactory, UserFactory, pdf_bytes
from .test_analysis_steps import to_step_6

SCAN = pdf_bytes("Surat rahasia")


@pytest.fixture
def secret_filed(klego_data):
    """A cycle on a rahasia letter with its scan, filed after the Camat → Sekretaris → Kasubag chain."""
    cycle = to_step_6(klego_data)
    letter = cycle.letter
    letter.nature = Letter.Nature.RAHASIA
    letter.attachment = uploads.store_upload(
        SimpleUploadedFile("surat-rahasia.pdf", SCAN), organisation=klego_data.org, by=klego_data.kasubag
    )
    letter.save()
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    return cycle


@pytest.fixture
def new_sekretaris(klego):
    """A Sekretaris rotated in after the letter went down the chain: never on it."""
    return PositionFactory(
        organisation=klego.org, role=Role.SEKRETARIS, title="Sekretaris Kecamatan", start_date=datetime.date(2026, 1, 2)
    ).user


def download(client, cycle, what):
    response = client.get(reverse("kinerja:archive_download", args=[cycle.pk, what]))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_the_archive_leaves_the_rahasia_parts_out_for_an_office_member_outside_the_chain(
    client, klego_data, secret_filed, new_sekretaris
):
    client.force_login(new_sekretaris)
    assert client.get(reverse("kinerja:letter_detail", args=[secret_filed.letter_id])).status_code == 404
    response, data = download(client, secret_filed, "zip")
    assert response.status_code == 200
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert "laporan/01-lembar-disposisi.pdf" not in names
    assert not [n for n in names if n.startswith("asli/surat/")]
    assert "laporan/04-laporan-analisa.pdf" in names and "RAHASIA-TIDAK-DISERTAKAN.txt" in names
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    withheld = sorted(item["path"] for item in manifest if item.get("rahasia"))
    assert withheld == ["asli/surat/surat-rahasia.pdf", "laporan/01-lembar-disposisi.pdf"]  # recorded as existing
    note = zipfile.ZipFile(io.BytesIO(data)).read("RAHASIA-TIDAK-DISERTAKAN.txt").decode()
    assert "asli/surat/surat-rahasia.pdf" in note and "Camat" in note
    assert SCAN not in data


def test_the_print_bundle_leaves_the_disposition_sheet_out_for_an_office_member_outside_the_chain(
    client, klego_data, secret_filed, new_sekretaris
):
    client.force_login(klego_data.kasubag)
    _response, whole = download(client, secret_filed, "pdf")
    full = [page.extract_text() for page in PdfReader(io.BytesIO(whole)).pages]
    assert "LEMBAR DISPOSISI" in full[2]  # after the cover and the contents
    client.force_login(new_sekretaris)
    response, data = download(client, secret_filed, "pdf")
    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == len(full) - 1
    assert not any("LEMBAR DISPOSISI" in text or "Permintaan laporan kinerja" in text for text in pages)


def test_the_people_on_the_chain_download_the_archive_whole(client, klego_data, secret_filed):
    archive = CycleArchive.objects.get(cycle=secret_filed)
    for user in (klego_data.kasubag, klego_data.camat, klego_data.sekcam, klego_data.admin):
        client.force_login(user)
        _response, data = download(client, secret_filed, "zip")
        assert filing.verify(archive, data=data) == [], user


def test_an_old_bundle_without_page_ranges_is_refused_rather_than_cut_by_guess(
    client, klego_data, secret_filed, new_sekretaris
):
    archive = CycleArchive.objects.get(cycle=secret_filed)
    CycleArchive.objects.filter(pk=archive.pk).update(
        manifest=[{k: v for k, v in item.items() if k != "halaman_bundel"} for item in archive.manifest]
    )
    client.force_login(new_sekretaris)
    response, _data = download(client, secret_filed, "pdf")
    assert response.status_code == 403 and "tidak dapat dipotong dengan pasti" in response.content.decode()


def test_an_ordinary_letters_archive_is_served_whole_to_the_office(client, klego_data, new_sekretaris):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    filing.file_database(open_runs(cycle)[0], by=klego_data.kasubag, at=MONDAY)
    client.force_login(new_sekretaris)
    _response, data = download(client, cycle, "zip")
    assert filing.verify(CycleArchive.objects.get(cycle=cycle), data=data) == []


@pytest.fixture
def other_secret(db):
    """A rahasia letter with its scan in another kecamatan."""
    position = PositionFactory(organisation=OrganisationFactory(), role=Role.KASUBAG)
    stored = uploads.store_upload(SimpleUploadedFile("lain.pdf", SCAN), organisation=position.organisation,
                                  by=position.user)  # fmt: skip
    return dispositions.register_letter(
        organisation=position.organisation, by=position.user, number="R/77/2026", date=MONDAY.date(),
        sender="Inspektorat", subject="Pemeriksaan khusus", nature="rahasia", received_date=MONDAY.date(),
        attachment=stored,
    )  # fmt: skip


def test_klegos_administrator_cannot_read_another_kecamatans_rahasia_letter(client, klego, other_secret):
    client.force_login(klego.admin)
    for name in ("letter_detail", "letter_attachment", "letter_sheet"):
        assert client.get(reverse(f"kinerja:{name}", args=[other_secret.pk])).status_code == 404, name
    assert "R/77/2026" not in client.get(reverse("kinerja:letter_list")).content.decode()


def test_a_disposition_withdrawn_before_it_was_read_gives_no_access(client, klego):
    letter = dispositions.register_letter(
        organisation=klego.org, by=klego.kasubag, number="R/5/2026", date=MONDAY.date(), sender="Inspektorat",
        subject="Pemeriksaan khusus", nature="rahasia", received_date=MONDAY.date(),
        attachment=uploads.store_upload(SimpleUploadedFile("r.pdf", SCAN), organisation=klego.org, by=klego.kasubag),
    )  # fmt: skip
    (sent,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="Pelajari", at=MONDAY)
    client.force_login(klego.sekcam)
    assert "R/5/2026" in client.get(reverse("kinerja:letter_list")).content.decode()  # sent: he may read it
    dispositions.withdraw(sent, by=klego.camat, reason="Salah alamat", at=MONDAY)
    assert "R/5/2026" not in client.get(reverse("kinerja:letter_list")).content.decode()
    for name in ("letter_detail", "letter_attachment", "letter_sheet"):
        assert client.get(reverse(f"kinerja:{name}", args=[letter.pk])).status_code == 404, name


def test_the_superusers_changes_are_marked_in_the_kecamatans_audit_trail(client, klego):
    superuser = UserFactory(username="super")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    position = Position.objects.get(user=klego.staf_pem)
    position.title = "Staf Seksi Pemerintahan (diubah)"
    position._history_user = superuser
    position.save()
    client.force_login(klego.admin)
    page = client.get(reverse("kinerja:audit")).content.decode()
    assert "superuser seluruh instalasi" in page
    assert client.get(reverse("kinerja:audit"), {"pengguna": superuser.pk}).context["entries"]


def test_a_readers_copy_without_the_rahasia_sheet_is_recognised_on_the_bundles_verification_page(
    client, klego_data, secret_filed, new_sekretaris
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kinerja.models import IssuedDocument

    client.force_login(new_sekretaris)
    _response, copy = download(client, secret_filed, "pdf")
    bundle = IssuedDocument.objects.get(cycle=secret_filed, kind=IssuedDocument.Kind.BUNDLE, derived_from=None)
    client.logout()
    page = client.post(
        reverse("verify", args=[bundle.code]), {"berkas": SimpleUploadedFile("salinan.pdf", copy)}
    ).content.decode()
    assert "Cocok." in page and "(salinan tanpa bagian rahasia)" in page and "Tidak cocok" not in page
    (registered,) = bundle.copies.all()
    assert registered.made_by == new_sekretaris and registered.code != bundle.code
    assert client.get(reverse("verify", args=[registered.code])).status_code == 404  # a copy has no page of its own
    changed = bytearray(copy)
    changed[len(changed) // 3] ^= 0x01
    other = client.post(reverse("verify", args=[bundle.code]), {"berkas": SimpleUploadedFile("x.pdf", bytes(changed))})
    assert "Tidak cocok." in other.content.decode()
