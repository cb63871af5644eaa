"""The Perjanjian Kinerja as a document (issue 19): the Camat's with the Bupati, and down the
cascade each unit head's with the Camat, with their own indicators and the budget behind them; as
.docx (read back with python-docx) and PDF (pypdf). Names, NIPs, targets and amounts by hand."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from kinerja import agreements, budget
from kinerja.models import BudgetItem, IssuedDocument, Position, Role, Target, User

from .conftest import text_of_pdf
from .test_budget import budget_file

JANUARY_2 = datetime.date(2026, 1, 2)


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word document (in table cells too), in order, white space folded."""
    body = Document(io.BytesIO(data)).element.body
    parts = [
        "".join(node.text or "" for node in paragraph.iter() if node.tag.endswith("}t"))
        for paragraph in body.iter()
        if paragraph.tag.endswith("}p")
    ]
    return " ".join(" ".join(parts).split())


@pytest.fixture
def with_budget(klego_data):
    outcome = budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag)
    assert outcome.ok
    return klego_data


def download(client, fmt, follow=False, **query):
    return client.get(reverse("kinerja:agreement", args=[fmt]), query, follow=follow)


def test_the_office_agreement_in_word_names_both_parties_the_iku_targets_and_the_programmes(client, with_budget):
    client.force_login(with_budget.kasubag)
    response = download(client, "docx", tahun="2026", unit="kantor", tanggal="2026-01-02")
    assert response["Content-Disposition"] == 'attachment; filename="perjanjian-kinerja-2026-kantor.docx"'
    text = docx_text(response.content)
    assert "PERJANJIAN KINERJA TAHUN 2026 KECAMATAN KLEGO" in text
    assert "Nama : Drs. Haryanto Wibowo, M.Si. Jabatan : Camat Klego selanjutnya disebut pihak pertama" in text
    assert (
        "Nama : Drs. Sutarno Hadi Wibowo, M.M. Jabatan : Bupati Boyolali selaku atasan pihak pertama, "
        "selanjutnya disebut pihak kedua"
    ) in text
    assert "Pihak pertama berjanji akan mewujudkan target kinerja" in text
    # The lampiran: each IKU with the 2026 target the demo set (85 %), and the one programme.
    assert "IKU-01 Persentase desa dengan tata kelola pemerintahan desa kategori baik 85 %" in text
    assert "PEM-01" not in text  # a section's indicator is in its own unit's agreement
    assert "7.01.01 PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH 1.000.000 APBD Jumlah 1.000.000" in text
    assert "Klego, 2 Januari 2026 Pihak Pertama, Camat Klego" in text
    assert "Drs. Haryanto Wibowo, M.Si. Pembina Tk. I, IV/b NIP. 196805121994031007" in text
    assert "Pihak Kedua, Bupati Boyolali" in text and "Drs. Sutarno Hadi Wibowo, M.M. NIP" not in text


def test_the_pdf_is_issued_and_signed_by_whoever_was_camat_on_the_signing_date(client, with_budget):
    old = Position.objects.get(user=with_budget.camat, role=Role.KEPALA)
    old.end_date = datetime.date(2026, 6, 30)
    old.save()
    plt = User.objects.create(username="plt", first_name="Ir. Bambang Riyadi", nip="197001011995031002",
                              pangkat="Pembina, IV/a")  # fmt: skip
    Position.objects.create(
        user=plt, organisation=with_budget.org, section=old.section, role=Role.KEPALA, acting=True,
        title="Plt. Camat Klego", start_date=datetime.date(2026, 7, 1),
    )  # fmt: skip
    client.force_login(with_budget.kasubag)
    january = text_of_pdf(download(client, "pdf", tahun="2026", tanggal="2026-01-02").content)
    july = download(client, "pdf", tahun="2026", tanggal="2026-07-15")
    assert "Haryanto Wibowo" in january and "Bambang Riyadi" not in january
    text = text_of_pdf(july.content)
    assert "Klego, 15 Juli 2026 Pihak Pertama, Plt. Camat Klego" in text
    assert "Ir. Bambang Riyadi Pembina, IV/a NIP. 197001011995031002" in text and "Haryanto" not in text
    issued = IssuedDocument.objects.filter(kind=IssuedDocument.Kind.PK).latest("made_at")
    assert issued.title == "Perjanjian Kinerja Tahun 2026 Kecamatan Klego" and issued.period == "Tahun 2026"
    assert f"Kode verifikasi {issued.code[:4]}-{issued.code[4:8]}-{issued.code[8:]}" in text


