"""The task queue's application (Celery on Redis), for the worker and the scheduler:

    celery -A klego_kinerja worker     # runs what the application queues (kinerja.tasks)
    celery -A klego_kinerja beat       # the periodic tasks (settings.CELERY_BEAT_SCHEDULE)

The application processes import this only when TASK_BROKER_URL is set (kinerja.queue); without
it, `make run` needs no Redis and no worker: what would be queued runs in the request."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")

app = Celery("klego_kinerja")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["kinerja"])
