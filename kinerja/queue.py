"""Handing work to the task queue (kinerja.tasks) when there is one (TASK_BROKER_URL), from one
place. Celery is imported only then: without a broker nothing here is loaded."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def enqueue(task: str, *args) -> bool:
    """Queue `kinerja.tasks.<task>(*args)`; False (logged) when the broker cannot be reached: the
    caller's work stays in the database for the periodic task to find."""
    from klego_kinerja.celery import app

    try:
        app.send_task(f"kinerja.tasks.{task}", args=args)
    except Exception:  # the broker is down: nothing is lost, the periodic task takes it later
        logger.exception("Antrean tugas tidak dapat dihubungi (%s); dikerjakan oleh tugas berkala.", task)
        return False
    return True


def available() -> bool:
    return bool(settings.TASK_BROKER_URL)
