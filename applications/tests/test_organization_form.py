"""Issue 6 item 13: the organisation form says everything in one round and keeps valid files.

It used to reveal its errors over three or four rounds (form, then credit code, then parent
entity, then evidence …), cleared the chosen files every round, and on the error page said
"证明文件已上传" (evidence is on file) for a file that was never saved.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from applications.models import Organization
from applications.tests.factories import PDF_BYTES, pdf_upload
from cesi_cert.errors import DomainError

VALID_CODE = "91350100M000100Y43"
WRONG_CHECK = "91350100M000100Y44"


def english_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_errors(response, name: str) -> str:
    html = response.content.decode()
    block = re.search(rf'data-field="{name}".*?(?=<div class="field|</form>)', html, flags=re.S)
    assert block, f"field {name} not on the page"
    errors = re.search(r'<ul class="errorlist".*?</ul>', block.group(0), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", errors.group(0))).strip() if errors else ""


def hidden_value(response, name: str) -> str:
    match = re.search(
        rf'<input type="hidden" name="{name}" value="([^"]*)"', response.content.decode()
    )
    return match.group(1) if match else ""


def org_data(**overrides):
    return {
        "name_zh": "福州示例服务有限公司",
        "name_en": "",
        "credit_code": VALID_CODE,
        "address_zh": "福建省福州市鼓楼区五四路1号",
        "address_en": "",
        "applicant_type": "provider",
        "parent_entity_name": "",
        "contact_name": "李四",
        "contact_phone": "0591-12345678",
        "contact_email": "li@example.cn",
    } | overrides


def kept_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "kept"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def stored_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return (
        {p for p in (root / "organizations").rglob("*") if p.is_file()} if root.exists() else set()
    )


@pytest.fixture
def newcomer(db):
    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role

    return UserFactory(username="newcomer", role=Role.APPLICANT)


# --- one round ----------------------------------------------------------------------------------


def test_the_service_reports_every_field_at_once(newcomer):
    with pytest.raises(DomainError) as refused:
        services.organization_create(
            by=newcomer,
            **{
                k: v
                for k, v in org_data(credit_code=WRONG_CHECK, part_of_legal_entity=True).items()
            },
            legal_status_evidence=pdf_upload("licence.pdf", b"MZ not a pdf"),
        )
    assert set(refused.value.errors) == {
        "credit_code",
        "parent_entity_name",
        "independent_liability_evidence",
        "legal_status_evidence",
    }
    assert not Organization.objects.exists()


def test_the_form_shows_every_error_in_one_round(newcomer):
    client = english_client(newcomer)
    response = client.post(
        reverse("portal:organization_create"),
        org_data(
            credit_code=WRONG_CHECK,
            part_of_legal_entity="on",
            contact_email="not-an-address",
            legal_status_evidence=pdf_upload("licence.pdf", b"MZ not a pdf"),
        ),
    )
    assert response.status_code == 200
    assert "check character" in field_errors(response, "credit_code")
    assert "Name the legal entity" in field_errors(response, "parent_entity_name")
    assert "bear legal liability" in field_errors(response, "independent_liability_evidence")
    assert "not a real .pdf file" in field_errors(response, "legal_status_evidence")
    assert field_errors(response, "contact_email")
    assert not Organization.objects.exists()


def test_api_reports_every_field_at_once(newcomer):
    client = APIClient()
    client.force_authenticate(newcomer)
    response = client.post(
        "/api/v1/organizations/",
        org_data(credit_code=WRONG_CHECK, part_of_legal_entity=True),
        format="json",
    )
    assert response.status_code == 400
    assert {"credit_code", "parent_entity_name", "independent_liability_evidence"} <= set(
        response.json()
    )


# --- files are kept, and nothing not stored is claimed ------------------------------------------


def test_a_valid_file_is_kept_across_rounds(newcomer):
    client = english_client(newcomer)
    url = reverse("portal:organization_create")
    before, kept_before = stored_files(), kept_files()
    response = client.post(
        url, org_data(credit_code=WRONG_CHECK, legal_status_evidence=pdf_upload("营业执照.pdf"))
    )
    assert response.status_code == 200
    token = hidden_value(response, "legal_status_evidence_kept")
    assert token, "the valid upload is not kept for the next round"
    assert "“营业执照.pdf” is kept" in page_text(response)
    assert "chosen again" not in page_text(response)
    assert stored_files() == before  # kept aside, not stored as the organisation's evidence
    assert len(kept_files() - kept_before) == 1

    # The next round sends the token, not the file: the evidence is stored from it.
    response = client.post(url, org_data(credit_code=VALID_CODE, legal_status_evidence_kept=token))
    assert response.status_code == 302, page_text(response)[:2000]
    org = Organization.objects.get(credit_code=VALID_CODE)
    assert org.legal_status_evidence.read() == PDF_BYTES
    assert org.legal_status_uploaded_at is not None
    # Used, then removed: the same token attaches nothing any more.
    assert kept_files() == kept_before


def test_the_kept_file_survives_several_rounds(newcomer):
    client = english_client(newcomer)
    url = reverse("portal:organization_create")
    response = client.post(
        url, org_data(credit_code=WRONG_CHECK, legal_status_evidence=pdf_upload("营业执照.pdf"))
    )
    token = hidden_value(response, "legal_status_evidence_kept")
    response = client.post(
        url, org_data(credit_code=WRONG_CHECK, contact_email="", legal_status_evidence_kept=token)
    )
    assert response.status_code == 200
    assert hidden_value(response, "legal_status_evidence_kept")
    assert "“营业执照.pdf” is kept" in page_text(response)


def test_another_users_or_a_forged_token_attaches_nothing(newcomer, db):
    client = english_client(newcomer)
    response = client.post(
        reverse("portal:organization_create"),
        org_data(credit_code=WRONG_CHECK, legal_status_evidence=pdf_upload("营业执照.pdf")),
    )
    token = hidden_value(response, "legal_status_evidence_kept")
    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role

    stranger = UserFactory(username="stranger2", role=Role.APPLICANT)
    for user, sent in ((stranger, token), (newcomer, token[:-2] + "xx")):
        response = english_client(user).post(
            reverse("portal:organization_create"),
            org_data(credit_code=VALID_CODE, legal_status_evidence_kept=sent),
        )
        assert response.status_code == 200
        assert "no longer kept; please choose it again" in field_errors(
            response, "legal_status_evidence"
        )
        assert not hidden_value(response, "legal_status_evidence_kept")
        assert not Organization.objects.exists()


def test_the_error_page_never_claims_a_file_that_is_not_stored(org, applicant):
    assert not org.legal_status_evidence
    client = english_client(applicant)
    response = client.post(
        reverse("portal:organization_edit", args=[org.pk]),
        org_data(credit_code=WRONG_CHECK, legal_status_evidence=pdf_upload("营业执照.pdf")),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Evidence is on file" not in text
    assert "is kept" in text  # what is true: kept aside, saved with the form
    org.refresh_from_db()
    assert not org.legal_status_evidence
    # The page's headings show the stored organisation, not what was typed.
    crumbs = re.search(r"<nav class=\"breadcrumbs\".*?</nav>", response.content.decode(), re.S)
    assert org.name_en in crumbs.group(0)


def test_the_admin_edit_form_keeps_a_valid_file_too(cs_staff, org):
    client = english_client(cs_staff)
    url = reverse("admin:applications_organization_edit", args=[org.pk])
    data = {
        k: ("" if v is None else v)
        for k, v in {
            name: getattr(org, name)
            for name in services.ORGANIZATION_FIELDS
            if getattr(org, name) is not False
        }.items()
    }
    response = client.post(
        url, data | {"credit_code": WRONG_CHECK, "legal_status_evidence": pdf_upload("执照.pdf")}
    )
    assert response.status_code == 200
    token = hidden_value(response, "legal_status_evidence_kept")
    assert token
    response = client.post(url, data | {"legal_status_evidence_kept": token})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.legal_status_evidence.read() == PDF_BYTES


def test_a_new_file_replaces_the_kept_one(newcomer):
    client = english_client(newcomer)
    url = reverse("portal:organization_create")
    response = client.post(
        url, org_data(credit_code=WRONG_CHECK, legal_status_evidence=pdf_upload("旧.pdf"))
    )
    token = hidden_value(response, "legal_status_evidence_kept")
    newer = PDF_BYTES + b"% newer\n"
    response = client.post(
        url,
        org_data(
            legal_status_evidence_kept=token,
            legal_status_evidence=SimpleUploadedFile("新.pdf", newer, "application/pdf"),
        ),
    )
    assert response.status_code == 302
    assert Organization.objects.get().legal_status_evidence.read() == newer


def test_registration_still_works_in_one_go(newcomer):
    kept_before = kept_files()
    response = english_client(newcomer).post(
        reverse("portal:organization_create"),
        org_data(legal_status_evidence=pdf_upload("营业执照.pdf")),
    )
    assert response.status_code == 302
    org = Organization.objects.get()
    assert org.memberships.filter(user=newcomer).exists()
    assert kept_files() == kept_before  # nothing kept aside when nothing went wrong
