"""The task queue (Celery on Redis): a notice's e-mail handed to a real worker over the machine's
Redis is sent, tried again after a failure; a broker that cannot be reached loses nothing (the
notice stays pending for the periodic task); the periodic tasks exist; without a broker nothing
of Celery is loaded. The worker tests need Redis on 127.0.0.1:6379 and skip, saying so, without."""

import socket
import sys

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from kinerja import notices
from kinerja.models import Notice

from .conftest import process_broker

BROKER = process_broker()  # this test process's own queue


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (the CI machines run one)")


class FlakyBackend(EmailBackend):
    """Fails the first `failures` sends (a mail server down for a moment), then delivers."""

    failures = 1

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("server surel sedang mati")
        return super().send_messages(messages)


def pending_notice(user, organisation) -> Notice:
    return Notice.objects.create(
        user=user, organisation=organisation, kind=Notice.Kind.OPENED, title="Giliran Anda: langkah 4",
        body="Terima data seksi.", created_at=timezone.now(), mail=Notice.Mail.PENDING,
    )  # fmt: skip


def use_broker(app, url: str, **conf) -> None:
    """Point the application at another broker, dropping connections made to the last one."""
    app.conf.update(broker_url=url, broker_connection_timeout=conf.get("timeout", 4),
                    task_publish_retry=conf.get("retry", True))  # fmt: skip
    app.close()
    app.amqp._producer_pool = None


@pytest.fixture
def celery_app():
    from klego_kinerja.celery import app

    yield app
    use_broker(app, "memory://")


@pytest.fixture
def broker(settings, celery_app):
    """The machine's Redis as the task queue, emptied; no worker yet (`run_worker_until`)."""
    app = celery_app
    settings.TASK_BROKER_URL = BROKER
    settings.NOTICE_MAIL = "queue"
    settings.NOTICE_RETRY_SECONDS = 0
    use_broker(app, BROKER)
    app.loader.import_default_modules()  # kinerja.tasks, as `celery -A klego_kinerja worker` loads them
    app.connection_for_write().default_channel.client.flushdb()  # nothing left by an earlier run
    return app


def run_worker_until(app, task: str, seconds: float = 60) -> None:
    """Start a real Celery worker (one thread of this process, so it shares the test database) on
    the queue, let it work until `task` has succeeded once, and stop it. What was queued before
    waits in Redis until then. The test reads the database only before and after: SQLite's
    in-memory test database refuses a write while another connection reads the same table."""
    import threading

    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    done = threading.Event()

    def finished(sender=None, state=None, **kwargs):
        if sender is not None and sender.name == task and state == "SUCCESS":
            done.set()

    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert done.wait(seconds), f"{task} did not finish on the worker"
    finally:
        task_postrun.disconnect(finished)


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_notice_mail_goes_through_a_real_worker_and_is_tried_again_after_a_failure(klego_data, broker, settings):
    settings.EMAIL_BACKEND = "tests.test_task_queue.FlakyBackend"
    FlakyBackend.failures = 1
    notice = pending_notice(klego_data.kasubag, klego_data.org)
    notices.dispatch([notice.pk])
    run_worker_until(broker, "kinerja.tasks.send_notice_mail")  # a failed attempt, then the retry
    notice.refresh_from_db()
    assert notice.mail == Notice.Mail.SENT
    assert notice.mail_attempts == 2 and notice.mail_error == ""
    assert [m.to for m in mail.outbox] == [[klego_data.kasubag.email]]


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_the_periodic_tasks_run_on_the_worker(klego_data, broker):
    notice = pending_notice(klego_data.camat, klego_data.org)
    result = broker.send_task("kinerja.tasks.send_notices")
    run_worker_until(broker, "kinerja.tasks.send_notices")
    assert result.id and Notice.objects.get(pk=notice.pk).mail == Notice.Mail.SENT


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_cannot_be_reached_loses_no_notice(klego_data, settings, caplog, celery_app):
    settings.TASK_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.NOTICE_MAIL = "queue"
    use_broker(celery_app, settings.TASK_BROKER_URL, timeout=1, retry=False)
    notice = pending_notice(klego_data.sekcam, klego_data.org)
    notices.dispatch([notice.pk])  # logged, not raised: the request that moved the cycle succeeds
    assert "Antrean tugas tidak dapat dihubungi" in caplog.text
    assert Notice.objects.get(pk=notice.pk).mail == Notice.Mail.PENDING
    from kinerja import tasks

    assert tasks.send_notices() == {"terkirim": 1, "gagal": 0, "dicoba_lagi": 0}  # the periodic task
    assert Notice.objects.get(pk=notice.pk).mail == Notice.Mail.SENT


