"""Everybody hears when it is their turn (issue 18): a notice in the application and, if chosen,
an e-mail when a step opens or comes back with notes; sent after the commit, retried when it
fails, never lost silently; the menu counts unread notices; each user sees only their own."""

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kinerja import notices
from kinerja.engine import workflow
from kinerja.models import Notice, StepRun, User
from kinerja.steps import submissions

from .conftest import MONDAY, accept_data, advance, check_completeness, open_runs, start

SECTIONS = ("pem", "trantib", "pmd", "kesos", "pelum")


@pytest.fixture
def step_2(klego_data):
    """Step 2 open for every section. The e-mail of the notices so far (step 1 to the Camat,
    step 2 to each section's staff) is set aside: these tests follow step 4's."""
    cycle = start(klego_data)
    advance(klego_data, cycle, 2)
    assert Notice.objects.filter(mail="menunggu").count() == 6
    Notice.objects.update(mail="")
    return cycle


def hand_in_all(cast, cycle, codes=SECTIONS):
    for code in codes:
        section = cast.sections[code]
        accept_data(cycle, section)
        run = StepRun.objects.get(cycle=cycle, section=section, closed_at__isnull=True)
        submissions.hand_in(run, by=cast.users[f"staf.{code}"], overdue_reason="uji", at=MONDAY)


