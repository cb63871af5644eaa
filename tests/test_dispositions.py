"""Step 1: the letter register and the disposition chain, as each role through the test client;
refusals for the wrong role or order; the lembar disposisi PDF; confidential letters; uploads."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from kinerja.engine import workflow
from kinerja.models import (
    Cycle,
    DataKind,
    Disposition,
    DispositionInstruction,
    Letter,
    Obligation,
    Position,
    Role,
    StoredFile,
)
from kinerja.steps import dispositions

from .conftest import MONDAY, count_queries, dispose_down_the_chain, open_runs, start
from .factories import pdf_bytes

PDF = pdf_bytes()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def letter_form(**overrides):
    data = {
        "number": "050/321/BAPPEDA/2026",
        "date": "2026-11-20",
        "sender": "Bappeda Kabupaten Boyolali",
        "subject": "Permintaan laporan kinerja TW IV",
        "nature": "segera",
        "received_date": "2026-11-21",
        "year": "2026",
        "quarter": "4",
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# The whole chain --------------------------------------------------------------------------------


def test_the_whole_step_1_chain_as_each_role(client, klego):
    # The Kasubag records the letter with its scan and starts the cycle.
    client.force_login(klego.kasubag)
    data = letter_form(
        start_cycle="on",
        sections=[s.pk for code, s in klego.sections.items() if s.kind == "seksi"],
        kinds=[DataKind.objects.get(code="realisasi").pk, DataKind.objects.get(code="rencana-aksi").pk],
        attachment=SimpleUploadedFile("surat bappeda.pdf", PDF, content_type="application/pdf"),
    )
    response = client.post(reverse("kinerja:letter_create"), data)
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert letter.agenda_label == "001/2026" and letter.attachment.sha256
    cycle = Cycle.objects.get(letter=letter)
    assert open_runs(cycle)[0].step.number == 1
    owed = Obligation.objects.filter(cycle=cycle)
    assert owed.count() == 10 and {o.kind.code for o in owed} == {"realisasi", "rencana-aksi"}

    # The Camat finds it waiting for a disposition, and disposes it to the Sekretaris.
    client.force_login(klego.camat)
    home = client.get(reverse("kinerja:home")).content.decode()
    assert "Menunggu disposisi Camat" in home
    page = client.get(reverse("kinerja:letter_detail", args=[letter.pk])).content.decode()
    assert 'data-testid="dispose-first"' in page
    response = client.post(
        reverse("kinerja:letter_dispose", args=[letter.pk]),
        {
            "recipients": [klego.sekcam.pk],
            "instructions": ["Tindak lanjuti", "Laporkan hasilnya"],
            "note": "Segera",
            "deadline": "2030-01-31",
        },
        follow=True,
    )
    sent = response.content.decode()
    assert "Disposisi dikirim kepada Sri Lestari, S.Sos." in sent and "S.Sos.." not in sent  # one full stop
    first = Disposition.objects.get()
    assert (first.sender_role, first.recipient_role, first.sender_title) == ("kepala", "sekretaris", "Camat Klego")

    # The Sekretaris sees an unread disposition, opens it, receives it and passes it on.
    client.force_login(klego.sekcam)
    home = client.get(reverse("kinerja:home")).content.decode()
    assert 'data-testid="unread-count"' in home and "Disposisi dari Drs. Haryanto Wibowo" in home
    client.get(reverse("kinerja:letter_detail", args=[letter.pk]))
    first.refresh_from_db()
    assert first.read_at is not None and first.acknowledged_at is None
    client.post(reverse("kinerja:disposition_acknowledge", args=[first.pk]))
    first.refresh_from_db()
    assert first.acknowledged_at is not None
    client.post(
        reverse("kinerja:letter_dispose", args=[letter.pk]),
        {
            "parent": first.pk,
            "recipients": [klego.kasubag.pk],
            "instructions": ["Siapkan bahan"],
            "note": "Himpun data seksi",
        },
    )
    second = Disposition.objects.get(parent=first)

    # The Kasubag receives it: step 1 closes and step 2 opens for every section.
    client.force_login(klego.kasubag)
    response = client.post(
        reverse("kinerja:disposition_acknowledge", args=[second.pk]), {"overdue_reason": "Menunggu Camat"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("kinerja:cycle_detail", args=[cycle.pk])
    step_1 = cycle.runs.get(step__number=1)
    assert step_1.closed_by == klego.kasubag and "Disposisi diterima dari Sri Lestari" in step_1.note
    assert cycle.runs.filter(step__number=2, closed_at__isnull=True).count() == 5
    # Every hop and acknowledgement is on record.
    history = list(second.history.order_by("history_date"))
    assert [(h.history_type, h.history_user) for h in history] == [("+", klego.sekcam), ("~", klego.kasubag)]
    assert history[-1].acknowledged_at is not None


def test_a_disposition_can_go_to_more_than_one_person(klego):
    letter = start(klego).letter
    sent = dispositions.dispose(
        letter, by=klego.camat, recipients=[klego.sekcam, klego.kasubag], instructions=["Untuk diketahui"], at=MONDAY
    )
    assert sorted(d.recipient.username for d in sent) == ["kasubag", "sekcam"]


def test_a_direct_disposition_from_camat_to_kasubag_does_not_close_step_1(klego):
    cycle = start(klego)
    (direct,) = dispositions.dispose(
        cycle.letter, by=klego.camat, recipients=[klego.kasubag], note="langsung", at=MONDAY
    )
    assert dispositions.acknowledge(direct, by=klego.kasubag, at=MONDAY, overdue_reason="x") is None
    assert open_runs(cycle)[0].step.number == 1


def test_a_passed_on_disposition_can_be_passed_on_again(klego):
    cycle = start(klego)
    second = dispose_down_the_chain(klego, cycle.letter)
    second.refresh_from_db()
    (third,) = dispositions.dispose(
        cycle.letter,
        by=klego.kasubag,
        recipients=[klego.staf_pem],
        instructions=["Siapkan bahan"],
        parent=second,
        at=MONDAY,
    )
    assert third.parent == second and third.sender_role == "kasubag"


# Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["sekcam", "kasubag", "staf.pem", "admin"])
def test_only_the_camat_makes_the_first_disposition(klego, username):
    letter = start(klego).letter
    with pytest.raises(workflow.NotAllowed, match="Camat"):
        dispositions.dispose(letter, by=klego.users[username], recipients=[klego.staf_pmd], note="x", at=MONDAY)
    assert not Disposition.objects.exists()


def test_only_the_recipient_may_receive_or_pass_on(klego):
    letter = start(klego).letter
    (first,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="x", at=MONDAY)
    with pytest.raises(workflow.NotAllowed):
        dispositions.acknowledge(first, by=klego.kasubag, at=MONDAY)
    with pytest.raises(workflow.NotAllowed):
        dispositions.dispose(letter, by=klego.kasubag, recipients=[klego.staf_pem], note="x", parent=first, at=MONDAY)


def test_passing_on_before_receiving_is_refused(klego):
    letter = start(klego).letter
    (first,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="x", at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="Nyatakan dulu"):
        dispositions.dispose(letter, by=klego.sekcam, recipients=[klego.kasubag], note="x", parent=first, at=MONDAY)


def test_receiving_twice_is_refused(klego):
    letter = start(klego).letter
    (first,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="x", at=MONDAY)
    dispositions.acknowledge(first, by=klego.sekcam, at=MONDAY)
    with pytest.raises(workflow.AlreadyDone, match="sudah diterima"):
        dispositions.acknowledge(first, by=klego.sekcam, at=MONDAY)


def test_an_unread_disposition_can_be_withdrawn_but_not_a_read_one(klego):
    letter = start(klego).letter
    (first,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="x", at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="alasan"):
        dispositions.withdraw(first, by=klego.camat, reason=" ")
    with pytest.raises(workflow.NotAllowed):
        dispositions.withdraw(first, by=klego.kasubag, reason="salah")
    dispositions.withdraw(first, by=klego.camat, reason="Salah tujuan")
    with pytest.raises(workflow.WorkflowError, match="ditarik"):
        dispositions.acknowledge(first, by=klego.sekcam)
    (again,) = dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], note="y", at=MONDAY)
    dispositions.mark_read(letter, by=klego.sekcam)
    with pytest.raises(workflow.WorkflowError, match="sudah dibaca"):
        dispositions.withdraw(again, by=klego.camat, reason="lagi")


def test_unknown_or_missing_instructions_are_refused(klego):
    letter = start(klego).letter
    with pytest.raises(workflow.WorkflowError, match="Instruksi tidak dikenal"):
        dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], instructions=["Bakar"], at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="Pilih instruksi atau tulis catatan"):
        dispositions.dispose(letter, by=klego.camat, recipients=[klego.sekcam], at=MONDAY)
    with pytest.raises(workflow.WorkflowError, match="diri sendiri"):
        dispositions.dispose(letter, by=klego.camat, recipients=[klego.camat], note="x", at=MONDAY)


def test_the_instruction_list_is_the_organisations_own(client, klego):
    DispositionInstruction.objects.create(organisation=klego.org, label="Agendakan rapat", order=99)
    DispositionInstruction.objects.filter(organisation=klego.org, label="Arsipkan").update(active=False)
    letter = start(klego).letter
    client.force_login(klego.camat)
    html = client.get(reverse("kinerja:letter_detail", args=[letter.pk])).content.decode()
    assert "Agendakan rapat" in html and "Arsipkan" not in html


def test_an_acting_camat_may_dispose_and_the_sheet_says_plt(klego):
    from kinerja.models import User

    deputy = User.objects.create(username="plt", first_name="Bambang Riyadi, S.IP.")
    Position.objects.create(
        user=deputy,
        organisation=klego.org,
        section=klego.sections["pimpinan"],
        role=Role.KEPALA,
        title="Camat Klego",
        acting=True,
        start_date=datetime.date(2026, 11, 1),
    )
    letter = start(klego).letter
    (first,) = dispositions.dispose(letter, by=deputy, recipients=[klego.sekcam], note="x", at=MONDAY)
    assert first.sender_title == "Plt. Camat Klego"


def test_agenda_numbers_count_per_year(klego):
    make = lambda number, received: dispositions.register_letter(  # noqa: E731
        organisation=klego.org,
        by=klego.kasubag,
        number=number,
        date=received,
        sender="Bappeda",
        subject="Laporan",
        nature="biasa",
        received_date=received,
    )
    assert make("a", datetime.date(2026, 12, 30)).agenda_label == "001/2026"
    assert make("b", datetime.date(2026, 12, 31)).agenda_label == "002/2026"
    assert make("c", datetime.date(2027, 1, 2)).agenda_label == "001/2027"


@pytest.mark.parametrize("username", ["camat", "sekcam", "staf.pem"])
def test_only_kasubag_and_admin_record_letters(client, klego, username):
    client.force_login(klego.users[username])
    assert client.get(reverse("kinerja:letter_create")).status_code == 403


def test_admin_records_a_letter_without_starting_a_cycle(client, klego):
    client.force_login(klego.admin)
    page = client.get(reverse("kinerja:letter_create")).content.decode()
    assert "start_cycle" not in page
    client.post(reverse("kinerja:letter_create"), letter_form())
    assert Letter.objects.count() == 1 and Cycle.objects.count() == 0


# The lembar disposisi ---------------------------------------------------------------------------


@pytest.mark.parametrize("paper,height", [("a4", 841.9), ("f4", 935.4)])
def test_the_sheet_is_one_page_with_the_letter_and_every_hop(client, klego, paper, height):
    cycle = start(klego)
    dispose_down_the_chain(klego, cycle.letter)
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:letter_sheet", args=[cycle.letter.pk]) + f"?kertas={paper}")
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.height) == pytest.approx(height, abs=1)
    assert cycle.letter.number in text and "LEMBAR DISPOSISI" in text
    for name in ("Drs. Haryanto Wibowo", "Sri Lestari", "Agus Setiawan"):
        assert name in text
    assert "Himpun data kinerja seksi" in text


def test_the_sheet_stays_on_one_page_with_many_long_hops_and_escapes_markup(klego):
    from kinerja.reports import disposition_sheet

    cycle = start(klego)
    parent = dispose_down_the_chain(klego, cycle.letter)  # received by the Kasubag
    people = [klego.staf_pem, klego.staf_trantib, klego.staf_pmd, klego.staf_kesos, klego.staf_pelum]
    for i in range(10):
        sender, recipient = parent.recipient, people[i % 5]
        note = f"<b>Catatan</b> & <img src='/etc/passwd'/> nomor {i} " + "sangat panjang " * 40
        (parent,) = dispositions.dispose(
            cycle.letter, by=sender, recipients=[recipient], note=note, parent=parent, at=MONDAY
        )
        dispositions.acknowledge(parent, by=recipient, at=MONDAY)
        parent.refresh_from_db()
    reader, text = pdf_text(disposition_sheet.render(Letter.objects.get(pk=cycle.letter.pk), paper="a4"))
    assert len(reader.pages) == 1
    assert "<b>Catatan</b>" in text


# Confidential letters and attachments -----------------------------------------------------------


@pytest.fixture
def secret_letter(klego):
    stored = StoredFile.objects.create(
        organisation=klego.org,
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name="rahasia.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=klego.kasubag,
    )
    return dispositions.register_letter(
        organisation=klego.org,
        by=klego.kasubag,
        number="R/001/2026",
        date=MONDAY.date(),
        sender="Inspektorat",
        subject="Hasil pemeriksaan khusus",
        nature="rahasia",
        received_date=MONDAY.date(),
        attachment=stored,
    )


def test_a_rahasia_letter_is_hidden_from_unrelated_staff(client, klego, secret_letter):
    client.force_login(klego.staf_pem)
    assert "R/001/2026" not in client.get(reverse("kinerja:letter_list")).content.decode()
    for name in ("letter_detail", "letter_attachment", "letter_sheet"):
        assert client.get(reverse(f"kinerja:{name}", args=[secret_letter.pk])).status_code == 404, name


def test_a_rahasia_letter_is_visible_to_the_camat_the_registrant_the_chain_and_the_admin(client, klego, secret_letter):
    for user in (klego.camat, klego.kasubag, klego.admin):
        client.force_login(user)
        assert client.get(reverse("kinerja:letter_detail", args=[secret_letter.pk])).status_code == 200
    client.force_login(klego.sekcam)
    assert client.get(reverse("kinerja:letter_detail", args=[secret_letter.pk])).status_code == 404
    dispositions.dispose(secret_letter, by=klego.camat, recipients=[klego.sekcam], note="Pelajari", at=MONDAY)
    assert client.get(reverse("kinerja:letter_detail", args=[secret_letter.pk])).status_code == 200


def test_the_attachment_is_served_as_a_download_with_its_type(client, klego, secret_letter):
    client.force_login(klego.kasubag)
    response = client.get(reverse("kinerja:letter_attachment", args=[secret_letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;") and "rahasia.pdf" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("catatan.pdf", b"bukan pdf, hanya teks", "Jenis berkas tidak diterima"),
        ("data.pdf", b"no,kolom\n1,2\n", "Jenis berkas tidak diterima"),
        ("kosong.pdf", b"", "kosong"),
        ("potong.pdf", PDF[:30], "tidak utuh"),
        ("kunci.pdf", b"%PDF-1.4\n/Encrypt 5 0 R\n%%EOF", "dikunci"),
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Gambar rusak"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 100, "Jenis berkas tidak diterima"),
    ],
)
def test_hostile_or_broken_attachments_are_refused_with_a_message(client, klego, name, content, message):
    client.force_login(klego.kasubag)
    data = letter_form(attachment=SimpleUploadedFile(name, content))
    response = client.post(reverse("kinerja:letter_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Letter.objects.count() == 0 and StoredFile.objects.count() == 0


def pdf_with(action: dict) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    entries = {NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v) for k, v in action.items()}
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(entries))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_without_pages() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def pdf_with_javascript_name_tree() -> bytes:
    """Document-level JavaScript: a script in the catalogue's name tree, run when the file opens."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    script = writer._add_object(
        DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("html.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "tidak dapat dibaca sebagai PDF"),
        ("js.pdf", pdf_with({"/S": "/JavaScript", "/JS": "app.alert(1)"}), "PDF berisi JavaScript"),
        ("js-names.pdf", pdf_with_javascript_name_tree(), "PDF berisi JavaScript"),
        ("launch.pdf", pdf_with({"/S": "/Launch", "/F": "calc.exe"}), "menjalankan program"),
        ("kosong.pdf", pdf_without_pages(), "tidak berisi halaman"),
    ],
)
def test_a_pdf_that_is_not_a_plain_document_is_refused(client, klego, name, content, message):
    """Such files were stored as "PDF" because their first bytes said so; now they are parsed."""
    client.force_login(klego.kasubag)
    response = client.post(reverse("kinerja:letter_create"), letter_form(attachment=SimpleUploadedFile(name, content)))
    assert message in response.content.decode()
    assert Letter.objects.count() == 0 and StoredFile.objects.count() == 0


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_an_image_is_kept_as_decoded_and_written_again_without_what_rode_along(client, klego, kind):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format=kind)
    tail = b"<html><script>alert(document.cookie)</script></html>"
    client.force_login(klego.kasubag)
    upload = SimpleUploadedFile(f"scan.{kind.lower()}", buffer.getvalue() + tail)
    client.post(reverse("kinerja:letter_create"), letter_form(attachment=upload))
    stored = Letter.objects.get().attachment
    kept = stored.file.open("rb").read()
    assert tail not in kept and b"<script" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert (image.format, image.size) == (kind, (40, 30))
    assert stored.sha256 == __import__("hashlib").sha256(kept).hexdigest() and stored.size == len(kept)


