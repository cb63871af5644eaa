"""What the worker runs (Celery, klego_kinerja/celery.py). Each task reads its work from the
database, which stays the record: a message lost with Redis loses no notice (the periodic
`send_notices` sends what is still pending) and no overdue step (the next `notify_overdue`)."""

from celery import shared_task
from django.conf import settings

from . import document_jobs, notices
from .engine import overdue
from .models.notices import MAX_ATTEMPTS
from .steps import filing


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, name="kinerja.tasks.send_notice_mail")
def send_notice_mail(self, ids: list[int]) -> dict:
    """Send these notices' e-mail; while any of them failed and may be tried again, try again
    later, waiting twice as long each time."""
    counts = notices.send_pending(ids)
    if counts["dicoba_lagi"]:
        raise self.retry(countdown=settings.NOTICE_RETRY_SECONDS * 2**self.request.retries)
    return counts


@shared_task(name="kinerja.tasks.send_notices")
def send_notices() -> dict:
    """Every notice still waiting (periodic: what `manage.py send_notices` does from cron)."""
    return notices.send_pending()


@shared_task(name="kinerja.tasks.notify_overdue")
def notify_overdue() -> int:
    """Mark overdue steps and tell their people (periodic: `manage.py notify_overdue`)."""
    return len(overdue.notify_overdue())


@shared_task(name="kinerja.tasks.build_document", acks_late=True)
def build_document(job_id: int) -> str:
    """Make a document asked for on the page (kinerja.document_jobs)."""
    return document_jobs.build(job_id).status


@shared_task(name="kinerja.tasks.file_cycle", acks_late=True)
def file_cycle(job_id: int) -> str:
    """Step 10 asked on the filing page: the records filed, the archive and bundle built, the
    step closed, in one transaction (kinerja.steps.filing.run_job)."""
    return filing.run_job(job_id).status


@shared_task(name="kinerja.tasks.resume_filings")
def resume_filings() -> int:
    """Filings asked for and not ended after five minutes, queued again (periodic)."""
    return filing.resume_jobs()
