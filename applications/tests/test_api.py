"""The REST API of the public contract (SPEC "Public contract") for schemes, organisations,
sites, applications (§3.1) and their transitions, documents (§3.1.3) and contracts (§3.1.4)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from applications import services
from applications.models import Application, ApplicationDocument, Membership, Organization, Site
from applications.tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DocumentFactory,
    OrganizationFactory,
    SiteFactory,
    make_credit_code,
    pdf_upload,
)
from applications.validators import validate_credit_code
from cesi_cert.models import TransitionLog

S = Application.State
pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"  # SPEC: a valid unified social credit code
BAD_CHECK_CODE = "91350100M000100Y44"  # … and the same with a wrong check character


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition(client, app, name, data=None):
    return client.post(
        f"/api/v1/applications/{app.pk}/transitions/{name}/", data or {}, format="json"
    )


# --- authentication ---------------------------------------------------------------------------


def test_token_from_username_and_password_opens_the_api(applicant, org):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "applicant", "password": "pass-12345"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/organizations/")
    assert response.status_code == 200
    assert [o["credit_code"] for o in response.json()["results"]] == [org.credit_code]


def test_wrong_password_gets_no_token_and_no_token_gets_401(applicant):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "applicant", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert client.get("/api/v1/applications/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/applications/").status_code == 401


def test_session_login_works_for_the_browser(applicant, draft):
    client = APIClient()
    assert client.login(username="applicant", password="pass-12345")
    response = client.get(f"/api/v1/applications/{draft.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == draft.reference


# --- schemes --------------------------------------------------------------------------------


def test_schemes_are_read_only_and_found_by_code(applicant):
    client = client_for(applicant)
    response = client.get("/api/v1/schemes/after-sales/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "after-sales"
    assert "GB/T 27922" in body["standards"]
    assert body["validity_years"] == 3
    assert body["surveillance_interval_months"] == 12  # §3.4.2
    assert {lv["code"] for lv in body["levels"]} >= {"4-star"}
    assert client.post("/api/v1/schemes/", {"code": "x"}, format="json").status_code == 405
    assert client.delete("/api/v1/schemes/after-sales/").status_code == 405


# --- organisations ----------------------------------------------------------------------------


def _org_payload(**overrides):
    data = {
        "name_zh": "新注册服务有限公司",
        "credit_code": VALID_CODE,
        "address_zh": "福州市鼓楼区1号",
        "contact_name": "李四",
        "contact_phone": "0591-1234567",
        "contact_email": "li@example.cn",
    }
    return {**data, **overrides}


def test_applicant_creating_an_organisation_becomes_its_member(applicant):
    client = client_for(applicant)
    response = client.post("/api/v1/organizations/", _org_payload(), format="json")
    assert response.status_code == 201, response.json()
    org_id = response.json()["id"]
    assert response.json()["credit_code"] == VALID_CODE
    assert Membership.objects.filter(user=applicant, organization_id=org_id).exists()
    # … and sees it at once in their list.
    codes = [o["credit_code"] for o in client.get("/api/v1/organizations/").json()["results"]]
    assert VALID_CODE in codes


def test_invalid_credit_code_is_a_400_on_credit_code_with_the_precise_message(applicant):
    response = client_for(applicant).post(
        "/api/v1/organizations/", _org_payload(credit_code=BAD_CHECK_CODE), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["credit_code"]
    # GB 32100-2015: the service's own message, which names the expected check character.
    with pytest.raises(ValidationError) as expected:
        validate_credit_code(BAD_CHECK_CODE)
    assert response.json()["credit_code"] == expected.value.messages
    assert "3" in response.json()["credit_code"][0]
    assert not Organization.objects.filter(credit_code=BAD_CHECK_CODE).exists()


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y4", "91350100M000100YI3", "91AB0100M000100Y43"],
    ids=["too-short", "letter-I", "division-not-digits"],
)
def test_malformed_credit_codes_are_400_on_credit_code(applicant, code):
    response = client_for(applicant).post(
        "/api/v1/organizations/", _org_payload(credit_code=code), format="json"
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()


def test_duplicate_credit_code_is_a_400_on_credit_code(applicant, other_org):
    response = client_for(applicant).post(
        "/api/v1/organizations/", _org_payload(credit_code=other_org.credit_code), format="json"
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()


def test_missing_required_organisation_fields_are_reported_per_field(applicant):
    response = client_for(applicant).post(
        "/api/v1/organizations/", {"credit_code": VALID_CODE}, format="json"
    )
    assert response.status_code == 400
    assert {"name_zh", "address_zh", "contact_name", "contact_email"} <= set(response.json())


def test_staff_cannot_register_an_organisation(cs_staff):
    response = client_for(cs_staff).post("/api/v1/organizations/", _org_payload(), format="json")
    assert response.status_code == 403
    assert not Organization.objects.filter(credit_code=VALID_CODE).exists()


def test_evidence_upload_shows_presence_but_never_a_storage_path(applicant):
    payload = _org_payload(legal_status_evidence=pdf_upload("营业执照.pdf"))
    response = client_for(applicant).post("/api/v1/organizations/", payload, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_legal_status_evidence"] is True
    assert body["has_independent_liability_evidence"] is False
    assert "legal_status_evidence" not in body
    org = Organization.objects.get(pk=body["id"])
    assert org.legal_status_evidence.name not in response.content.decode()


def test_evidence_with_fake_content_is_a_400_on_that_field(applicant):
    fake = SimpleUploadedFile("licence.pdf", b"this is not a pdf", content_type="application/pdf")
    response = client_for(applicant).post(
        "/api/v1/organizations/", _org_payload(legal_status_evidence=fake), format="multipart"
    )
    assert response.status_code == 400
    assert "legal_status_evidence" in response.json()


def test_part_of_a_legal_entity_needs_parent_and_evidence(applicant):
    # §2.2 a
    response = client_for(applicant).post(
        "/api/v1/organizations/", _org_payload(part_of_legal_entity=True), format="json"
    )
    assert response.status_code == 400
    assert "parent_entity_name" in response.json()


def test_member_updates_own_organisation(applicant, org):
    response = client_for(applicant).patch(
        f"/api/v1/organizations/{org.pk}/", {"name_en": "Renamed Ltd."}, format="json"
    )
    assert response.status_code == 200, response.json()
    org.refresh_from_db()
    assert org.name_en == "Renamed Ltd."


def test_update_with_bad_credit_code_is_400_and_changes_nothing(applicant, org):
    before = org.credit_code
    response = client_for(applicant).patch(
        f"/api/v1/organizations/{org.pk}/", {"credit_code": BAD_CHECK_CODE}, format="json"
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()
    org.refresh_from_db()
    assert org.credit_code == before


def test_another_organisation_is_404(applicant, other_org):
    client = client_for(applicant)
    url = f"/api/v1/organizations/{other_org.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name_en": "Hijacked"}, format="json").status_code == 404
    assert (
        client.put(url, _org_payload(credit_code=other_org.credit_code), format="json").status_code
        == 404
    )
    other_org.refresh_from_db()
    assert other_org.name_en != "Hijacked"
    assert other_org.credit_code not in client.get("/api/v1/organizations/").content.decode()


def test_cb_staff_see_every_organisation(cs_staff, org, other_org):
    response = client_for(cs_staff).get("/api/v1/organizations/")
    assert {o["id"] for o in response.json()["results"]} == {org.pk, other_org.pk}


def test_lists_are_paginated(cs_staff, org):
    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    for i in range(page_size):
        OrganizationFactory(credit_code=make_credit_code(10_000 + i))
    client = client_for(cs_staff)
    body = client.get("/api/v1/organizations/").json()
    assert set(body) >= {"count", "next", "results"}
    assert body["count"] == page_size + 1
    assert len(body["results"]) == page_size
    assert body["next"]
    second = client.get(body["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None


# --- sites --------------------------------------------------------------------------------------


def _site_payload(organization, **overrides):
    return {
        "organization": organization.pk,
        "name": "上海网点",
        "address": "上海市浦东新区1号",
        "activities": "售后维修",
        **overrides,
    }


def test_member_adds_a_site_to_own_organisation(applicant, org):
    response = client_for(applicant).post(
        "/api/v1/sites/", _site_payload(org, is_central=True), format="json"
    )
    assert response.status_code == 201, response.json()
    site = Site.objects.get(pk=response.json()["id"])
    assert site.organization == org
    assert site.is_central


def test_site_on_another_organisation_is_refused_and_not_created(applicant, other_org):
    response = client_for(applicant).post("/api/v1/sites/", _site_payload(other_org), format="json")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "organization" in response.json()
    assert not other_org.sites.exists()


def test_site_without_activities_is_400_on_activities(applicant, org):
    response = client_for(applicant).post(
        "/api/v1/sites/", _site_payload(org, activities=" "), format="json"
    )
    assert response.status_code == 400
    assert "activities" in response.json()


def test_another_organisations_site_is_404(applicant, other_org):
    site = SiteFactory(organization=other_org)
    client = client_for(applicant)
    url = f"/api/v1/sites/{site.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "x"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert Site.objects.filter(pk=site.pk, name=site.name).exists()


def test_member_edits_and_deletes_own_site(applicant, org):
    site = SiteFactory(organization=org)
    client = client_for(applicant)
    response = client.patch(f"/api/v1/sites/{site.pk}/", {"address": "新地址"}, format="json")
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.address == "新地址"
    assert client.delete(f"/api/v1/sites/{site.pk}/").status_code == 204
    assert not Site.objects.filter(pk=site.pk).exists()


def test_site_of_a_submitted_application_cannot_be_deleted(application_in, draft, applicant):
    application_in(S.SUBMITTED, application=draft)
    site = draft.sites.get()
    response = client_for(applicant).delete(f"/api/v1/sites/{site.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Site.objects.filter(pk=site.pk).exists()


def test_sites_filter_by_organisation(cs_staff, org, other_org):
    mine, theirs = SiteFactory(organization=org), SiteFactory(organization=other_org)
    client = client_for(cs_staff)
    ids = [s["id"] for s in client.get(f"/api/v1/sites/?organization={org.pk}").json()["results"]]
    assert ids == [mine.pk]
    assert theirs.pk not in ids
    assert client.get("/api/v1/sites/?organization=abc").status_code == 400


# --- applications ---------------------------------------------------------------------------------


def _application_payload(org, **overrides):
    site = SiteFactory(organization=org)
    return {
        "organization": org.pk,
        "scheme": "after-sales",
        "kind": "initial",
        "requested_level": "4-star",
        "scope": "家电安装维修服务",
        "sites": [site.pk],
        **overrides,
    }


def test_applicant_creates_a_draft_application(applicant, org):
    payload = _application_payload(org)
    response = client_for(applicant).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["scheme"] == "after-sales"
    assert body["organization"] == org.pk
    assert body["sites"] == payload["sites"]
    assert body["reference"].startswith("SA")
    assert {t["name"] for t in body["available_transitions"]} == {"submit", "withdraw"}
    assert set(body["missing_documents"]) == {
        "legal_status",
        "application_form",
        "service_description",
    }
    assert body["contract"] is None
    assert Application.objects.get(pk=body["id"]).created_by == applicant


def test_s3_5_a_recertification_names_the_certificate_by_its_number(applicant, org, other_org):
    from certificates.tests.factories import issued_certificate

    held = issued_certificate(organization=org)
    theirs = issued_certificate(organization=other_org)
    client = client_for(applicant)
    # Another organisation's number "does not exist" for this applicant.
    refused = client.post(
        "/api/v1/applications/",
        _application_payload(org, kind="recertification", certificate=theirs.number),
        format="json",
    )
    assert refused.status_code == 400 and "certificate" in refused.json()
    assert theirs.organization.name_zh not in str(refused.json())
    missing = client.post(
        "/api/v1/applications/", _application_payload(org, kind="recertification"), format="json"
    )
    assert missing.status_code == 400 and "certificate" in missing.json()
    response = client.post(
        "/api/v1/applications/",
        _application_payload(org, kind="recertification", certificate=held.number),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["certificate"] == held.number
    assert Application.objects.get(pk=response.json()["id"]).certificate == held


def test_the_portal_form_offers_only_the_organisations_certificates(applicant, org, other_org):
    from django.test import Client
    from django.urls import reverse

    from certificates.tests.factories import issued_certificate

    held = issued_certificate(organization=org)
    theirs = issued_certificate(organization=other_org)
    web = Client()
    web.force_login(applicant)
    url = reverse("portal:application_create", args=[org.pk])
    page = web.get(url).content.decode()
    assert held.number in page and theirs.number not in page
    site = SiteFactory(organization=org)
    response = web.post(
        url,
        {
            "scheme": held.scheme_id,
            "kind": "recertification",
            "requested_level": "4-star",
            "scope": "家电安装维修服务",
            "sites": [site.pk],
            "certificate": theirs.pk,
        },
    )
    assert response.status_code == 200 and "certificate" in response.context["form"].errors
    assert not Application.objects.filter(organization=org, kind="recertification").exists()


def test_application_with_another_organisations_site_is_400_on_sites(applicant, org, other_org):
    foreign = SiteFactory(organization=other_org)
    response = client_for(applicant).post(
        "/api/v1/applications/", _application_payload(org, sites=[foreign.pk]), format="json"
    )
    assert response.status_code == 400
    assert "sites" in response.json()
    assert not Application.objects.filter(organization=org).exists()


def test_application_site_must_belong_to_the_applying_organisation(applicant, org):
    # A member of two organisations cannot mix their sites.
    second = OrganizationFactory()
    Membership.objects.create(user=applicant, organization=second)
    applicant.__dict__.pop("_cesi_org_ids", None)
    foreign = SiteFactory(organization=second)
    response = client_for(applicant).post(
        "/api/v1/applications/", _application_payload(org, sites=[foreign.pk]), format="json"
    )
    assert response.status_code == 400
    assert "sites" in response.json()


def test_application_for_another_organisation_is_refused(applicant, other_org):
    response = client_for(applicant).post(
        "/api/v1/applications/", _application_payload(other_org, sites=[]), format="json"
    )
    assert response.status_code in (400, 404)
    assert not Application.objects.filter(organization=other_org).exists()


def test_unknown_scheme_code_and_level_are_400_per_field(applicant, org):
    client = client_for(applicant)
    response = client.post(
        "/api/v1/applications/", _application_payload(org, scheme="nope"), format="json"
    )
    assert response.status_code == 400
    assert "scheme" in response.json()
    response = client.post(
        "/api/v1/applications/", _application_payload(org, requested_level="9-star"), format="json"
    )
    assert response.status_code == 400
    assert "requested_level" in response.json()


def test_applicant_edits_a_draft(applicant, draft):
    response = client_for(applicant).patch(
        f"/api/v1/applications/{draft.pk}/", {"scope": "新的认证范围"}, format="json"
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.scope == "新的认证范围"


def test_a_submitted_application_cannot_be_edited(application_in, applicant, draft):
    application_in(S.SUBMITTED, application=draft)
    response = client_for(applicant).patch(
        f"/api/v1/applications/{draft.pk}/", {"scope": "改"}, format="json"
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.scope != "改"


def test_another_organisations_application_is_404(other_applicant, draft):
    client = client_for(other_applicant)
    url = f"/api/v1/applications/{draft.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"scope": "x"}, format="json").status_code == 404
    assert client.get("/api/v1/applications/").json()["count"] == 0


def test_applications_filter_by_state(application_in, cs_staff, draft, applicant):
    other = ApplicationFactory(organization=draft.organization, created_by=applicant)
    application_in(S.SUBMITTED, application=draft)
    client = client_for(cs_staff)
    ids = [a["id"] for a in client.get("/api/v1/applications/?state=submitted").json()["results"]]
    assert ids == [draft.pk]
    assert other.pk not in ids


# --- application transitions (§3.1) ---------------------------------------------------------------


def _log(app, name):
    return TransitionLog.objects.filter(object_id=app.pk, transition=name).get()


def test_applicant_submits_a_draft(applicant, draft):
    response = transition(client_for(applicant), draft, "submit", {"reason": "请审核"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    assert response.json()["submitted_at"]
    assert [t["name"] for t in response.json()["available_transitions"]] == ["withdraw"]
    assert response.json()["available_transitions"][0]["label"]
    log = _log(draft, "submit")
    assert (log.actor, log.source, log.target, log.reason) == (
        applicant,
        "draft",
        "submitted",
        "请审核",
    )


def test_customer_service_starts_the_review(application_in, cs_staff):
    app = application_in(S.SUBMITTED)
    response = transition(client_for(cs_staff), app, "start_review")
    assert response.status_code == 200
    assert response.json()["state"] == "under_review"
    assert _log(app, "start_review").actor == cs_staff


def test_customer_service_accepts_with_the_review_findings(application_in, cs_staff):
    # §3.1.4: requirements clear and the CB able to do the work.
    app = application_in(S.UNDER_REVIEW)
    response = transition(
        client_for(cs_staff),
        app,
        "accept",
        {"requirements_clear": True, "cb_capable": True, "notes": "ok"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "accepted"
    app.refresh_from_db()
    assert (app.requirements_clear, app.cb_capable, app.review_notes) == (True, True, "ok")
    assert _log(app, "accept").actor == cs_staff


def test_customer_service_requests_changes(application_in, applicant, cs_staff):
    app = application_in(S.UNDER_REVIEW)
    response = transition(client_for(cs_staff), app, "request_changes", {"changes": "补充资质证书"})
    assert response.status_code == 200
    assert response.json()["state"] == "changes_requested"
    assert response.json()["requested_changes"] == "补充资质证书"
    assert _log(app, "request_changes").actor == cs_staff
    # The applicant answers: back to the reviewer (under_review ⇄ changes_requested).
    response = transition(client_for(applicant), app, "submit")
    assert response.status_code == 200
    assert response.json()["state"] == "under_review"


def test_customer_service_rejects_with_written_reasons(application_in, cs_staff):
    app = application_in(S.SUBMITTED)
    response = transition(client_for(cs_staff), app, "reject", {"reasons": "超出认证范围"})
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert response.json()["rejection_reason"] == "超出认证范围"
    assert response.json()["available_transitions"] == []
    assert _log(app, "reject").actor == cs_staff


def test_customer_service_records_the_signed_contract(application_in, cs_staff):
    app = application_in(S.ACCEPTED)
    response = transition(
        client_for(cs_staff),
        app,
        "sign_contract",
        {"signed_on": "2026-01-05", "man_days": "4.5", "fee_quote": 30000},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "contracted"
    assert body["contract"]["number"] == f"HT-{app.reference}"
    assert body["contract"]["man_days"] == "4.5"
    assert _log(app, "sign_contract").actor == cs_staff


def test_applicant_withdraws(application_in, applicant):
    app = application_in(S.SUBMITTED)
    response = transition(client_for(applicant), app, "withdraw", {"reason": "暂不认证"})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert _log(app, "withdraw").actor == applicant


@pytest.mark.parametrize(
    ("stage", "name", "data"),
    [
        ("submitted", "start_review", {}),
        ("under_review", "accept", {"requirements_clear": True, "cb_capable": True}),
        ("under_review", "request_changes", {"changes": "x"}),
        ("submitted", "reject", {"reasons": "x"}),
        ("accepted", "sign_contract", {"signed_on": "2026-01-05", "man_days": 4, "fee_quote": 1}),
    ],
)
def test_applicant_cannot_do_customer_service_work(application_in, applicant, stage, name, data):
    app = application_in(stage)
    response = transition(client_for(applicant), app, name, data)
    assert response.status_code == 403  # the applicant's role may never: not a state problem
    assert response.json()["detail"]
    app.refresh_from_db()
    assert app.state == stage
    assert not TransitionLog.objects.filter(object_id=app.pk, transition=name).exists()


@pytest.mark.parametrize("staff", ["cs_staff", "business_staff"])
def test_staff_cannot_submit_for_the_applicant(request, draft, staff):
    response = transition(client_for(request.getfixturevalue(staff)), draft, "submit")
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_certification_business_cannot_review(application_in, business_staff):
    app = application_in(S.SUBMITTED)
    assert transition(client_for(business_staff), app, "start_review").status_code == 403


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("start_review", {}),
        ("accept", {"requirements_clear": True, "cb_capable": True}),
        ("sign_contract", {"signed_on": "2026-01-05", "man_days": 4, "fee_quote": 1}),
    ],
)
def test_wrong_state_is_409(cs_staff, draft, name, data):
    response = transition(client_for(cs_staff), draft, name, data)
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_rejected_application_cannot_be_submitted_again(application_in, applicant):
    app = application_in(S.REJECTED)
    assert transition(client_for(applicant), app, "submit").status_code == 409


def test_unknown_transition_is_409(applicant, draft):
    response = transition(client_for(applicant), draft, "approve_everything")
    assert response.status_code == 409
    assert "approve_everything" in response.json()["detail"]


@pytest.mark.parametrize(
    ("stage", "name", "data", "field"),
    [
        ("submitted", "reject", {}, "reasons"),
        ("under_review", "request_changes", {"changes": ""}, "changes"),
        ("accepted", "sign_contract", {"signed_on": "2026-01-05", "fee_quote": 100}, "man_days"),
        (
            "accepted",
            "sign_contract",
            {"signed_on": "2026-02-30", "man_days": 4, "fee_quote": 100},
            "signed_on",
        ),
        (
            "accepted",
            "sign_contract",
            {"signed_on": "2999-01-01", "man_days": 4, "fee_quote": 100},
            "signed_on",
        ),
        # §3.1.4: no acceptance unless the requirements are clear and the CB is able to do it.
        ("under_review", "accept", {"cb_capable": True}, "requirements_clear"),
        ("under_review", "accept", {"requirements_clear": True, "cb_capable": False}, "cb_capable"),
    ],
)
def test_missing_or_bad_transition_fields_are_400_per_field(
    application_in, cs_staff, stage, name, data, field
):
    app = application_in(stage)
    response = transition(client_for(cs_staff), app, name, data)
    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field][0]
    app.refresh_from_db()
    assert app.state == stage


def test_submit_without_the_required_materials_is_400_on_documents(applicant, org):
    # §3.1.3: the application goes in with its materials.
    app = ApplicationFactory(organization=org, created_by=applicant)
    response = transition(client_for(applicant), app, "submit")
    assert response.status_code == 400
    assert "documents" in response.json()


def test_transition_body_must_be_an_object(applicant, draft):
    response = client_for(applicant).post(
        f"/api/v1/applications/{draft.pk}/transitions/submit/", [1, 2], format="json"
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_transition_on_another_organisations_application_is_404(other_applicant, draft):
    response = transition(client_for(other_applicant), draft, "withdraw")
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_available_transitions_follow_role_and_state(application_in, applicant, cs_staff):
    app = application_in(S.SUBMITTED)
    staff_view = client_for(cs_staff).get(f"/api/v1/applications/{app.pk}/").json()
    assert [t["name"] for t in staff_view["available_transitions"]] == [
        "start_review",
        "reject",
        "withdraw",
    ]
    applicant_view = client_for(applicant).get(f"/api/v1/applications/{app.pk}/").json()
    assert [t["name"] for t in applicant_view["available_transitions"]] == ["withdraw"]


# --- documents (§3.1.3) -------------------------------------------------------------------------


def _upload(client, app, file, kind="other"):
    return client.post(
        "/api/v1/documents/",
        {"application": app.pk, "kind": kind, "file": file, "description": "说明"},
        format="multipart",
    )


def test_applicant_uploads_material(applicant, draft):
    response = _upload(client_for(applicant), draft, pdf_upload("服务说明.pdf"))
    assert response.status_code == 201, response.json()
    body = response.json()
    doc = ApplicationDocument.objects.get(pk=body["id"])
    assert body["original_name"] == "服务说明.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF_BYTES)
    assert body["download_url"].endswith(f"/api/v1/documents/{doc.pk}/download/")
    assert doc.file.name not in response.content.decode()


@override_settings(UPLOAD_MAX_BYTES=16)
def test_too_large_upload_is_400_on_file(applicant, draft):
    before = ApplicationDocument.objects.count()
    response = _upload(client_for(applicant), draft, pdf_upload("big.pdf"))
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert ApplicationDocument.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("licence.pdf", b"MZ\x90\x00 an executable pretending"),
        ("scan.png", PDF_BYTES),
        ("payload.exe", PDF_BYTES),
        ("empty.pdf", b""),
    ],
    ids=["pdf-name-other-content", "png-name-pdf-content", "exe", "empty"],
)
def test_wrong_type_or_content_is_400_on_file(applicant, draft, name, content):
    before = ApplicationDocument.objects.count()
    response = _upload(client_for(applicant), draft, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "file" in response.json()
    assert ApplicationDocument.objects.count() == before


@pytest.mark.parametrize(
    "sent_name", ["../../../etc/evil.pdf", "..\\..\\windows\\evil.pdf", "/home/someone/evil.pdf"]
)
def test_path_in_the_file_name_is_dropped(applicant, draft, sent_name):
    # The test client strips paths itself, so send the multipart body by hand.
    boundary = "cesiboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="application"\r\n\r\n{draft.pk}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{sent_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = head.encode() + PDF_BYTES + f"\r\n--{boundary}--\r\n".encode()
    client = client_for(applicant)
    response = client.generic(
        "POST", "/api/v1/documents/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["original_name"] == "evil.pdf"
    doc = ApplicationDocument.objects.get(pk=response.json()["id"])
    assert re.fullmatch(rf"applications/{draft.pk}/[0-9a-f]{{32}}\.pdf", doc.file.name)
    stored = Path(doc.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert stored.read_bytes() == PDF_BYTES


def test_upload_onto_another_organisations_application_is_refused(
    applicant, other_applicant, other_org
):
    theirs = ApplicationFactory(organization=other_org, created_by=other_applicant)
    before = theirs.documents.count()
    response = _upload(client_for(applicant), theirs, pdf_upload())
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "application" in response.json()
    assert theirs.documents.count() == before


def test_no_upload_once_submitted(application_in, applicant, draft):
    application_in(S.SUBMITTED, application=draft)
    response = _upload(client_for(applicant), draft, pdf_upload())
    assert response.status_code == 409


def test_documents_of_another_organisation_are_404(other_applicant, draft):
    doc = draft.documents.first()
    client = client_for(other_applicant)
    assert client.get(f"/api/v1/documents/{doc.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{doc.pk}/download/").status_code == 404
    assert client.delete(f"/api/v1/documents/{doc.pk}/").status_code == 404
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()
    assert client.get("/api/v1/documents/").json()["count"] == 0


def test_download_streams_the_file_as_an_attachment(applicant, draft):
    doc = draft.documents.first()
    response = client_for(applicant).get(
        f"/api/v1/documents/{doc.pk}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unpublished_cb_document_is_hidden_from_the_applicant(applicant, cs_staff, draft):
    internal = DocumentFactory(application=draft, uploaded_by=cs_staff, published=False)
    client = client_for(applicant)
    assert client.get(f"/api/v1/documents/{internal.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{internal.pk}/download/").status_code == 404
    assert client_for(cs_staff).get(f"/api/v1/documents/{internal.pk}/download/").status_code == 200


def test_applicant_deletes_own_material_from_a_draft(applicant, draft):
    doc = draft.documents.first()
    client = client_for(applicant)
    assert client.delete(f"/api/v1/documents/{doc.pk}/").status_code == 204
    assert not ApplicationDocument.objects.filter(pk=doc.pk).exists()
    missing = client.get(f"/api/v1/applications/{draft.pk}/").json()["missing_documents"]
    assert missing == [doc.kind]


def test_material_of_a_submitted_application_cannot_be_deleted(application_in, applicant, draft):
    application_in(S.SUBMITTED, application=draft)
    doc = draft.documents.first()
    assert client_for(applicant).delete(f"/api/v1/documents/{doc.pk}/").status_code == 409
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_documents_filter_by_application(applicant, draft):
    other = ApplicationFactory(organization=draft.organization, created_by=applicant)
    DocumentFactory(application=other, uploaded_by=applicant)
    body = client_for(applicant).get(f"/api/v1/documents/?application={draft.pk}").json()
    assert body["count"] == draft.documents.count()
    assert {d["application"] for d in body["results"]} == {draft.pk}


# --- contracts (§3.1.4) ------------------------------------------------------------------------


def test_applicant_sees_own_contract(application_in, applicant):
    app = application_in(S.CONTRACTED)
    client = client_for(applicant)
    body = client.get("/api/v1/contracts/").json()
    assert body["count"] == 1
    contract = body["results"][0]
    assert contract["number"] == app.contract.number
    assert contract["application"] == app.pk
    assert contract["fee_quote"] == "30000.00"
    assert contract["amendments"] == []
    assert client.get(f"/api/v1/contracts/{app.contract.pk}/").status_code == 200


def test_another_organisations_contract_is_404(application_in, other_applicant):
    app = application_in(S.CONTRACTED)
    client = client_for(other_applicant)
    assert client.get(f"/api/v1/contracts/{app.contract.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/contracts/{app.contract.pk}/amendments/",
        {"signed_on": "2026-02-01", "description": "x", "man_days": 5, "fee_quote": 1},
        format="json",
    )
    assert response.status_code == 404
    assert client.get("/api/v1/contracts/").json()["count"] == 0


def test_customer_service_amends_a_contract(application_in, applicant, cs_staff):
    contract = application_in(S.CONTRACTED).contract
    response = client_for(cs_staff).post(
        f"/api/v1/contracts/{contract.pk}/amendments/",
        {
            "signed_on": "2026-02-01",
            "description": "增加一个网点",
            "man_days": "6.0",
            "fee_quote": "36000",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sequence"] == 1
    assert response.json()["man_days_before"] == "4.0"
    contract.refresh_from_db()
    assert (str(contract.man_days), str(contract.fee_quote)) == ("6.0", "36000.00")
    shown = client_for(applicant).get(f"/api/v1/contracts/{contract.pk}/").json()
    assert [a["description"] for a in shown["amendments"]] == ["增加一个网点"]


def test_applicant_cannot_amend_a_contract(application_in, applicant):
    contract = application_in(S.CONTRACTED).contract
    response = client_for(applicant).post(
        f"/api/v1/contracts/{contract.pk}/amendments/",
        {"signed_on": "2026-02-01", "description": "x", "man_days": 1, "fee_quote": 0},
        format="json",
    )
    assert response.status_code == 403
    assert not contract.amendments.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"signed_on": "2026-02-01", "man_days": 5, "fee_quote": 1}, "description"),
        (
            {"signed_on": "2025-01-01", "description": "x", "man_days": 5, "fee_quote": 1},
            "signed_on",
        ),
        (
            {"signed_on": "2026-02-01", "description": "x", "man_days": 0, "fee_quote": 1},
            "man_days",
        ),
        (
            {"signed_on": "2026-02-01", "description": "x", "man_days": 5, "fee_quote": -1},
            "fee_quote",
        ),
    ],
)
def test_bad_amendment_fields_are_400_per_field(application_in, cs_staff, data, field):
    contract = application_in(S.CONTRACTED).contract
    response = client_for(cs_staff).post(
        f"/api/v1/contracts/{contract.pk}/amendments/", data, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not contract.amendments.exists()


# --- schema and docs ------------------------------------------------------------------------


def test_schema_documents_the_transitions_endpoint():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/applications/{id}/transitions/{transition}/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "404", "409"}
    names = next(p for p in operation["parameters"] if p["name"] == "transition")["schema"]["enum"]
    assert {"submit", "accept", "sign_contract"} <= set(names)
    assert "/api/v1/documents/{id}/download/" in schema["paths"]


def test_api_docs_page_uses_no_external_url():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode().lower()
    for host in ("cdn", "jsdelivr", "unpkg", "googleapis", "cloudflare"):
        assert host not in html
    assert "swagger-ui" in html


# --- bad input is a 400, never a 500 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/organizations/", {"name_zh": "x" * 500}, "name_zh"),
        ("/api/v1/organizations/", {"credit_code": "9" * 300}, "credit_code"),
        ("/api/v1/organizations/", {"contact_email": "not-an-email"}, "contact_email"),
        ("/api/v1/organizations/", {"applicant_type": "pirate"}, "applicant_type"),
        ("/api/v1/applications/", {"sites": "abc"}, "sites"),
        ("/api/v1/applications/", {"organization": None}, "organization"),
        ("/api/v1/applications/", {"requested_level": "x" * 100}, "requested_level"),
        ("/api/v1/applications/", {"kind": "forever"}, "kind"),
        ("/api/v1/documents/", {"file": "not a file", "kind": "other"}, "file"),
        ("/api/v1/sites/", {"organization": "abc"}, "organization"),
    ],
)
def test_malformed_fields_are_400_on_the_field(applicant, org, path, payload, field):
    base = {
        "/api/v1/organizations/": _org_payload(),
        "/api/v1/applications/": {"organization": org.pk, "scheme": "after-sales", "scope": "x"},
        "/api/v1/documents/": {},
        "/api/v1/sites/": _site_payload(org),
    }[path]
    response = client_for(applicant).post(path, {**base, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "data",
    [
        {"signed_on": "2026-01-05", "man_days": "abc", "fee_quote": 1},
        {"signed_on": "2026-01-05", "man_days": "9999999999", "fee_quote": 1},
        {"signed_on": "yesterday", "man_days": 4, "fee_quote": 1},
        {"signed_on": ["2026-01-05"], "man_days": {"x": 1}, "fee_quote": None},
        {"signed_on": "2026-01-05", "man_days": 4, "fee_quote": 1, "notes": "\x00"},
    ],
)
def test_garbage_transition_fields_are_400(application_in, cs_staff, data):
    app = application_in(S.ACCEPTED)
    response = transition(client_for(cs_staff), app, "sign_contract", data)
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.state == "accepted"


def test_broken_json_and_bad_ids_are_not_server_errors(applicant, draft):
    client = client_for(applicant)
    response = client.generic(
        "POST",
        f"/api/v1/applications/{draft.pk}/transitions/submit/",
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert client.get("/api/v1/applications/abc/").status_code == 404
    assert (
        client.post("/api/v1/applications/abc/transitions/submit/", {}, format="json").status_code
        == 404
    )
    assert client.get("/api/v1/applications/?organization=1;drop").status_code == 400


def test_application_list_makes_a_bounded_number_of_queries(
    org, applicant, django_assert_max_num_queries
):
    from applications.tests.factories import ApplicationFactory, complete_documents

    for _ in range(15):
        complete_documents(ApplicationFactory(organization=org, created_by=applicant))
    api = client_for(applicant)
    with django_assert_max_num_queries(15):
        response = api.get("/api/v1/applications/")
    assert response.status_code == 200
    assert response.data["count"] == 15
    assert all(item["missing_documents"] == [] for item in response.data["results"])


def test_customer_service_publishes_a_cb_document(
    application_in, applicant, cs_staff, other_applicant
):
    from applications.tests.factories import pdf_upload

    app = application_in(S.SUBMITTED)
    doc = services.document_upload(
        application=app, by=cs_staff, kind="other", file=pdf_upload("意见.pdf")
    )
    url = f"/api/v1/documents/{doc.pk}/publish/"
    assert client_for(applicant).post(url).status_code == 404  # not visible to them yet
    assert client_for(other_applicant).post(url).status_code == 404
    response = client_for(cs_staff).post(url)
    assert response.status_code == 200
    assert response.data["published"] is True
    assert client_for(applicant).get(f"/api/v1/documents/{doc.pk}/").status_code == 200
