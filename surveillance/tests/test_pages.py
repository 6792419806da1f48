"""Portal, admin and API: who sees which notification and case (another organisation's is a
404, cases are staff-only), the portal form, the admin's open, filters and the home panel."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from applications.tests.factories import pdf_upload
from cesi_cert.models import Notification
from surveillance.models import Case, OrganizationNotice

from .factories import case_in, notice_in, opened, submitted


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_another_organisations_notice_is_404_in_portal_and_api(
    client, org, applicant, other_applicant, cs_staff
):
    notice = submitted(org, applicant, attachments=[pdf_upload("事故报告.pdf")])
    attachment = notice.attachments.get()
    client.force_login(other_applicant)
    for url in (
        reverse("portal:incident", args=[notice.pk]),
        reverse("portal:incident_action", args=[notice.pk, "notify"]),
        reverse("portal:incident_notify", args=[notice.pk]),
        reverse("portal:incident_attachment", args=[attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    api = _api(other_applicant)
    assert api.get(f"/api/v1/incidents/{notice.pk}/").status_code == 404
    assert api.get("/api/v1/incidents/").json()["count"] == 0
    assert api.post(f"/api/v1/incidents/{notice.pk}/transitions/notify/").status_code == 404
    # The owner and staff read it, attachment included.
    client.force_login(applicant)
    page = client.get(reverse("portal:incident", args=[notice.pk]))
    assert page.status_code == 200 and "事故报告.pdf" in page.content.decode()
    assert (
        client.get(reverse("portal:incident_attachment", args=[attachment.pk])).status_code == 200
    )
    assert _api(cs_staff).get(f"/api/v1/incidents/{notice.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_portal_form_notifies_and_shows_due_and_late_in_china_time(
    client, org, applicant, cs_staff
):
    client.force_login(applicant)
    form = client.get(reverse("portal:incident_create"))
    assert form.status_code == 200
    response = client.post(
        reverse("portal:incident_create"),
        {
            "organization": org.pk,
            "kind": "b",
            "occurred_at": "2020-05-01T10:00",  # China time; long past: late
            "description": "市场监管抽查不合格",
            "attachments": [pdf_upload("通报.pdf")],
        },
    )
    notice = OrganizationNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert notice.occurred_at == datetime.datetime(2020, 5, 1, 2, 0, tzinfo=datetime.UTC)
    assert notice.late and notice.attachments.count() == 1
    page = client.get(notice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2020-05-03 10:00" in page and "data-late" in page  # due: 48 h later, China time
    told = Notification.objects.get(recipient=cs_staff, kind="surveillance.incident_notified")
    assert "已逾期" in told.rendered("zh-hans")[1]  # late, plainly, in the reader's language
    assert "; LATE" in told.rendered("en")[1]
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:incidents") in home
    listing = client.get(reverse("portal:incidents")).content.decode()
    assert f'data-notice="{notice.pk}"' in listing


@pytest.mark.django_db
def test_a_bad_attachment_is_a_field_error_not_a_500(client, org, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("portal:incident_create"),
        {
            "organization": org.pk,
            "kind": "c",
            "occurred_at": "2026-01-01T10:00",
            "description": "变更地址",
            "attachments": [SimpleUploadedFile("x.pdf", b"not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not OrganizationNotice.objects.exists()


@pytest.mark.django_db
def test_the_organisation_notifies_a_staff_opened_one_from_the_portal(
    client, org, applicant, cs_staff
):
    notice = opened(org, cs_staff)
    client.force_login(applicant)
    detail = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-testid="action-notify"' in detail
    url = reverse("portal:incident_notify", args=[notice.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"account": ""})
    assert empty.status_code == 200 and "account" in empty.context["form"].errors
    response = client.post(url, {"account": "已停业整改", "attachments": [pdf_upload("整改.pdf")]})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "notified" and not notice.late and notice.organization_account
    assert notice.attachments.get().original_name == "整改.pdf"
    again = client.post(url, {"account": "再次提交"})
    assert again.status_code == 302 and notice.attachments.count() == 1  # not now: refused


@pytest.mark.django_db
def test_cases_are_staff_only_in_the_api(org, applicant, cs_staff):
    case = case_in(Case.State.OPEN, org, cs_staff)
    api = _api(applicant)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api.get("/api/v1/cases/").json()["count"] == 0
    body = {"organization": org.pk, "proposal": "suspension", "ground": "5.1.1b"}
    assert api.post("/api/v1/cases/", body, format="json").status_code == 403
    staff = _api(cs_staff)
    assert staff.get(f"/api/v1/cases/{case.pk}/").json()["state"] == "open"
    assert staff.post("/api/v1/cases/", body, format="json").status_code == 201
    done = staff.post(f"/api/v1/cases/{case.pk}/transitions/dismiss/", {"reason": "不成立"})
    assert done.status_code == 200 and done.json()["state"] == "dismissed"


@pytest.mark.django_db
def test_api_create_by_the_organisation_and_by_staff(org, applicant, other_org, cs_staff):
    body = {
        "organization": org.pk,
        "kind": "a",
        "occurred_at": "2026-01-05T08:00:00+08:00",
        "description": "客户重大投诉",
    }
    made = _api(applicant).post("/api/v1/incidents/", body, format="json")
    assert made.status_code == 201 and made.json()["state"] == "notified"
    assert made.json()["late"] is True
    elsewhere = _api(applicant).post(
        "/api/v1/incidents/", {**body, "organization": other_org.pk}, format="json"
    )
    assert elsewhere.status_code == 400 and "organization" in elsewhere.json()
    staff = _api(cs_staff).post(
        "/api/v1/incidents/", {**body, "source": "media", "source_note": "报道"}, format="json"
    )
    assert staff.status_code == 201 and staff.json()["state"] == "awaiting_organization"


@pytest.mark.django_db
def test_admin_lists_filters_opens_and_decides(client, org, applicant, cs_staff):
    late = submitted(org, applicant, occurred_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    on_time = submitted(org, applicant)
    client.force_login(cs_staff)
    changelist = reverse("admin:surveillance_organizationnotice_changelist")
    page = client.get(changelist + "?late__exact=1")
    assert list(page.context["cl"].result_list) == [late]
    assert client.get(changelist + "?kind__exact=a&state__exact=notified").status_code == 200
    assert 'data-testid="open"' in client.get(changelist).content.decode()
    assert client.get(reverse("admin:surveillance_organizationnotice_open")).status_code == 200
    assert client.get(reverse("admin:surveillance_case_open")).status_code == 200

    response = client.post(
        reverse("admin:surveillance_organizationnotice_open"),
        {
            "organization": org.pk,
            "kind": "c",
            "occurred_at": "2026-01-10T09:00",
            "description": "法定代表人变更",
            "source": "complaint",
        },
    )
    assert response.status_code == 302
    assert OrganizationNotice.objects.filter(state="awaiting_organization").count() == 1

    change = client.get(
        reverse("admin:surveillance_organizationnotice_change", args=[on_time.pk])
    ).content.decode()
    assert 'data-transition="start_review"' in change and 'data-transition="decide"' in change
    decide = reverse(
        "admin:surveillance_organizationnotice_transition", args=[on_time.pk, "decide"]
    )
    assert client.get(decide).status_code == 200
    assert client.post(decide, {"decision": "withdrawal", "reason": "严重"}).status_code == 302
    case = Case.objects.get()
    home = client.get(reverse("admin:index")).content.decode()
    assert f'data-case="{case.pk}"' in home  # "Cases to decide"
    case_page = client.get(reverse("admin:surveillance_case_change", args=[case.pk]))
    assert 'data-transition="accept"' in case_page.content.decode()


@pytest.mark.django_db
def test_an_applicant_cannot_open_the_admin_pages(client, org, applicant, cs_staff):
    notice_in("notified", org, applicant, cs_staff)
    client.force_login(applicant)
    url = reverse("admin:surveillance_organizationnotice_open")
    assert client.get(url).status_code in (302, 403)
