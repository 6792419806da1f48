"""Settings of the load benchmark (bench/verify.py): production-like — DEBUG off, persistent
database connections — with plain static storage (no collectstatic) and a bare view."""

from cesi_cert.settings.base import *  # noqa: F403
from cesi_cert.settings.base import DATABASES

DEBUG = False
SECRET_KEY = "bench-only-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES["default"]["CONN_MAX_AGE"] = 60
ROOT_URLCONF = "bench.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
