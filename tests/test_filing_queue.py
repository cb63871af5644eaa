"""Step 10 with a task queue: the filing page asks the worker, which files the records, builds the
archive and the print bundle and closes the step in one transaction, at the moment it was asked
and with the requester's rights checked again; the page follows it; one request per cycle at a
time; a failure files nothing, leaves the step open and says why; a broker that cannot be reached
files in the request; requests left behind by a lost message are queued again."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from kinerja.engine import workflow
from kinerja.models import Cycle, CycleArchive, FilingJob, PerformanceRecord
from kinerja.steps import filing

from .conftest import advance, open_runs
from .test_analysis_steps import to_step_6
from .test_filing import FILED_CODES
from .test_task_queue import broker, needs_redis, run_worker_until, use_broker  # noqa: F401 (broker: the fixture, used by name)

LATE = "Dokumen pendukung baru lengkap hari ini"


@pytest.fixture
def at_step_10(klego_data):
    cycle = to_step_6(klego_data)
    advance(klego_data, cycle, 10)
    (run,) = open_runs(cycle)
    assert run.step.number == 10
    return cycle


@pytest.fixture
def queue_without_worker(settings, celery_app):
    """A task queue that takes messages and never runs them (no worker listens)."""
    settings.TASK_BROKER_URL = "memory://"
    use_broker(celery_app, "memory://")


@pytest.fixture
def celery_app():
    from klego_kinerja.celery import app

    yield app
    use_broker(app, "memory://")


def file_on_page(client, cycle, reason=LATE):
    return client.post(reverse("kinerja:filing", args=[cycle.pk]), {"action": "file", "overdue_reason": reason})


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@needs_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker")
def test_with_a_task_queue_the_worker_files_the_cycle_and_the_page_shows_the_archive(
    client, klego_data, at_step_10, settings, celery_app
):
    settings.NOTICE_MAIL = "cron"  # only the filing on the worker
    cycle = at_step_10
    client.force_login(klego_data.kasubag)
    asked = file_on_page(client, cycle)  # queued on Redis; no worker yet
    assert FilingJob.objects.get().status == FilingJob.Status.WAITING
    run_worker_until(celery_app, "kinerja.tasks.file_cycle")
    assert asked.status_code == 302 and asked.url == reverse("kinerja:filing", args=[cycle.pk])
    job = FilingJob.objects.get()
    assert job.requested_by == klego_data.kasubag and job.overdue_reason == LATE
    assert job.status == FilingJob.Status.READY
    job.refresh_from_db()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DONE
    assert set(PerformanceRecord.objects.filter(cycle=cycle).values_list("code", flat=True)) == FILED_CODES
    run = cycle.runs.get(step__number=10)
    # Closed at the moment the Kasubag asked, with the reason written on the page.
    assert run.closed_at == job.requested_at and run.closed_by == klego_data.kasubag and run.overdue_reason == LATE
    archive = CycleArchive.objects.get(cycle=cycle)
    assert archive.file is not None and archive.bundle is not None and archive.created_at == job.requested_at
    page = client.get(asked.url).content.decode()
    assert 'data-testid="archive"' in page and "document-job.js" not in page and "sedang diproses" not in page
    assert client.get(asked.url, {"status": "1"}).json() == {"status": "berakhir"}  # the step is closed


@pytest.mark.django_db
def test_a_waiting_filing_is_followed_on_the_page_and_a_second_request_is_refused(
    client, klego_data, at_step_10, queue_without_worker
):
    cycle = at_step_10
    client.force_login(klego_data.kasubag)
    first = file_on_page(client, cycle)
    assert said(first) == []  # not filed yet: no "diarsipkan" claimed
    job = FilingJob.objects.get()
    assert job.status == FilingJob.Status.WAITING
    page = client.get(reverse("kinerja:filing", args=[cycle.pk])).content.decode()
    assert 'data-testid="filing-job"' in page and "Menunggu giliran" in page and "js/document-job.js" in page
    assert 'data-testid="file-database"' not in page  # no second form while one waits
    assert client.get(reverse("kinerja:filing", args=[cycle.pk]), {"status": "1"}).json() == {"status": "menunggu"}
    second = file_on_page(client, cycle)
    assert any("sedang diproses server" in m for m in said(second))
    assert FilingJob.objects.count() == 1
    assert not PerformanceRecord.objects.filter(cycle=cycle).exists() and open_runs(cycle)[0].step.number == 10
    # The worker takes it (what kinerja.tasks.file_cycle runs); a second delivery changes nothing.
    assert filing.run_job(job.pk).status == FilingJob.Status.READY
    assert filing.run_job(job.pk).status == FilingJob.Status.READY
    assert PerformanceRecord.objects.filter(cycle=cycle).count() == len(FILED_CODES)
    assert CycleArchive.objects.filter(cycle=cycle).count() == 1
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DONE


@pytest.mark.django_db
def test_a_filing_that_fails_on_the_worker_files_nothing_and_the_page_says_why(
    client, klego_data, at_step_10, queue_without_worker, monkeypatch
):
    cycle = at_step_10
    client.force_login(klego_data.kasubag)
    file_on_page(client, cycle)
    job = FilingJob.objects.get()

    def broken(*args, **kwargs):
        raise OSError("disk penuh")

    monkeypatch.setattr(filing, "build_archive", broken)
    assert filing.run_job(job.pk).status == FilingJob.Status.FAILED
    job.refresh_from_db()
    assert job.error == filing.FAILED_BY_SYSTEM and job.finished_at is not None
    # Rolled back whole: no record, no archive, step 10 still open.
    assert not PerformanceRecord.objects.filter(cycle=cycle).exists()
    assert not CycleArchive.objects.filter(cycle=cycle).exists()
    assert open_runs(cycle)[0].step.number == 10 and Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.RUNNING
    page = client.get(reverse("kinerja:filing", args=[cycle.pk])).content.decode()
    assert 'data-testid="filing-failed"' in page and "tidak ada yang diarsipkan" in page
    assert 'data-testid="file-database"' in page  # asked again from the same page
    monkeypatch.undo()
    file_on_page(client, cycle)
    retry = FilingJob.objects.exclude(pk=job.pk).get()
    assert filing.run_job(retry.pk).status == FilingJob.Status.READY
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DONE


@pytest.mark.django_db
def test_the_worker_checks_the_requesters_rights_again(klego_data, at_step_10):
    cycle = at_step_10
    # A request in the Camat's name (never made by the page, which refuses them): the worker's own
    # check refuses it, as the step's closing does for anybody but the Kasubag.
    job = FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.camat, requested_at=timezone.now(), overdue_reason=LATE
    )
    assert filing.run_job(job.pk).status == FilingJob.Status.FAILED
    job.refresh_from_db()
    assert "Kasubag Perencanaan dan Pelaporan" in job.error and job.error.endswith(
        "Tidak ada yang diarsipkan; langkah 10 tetap terbuka."
    )
    assert not PerformanceRecord.objects.filter(cycle=cycle).exists() and open_runs(cycle)[0].step.number == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "reason", "expected"),
    [
        ("camat", LATE, "Kasubag Perencanaan dan Pelaporan"),
        ("kasubag", "", "Langkah ini melewati batas waktu. Isi alasan keterlambatan sebelum menyelesaikannya."),
    ],
)
def test_a_filing_the_worker_would_refuse_is_refused_in_the_request_with_the_same_sentence(
    client, klego_data, at_step_10, queue_without_worker, who, reason, expected
):
    cycle = at_step_10
    (run,) = open_runs(cycle)
    with pytest.raises(workflow.WorkflowError) as refused:
        filing.request_filing(run, by=getattr(klego_data, who), overdue_reason=reason)
    assert expected in str(refused.value)
    with pytest.raises(workflow.WorkflowError) as closing:  # what the closing itself says
        filing.file_database(run, by=getattr(klego_data, who), overdue_reason=reason)
    assert str(closing.value) == str(refused.value)
    client.force_login(getattr(klego_data, who))
    response = file_on_page(client, cycle, reason)
    assert response.status_code in (302, 403)
    assert not FilingJob.objects.exists() and not PerformanceRecord.objects.filter(cycle=cycle).exists()


@pytest.mark.django_db
def test_a_broker_that_cannot_be_reached_files_in_the_request(client, klego_data, at_step_10, settings, celery_app):
    settings.TASK_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    use_broker(celery_app, settings.TASK_BROKER_URL, timeout=1, retry=False)
    client.force_login(klego_data.kasubag)
    response = file_on_page(client, at_step_10)
    assert said(response) == ["Data base kinerja diarsipkan; siklus selesai."]
    assert FilingJob.objects.get().status == FilingJob.Status.READY
    assert Cycle.objects.get(pk=at_step_10.pk).status == Cycle.Status.DONE


@pytest.mark.django_db
def test_requests_left_behind_are_queued_again_and_no_other(klego_data, monkeypatch):
    from kinerja import queue

    from .conftest import start

    cycle = start(klego_data)
    sent = []
    monkeypatch.setattr(queue, "enqueue", lambda task, *args: sent.append((task, *args)) or True)
    now = timezone.now()
    old = FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.kasubag, requested_at=now - datetime.timedelta(minutes=6),
        status=FilingJob.Status.BUILDING,
    )  # fmt: skip
    FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.kasubag, requested_at=now - datetime.timedelta(minutes=30),
        status=FilingJob.Status.FAILED,
    )  # fmt: skip
    assert filing.resume_jobs() == 1
    assert sent == [("file_cycle", old.pk)]
    old.status = FilingJob.Status.READY
    old.save()
    FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.kasubag, requested_at=now - datetime.timedelta(minutes=1)
    )  # a fresh one: its worker may still be on it
    assert filing.resume_jobs() == 0 and len(sent) == 1


@pytest.mark.django_db
def test_the_database_keeps_one_open_filing_per_cycle(klego_data):
    from django.db import IntegrityError, transaction

    from .conftest import start

    cycle = start(klego_data)  # any cycle: the rule is the database's
    FilingJob.objects.create(cycle=cycle, requested_by=klego_data.kasubag, requested_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        FilingJob.objects.create(
            cycle=cycle, requested_by=klego_data.kasubag, requested_at=timezone.now(),
            status=FilingJob.Status.BUILDING,
        )  # fmt: skip
    # An ended one does not count.
    FilingJob.objects.create(
        cycle=cycle, requested_by=klego_data.kasubag, requested_at=timezone.now(),
        status=FilingJob.Status.FAILED,
    )  # fmt: skip
    assert FilingJob.objects.filter(cycle=cycle).count() == 2
