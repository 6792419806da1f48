"""Issue 6 item 16: every submission is kept, and a handed-in file is replaced, never deleted.

A resubmission used to overwrite 提交时间 (``submitted_at``), and an applicant could delete a
file the clerk had already reviewed, after which it vanished from the admin too.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from applications.models import Application, ApplicationDocument, DocumentKind
from applications.tests.factories import pdf_upload
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog

FIRST = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing
SECOND = datetime.datetime(2026, 3, 9, 7, 30, tzinfo=datetime.UTC)  # 15:30 in Beijing


def english_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def resubmitted(draft, applicant, cs_staff):
    """Submitted at FIRST, sent back for changes, submitted again at SECOND."""
    with time_machine.travel(FIRST, tick=False):
        services.application_submit(application=draft, by=applicant, reason="请审核")
    services.application_start_review(application=draft, by=cs_staff)
    services.application_request_changes(application=draft, by=cs_staff, changes="请补充")
    with time_machine.travel(SECOND, tick=False):
        services.application_submit(application=draft, by=applicant, reason="已补充")
    return Application.objects.get(pk=draft.pk)


@pytest.fixture
def changes_requested(draft, applicant, cs_staff):
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    services.application_request_changes(
        application=draft, by=cs_staff, changes="请换一份签字的申请书"
    )
    return Application.objects.get(pk=draft.pk)


# --- submission times -------------------------------------------------------------------------


def test_resubmission_keeps_the_first_submission_time(resubmitted):
    assert resubmitted.submitted_at == FIRST
    assert resubmitted.last_submitted_at == SECOND
    submissions = TransitionLog.objects.filter(object_id=resubmitted.pk, transition="submit")
    assert [row.reason for row in submissions.order_by("at")] == ["请审核", "已补充"]


def test_portal_shows_the_first_and_the_last_submission_and_each_in_the_timeline(
    resubmitted, applicant
):
    response = english_client(applicant).get(resubmitted.get_absolute_url())
    text = page_text(response)
    assert "First submitted 2026-03-01 10:00" in text
    assert "Last submitted 2026-03-09 15:30" in text
    html = response.content.decode()
    assert len(re.findall(r'data-transition="submit"', html)) == 2
    assert "Submitted again" in text  # the second submission says what it was


def test_admin_shows_the_first_and_the_last_submission(resubmitted, cs_staff):
    html = english_client(cs_staff).get(
        reverse("admin:applications_application_change", args=[resubmitted.pk])
    )
    text = page_text(html)
    assert re.search(r"First submitted:? .*2026-03-01 10:00", text) or re.search(
        r"First submitted:? March 1, 2026, 10 a\.m\.", text
    ), text
    assert "Last submitted" in text
    submissions = re.search(r'data-testid="submissions".*?</ol>', html.content.decode(), re.S)
    assert submissions and submissions.group(0).count("<li") == 2


# --- deleting and replacing files -------------------------------------------------------------


def test_a_never_submitted_drafts_file_may_be_deleted(draft, applicant):
    doc = draft.documents.first()
    services.document_delete(document=doc, by=applicant)
    assert not ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_a_handed_in_file_cannot_be_deleted(changes_requested, applicant):
    doc = changes_requested.documents.get(kind=DocumentKind.APPLICATION_FORM)
    with pytest.raises(DomainError) as refused:
        services.document_delete(document=doc, by=applicant)
    assert refused.value.code == DomainError.CONFLICT
    assert "replace it" in str(refused.value.message)
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_a_file_uploaded_after_the_last_submission_may_still_be_deleted(
    changes_requested, applicant
):
    """Not handed in yet: the clerk never saw it, so removing a wrong upload loses nothing."""
    extra = services.document_upload(
        application=changes_requested, by=applicant, kind=DocumentKind.OTHER, file=pdf_upload()
    )
    services.document_delete(document=extra, by=applicant)
    assert not ApplicationDocument.objects.filter(pk=extra.pk).exists()


def test_replacing_a_handed_in_file_keeps_the_old_version_for_staff(
    changes_requested, applicant, cs_staff
):
    old = changes_requested.documents.get(kind=DocumentKind.APPLICATION_FORM)
    new = services.document_replace(
        document=old, by=applicant, file=pdf_upload("申请书-签字版.pdf")
    )
    old.refresh_from_db()
    assert (new.kind, new.original_name, new.previous_version) == (
        DocumentKind.APPLICATION_FORM,
        "申请书-签字版.pdf",
        old,
    )
    assert old.superseded_at is not None and new.superseded_at is None
    assert old.history.first().history_user == applicant
    # A superseded version is neither replaced again nor deleted.
    with pytest.raises(DomainError):
        services.document_replace(document=old, by=applicant, file=pdf_upload())
    with pytest.raises(DomainError):
        services.document_delete(document=old, by=cs_staff)
    # The checklist counts the new version; the application can go back to the reviewer.
    assert services.missing_documents(changes_requested) == []
    services.application_submit(application=changes_requested, by=applicant)


def test_replacing_is_refused_while_the_clerk_reviews(under_review, applicant):
    doc = under_review.documents.first()
    with pytest.raises(DomainError) as refused:
        services.document_replace(document=doc, by=applicant, file=pdf_upload())
    assert refused.value.code == DomainError.CONFLICT
    assert not ApplicationDocument.objects.filter(previous_version=doc).exists()


def test_another_organisation_cannot_replace_a_file(changes_requested, other_applicant):
    doc = changes_requested.documents.first()
    with pytest.raises(DomainError):
        services.document_replace(document=doc, by=other_applicant, file=pdf_upload())


def test_portal_offers_replace_not_remove_for_a_handed_in_file(changes_requested, applicant):
    client = english_client(applicant)
    doc = changes_requested.documents.get(kind=DocumentKind.APPLICATION_FORM)
    html = client.get(changes_requested.get_absolute_url()).content.decode()
    row = re.search(rf'<tr data-document="{doc.pk}".*?</tr>', html, re.S).group(0)
    assert reverse("portal:document_replace", args=[doc.pk]) in row
    assert reverse("portal:document_delete", args=[doc.pk]) not in row

    url = reverse("portal:document_replace", args=[doc.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": pdf_upload("申请书-签字版.pdf")}, follow=True)
    assert "“申请书-签字版.pdf” replaces “营业执照.pdf”" in page_text(response)
    html = response.content.decode()
    new = ApplicationDocument.objects.get(previous_version=doc)
    assert f'data-document="{new.pk}"' in html
    assert f'data-document="{doc.pk}"' not in html  # the portal lists current versions

    # Removing it by its URL is refused with the reason, and the file stays.
    response = client.post(reverse("portal:document_delete", args=[doc.pk]), follow=True)
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_admin_lists_every_version_with_the_superseded_one_marked(
    changes_requested, applicant, cs_staff
):
    old = changes_requested.documents.get(kind=DocumentKind.APPLICATION_FORM)
    new = services.document_replace(document=old, by=applicant, file=pdf_upload("v2.pdf"))
    html = (
        english_client(cs_staff)
        .get(reverse("admin:applications_application_change", args=[changes_requested.pk]))
        .content.decode()
    )
    assert reverse("portal:document_download", args=[old.pk]) in html
    assert reverse("portal:document_download", args=[new.pk]) in html
    assert "Superseded" in html
    # Staff still download the old version.
    response = english_client(cs_staff).get(reverse("portal:document_download", args=[old.pk]))
    assert response.status_code == 200


def test_api_refuses_deleting_a_handed_in_file_and_replaces_it(changes_requested, applicant):
    client = APIClient()
    client.force_authenticate(applicant)
    doc = changes_requested.documents.get(kind=DocumentKind.APPLICATION_FORM)
    response = client.delete(f"/api/v1/documents/{doc.pk}/")
    assert response.status_code == 409
    response = client.post(
        f"/api/v1/documents/{doc.pk}/replace/",
        {"file": pdf_upload("v2.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["previous_version"] == doc.pk
    doc.refresh_from_db()
    assert doc.superseded_at is not None