def test_every_periodic_task_of_the_schedule_exists(settings):
    from klego_kinerja.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert names == {"kinerja.tasks.send_notices", "kinerja.tasks.notify_overdue", "kinerja.tasks.resume_filings"}
    assert names <= set(app.tasks)


def test_without_a_broker_the_application_loads_nothing_of_celery():
    import subprocess

    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='klego_kinerja.settings'; "
        "os.environ.pop('TASK_BROKER_URL', None); django.setup(); "
        "from django.test import Client; Client().get('/healthz'); "
        "import kinerja.notices, kinerja.queue; "
        "print(any(m == 'celery' or m.startswith('celery.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Documents built on the worker ---------------------------------------------------------------------


@pytest.fixture
def with_budget(klego_data):
    from kinerja import budget

    from .test_budget import budget_file

    assert budget.import_budget(budget_file(), organisation=klego_data.org, year=2026, by=klego_data.kasubag).ok
    return klego_data


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_document_asked_for_is_built_by_the_worker_and_offered_on_its_page(client, with_budget, broker):
    from django.urls import reverse

    from kinerja.models import DocumentJob

    from .test_agreements import docx_text

    client.force_login(with_budget.kasubag)
    asked = client.get(reverse("kinerja:agreement", args=["docx"]), {"tahun": "2026", "tanggal": "2026-01-02"})
    job = DocumentJob.objects.get()
    assert asked.status_code == 302 and asked.url == reverse("kinerja:document_job", args=[job.pk])
    run_worker_until(broker, "kinerja.tasks.build_document")
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.READY
    page = client.get(asked.url).content.decode()
    assert "Siap diunduh" in page and "perjanjian-kinerja-2026-kantor.docx" in page and "document-job.js" not in page
    response = client.get(reverse("kinerja:document_job_file", args=[job.pk]))
    text = docx_text(b"".join(response.streaming_content))
    assert "PERJANJIAN KINERJA TAHUN 2026 KECAMATAN KLEGO" in text
    client.force_login(with_budget.camat)  # another member: not theirs to see or take
    assert client.get(asked.url).status_code == 404
    assert client.get(reverse("kinerja:document_job_file", args=[job.pk])).status_code == 404


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_document_that_cannot_be_made_yet_says_why_on_its_page(client, klego_data, broker):
    from django.urls import reverse

    from kinerja.models import DocumentJob

    client.force_login(klego_data.kasubag)
    asked = client.get(reverse("kinerja:lkjip", args=["pdf"]), {"tahun": "2026"})  # nothing filed for 2026
    run_worker_until(broker, "kinerja.tasks.build_document")
    assert DocumentJob.objects.get().status == DocumentJob.Status.FAILED
    page = client.get(asked.url).content.decode()
    assert "Gagal" in page and DocumentJob.objects.get().error in page and DocumentJob.objects.get().error


@pytest.mark.django_db(transaction=True)
def test_a_waiting_request_follows_its_progress_and_offers_no_file(client, klego_data, settings, celery_app):
    from django.urls import reverse

    from kinerja.models import DocumentJob

    settings.TASK_BROKER_URL = "memory://"  # queued where no worker takes it
    use_broker(celery_app, "memory://")
    client.force_login(klego_data.kasubag)
    asked = client.get(reverse("kinerja:lkjip", args=["docx"]), {"tahun": "2026"})
    job = DocumentJob.objects.get()
    page = client.get(asked.url).content.decode()
    assert job.status == DocumentJob.Status.WAITING and "js/document-job.js" in page and "Menunggu giliran" in page
    assert client.get(asked.url, {"status": "1"}).json() == {"status": "menunggu"}  # what the script asks
    assert client.get(reverse("kinerja:document_job_file", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_document_asked_by_someone_whose_post_ended_since_is_not_made(klego_data):
    import datetime

    from kinerja import document_jobs
    from kinerja.models import DocumentJob, IssuedDocument, Position

    job = DocumentJob.objects.create(
        organisation=klego_data.org, kind=IssuedDocument.Kind.PK, fmt="docx", title="Perjanjian Kinerja 2026 (DOCX)",
        params={"kind": IssuedDocument.Kind.PK, "fmt": "docx", "year": 2026, "day": "2026-01-02"},
        requested_by=klego_data.kasubag, requested_at=timezone.now(),
    )  # fmt: skip
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Position.objects.filter(user=klego_data.kasubag).update(end_date=yesterday)  # handed over since
    job = document_jobs.build(job.pk)
    assert job.status == DocumentJob.Status.FAILED and job.result is None
    assert job.error == (
        f"Dokumen tidak dibuat: {klego_data.kasubag} tidak lagi memegang jabatan di {klego_data.org.name}."
    )