def test_an_oversized_attachment_is_refused(client, klego, settings):
    from kinerja import uploads

    client.force_login(klego.kasubag)
    big = PDF[:-6] + b"0" * (uploads.MAX_ATTACHMENT_BYTES + 10) + b"%%EOF\n"
    response = client.post(
        reverse("kinerja:letter_create"), letter_form(attachment=SimpleUploadedFile("besar.pdf", big))
    )
    assert "terlalu besar" in response.content.decode()
    assert Letter.objects.count() == 0


def test_an_image_attachment_is_kept_under_a_server_chosen_name(client, klego):
    client.force_login(klego.kasubag)
    upload = SimpleUploadedFile("../../etc/passwd.png", png_bytes(), content_type="text/plain")
    client.post(reverse("kinerja:letter_create"), letter_form(attachment=upload))
    stored = Letter.objects.get().attachment
    assert stored.content_type == "image/png"
    assert stored.original_name == "passwd.png"
    assert ".." not in stored.file.name and "passwd" not in stored.file.name
    assert stored.file.name.startswith("berkas/klego/") and stored.file.name.endswith(".png")


# Pages stay cheap -------------------------------------------------------------------------------


def test_letter_pages_query_counts_do_not_grow_with_letters_or_hops(client, klego):
    cycle = start(klego, quarter=3)
    received = dispose_down_the_chain(klego, cycle.letter)
    client.force_login(klego.kasubag)
    list_one = count_queries(client, reverse("kinerja:letter_list"))
    detail_few = count_queries(client, reverse("kinerja:letter_detail", args=[cycle.letter.pk]))
    staff = [klego.staf_pem, klego.staf_trantib, klego.staf_pmd, klego.staf_kesos]
    for hop in dispositions.dispose(
        cycle.letter, by=klego.kasubag, recipients=staff, instructions=["Siapkan bahan"], parent=received, at=MONDAY
    ):
        dispositions.acknowledge(hop, by=hop.recipient, at=MONDAY)
    for quarter in (1, 2):
        dispose_down_the_chain(klego, start(klego, quarter=quarter).letter)
    assert count_queries(client, reverse("kinerja:letter_list")) == list_one
    assert count_queries(client, reverse("kinerja:letter_detail", args=[cycle.letter.pk])) == detail_few


