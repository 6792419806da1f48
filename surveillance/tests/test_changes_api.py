"""``/api/v1/change-requests/`` and ``/api/v1/scope-reductions/`` (SPEC "Public contract"), and
the portal pages of change requests and scope reductions (§3.4.4, §3.4.6): scoped to the
organisation (another's is a 404 or not a valid choice), transitions through the same
services, a double submit acting once."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import Site
from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of, pdf_upload
from certificates.tests.decision_factories import committee_member
from certificates.tests.factories import issued_certificate
from cesi_cert.roles import Role
from surveillance import services
from surveillance.models import ChangeRequest, ScopeReduction

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    return issued_certificate(sites=2)


@pytest.fixture
def member(cert):
    return applicant_of(cert.organization)


@pytest.fixture
def business():
    return UserFactory(role=Role.CERTIFICATION_BUSINESS)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_s3_4_4_api_create_list_and_transitions_with_a_double_approve_refused(
    cert, member, business
):
    response = api(member).post(
        "/api/v1/change-requests/",
        {
            "certificate": cert.pk,
            "kind": "2",
            "description": "调整范围措辞",
            "new_scope": "家用电器售后服务（安装）",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("CR") and body["state"] == "submitted"
    assert [t["name"] for t in body["available_transitions"]] == ["withdraw"]
    pk = body["id"]
    staff = api(business)
    assert (
        staff.post(
            f"/api/v1/change-requests/{pk}/transitions/start_review/", {}, format="json"
        ).status_code
        == 200
    )
    first = staff.post(f"/api/v1/change-requests/{pk}/transitions/approve/", {}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "approved"
    assert first.json()["version"] is not None
    second = staff.post(f"/api/v1/change-requests/{pk}/transitions/approve/", {}, format="json")
    assert second.status_code == 409
    assert cert.versions.count() == 2
    listed = api(member).get("/api/v1/change-requests/").json()
    assert [r["id"] for r in listed["results"]] == [pk]


def test_s3_4_4_api_another_organisations_certificate_and_request_are_not_found(cert, member):
    other = issued_certificate()
    outsider = applicant_of(other.organization)
    response = api(outsider).post(
        "/api/v1/change-requests/",
        {"certificate": cert.pk, "kind": "3", "description": "x"},
        format="json",
    )
    assert response.status_code == 400 and "certificate" in str(response.json())
    cr = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="流程变更"
    )
    assert api(outsider).get(f"/api/v1/change-requests/{cr.pk}/").status_code == 404
    assert (
        api(outsider)
        .post(f"/api/v1/change-requests/{cr.pk}/transitions/withdraw/", {}, format="json")
        .status_code
        == 404
    )
    assert api(outsider).get("/api/v1/change-requests/").json()["results"] == []


def test_s3_4_4_api_the_organisation_cannot_approve_its_own_request(cert, member):
    cr = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="流程变更"
    )
    response = api(member).post(
        f"/api/v1/change-requests/{cr.pk}/transitions/approve/", {}, format="json"
    )
    assert response.status_code == 403


def test_s3_4_4_api_evaluate_needs_methods(cert, member, business):
    cr = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="流程变更"
    )
    services.change_request_start_review(change_request=cr, by=business)
    url = f"/api/v1/change-requests/{cr.pk}/transitions/evaluate/"
    assert api(business).post(url, {}, format="json").status_code == 400
    response = api(business).post(url, {"methods": ["management_audit"]}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "evaluating"
    assert response.json()["evaluation"] is not None


def test_s3_4_6_api_a_non_committee_user_is_refused_and_a_member_decides(cert, member, business):
    reduction = services.scope_reduction_open(
        certificate=cert, by=business, reason="部分场所不再符合", new_scope="家用电器维修"
    )
    url = f"/api/v1/scope-reductions/{reduction.pk}/transitions/approve/"
    assert api(business).post(url, {"comment": "同意"}, format="json").status_code == 403
    tc = committee_member()
    assert api(tc).post(url, {}, format="json").status_code == 400  # the comment is required
    response = api(tc).post(url, {"comment": "不影响其余范围"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert api(tc).post(url, {"comment": "再次"}, format="json").status_code == 409
    outsider = applicant_of(OrganizationFactory())
    assert api(outsider).get(f"/api/v1/scope-reductions/{reduction.pk}/").status_code == 404


# --- portal ---------------------------------------------------------------------------------


def test_s3_4_4_portal_request_a_change_from_the_certificate_page(client, cert, member):
    client.force_login(member)
    page = client.get(reverse("portal:certificate", args=[cert.pk]))
    assert b'data-testid="request-change"' in page.content
    url = reverse("portal:change_request_create") + f"?certificate={cert.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "certificate": cert.pk,
            "kind": "1",
            "description": "公司更名",
            "new_name_zh": "新名称有限公司",
            "attachments": [pdf_upload()],
        },
    )
    cr = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == cr.get_absolute_url()
    assert cr.attachments.count() == 1
    detail = client.get(cr.get_absolute_url())
    assert b'data-testid="stepper"' in detail.content and cr.reference.encode() in detail.content
    listing = client.get(reverse("portal:change_requests"))
    assert cr.reference.encode() in listing.content
    attachment = cr.attachments.get()
    assert client.get(attachment.get_download_url()).status_code == 200


def test_s3_4_4_portal_another_organisations_certificate_is_not_a_choice(client, cert, member):
    other = issued_certificate()
    client.force_login(member)
    response = client.post(
        reverse("portal:change_request_create"),
        {"certificate": other.pk, "kind": "3", "description": "x"},
    )
    assert response.status_code == 200 and "certificate" in response.context["form"].errors
    assert not ChangeRequest.objects.exists()
    cr = services.change_request_submit(
        certificate=other, by=applicant_of(other.organization), kind="3", description="y"
    )
    assert client.get(cr.get_absolute_url()).status_code == 404


def test_s3_4_6_portal_request_a_reduction_with_evidence(client, cert, member):
    client.force_login(member)
    site = Site.objects.get(pk=cert.current_version.sites[1]["site"])
    url = reverse("portal:scope_reduction_create")
    response = client.post(
        url, {"certificate": cert.pk, "removed_sites": [site.pk], "reason": "网点关闭"}
    )
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    response = client.post(
        url,
        {
            "certificate": cert.pk,
            "removed_sites": [site.pk],
            "reason": "网点关闭",
            "attachments": [pdf_upload()],
        },
    )
    reduction = ScopeReduction.objects.get()
    assert response.status_code == 302 and reduction.condition == "b"
    assert list(reduction.removed_sites.all()) == [site]
    assert client.get(reduction.get_absolute_url()).status_code == 200


def test_s3_4_4_admin_pages_open(client, cert, member, business):
    cr = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="流程变更"
    )
    reduction = services.scope_reduction_open(
        certificate=cert, by=business, reason="部分场所不再符合", new_scope="家用电器维修"
    )
    client.force_login(business)
    for url in (
        reverse("admin:surveillance_changerequest_changelist"),
        reverse("admin:surveillance_changerequest_change", args=[cr.pk]),
        reverse("admin:surveillance_scopereduction_changelist"),
        reverse("admin:surveillance_scopereduction_change", args=[reduction.pk]),
        reverse("admin:surveillance_scopereduction_open"),
    ):
        assert client.get(url).status_code == 200, url


def test_s3_4_4_portal_stepper_follows_the_request(client, cert, member, business):
    cr = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="流程变更"
    )
    client.force_login(member)
    steps = client.get(cr.get_absolute_url()).context["steps"]
    assert [s["status"] for s in steps] == ["current", "todo", "todo", "todo"]
    cr = services.change_request_start_review(change_request=cr, by=business)
    services.change_request_approve(change_request=cr, by=business)
    steps = client.get(cr.get_absolute_url()).context["steps"]
    # approved after a document check only: no evaluation step
    assert [s["status"] for s in steps] == ["done", "done", "current"]
    other = services.change_request_submit(
        certificate=cert, by=member, kind="3", description="另一项"
    )
    services.change_request_reject(change_request=other, by=business, reason="不适用")
    steps = client.get(other.get_absolute_url()).context["steps"]
    assert [s["status"] for s in steps] == ["done", "current"]
