"""Suite-wide test set-up: service markers and the fixtures every test module uses.

Tests marked ``postgres``, ``redis`` or ``browser`` need a real server or Chromium. Without one
they are skipped with the reason, unless ``REQUIRE_SERVICES=1`` (CI), where they fail instead.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _redis_url() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else None


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2
        ):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def _missing(item) -> str | None:
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            return "needs PostgreSQL (set DATABASE_URL=postgres://…)"
    if item.get_closest_marker("redis"):
        url = _redis_url()
        if not url:
            return "needs Redis (set CELERY_BROKER_URL=redis://…)"
        if not _reachable(url):
            return f"Redis at {url} is not reachable"
    if item.get_closest_marker("browser") and not chromium_path():
        return "needs Debian's chromium package (apt-get install chromium)"
    if item.get_closest_marker("pdf"):
        from cesi_cert.pdf import PdfUnavailable, _weasyprint, cjk_font_families

        try:
            _weasyprint()
        except PdfUnavailable:
            return "needs Pango for WeasyPrint (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        if not cjk_font_families():
            return "needs a CJK font (apt-get install fonts-noto-cjk)"
        if not (shutil.which("pdffonts") and shutil.which("pdftotext")):
            return "needs poppler-utils (apt-get install poppler-utils)"
    return None


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


# --- shared fixtures ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _language_of_each_test_is_its_own():
    """A request through the test client activates its language in the test's thread (the locale
    middleware never deactivates it); without this, one Chinese request would make every later
    test in the run see Chinese messages."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database between tests, data migrations included: put the
    schemes and role groups back so those tests start from what a migrated database holds."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker and marker.kwargs.get("transaction")
    ) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.contenttypes.models import ContentType

    from applications.reference_data import ensure_role_permissions, ensure_schemes
    from cesi_cert.roles import ensure_kernel_grants, ensure_role_groups

    # A flush may have recreated content types under new ids; forget the cached old ones.
    ContentType.objects.clear_cache()
    ensure_schemes()
    ensure_role_groups()
    ensure_kernel_grants()
    ensure_role_permissions()
    from evaluations.reference_data import ensure_role_permissions as ensure_evaluation_grants

    ensure_evaluation_grants()
    from certificates.permissions.decisions import ensure_decision_grants

    ensure_decision_grants()
    from surveillance.reference_data import ensure_role_permissions as ensure_surveillance_grants

    ensure_surveillance_grants()
    from certificates.reference_data import ensure_role_permissions as ensure_certificate_grants

    ensure_certificate_grants()


@pytest.fixture
def org(db):
    from applications.tests.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def applicant(org):
    from applications.tests.factories import applicant_of

    return applicant_of(org, username="applicant")


@pytest.fixture
def other_org(db):
    from applications.tests.factories import OrganizationFactory

    return OrganizationFactory(name_zh="别家公司")


@pytest.fixture
def other_applicant(other_org):
    from applications.tests.factories import applicant_of

    return applicant_of(other_org, username="stranger")


@pytest.fixture
def cs_staff(db):
    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role

    return UserFactory(username="kefu", role=Role.CUSTOMER_SERVICE)


@pytest.fixture
def business_staff(db):
    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role

    return UserFactory(username="yewu", role=Role.CERTIFICATION_BUSINESS)


@pytest.fixture
def draft(org, applicant):
    """A complete draft: a site, a level and every required material."""
    from applications.tests.factories import ApplicationFactory, complete_documents

    app = ApplicationFactory(organization=org, created_by=applicant)
    complete_documents(app, by=applicant)
    return app


#: One queue per test session: Celery caches its queue set on first use, so every test that
#: starts a worker must use the same name.
_CELERY_TEST_QUEUE = f"test-{os.getpid()}"


@pytest.fixture
def live_celery_worker():
    """A real Celery worker (solo pool, in a thread) consuming from Redis for the test's length.

    Use with ``@pytest.mark.redis`` and ``django_db(transaction=True)``: the worker reads what
    the test committed. Tasks are sent through the broker, not run eagerly.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connection

    from cesi_cert.celery import app as celery_app

    saved = {
        k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=os.environ["CELERY_BROKER_URL"],
        task_default_queue=_CELERY_TEST_QUEUE,
    )

    def close_worker_connection(**kwargs):
        connection.close()  # the worker thread's own connection, as the real worker does

    task_postrun.connect(close_worker_connection, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield celery_app
    finally:
        task_postrun.disconnect(close_worker_connection)
        celery_app.conf.update(saved)


def wait_for(predicate, timeout: float = 15.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass (work done by a worker)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def race(n: int, attempt) -> list:
    """Run ``attempt(i)`` for i in 0…n-1 in ``n`` threads released at once by a barrier.

    Returns each thread's outcome: what ``attempt`` returned, or the exception it raised. Each
    thread closes its own database connection, as the end of a request does. Use with
    ``@pytest.mark.postgres`` and ``django_db(transaction=True)``: the threads see only what the
    test committed, and only PostgreSQL lets their transactions really overlap.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = attempt(i)
        except Exception as e:  # the outcome under test, whatever it is
            outcomes[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return outcomes


@pytest.fixture
def application_in(org, applicant, cs_staff):
    """``factories.application_in`` with the ``org``, ``applicant`` and ``cs_staff`` fixtures."""
    from functools import partial

    from applications.tests import factories

    return partial(factories.application_in, organization=org, applicant=applicant, staff=cs_staff)


# The ``draft`` walked on: the same row, so a test may take both.


@pytest.fixture
def submitted(application_in, draft):
    return application_in("submitted", application=draft)


@pytest.fixture
def under_review(application_in, draft):
    return application_in("under_review", application=draft)


@pytest.fixture
def accepted(application_in, draft):
    return application_in("accepted", application=draft)


@pytest.fixture
def contracted(application_in, draft):
    return application_in("contracted", application=draft)
