"""Accepting a case acts on its certificate (§5): a suspension (§5.1.1) or withdrawal (§5.2.1)
through the certificate services, in the same transaction as the acceptance; the notification's
certificate is the organisation's own (§3.4.3)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from applications.tests.factories import OrganizationFactory
from certificates import services as certificate_services
from certificates.models import Certificate, StatusChange
from certificates.tests.factories import issued_certificate
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification
from cesi_cert.transitions import transition_log
from surveillance import services
from surveillance.models import Case, OrganizationNotice

from .factories import case_in, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def cert(org, cs_staff):
    return issued_certificate(by=cs_staff, organization=org)


def _case(org, staff, cert, proposal="suspension", ground="5.1.1a"):
    return services.case_open(
        organization=org, by=staff, proposal=proposal, ground=ground, certificate=cert
    )


def test_s5_1_1_accepting_a_ground_a_case_suspends_the_certificate(
    org, applicant, cs_staff, business_staff, cert
):
    case = _case(org, cs_staff, cert)
    services.case_accept(case=case, by=business_staff, reason="调查属实")
    case.refresh_from_db()
    cert.refresh_from_db()
    assert case.state == Case.State.ACCEPTED
    assert cert.state == Certificate.State.SUSPENDED
    # §5.1.3: by default the longest period, 6 months.
    assert cert.suspended_until == datetime.date(2026, 12, 1)
    change = StatusChange.objects.get(certificate=cert)
    assert (change.kind, change.ground, change.created_by) == ("suspension", "a", business_staff)
    assert change.reason.startswith(case.reference)
    assert cert.history.first().history_user == business_staff
    assert [(r.transition, r.actor) for r in transition_log(cert)] == [("suspend", business_staff)]
    notice = Notification.objects.get(recipient=applicant, kind="certificate.status_changed")
    assert cert.number in notice.message


def test_s5_1_3_the_suspension_period_is_asked_and_bounded(org, cs_staff, cert):
    case = _case(org, cs_staff, cert)
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=cs_staff, until=datetime.date(2026, 12, 2))
    assert (err.value.code, err.value.field) == (DomainError.INVALID, "until")
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    services.case_accept(case=case, by=cs_staff, until=datetime.date(2026, 9, 1))
    cert.refresh_from_db()
    assert cert.suspended_until == datetime.date(2026, 9, 1)


def test_s5_2_1_accepting_on_a_withdrawn_certificate_is_409_and_the_case_stays_open(
    org, cs_staff, cert
):
    case = _case(org, cs_staff, cert)
    certificate_services.certificate_withdraw(
        certificate=cert, by=cs_staff, ground="k", reason="组织申请撤销"
    )
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=cs_staff)
    assert err.value.code == DomainError.CONFLICT
    assert cert.number in str(err.value.message)
    case.refresh_from_db()
    assert case.state == Case.State.OPEN and case.decided_by is None
    assert StatusChange.objects.filter(kind="suspension").count() == 0


def test_s5_another_role_cannot_accept_403(org, applicant, cs_staff, cert):
    case = _case(org, cs_staff, cert)
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=applicant)
    assert err.value.code == DomainError.FORBIDDEN
    cert.refresh_from_db()
    assert cert.state == Certificate.State.ACTIVE


def test_s5_a_case_without_a_certificate_is_accepted_only_for_another_action(org, cs_staff):
    case = case_in(Case.State.OPEN, org, cs_staff, proposal="suspension")
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=cs_staff)
    assert err.value.code == DomainError.CONFLICT
    other = case_in(Case.State.OPEN, org, cs_staff, proposal="other")
    assert services.case_accept(case=other, by=cs_staff).state == Case.State.ACCEPTED


def test_s5_2_1_withdrawal_on_a_notification_ground_asks_for_the_ground(org, cs_staff, cert):
    case = _case(org, cs_staff, cert, proposal="withdrawal", ground="3.4.3")
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=cs_staff)
    assert err.value.field == "certificate_ground"
    # The admin's list offers both sets, whose letters overlap: a suspension's "f" is refused
    # for a withdrawal, never read as §5.2.1 f.
    with pytest.raises(DomainError) as err:
        services.case_accept(case=case, by=cs_staff, certificate_ground="suspension:f")
    assert err.value.field == "certificate_ground"
    services.case_accept(case=case, by=cs_staff, certificate_ground="withdrawal:f")
    cert.refresh_from_db()
    assert cert.state == Certificate.State.WITHDRAWN
    assert StatusChange.objects.get(certificate=cert).ground == "f"


def test_a_case_cannot_name_another_organisations_certificate(cs_staff, cert):
    other = OrganizationFactory()
    with pytest.raises(DomainError) as err:
        _case(other, cs_staff, cert)
    assert err.value.field == "certificate"


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_accept_with_the_period_and_its_codes(org, applicant, cs_staff, cert):
    case = _case(org, cs_staff, cert)
    url = f"/api/v1/cases/{case.pk}/transitions/accept/"
    assert _api(applicant).post(url, {}, format="json").status_code in (403, 404)
    res = _api(cs_staff).post(url, {"until": "2026-08-01", "reason": "属实"}, format="json")
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "accepted" and res.json()["certificate"] == cert.pk
    cert.refresh_from_db()
    assert cert.suspended_until == datetime.date(2026, 8, 1)
    again = _case(org, cs_staff, cert, proposal="withdrawal", ground="5.2.1i")
    certificate_services.certificate_withdraw(
        certificate=cert, by=cs_staff, ground="k", reason="组织申请撤销", consent="同意"
    )
    url = f"/api/v1/cases/{again.pk}/transitions/accept/"
    assert _api(cs_staff).post(url, {}, format="json").status_code == 409


def test_admin_accept_and_suspend_button(client, org, cs_staff, cert):
    case = _case(org, cs_staff, cert)
    client.force_login(cs_staff)
    page = client.get(reverse("admin:surveillance_case_change", args=[case.pk]))
    assert "Accept and suspend" in page.content.decode() or "接受并暂停" in page.content.decode()
    url = reverse("admin:surveillance_case_transition", args=[case.pk, "accept"])
    assert client.get(url).status_code == 200
    res = client.post(url, {"until": "2026-07-01", "reason": "属实"})
    assert res.status_code == 302
    cert.refresh_from_db()
    assert cert.state == Certificate.State.SUSPENDED
    assert cert.suspended_until == datetime.date(2026, 7, 1)


def test_s3_4_3_the_portal_asks_for_the_certificate_when_there_are_several(
    client, org, applicant, cs_staff, cert
):
    second = issued_certificate(by=cs_staff, organization=org)
    foreign = issued_certificate(by=cs_staff)
    client.force_login(applicant)
    url = reverse("portal:incident_create")
    assert 'name="certificate"' in client.get(url).content.decode()
    data = {
        "organization": org.pk,
        "kind": "c",
        "occurred_at": "2026-05-30T10:00",
        "description": "地址变更",
        "certificate": foreign.pk,
    }
    res = client.post(url, data)
    assert res.status_code == 200 and "certificate" in res.context["form"].errors
    assert not OrganizationNotice.objects.exists()
    res = client.post(url, {**data, "certificate": second.pk})
    assert res.status_code == 302
    assert OrganizationNotice.objects.get().certificate == second


def test_s3_4_3_the_only_certificate_is_taken_and_passed_to_the_late_case(
    org, applicant, cs_staff, cert
):
    notice = submitted(org, applicant)
    assert notice.certificate == cert
    notice = services.notice_start_review(notice=notice, by=cs_staff)
    services.notice_decide(notice=notice, by=cs_staff, decision="suspension", reason="事故属实")
    assert Case.objects.get().certificate == cert


def test_another_organisation_cannot_name_a_certificate_in_the_api(org, applicant, cs_staff, cert):
    foreign = issued_certificate(by=cs_staff)
    res = _api(applicant).post(
        "/api/v1/incidents/",
        {
            "organization": org.pk,
            "kind": "c",
            "occurred_at": "2026-05-30T10:00:00+08:00",
            "description": "地址变更",
            "certificate": foreign.pk,
        },
        format="json",
    )
    assert res.status_code == 400 and "certificate" in res.json()


def test_s5_2_1_the_admin_accept_form_asks_only_what_the_withdrawal_needs(
    client, org, cs_staff, cert
):
    """A withdrawal on a notification's ground: the form is titled "Accept and withdraw", offers
    only §5.2.1's grounds (no suspension period, no consent for a valid certificate)."""
    case = _case(org, cs_staff, cert, proposal="withdrawal", ground="3.4.3")
    client.force_login(cs_staff)
    url = reverse("admin:surveillance_case_transition", args=[case.pk, "accept"])
    form = client.get(url).context["form"]
    assert list(form.fields) == ["reason", "certificate_ground"]
    groups = [str(group) for group, _options in form.fields["certificate_ground"].choices if group]
    assert groups == [str(_("Withdrawal (§5.2.1)"))]
    assert str(_("Accept and withdraw")) in client.get(url).content.decode()
    # Without the ground the form says so on the field; nothing changes.
    res = client.post(url, {"reason": "属实"})
    assert res.status_code == 200 and "certificate_ground" in res.context["form"].errors
    cert.refresh_from_db()
    assert cert.state == Certificate.State.ACTIVE
    res = client.post(url, {"reason": "属实", "certificate_ground": "withdrawal:f"})
    assert res.status_code == 302
    cert.refresh_from_db()
    assert cert.state == Certificate.State.WITHDRAWN


def test_s5_1_4_withdrawing_a_suspended_certificate_asks_for_the_consent(
    client, org, cs_staff, cert
):
    certificate_services.certificate_suspend(
        certificate=cert, by=cs_staff, ground="a", reason="未按期接受监督"
    )
    case = _case(org, cs_staff, cert, proposal="withdrawal", ground="5.2.1i")
    client.force_login(cs_staff)
    url = reverse("admin:surveillance_case_transition", args=[case.pk, "accept"])
    assert list(client.get(url).context["form"].fields) == ["reason", "consent"]
