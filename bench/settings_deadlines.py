"""Settings of the deadline benchmark (bench/deadlines.py): those of bench/settings.py, with
Celery tasks queued in memory (a sweep queues the notice PDF for a worker; the worker's render
is not the sweep's cost) and e-mail kept in memory."""

from bench.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
