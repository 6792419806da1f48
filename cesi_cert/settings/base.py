"""Settings shared by every environment.

Everything an operator may change is read from the environment (django-environ) with a safe
embedded default, so ``make run`` works on a machine that has only Python. Domain constants
(deadlines, limits) are named settings with the clause of CESI-SC-OD01 they come from.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cesi_cert.admin_site.AdminConfig",  # django.contrib.admin with a safer change list
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "simple_history",
    "axes",
    "cesi_cert",
    "applications",
    "evaluations",
    "certificates",
    "surveillance",
    "complaints",
    "billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cesi_cert.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its message is translated), before anything that reads the request.
    "cesi_cert.middleware.ControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy of every answer (cesi_cert.middleware): scripts, styles, images and
# fonts only from this site, no inline script anywhere, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Changes per path prefix (first match wins). Inline *styles* only, never inline scripts: the
# admin's templates carry style="…" attributes (Django's, simple_history's and ours) and a
# <style> block of our transition buttons; Swagger UI's page has a <style> block. An inline
# style cannot run code; the portal and the public pages keep the strict policy.
CONTENT_SECURITY_POLICY_PATHS = {
    "/admin/": {"style-src": "'self' 'unsafe-inline'"},
    "/api/docs/": {"style-src": "'self' 'unsafe-inline'"},
    # The stored evaluation report is shown inside the committee's dossier page (an <iframe> of
    # the same site); everything else still refuses to be framed.
    "/committee/reports/": {"frame-ancestors": "'self'"},
}

ROOT_URLCONF = "cesi_cert.urls"
WSGI_APPLICATION = "cesi_cert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cesi_cert.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database is shared by the web server, the worker and beat: WAL lets readers
    # run beside a writer, and IMMEDIATE transactions take the write lock up front, so two
    # clicks on the same button queue up instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cesi_cert.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a login for a username + address with too many failures
    # (portal, admin and the API token endpoint alike) before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-up: the account is created when its address is confirmed by the e-mailed link, which
# works this long (cesi_cert.accounts explains why every sign-up confirms its address first).
SIGNUP_CONFIRMATION_HOURS = env.int("SIGNUP_CONFIRMATION_HOURS", default=48)
# An invitation to act for an organisation can be accepted this long after it was sent.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# --- evaluations (§3.2) ---------------------------------------------------------------------
# ISO/IEC 17065 impartiality: nobody who consulted for or worked at an organisation within
# this many years may evaluate it.
CONFLICT_COOLING_OFF_YEARS = env.int("CONFLICT_COOLING_OFF_YEARS", default=2)
# Days the organisation has to answer a nonconformity, by grade (§3.3.2.2 5: "按照赛西认证规定的
# 时间要求"); the leader may set an earlier or later date on the finding itself.
NONCONFORMITY_DUE_DAYS = {
    "major": env.int("NONCONFORMITY_DUE_DAYS_MAJOR", default=30),
    "minor": env.int("NONCONFORMITY_DUE_DAYS_MINOR", default=60),
}

# --- decisions (§3.3) -----------------------------------------------------------------------
# Votes the technical committee needs before it can close a vote (approvals, rejections and
# abstentions all count towards the quorum); fewer votes and the vote stays open.
DECISION_QUORUM = env.int("DECISION_QUORUM", default=3)
# Which majority grants: "simple" — more approvals than half of the votes cast for or against
# (abstentions left out; a tie does not grant) — or "two_thirds" — approvals are at least two
# thirds of those votes.
DECISION_MAJORITY = env("DECISION_MAJORITY", default="simple")
# Days after the evaluation report reaches the CB within which the committee should decide; a
# decision still open after that shows as overdue (first) in the committee's queue.
DECISION_DUE_DAYS = env.int("DECISION_DUE_DAYS", default=30)
# --- surveillance: incident and change notifications (§3.4.3) -------------------------------
# §3.4.3 a, b (an accident or major complaint, a regulator's finding): notified within 48 hours
# of the event, an exact duration.
INCIDENT_NOTIFY_HOURS = env.int("INCIDENT_NOTIFY_HOURS", default=48)
# §3.4.3 "特殊情况不超过 1 周": with a recorded special reason, up to one week.
INCIDENT_NOTIFY_SPECIAL_DAYS = env.int("INCIDENT_NOTIFY_SPECIAL_DAYS", default=7)
# §3.4.3 "一般情况下，应在更改/变动后 1 个月内" (c, d): calendar months (dateutil relativedelta).
CHANGE_NOTIFY_MONTHS = env.int("CHANGE_NOTIFY_MONTHS", default=1)
# Our own service level, not the seed's: customer service decides on a notification within
# this many days of receiving it (§3.4.3 "赛西认证根据情况决定").
INCIDENT_DECISION_DAYS = env.int("INCIDENT_DECISION_DAYS", default=10)
# §3.4.2: the surveillance evaluation of a cycle is opened this many days before the cycle ends.
SURVEILLANCE_OPEN_AHEAD_DAYS = env.int("SURVEILLANCE_OPEN_AHEAD_DAYS", default=90)
# --- certificates (§4.1, §5) -----------------------------------------------------------------
# Validity of a certificate when its scheme says nothing else (附录 2: three years).
CERTIFICATE_VALIDITY_YEARS = env.int("CERTIFICATE_VALIDITY_YEARS", default=3)
# §5.1.3: a suspension lasts at most this many calendar months (ground f: until the licence
# decision); then the certificate is withdrawn.
SUSPENSION_MAX_MONTHS = env.int("SUSPENSION_MAX_MONTHS", default=6)
# Registration numbers: <prefix>-<year in China>-<five-digit serial of that year>; sites get
# <number>-<two-digit index> (§4.1 a "总证书号和子证书号").
CERTIFICATE_NUMBER_PREFIX = env("CERTIFICATE_NUMBER_PREFIX", default="CESI-SC")
# The root of the certificates' OIDs (§4.1 a "证书 OID 编号"): <root>.<year>.<serial>. A
# placeholder arc until the CB's registered one is configured.
CERTIFICATE_OID_ROOT = env("CERTIFICATE_OID_ROOT", default="1.2.156.3088.1")
# §4.1 f–g: what the certificates print about the CB. Images are static files (placeholders
# ship in static/certificates/; replace them with the real logo, seal and signature).
CB_NAME_ZH = env("CB_NAME_ZH", default="赛西认证有限责任公司")
CB_NAME_EN = env("CB_NAME_EN", default="CESI Certification Co., Ltd.")
CB_ADDRESS_ZH = env("CB_ADDRESS_ZH", default="北京市东城区安定门东大街1号")
CB_ADDRESS_EN = env(
    "CB_ADDRESS_EN", default="No. 1 Andingmen East Street, Dongcheng District, Beijing, China"
)
CB_LOGO = env("CB_LOGO", default="certificates/logo.svg")
# §4.1 g: the CB's seal on the Chinese certificate, the general manager's signature on the
# English one.
CB_SEAL_IMAGE = env("CB_SEAL_IMAGE", default="certificates/seal.svg")
CB_SIGNATURE_IMAGE = env("CB_SIGNATURE_IMAGE", default="certificates/signature.svg")
CB_GENERAL_MANAGER_NAME = env("CB_GENERAL_MANAGER_NAME", default="Wang Jianguo")

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese first; English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored aware (UTC), shown in the certification body's time zone.
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded evidence is never served by a public URL: it lives outside the static tree and
# is streamed by a view that checks who is asking (cesi_cert.files.serve_private_file).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# Largest accepted upload, in bytes (20 MiB by default).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# A valid upload on a form that failed for another field is kept aside for this many seconds,
# so the next round need not choose it again (cesi_cert.files.keep_upload); then it is removed.
KEPT_UPLOAD_MAX_AGE = env.int("KEPT_UPLOAD_MAX_AGE", default=24 * 3600)
#: Photos taken on site (evidence, §3.3.2.2): each at most this size and this many pixels (a
#: phone's full-resolution photo is 3–8 MB and 12–50 megapixels), at most this many per record.
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=60_000_000)
EVIDENCE_MAX_PHOTOS = env.int("EVIDENCE_MAX_PHOTOS", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@cert.example.cn")
# Where staff notifications about new applications go (customer service mailbox).
CUSTOMER_SERVICE_EMAIL = env("CUSTOMER_SERVICE_EMAIL", default="kf@cert.example.cn")

# --- Caches ------------------------------------------------------------------------------
# CACHE_URL names a Redis database shared by every process (web workers, Celery worker): the
# public pages' rendered-response cache (certificates/public_cache.py) needs one, since a
# suspension committed by the worker must empty it for every web process. Without CACHE_URL
# (the embedded default) each process would have its own memory cache, so that page cache is
# off. "local" is always per process: the public pages' chrome, which changes only with a
# deployment.
CACHE_URL = env("CACHE_URL", default="")
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "local": _LOCAL_CACHE,
}
PUBLIC_PAGE_CACHE = bool(CACHE_URL) and env.bool("PUBLIC_PAGE_CACHE", default=True)

# --- Celery -----------------------------------------------------------------------------
# Without a broker URL the embedded kombu filesystem transport is used (no server needed).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        # One folder for in and out: the worker reads what beat and the web wrote.
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "run-deadlines": {
        "task": "cesi_cert.tasks.run_deadlines",
        "schedule": env.int("DEADLINE_SWEEP_SECONDS", default=15 * 60),
    },
}

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser with a nesting limit (a 2 KB body of nested arrays was a 500).
    "DEFAULT_PARSER_CLASSES": [
        "cesi_cert.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cesi_cert.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CESI service certification API",
    "DESCRIPTION": "Applications, evaluations, decisions and certificates (CESI-SC-OD01).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tags and operation ids from the collection name ("applications", not "v1").
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several resources have a `kind`/`state` field with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationKindEnum": "applications.models.Application.Kind",
        "ApplicationStateEnum": "applications.models.Application.State",
        "DocumentKindEnum": "applications.models.DocumentKind",
        "EvidenceKindEnum": "evaluations.models.Evidence.Kind",
        "ExtensionConditionEnum": "applications.models.ExtensionCondition",
        "IncidentKindEnum": "surveillance.models.OrganizationNotice.Kind",
        "CaseGroundEnum": "surveillance.models.Case.Ground",
        "ChangeRequestKindEnum": "surveillance.models.ChangeRequest.Kind",
        "ScopeReductionConditionEnum": "surveillance.models.ScopeReduction.Condition",
        "DecisionConditionEnum": "certificates.models.decisions.Condition",
        "QualificationRoleEnum": "evaluations.models.QualificationRole",
        "TeamRoleEnum": "evaluations.models.TeamMember.Role",
        "SuspensionGroundEnum": "certificates.grounds.SuspensionGround",
        "WithdrawalGroundEnum": "certificates.grounds.WithdrawalGround",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each rendering step at INFO ("Step 2 - Fetching and parsing CSS").
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")
# The certification body's name as shown in headers and documents.
CB_NAME = env("CB_NAME", default="赛西认证 CESI Certification")