def test_a_step_that_opens_tells_its_actor_in_the_app_and_by_mail_after_the_commit(
    klego_data, step_2, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_MAIL = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        hand_in_all(klego_data, step_2)
    notice = Notice.objects.get(user=klego_data.kasubag, kind="dibuka", run__step__number=4)
    assert notice.title == "Giliran Anda: Langkah 4 (Menerima data kinerja), TW IV 2026"
    assert notice.body == "Batas waktu 02-11-2026 08:05 WIB."  # 5 minutes after 08:00
    assert notice.url == reverse("kinerja:receipt", args=[step_2.pk])
    assert notice.mail == "terkirim" and notice.mail_attempts == 1
    (message,) = [m for m in mail.outbox if "Langkah 4" in m.subject]
    assert message.to == ["kasubag@klego.example.id"]
    assert message.subject == "[Kinerja] Giliran Anda: Langkah 4 (Menerima data kinerja), TW IV 2026"
    assert f"http://testserver/siklus/{step_2.pk}/penerimaan/" in message.body or notice.url in message.body
    # The sections that handed in hear nothing about step 4.
    assert not Notice.objects.filter(run__step__number=4).exclude(user=klego_data.kasubag).exists()


def test_the_mail_waits_for_the_commit_and_a_refused_move_leaves_no_notice(
    klego_data, step_2, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_MAIL = "inline"
    before = Notice.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hand_in_all(klego_data, step_2)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing sent inside the transaction
    assert Notice.objects.count() == before + 1
    (receipt,) = open_runs(step_2)
    with pytest.raises(workflow.NotAllowed):
        submissions.confirm_receipt(receipt, by=klego_data.staf_pem, overdue_reason="uji", at=MONDAY)
    assert Notice.objects.count() == before + 1


def test_a_return_tells_the_section_with_the_reason(klego_data):
    cycle = start(klego_data)
    advance(klego_data, cycle, 5)
    (check,) = open_runs(cycle)
    check_completeness(klego_data, check, incomplete=("pem",))
    notice = Notice.objects.get(user=klego_data.staf_pem, kind="dikembalikan")
    assert notice.title == "Dikembalikan kepada Anda: Langkah 2 (Menghimpun data kinerja seksi) untuk Seksi " \
        "Pemerintahan, TW IV 2026"  # fmt: skip
    assert notice.body == (
        "Dikembalikan oleh Agus Setiawan, S.E. dari langkah 5 (Memeriksa kelengkapan data): Tidak lengkap, "
        "kembalikan ke seksi. Catatan: Seksi Pemerintahan: Realisasi belum diisi. "
        "Batas waktu 03-11-2026 08:00 WIB."
    )
    assert notice.url == reverse("kinerja:section_data", args=[cycle.pk, "pem"])
    assert not Notice.objects.filter(user=klego_data.staf_trantib, kind="dikembalikan").exists()


def test_step_1_tells_the_camat_first_and_nobody_who_made_the_move(klego_data):
    cycle = start(klego_data)  # started by the Kasubag
    (run,) = open_runs(cycle)
    assert [(n.user, n.title) for n in Notice.objects.filter(run=run)] == [
        (klego_data.camat, "Giliran Anda: Langkah 1 (Disposisi surat), TW IV 2026")
    ]
    started_by_camat = start(klego_data, by=klego_data.camat, quarter=3)
    assert not Notice.objects.filter(cycle=started_by_camat).exists()


def test_without_mail_chosen_the_notice_is_kept_but_nothing_is_sent(
    klego_data, step_2, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_MAIL = "inline"
    User.objects.filter(pk=klego_data.kasubag.pk).update(notice_mail=False)
    with django_capture_on_commit_callbacks(execute=True):
        hand_in_all(klego_data, step_2)
    notice = Notice.objects.get(user=klego_data.kasubag, run__step__number=4)
    assert notice.mail == "" and mail.outbox == []


def test_a_failed_send_is_retried_then_given_up_logged_and_kept(klego_data, step_2, monkeypatch, caplog):
    hand_in_all(klego_data, step_2)
    notice = Notice.objects.get(user=klego_data.kasubag, run__step__number=4)
    assert notice.mail == "menunggu"

    def refuse(**kwargs):
        raise ConnectionRefusedError("server surel tidak menjawab")

    monkeypatch.setattr(notices, "send_mail", refuse)
    with caplog.at_level(logging.WARNING, logger="kinerja.notices"):
        for attempt in range(1, 5):
            assert notices.send_pending() == {"terkirim": 0, "gagal": 0, "dicoba_lagi": 1}
            notice.refresh_from_db()
            assert (notice.mail, notice.mail_attempts) == ("menunggu", attempt)
        with pytest.raises(SystemExit):
            call_command("send_notices", stdout=io.StringIO())
    notice.refresh_from_db()
    assert (notice.mail, notice.mail_attempts) == ("gagal", 5)
    assert notice.mail_error == "server surel tidak menjawab"
    assert any(r.levelno == logging.ERROR and "gagal 5 kali" in r.getMessage() for r in caplog.records)
    assert notices.send_pending() == {"terkirim": 0, "gagal": 0, "dicoba_lagi": 0}  # given up, still listed


def test_send_notices_sends_what_waits_once(klego_data, step_2):
    hand_in_all(klego_data, step_2)  # NOTICE_MAIL's after-commit never runs inside a test transaction
    out = io.StringIO()
    call_command("send_notices", stdout=out)
    assert "1 surel terkirim" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["kasubag@klego.example.id"]]
    call_command("send_notices", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_a_second_sender_while_the_first_is_sending_sends_nothing(klego_data, step_2, monkeypatch):
    """The thread and cron's send_notices at once: while one sends, the other finds it taken."""
    hand_in_all(klego_data, step_2)
    sent, inner = [], []
    real = notices.send_mail

    def slow_send(**kwargs):
        inner.append(notices.send_pending())  # the other sender, while this one is mid-send
        sent.append(kwargs["recipient_list"])
        return real(**kwargs)

    monkeypatch.setattr(notices, "send_mail", slow_send)
    assert notices.send_pending()["terkirim"] == 1
    assert inner == [{"terkirim": 0, "gagal": 0, "dicoba_lagi": 0}] and sent == [["kasubag@klego.example.id"]]


def test_a_sender_that_stopped_mid_send_is_taken_over_after_ten_minutes(klego_data, step_2):
    hand_in_all(klego_data, step_2)
    notice = Notice.objects.get(user=klego_data.kasubag, run__step__number=4)
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(mail="dikirim", mail_attempts=1, mail_claimed_at=now)
    assert notices.send_pending(now=now + datetime.timedelta(minutes=9))["terkirim"] == 0
    assert notices.send_pending(now=now + datetime.timedelta(minutes=11))["terkirim"] == 1
    notice.refresh_from_db()
    assert (notice.mail, notice.mail_attempts) == ("terkirim", 2)


def test_the_menu_counts_unread_notices_and_opening_one_marks_it_read(client, klego_data, step_2):
    hand_in_all(klego_data, step_2)
    client.force_login(klego_data.kasubag)
    page = client.get(reverse("kinerja:home")).content.decode()
    assert 'data-testid="notice-count" title="pemberitahuan belum dibaca">1</span>' in page
    listing = client.get(reverse("kinerja:notices")).content.decode()
    assert "Giliran Anda: Langkah 4 (Menerima data kinerja), TW IV 2026" in listing and "Belum dibaca" in listing
    notice = Notice.objects.get(user=klego_data.kasubag, run__step__number=4)
    url = reverse("kinerja:notice_open", args=[notice.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("kinerja:receipt", args=[step_2.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    page = client.get(reverse("kinerja:home")).content.decode()
    assert 'data-testid="notice-count"' not in page


def test_nobody_opens_or_reads_another_users_notice(client, klego_data, step_2):
    hand_in_all(klego_data, step_2)
    notice = Notice.objects.get(user=klego_data.kasubag, run__step__number=4)
    client.force_login(klego_data.sekcam)
    assert client.post(reverse("kinerja:notice_open", args=[notice.pk])).status_code == 404
    assert "Menerima data kinerja" not in client.get(reverse("kinerja:notices")).content.decode()
    client.post(reverse("kinerja:notices"), {"action": "read_all"})
    notice.refresh_from_db()
    assert notice.read_at is None


def test_each_user_chooses_mail_on_or_off(client, klego_data):
    client.force_login(klego_data.staf_pem)
    client.post(reverse("kinerja:notices"), {})  # the box unticked
    assert User.objects.get(pk=klego_data.staf_pem.pk).notice_mail is False
    page = client.post(reverse("kinerja:notices"), {"notice_mail": "on"}, follow=True).content.decode()
    assert User.objects.get(pk=klego_data.staf_pem.pk).notice_mail is True
    assert "Pemberitahuan juga dikirim ke surel Anda" in page


def test_in_thread_mode_the_request_does_not_send(klego_data, step_2, settings, monkeypatch):
    settings.NOTICE_MAIL = "thread"
    started = []

    class Thread:
        def __init__(self, target, args, name, daemon):
            started.append((target, args, daemon))

        def start(self):
            pass

    monkeypatch.setattr(notices.threading, "Thread", Thread)
    notices.dispatch([41, 42])
    assert started == [(notices._send_in_thread, ([41, 42],), True)] and mail.outbox == []
