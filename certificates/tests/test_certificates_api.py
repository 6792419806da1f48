"""``/api/v1/certificates/``: scoped reads, PDF downloads, transitions (403/409/400/404), and
the portal pages with their downloads."""

import pytest
from rest_framework.test import APIClient

from certificates import services
from certificates.tests.factories import issued_certificate, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def kefu():
    return staff()


@pytest.fixture
def own(applicant, org, kefu):
    return issued_certificate(by=kefu, organization=org)


@pytest.fixture
def foreign(other_org, kefu):
    return issued_certificate(by=kefu, organization=other_org)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_applicant_lists_only_their_certificates(applicant, own, foreign):
    body = api(applicant).get("/api/v1/certificates/").json()
    assert [c["number"] for c in body["results"]] == [own.number]
    item = body["results"][0]
    assert item["state"] == "active" and item["available_transitions"] == []
    assert item["current_version"]["sequence"] == 1 and item["verify_url"].endswith(
        f"/verify/{own.number}/"
    )
    assert api(applicant).get(f"/api/v1/certificates/{foreign.pk}/").status_code == 404


def test_staff_see_transitions_and_run_them_through_the_api(kefu, own):
    client = api(kefu)
    item = client.get(f"/api/v1/certificates/{own.pk}/").json()
    assert {t["name"] for t in item["available_transitions"]} == {"suspend", "withdraw"}
    url = f"/api/v1/certificates/{own.pk}/transitions/suspend/"
    bad = client.post(url, {"ground": "z", "reason": ""}, format="json")
    assert bad.status_code == 400 and {"ground", "reason"} <= set(bad.json())
    too_long = client.post(
        url, {"ground": "b", "reason": "严重不符合", "until": "2099-01-01"}, format="json"
    )
    assert too_long.status_code == 400 and "until" in too_long.json()
    ok = client.post(url, {"ground": "b", "reason": "严重不符合"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "suspended"
    assert client.post(url, {"ground": "b", "reason": "再次"}, format="json").status_code == 409
    assert ok.json()["status_changes"][0]["kind"] == "suspension"


def test_an_applicant_may_never_suspend(applicant, own, foreign):
    client = api(applicant)
    body = {"ground": "g", "reason": "请暂停"}
    assert (
        client.post(
            f"/api/v1/certificates/{own.pk}/transitions/suspend/", body, format="json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/certificates/{foreign.pk}/transitions/suspend/", body, format="json"
        ).status_code
        == 404
    )


@pytest.mark.pdf
def test_pdf_downloads_through_the_api(applicant, own, kefu):
    services.certificate_suspend(certificate=own, by=kefu, ground="g", reason="主动请求暂停")
    client = api(applicant)
    for lang in ("zh-hans", "en"):
        response = client.get(f"/api/v1/certificates/{own.pk}/pdf/", {"lang": lang})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"/api/v1/certificates/{own.pk}/pdf/", {"lang": "fr"}).status_code == 400
    assert client.get(f"/api/v1/certificates/{own.pk}/pdf/", {"version": 9}).status_code == 404
    change = own.status_changes.get()
    notice = client.get(f"/api/v1/certificates/{own.pk}/notice/", {"change": change.pk})
    assert notice.status_code == 200


def test_the_portal_lists_certificates_with_versions_and_notices(client, applicant, own, kefu):
    services.certificate_reissue(
        certificate=own, by=kefu, reason="升级", kind="level", level="5-star"
    )
    services.certificate_withdraw(certificate=own, by=kefu, ground="k", reason="申请撤销")
    client.force_login(applicant)
    home = client.get("/portal/").content.decode()
    assert own.number in home
    page = client.get(f"/portal/certificates/{own.pk}/").content.decode()
    assert page.count('data-testid="pdf-zh"') == 2 and page.count('data-testid="pdf-en"') == 2
    assert 'data-testid="withdrawn-notice"' in page and 'data-testid="status-change"' in page
    assert own.number in client.get("/portal/certificates/").content.decode()


def test_the_portal_hides_another_organisations_certificate(client, applicant, foreign):
    client.force_login(applicant)
    assert client.get(f"/portal/certificates/{foreign.pk}/").status_code == 404
    assert client.get(f"/portal/certificates/{foreign.pk}/v1/zh-hans.pdf").status_code == 404


def test_the_admin_reissues_with_a_form(client, kefu, own):
    client.force_login(kefu)
    url = f"/admin/certificates/certificate/{own.pk}/reissue/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "level", "reason": "升级", "level": "5-star"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.current_version.sequence == 2 and own.current_version.level == "5-star"
    bad = client.post(url, {"kind": "level", "reason": "升级", "level": "5-star"})
    assert bad.status_code == 200  # the same level again: a field error on the form


def test_the_application_stepper_reaches_certified(client, applicant, own):
    client.force_login(applicant)
    app = own.current_version.evaluation.application
    html = client.get(f"/portal/applications/{app.pk}/").content.decode()
    import re

    current = re.findall(r'<li class="current" aria-current="step"><span>([^<]+)</span>', html)
    assert current == ["Certified"]  # 已获证
    assert html.count('<li class="done">') == 6  # draft … contracted, evaluated
