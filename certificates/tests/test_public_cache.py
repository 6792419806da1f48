"""The public pages' rendered-response cache, on the real Redis (§4.1 h: what the QR code opens
is the certificate's state now). A cached page costs no query; a suspension, withdrawal or
reissue shows on the very next request, on the page, the search and the API alike."""

import os
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Site
from certificates import services
from certificates.models import CertificateVersion
from certificates.tests.factories import issued_certificate, staff

# Real commits: the pages go stale in an on-commit hook.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture
def shared_cache(settings):
    """The page cache on, in the Redis the suite was given, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CELERY_BROKER_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.PUBLIC_PAGE_CACHE = True
    from django.core.cache import cache

    from certificates import public_cache

    yield cache
    cache.delete(public_cache.GENERATION)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def kefu():
    return staff()


@pytest.fixture
def cert(kefu):
    return issued_certificate(by=kefu, sites=3)


def _get(client, path, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return response, len(queries)


def test_a_cached_verification_costs_no_query_and_a_suspension_shows_at_once_4_1_h(
    client, api_client, kefu, cert, shared_cache
):
    pages = [
        (client, f"/verify/{cert.number}/", {}),
        (client, "/verify/", {"q": cert.number}),
        (client, "/verify/", {"q": cert.current_version.credit_code}),
        (api_client, "/api/v1/public/certificates/", {"q": cert.number}),
    ]
    for c, path, params in pages:
        first, _ = _get(c, path, **params)
        again, queries = _get(c, path, **params)
        assert queries == 0, path  # served from the cache
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
        assert 'data-state="active"' in first.content.decode() or b'"active"' in first.content

    services.certificate_suspend(certificate=cert, by=kefu, ground="c", reason="误用标志")
    html = _get(client, f"/verify/{cert.number}/")[0].content.decode()
    assert 'data-state="suspended"' in html and 'data-testid="suspended-notice"' in html
    assert "SUSPENDED" in _get(client, "/verify/", q=cert.number)[0].content.decode()
    api = _get(api_client, "/api/v1/public/certificates/", q=cert.number)[0].json()
    assert api["results"][0]["state"] == "suspended"

    services.certificate_withdraw(
        certificate=cert, by=kefu, ground="k", reason="申请撤销", consent="同意"
    )
    html = _get(client, f"/verify/{cert.number}/")[0].content.decode()
    assert 'data-state="withdrawn"' in html and "WITHDRAWN" in html
    html = _get(client, "/verify/", q=cert.current_version.credit_code)[0].content.decode()
    assert "WITHDRAWN" in html


def test_a_reissue_shows_on_the_next_request_and_each_language_has_its_page_4_3_5(
    client, kefu, cert, shared_cache
):
    path = f"/verify/{cert.number}/"
    sites = cert.current_version.sites
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Valid until" in english and "Valid until" not in chinese
    assert all(s["number"] in english for s in sites)

    kept = [Site.objects.get(pk=s["site"]) for s in sites[:2]]
    services.certificate_reissue(
        certificate=cert,
        by=kefu,
        reason="申请缩小范围",
        kind=CertificateVersion.Kind.REDUCTION,
        sites=kept,
    )
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert sites[0]["number"] in html and sites[2]["number"] not in html
    assert (
        sites[2]["number"] not in client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )


def test_an_unknown_number_is_never_cached_4_1_h(client, kefu, cert, shared_cache):
    with CaptureQueriesContext(connection) as queries:
        client.get("/verify/CESI-SC-2026-99999/")
        assert client.get("/verify/CESI-SC-2026-99999/").status_code == 404
    assert len(queries) == 2  # a 404 is read each time: an issue may give it a certificate


def test_a_search_that_finds_nothing_is_not_kept(client, api_client, cert, shared_cache):
    """Random queries must not fill the shared cache: only pages that show a certificate are kept."""
    for _ in range(2):
        assert _get(client, "/verify/", q="不存在的公司")[1] == 1
        assert _get(api_client, "/api/v1/public/certificates/", q="不存在的公司")[1] >= 1


def test_another_process_s_change_is_seen_once_the_lease_has_run_out(client, cert, shared_cache):
    """What the lease promises: a change committed by another process (the Celery worker, the
    other web workers) sets a new generation and waits LEASE; after that, no process serves a
    page of the old one."""
    from certificates import public_cache

    path = f"/verify/{cert.number}/"
    client.get(path)
    assert _get(client, path)[1] == 0
    shared_cache.set(public_cache.GENERATION, "another-process", timeout=None)
    time.sleep(public_cache.LEASE)
    assert _get(client, path)[1] == 1  # read afresh
    assert _get(client, path)[1] == 0


def test_only_a_person_waits_out_the_lease_not_a_sweep(shared_cache, monkeypatch):
    """A suspension by a person waits the lease so that their next page shows it; the expiry
    sweep's changes do not wait once per certificate (the other processes see them within
    the lease anyway)."""
    from simple_history.models import HistoricalRecords

    from certificates import public_cache

    waits = []
    monkeypatch.setattr(public_cache.time, "sleep", waits.append)
    public_cache.invalidate()  # as in a sweep or a command: no request
    assert waits == []
    HistoricalRecords.context.request = object()  # as the middleware does during a request
    try:
        public_cache.invalidate()
    finally:
        del HistoricalRecords.context.request
    assert waits == [public_cache.LEASE]