def test_the_letter_list_shows_its_letters_a_page_at_a_time_newest_first(client, klego, monkeypatch):
    from kinerja.views import letters as letter_views

    monkeypatch.setattr(letter_views, "PAGE_SIZE", 2)
    for day in (3, 4, 5):  # received on 3, 4 and 5 November
        Letter.objects.create(
            organisation=klego.org, number=f"050/{day}/2026", date=datetime.date(2026, 11, day), sender="Bappeda",
            subject=f"Surat tanggal {day}", received_date=datetime.date(2026, 11, day), registered_by=klego.kasubag,
        )  # fmt: skip
    client.force_login(klego.kasubag)
    first = client.get(reverse("kinerja:letter_list")).content.decode()
    assert "050/5/2026" in first and "050/4/2026" in first and "050/3/2026" not in first
    assert "Halaman 1 dari 2 (3 baris)" in first and 'href="?halaman=2"' in first
    second = client.get(reverse("kinerja:letter_list"), {"halaman": "2"}).content.decode()
    assert "050/3/2026" in second and "050/5/2026" not in second and "Sebelumnya" in second


def test_starting_a_second_cycle_for_a_running_period_links_to_the_running_one(client, klego):
    """TW IV 2026 is running (started on 2 November 2026): a second letter ticked "start a
    cycle" for the same period is refused with the period, the start date and a link to that
    cycle, and nothing is recorded (neither the letter nor a cycle)."""
    running = start(klego, quarter=4)
    client.force_login(klego.kasubag)
    data = letter_form(
        number="050/999/BAPPEDA/2026",
        start_cycle="on",
        sections=[s.pk for s in klego.sections.values() if s.kind == "seksi"],
        kinds=[DataKind.objects.get(code="realisasi").pk],
    )
    page = client.post(reverse("kinerja:letter_create"), data).content.decode()
    assert "Sudah ada siklus yang berjalan untuk TW IV 2026 (dimulai 02-11-2026)" in page
    link = reverse("kinerja:cycle_detail", args=[running.pk])
    assert f'href="{link}" data-testid="running-cycle">Buka siklus TW IV 2026</a>' in page
    assert not Letter.objects.filter(number="050/999/BAPPEDA/2026").exists()
    assert Cycle.objects.filter(organisation=klego.org).count() == 1
