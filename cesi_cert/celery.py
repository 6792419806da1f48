"""Celery application.

With the embedded defaults (no ``CELERY_BROKER_URL``) the broker is kombu's
``filesystem://`` transport: a worker and beat exchange messages through a folder under
``var/``, so ``make run`` needs no Redis. Production points ``CELERY_BROKER_URL`` at Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cesi_cert.settings.local")

app = Celery("cesi_cert")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