def test_the_cascade_gives_each_unit_head_their_own_indicators_and_the_kegiatan_behind_them(with_budget):
    cast = with_budget
    found = agreements.agreements(cast.org, 2026, agreements.ALL_UNITS, on=JANUARY_2, draft=False)
    by_unit = {a.unit: a for a in found}
    assert set(by_unit) == {
        "Subbagian Perencanaan dan Pelaporan", "Seksi Pemerintahan", "Seksi Ketenteraman dan Ketertiban Umum",
        "Seksi Pemberdayaan Masyarakat dan Desa", "Seksi Kesejahteraan Sosial", "Seksi Pelayanan Umum",
    }  # fmt: skip
    planning = by_unit["Subbagian Perencanaan dan Pelaporan"]
    assert planning.first.name == "Agus Setiawan, S.E." and planning.first.nip == "198011172006041012"
    assert planning.first.function == "Kepala Subbagian Perencanaan dan Pelaporan"
    assert planning.second.name == "Drs. Haryanto Wibowo, M.Si." and planning.second.function == "Camat Klego"
    assert [row.code for row in planning.targets] == ["IKU-01", "IKU-02", "IKU-03", "IKU-04"]
    # The kegiatan linked to IKU-01 and its sub kegiatan (linked to IKU-01 and PEM-01): the total counts the
    # kegiatan once (600.000), not again through its sub kegiatan.
    assert [(r.code, r.pagu) for r in planning.programmes] == [
        ("7.01.01.2.01", Decimal("600000")), ("7.01.01.2.01.0001", Decimal("600000")),
    ]  # fmt: skip
    assert planning.total == Decimal("600000")
    pem = by_unit["Seksi Pemerintahan"]
    assert [row.code for row in pem.targets] == ["PEM-01", "PEM-02"]
    assert pem.first.name == "" and pem.first.function == "Kepala Seksi Pemerintahan"  # no Kepala Seksi in the demo
    assert [r.code for r in pem.programmes] == ["7.01.01.2.01.0001"]
    trantib = by_unit["Seksi Ketenteraman dan Ketertiban Umum"]
    assert trantib.programmes == [] and "Belum ada program/kegiatan anggaran 2026" in trantib.budget_note


def test_the_cascade_in_word_has_one_agreement_per_unit(client, with_budget):
    client.force_login(with_budget.kasubag)
    text = docx_text(download(client, "docx", tahun="2026", unit="semua", tanggal="2026-01-02").content)
    assert text.count("LAMPIRAN PERJANJIAN KINERJA TAHUN 2026") == 6
    assert "SEKSI PEMERINTAHAN" in text and "Jabatan : Kepala Seksi Pemerintahan" in text
    assert "Nama : " + "." * 40 + " Jabatan : Kepala Seksi Pemerintahan" in text  # a vacant post: a line to fill


def test_this_years_agreement_is_refused_while_a_target_is_missing_or_the_budget_does_not_add_up(client, with_budget):
    client.force_login(with_budget.kasubag)
    Target.objects.filter(indicator__code="IKU-02", year=2026, quarter__isnull=True).delete()
    response = download(client, "pdf", tahun="2026", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("kinerja:documents")
    assert "Target tahun 2026 belum diisi untuk IKU-02. Isi targetnya di halaman Indikator (tahun 2026)" in page
    assert not IssuedDocument.objects.filter(kind=IssuedDocument.Kind.PK).exists()
    draft = docx_text(download(client, "docx", tahun="2026", rancangan="1").content)
    assert "RANCANGAN PERJANJIAN KINERJA TAHUN 2026" in draft and "belum ditetapkan" in draft
    assert "Klego, " + "." * 25 + " 2026" in draft  # a draft is dated when it is signed
    BudgetItem.objects.filter(code="7.01.01.2.02").update(pagu=Decimal("300000"))
    with pytest.raises(agreements.AgreementRefused, match="Anggaran 2026 belum klop: Pagu 7.01.01"):
        agreements.office_agreement(with_budget.org, 2026, on=JANUARY_2, draft=True)


def test_without_any_budget_this_years_agreement_says_where_to_enter_it(with_budget):
    BudgetItem.objects.filter(parent__isnull=False, level="sub_kegiatan").delete()
    BudgetItem.objects.filter(level="kegiatan").delete()
    BudgetItem.objects.all().delete()
    with pytest.raises(agreements.AgreementRefused, match="Belum ada anggaran tahun 2026. Impor atau isi"):
        agreements.office_agreement(with_budget.org, 2026, on=JANUARY_2)


def test_next_years_draft_prints_belum_ditetapkan_where_no_target_is_set(with_budget):
    draft = agreements.office_agreement(with_budget.org, 2027, on=JANUARY_2, draft=True)
    assert draft.title == "Rancangan Perjanjian Kinerja Tahun 2027"
    assert {row.target for row in draft.targets} == {"belum ditetapkan"}
    assert draft.programmes == [] and draft.budget_note


def test_an_unknown_format_or_unit_is_refused_with_a_sentence(client, with_budget):
    client.force_login(with_budget.kasubag)
    assert download(client, "exe").status_code == 404
    page = download(client, "pdf", unit="zzz", follow=True).content.decode()
    assert "Unit &#x27;zzz&#x27; tidak dikenal atau tidak memiliki indikator aktif." in page


def test_a_control_character_pasted_into_a_name_does_not_break_the_word_file(with_budget):
    from kinerja.models import Indicator
    from kinerja.reports import agreement_document

    Indicator.objects.filter(code="IKU-01").update(name="Persentase desa\x0b dengan tata kelola baik\x01")
    agreement = agreements.office_agreement(with_budget.org, 2026, on=JANUARY_2)
    text = docx_text(agreement_document.render_docx([agreement]))
    assert "IKU-01 Persentase desa dengan tata kelola baik 85 %" in text
