"""Issue 6 item 14: the business licence is asked for once.

The organisation hands in its licence when it registers (``legal_status_evidence``, §2.2 a);
every application's checklist (§3.1.3) reuses it — "on file, uploaded <date>" — and asks again
only when it has expired or the clerk asks for a fresh copy in a change request. Staff see which
licence file counts for the application.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from applications.models import Application, DocumentKind
from applications.tests.factories import ApplicationFactory, DocumentFactory, pdf_upload
from cesi_cert.errors import DomainError

NOW = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing


def english_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def with_licence(org, by, valid_until=None):
    with time_machine.travel(NOW, tick=False):
        services.organization_update(
            organization=org,
            by=by,
            legal_status_evidence=pdf_upload("营业执照.pdf"),
            legal_status_valid_until=valid_until,
        )
    org.refresh_from_db()  # the applications' organisation is this same object
    return org


@pytest.fixture
def app_without_licence(org, applicant):
    """A draft with every required material except the licence."""
    app = ApplicationFactory(organization=org, created_by=applicant)
    for kind in (DocumentKind.APPLICATION_FORM, DocumentKind.SERVICE_DESCRIPTION):
        DocumentFactory(application=app, kind=kind, uploaded_by=applicant)
    return app


def test_the_organisations_licence_counts_for_the_application(org, applicant, app_without_licence):
    with_licence(org, applicant)
    org.refresh_from_db()
    assert org.legal_status_uploaded_at == NOW
    licence = services.business_licence(app_without_licence)
    assert (licence.status, licence.satisfied) == ("organization", True)
    assert services.missing_documents(app_without_licence) == []
    assert services.submission_blockers(app_without_licence) == []
    services.application_submit(application=app_without_licence, by=applicant)


def test_without_a_licence_on_file_it_is_asked_for(app_without_licence):
    assert services.business_licence(app_without_licence).status == "missing"
    assert services.missing_documents(app_without_licence) == [DocumentKind.LEGAL_STATUS]


def test_an_expired_licence_is_asked_for_again(org, applicant, app_without_licence):
    with_licence(org, applicant, valid_until=datetime.date(2026, 12, 31))
    with time_machine.travel(datetime.datetime(2027, 1, 1, 1, 0, tzinfo=datetime.UTC)):
        licence = services.business_licence(app_without_licence)
        assert (licence.status, licence.satisfied) == ("expired", False)
        [blocker] = services.submission_blockers(app_without_licence)
    assert blocker.field == "documents"
    assert "2026-12-31" in blocker.message
    # Until that day it counts (Beijing date: 2026-12-31 23:30 is still valid).
    with time_machine.travel(datetime.datetime(2026, 12, 31, 15, 30, tzinfo=datetime.UTC)):
        assert services.business_licence(app_without_licence).satisfied


def test_an_upload_to_the_application_takes_precedence(org, applicant, app_without_licence):
    with_licence(org, applicant)
    doc = services.document_upload(
        application=app_without_licence,
        by=applicant,
        kind=DocumentKind.LEGAL_STATUS,
        file=pdf_upload("执照-新.pdf"),
    )
    licence = services.business_licence(app_without_licence)
    assert (licence.status, licence.document) == ("application", doc)


def test_a_change_request_can_ask_for_a_fresh_copy(org, applicant, cs_staff, app_without_licence):
    with_licence(org, applicant)
    services.application_submit(application=app_without_licence, by=applicant)
    services.application_start_review(application=app_without_licence, by=cs_staff)
    app = services.application_request_changes(
        application=app_without_licence,
        by=cs_staff,
        changes="执照副本不清晰",
        fresh_licence_required=True,
    )
    app.refresh_from_db()
    assert app.fresh_licence_required
    assert app.history.first().history_user == cs_staff
    licence = services.business_licence(app)
    assert (licence.status, licence.satisfied) == ("fresh_required", False)
    assert [b.field for b in services.submission_blockers(app)] == ["documents"]
    with pytest.raises(DomainError):
        services.application_submit(application=app, by=applicant)

    services.document_upload(
        application=app, by=applicant, kind=DocumentKind.LEGAL_STATUS, file=pdf_upload()
    )
    app.refresh_from_db()
    assert not app.fresh_licence_required
    assert services.business_licence(app).status == "application"
    services.application_submit(application=app, by=applicant)


def test_portal_checklist_shows_the_licence_on_file(org, applicant, app_without_licence):
    with_licence(org, applicant, valid_until=datetime.date(2030, 5, 1))
    client = english_client(applicant)
    html = client.get(app_without_licence.get_absolute_url()).content.decode()
    item = re.search(r'<li[^>]*data-kind="legal_status".*?</li>', html, re.S).group(0)
    assert 'data-present="yes"' in item
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item))
    assert "On file with the organisation, uploaded 2026-06-01" in text
    assert "valid until 2030-05-01" in text
    evidence = reverse("portal:organization_evidence", args=[org.pk, "legal_status_evidence"])
    assert evidence in item
    # Nothing asks for it: not in the "still missing" line, not in the blockers.
    assert 'data-testid="missing-materials"' not in html
    assert 'data-field="documents"' not in html


def test_portal_shows_the_clerks_request_for_a_fresh_copy(
    org, applicant, cs_staff, app_without_licence
):
    with_licence(org, applicant)
    services.application_submit(application=app_without_licence, by=applicant)
    services.application_start_review(application=app_without_licence, by=cs_staff)
    services.application_request_changes(
        application=app_without_licence, by=cs_staff, changes="请补正", fresh_licence_required=True
    )
    html = english_client(applicant).get(app_without_licence.get_absolute_url()).content.decode()
    item = re.search(r'<li[^>]*data-kind="legal_status".*?</li>', html, re.S).group(0)
    assert 'data-present="no"' in item
    assert "asked for a fresh copy" in item
    blockers = re.search(r'data-testid="before-you-submit".*?</section>', html, re.S).group(0)
    assert "kind=legal_status" in blockers


def test_the_request_changes_form_has_the_option(cs_staff, under_review):
    client = english_client(cs_staff)
    url = reverse(
        "admin:applications_application_transition", args=[under_review.pk, "request_changes"]
    )
    assert 'name="fresh_licence_required"' in client.get(url).content.decode()
    response = client.post(url, {"changes": "请提供最新营业执照", "fresh_licence_required": "on"})
    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == Application.State.CHANGES_REQUESTED
    assert under_review.fresh_licence_required


def test_staff_see_which_licence_counts(org, applicant, cs_staff, app_without_licence):
    with_licence(org, applicant, valid_until=datetime.date(2030, 5, 1))
    client = english_client(cs_staff)
    change = reverse("admin:applications_application_change", args=[app_without_licence.pk])
    html = client.get(change).content.decode()
    evidence = reverse(
        "admin:applications_organization_evidence", args=[org.pk, "legal_status_evidence"]
    )
    field = re.search(r'data-testid="licence-on-record".*?</div>', html, re.S)
    assert field, "the application page does not say which licence counts"
    assert evidence in field.group(0)
    assert "2026-06-01" in field.group(0) and "2030-05-01" in field.group(0)

    doc = services.document_upload(
        application=app_without_licence,
        by=applicant,
        kind=DocumentKind.LEGAL_STATUS,
        file=pdf_upload("执照-新.pdf"),
    )
    html = client.get(change).content.decode()
    field = re.search(r'data-testid="licence-on-record".*?</div>', html, re.S).group(0)
    assert reverse("portal:document_download", args=[doc.pk]) in field
    assert "执照-新.pdf" in field


def test_the_organisation_form_takes_the_end_date(org, applicant):
    client = english_client(applicant)
    url = reverse("portal:organization_edit", args=[org.pk])
    html = client.get(url).content.decode()
    assert re.search(r'<input type="date" name="legal_status_valid_until"', html)


def test_a_past_end_date_is_refused_with_the_reason(org, applicant):
    with pytest.raises(DomainError) as refused:
        services.organization_update(
            organization=org,
            by=applicant,
            legal_status_evidence=pdf_upload("营业执照.pdf"),
            legal_status_valid_until=datetime.date(2020, 1, 1),
        )
    assert "legal_status_valid_until" in refused.value.field_errors()


def test_api_shows_the_licence_dates(org, applicant):
    with_licence(org, applicant, valid_until=datetime.date(2030, 5, 1))
    client = APIClient()
    client.force_authenticate(applicant)
    body = client.get(f"/api/v1/organizations/{org.pk}/").json()
    assert body["legal_status_valid_until"] == "2030-05-01"
    assert body["legal_status_uploaded_at"].startswith("2026-06-01T10:00")
