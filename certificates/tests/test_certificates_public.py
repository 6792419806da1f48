"""The public pages, no login (§3.3, §4.1 h, §5.3): verification, search (page and API), the
directory and the public notice. A suspended or withdrawn certificate says so plainly; nothing
private is shown; a page costs at most 3 queries however many certificates there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import services
from certificates.models import Certificate, CertificateVersion
from certificates.tests.factories import issued_certificate, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def kefu():
    return staff()


@pytest.fixture
def cert(kefu):
    return issued_certificate(by=kefu, sites=2)


def test_the_verification_page_shows_what_the_certificate_prints(client, cert):
    page = client.get(f"/verify/{cert.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    version = cert.current_version
    for value in (
        cert.number,
        version.organization_name_en,
        version.credit_code,
        version.scope,
        "Four-star",
        "2029-04-19",
        *[s["name"] for s in version.sites],
        *[s["number"] for s in version.sites],
    ):
        assert value in html, value
    assert 'data-state="active"' in html


def test_an_unknown_number_is_a_404_page_that_says_so(client):
    page = client.get("/verify/CESI-SC-2026-99999/")
    assert page.status_code == 404 and b"CESI-SC-2026-99999" in page.content


def test_nothing_private_is_public(client, api_client, cert):
    org = cert.organization
    private = [org.contact_name, org.contact_phone, org.contact_email]
    users = [m.user.username for m in org.memberships.select_related("user")]
    pages = [
        client.get(f"/verify/{cert.number}/").content.decode(),
        client.get("/verify/", {"q": cert.number}).content.decode(),
        client.get("/directory/").content.decode(),
        api_client.get("/api/v1/public/certificates/", {"q": cert.number}).content.decode(),
    ]
    for body in pages:
        assert cert.number in body
        for value in [*private, *users, "kefu-cert", cert.current_version.reason]:
            assert value not in body, value
    item = api_client.get("/api/v1/public/certificates/", {"q": cert.number}).json()["results"][0]
    assert "organization" not in item and "id" not in item and "reason" not in item


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.mark.parametrize("how", ["number", "sub_number", "credit_code", "name", "name_part", "en"])
def test_public_search_finds_by_number_credit_code_and_name(client, api_client, cert, how):
    issued_certificate(by=staff())  # another organisation's, which must not match
    version = cert.current_version
    q = {
        "number": cert.number,
        "sub_number": version.sites[1]["number"],
        "credit_code": cert.credit_code.lower(),
        "name": version.organization_name_zh,
        "name_part": version.organization_name_zh[2:6],  # a part of the name: both match
        "en": version.organization_name_en.upper(),
    }[how]
    found = api_client.get("/api/v1/public/certificates/", {"q": q}).json()
    numbers = [r["number"] for r in found["results"]]
    assert cert.number in numbers
    if how != "name_part":
        assert numbers == [cert.number]
    page = client.get("/verify/", {"q": q})
    assert cert.number in page.content.decode()


def test_an_empty_or_unmatched_search_finds_nothing(client, api_client, cert):
    assert api_client.get("/api/v1/public/certificates/").json()["count"] == 0
    assert (
        api_client.get("/api/v1/public/certificates/", {"q": "不存在的公司"}).json()["count"] == 0
    )
    assert b'data-testid="no-results"' in client.get("/verify/", {"q": "不存在的公司"}).content


def test_suspended_and_withdrawn_say_so_plainly_everywhere(client, api_client, kefu, cert):
    services.certificate_suspend(certificate=cert, by=kefu, ground="c", reason="误用标志")
    html = client.get(f"/verify/{cert.number}/").content.decode()
    assert 'data-state="suspended"' in html and "SUSPENDED" in html
    assert 'data-testid="suspended-notice"' in html
    assert "SUSPENDED" in client.get("/verify/", {"q": cert.number}).content.decode()
    assert (
        api_client.get("/api/v1/public/certificates/", {"q": cert.number}).json()["results"][0][
            "state"
        ]
        == "suspended"
    )
    notice = client.get("/notices/").content.decode()
    assert cert.number in notice and 'data-kind="suspension"' in notice
    assert "c) Misuse of the certificate" in notice

    services.certificate_withdraw(
        certificate=cert, by=kefu, ground="k", reason="申请撤销", consent="同意"
    )
    html = client.get(f"/verify/{cert.number}/").content.decode()
    assert 'data-state="withdrawn"' in html and "WITHDRAWN" in html
    assert 'data-kind="withdrawal"' in client.get("/notices/").content.decode()
    # The directory lists held certificates only: a withdrawn one leaves it.
    assert cert.number not in client.get("/directory/").content.decode()


def test_the_chinese_page_says_suspended_in_chinese(client, kefu, cert):
    services.certificate_suspend(certificate=cert, by=kefu, ground="c", reason="误用标志")
    html = client.get(f"/verify/{cert.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已暂停" in html and cert.current_version.organization_name_zh in html


def test_the_directory_lists_held_certificates_by_scheme(client, cert):
    dsmm_holder = issued_certificate(by=staff())
    Certificate.objects.filter(pk=dsmm_holder.pk).update(
        scheme=dsmm_holder.scheme.__class__.objects.get(code="dsmm")
    )
    everything = client.get("/directory/").content.decode()
    assert cert.number in everything and dsmm_holder.number in everything
    after_sales = client.get("/directory/", {"scheme": "after-sales"}).content.decode()
    assert cert.number in after_sales and dsmm_holder.number not in after_sales
    assert client.get("/directory/", {"scheme": "nope"}).status_code == 404


def test_the_home_page_has_the_certificate_search_box(client):
    html = client.get("/").content.decode()
    assert 'data-testid="home-certificate-search"' in html
    assert 'action="/verify/"' in html and 'name="q"' in html


def _many(n, kefu):
    """``n`` more certificates in bulk (the query count must not grow with them)."""
    template = issued_certificate(by=kefu)
    version = template.current_version
    start = Certificate.objects.count() * 100
    for i in range(start, start + n):
        c = Certificate.objects.create(
            number=f"CESI-SC-2025-{i:05d}",
            oid=f"1.2.3.{i}",
            organization=template.organization,
            scheme=template.scheme,
            first_issued_on=datetime.date(2025, 1, 1),
            expires_on=datetime.date(2027, 12, 31),
            credit_code=template.credit_code,
            organization_name=f"批量公司{i}",
        )
        v = CertificateVersion.objects.get(pk=version.pk)
        v.pk = None
        v.certificate = c
        v.sequence = 1
        v.evaluation = None
        v.save()
        Certificate.objects.filter(pk=c.pk).update(current_version=v)
    return template


PUBLIC_PAGES = [
    lambda cert: f"/verify/{cert.number}/",
    lambda cert: f"/verify/?q={cert.number}",
    lambda cert: "/verify/?q=批量公司",
    lambda cert: "/directory/",
    lambda cert: "/directory/?scheme=after-sales",
    lambda cert: "/notices/",
    lambda cert: f"/api/v1/public/certificates/?q={cert.number}",
    lambda cert: "/api/v1/public/certificates/?q=批量公司",
]


@pytest.mark.parametrize("page", range(len(PUBLIC_PAGES)))
def test_a_public_page_costs_at_most_3_queries_whatever_the_number_of_certificates(
    client, kefu, page
):
    cert = _many(3, kefu)
    services.certificate_suspend(certificate=cert, by=kefu, ground="g", reason="主动请求暂停")
    url = PUBLIC_PAGES[page](cert)
    counts = []
    for more in (0, 12):
        if more:
            _many(more, kefu)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3, (url, counts)


@pytest.mark.parametrize("q", ["%", "_", "\\", "'", "x" * 500, "CESI-SC-2026-", "91110108"])
def test_odd_searches_are_answered_not_crashed(client, api_client, cert, q):
    page = client.get("/verify/", {"q": q})
    assert page.status_code == 200
    assert 'data-testid="result"' not in page.content.decode()  # "%", "_" are no wildcards
    assert api_client.get("/api/v1/public/certificates/", {"q": q}).status_code == 200
    assert client.get(f"/verify/{q[:60]}/").status_code in (404, 400)
