"""WSGI entry point (gunicorn klego_kinerja.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klego_kinerja.settings")
application = get_wsgi_application()
