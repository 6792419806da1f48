"""Test settings: SQLite unless DATABASE_URL is set (CI sets PostgreSQL)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Manifest storage needs collectstatic; plain storage keeps admin views testable.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cesi-private-"))
# Tasks run inline unless a test asks for the real broker (see tests marked `redis`).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Tests read messages in English so they do not change with the Chinese catalogue; the
# Chinese default is tested explicitly (cesi_cert/tests/test_i18n.py overrides this).
LANGUAGE_CODE = "en"
# Serve static files from the app folders without collectstatic (no STATIC_ROOT needed).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Tests log in with client.login() (no request), which django-axes refuses; the lockout test
# (cesi_cert/tests/test_accounts.py) puts the axes backend back.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Per-process caches whatever CACHE_URL says: a test's rollback fires no on-commit hook, so a
# shared page cache would carry one test's pages into the next (the page cache's own tests
# switch it on against the real Redis).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
PUBLIC_PAGE_CACHE = False
