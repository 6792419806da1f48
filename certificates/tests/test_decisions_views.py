"""Where people act on decisions: the committee workspace (queue, dossier, vote), the portal
(the outcome once made, the refusal notice, never the votes), the admin and the API (§3.3)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from applications.tests.factories import OrganizationFactory, UserFactory
from certificates import services
from certificates.models import Decision, Vote
from certificates.tests.decision_factories import (
    committee_member,
    in_voting,
    many_decisions,
    open_decision,
    vote_all,
)
from cesi_cert.roles import Role
from evaluations.models import ConflictDeclaration


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def fake_pdf(monkeypatch):
    """The report and notice PDFs without WeasyPrint (their content is tested elsewhere)."""
    from certificates.services import decisions as decision_services
    from evaluations import report

    monkeypatch.setattr(report, "report_pdf", lambda ev: b"%PDF-1.4 report")
    monkeypatch.setattr(decision_services, "refusal_notice_pdf", lambda d: b"%PDF-1.4 notice")


# --- the committee workspace --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_committee_queue_puts_overdue_decisions_first():
    member = committee_member()
    orgs = [OrganizationFactory()]
    made = many_decisions(4, organizations=orgs)
    page = web(member).get("/committee/")
    assert page.status_code == 200
    html = page.content.decode()
    overdue = [d for d in made if d.due_on < timezone.localdate()]
    on_time = [d for d in made if d.due_on >= timezone.localdate()]
    first_on_time = min(html.index(f'data-decision="{d.pk}"') for d in on_time)
    assert all(html.index(f'data-decision="{d.pk}"') < first_on_time for d in overdue)
    assert html.count('data-testid="overdue"') == len(overdue)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.APPLICANT, Role.CUSTOMER_SERVICE])
def test_only_committee_members_enter_the_workspace(role):
    case = open_decision()
    client = web(UserFactory(role=role))
    for url in ("/committee/", f"/committee/decisions/{case.decision.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_dossier_shows_the_report_inline_from_a_frameable_download(fake_pdf):
    case = open_decision()
    client = web(case.members[0])
    page = client.get(f"/committee/decisions/{case.decision.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    frame_url = f"/committee/reports/{case.decision.pk}.pdf"
    assert f'<iframe class="report-frame" src="{frame_url}"' in html
    assert case.decision.evaluation.reference in html
    assert case.decision.evaluation.application.contract.number in html
    # The dossier page itself may not be framed; the report may, by this site only.
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    pdf = client.get(frame_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in pdf["Content-Security-Policy"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Not for another role.
    other = web(UserFactory(role=Role.APPLICANT)).get(frame_url)
    assert other.status_code == 302


@pytest.mark.django_db
@override_settings(DECISION_QUORUM=2)
def test_members_vote_in_the_workspace_and_the_outcome_follows():
    case = open_decision(members=2)
    in_voting(case)
    url = f"/committee/decisions/{case.decision.pk}/"
    for member in case.members:
        client = web(member)
        assert 'data-action="vote"' in client.get(url).content.decode()
        response = client.post(
            f"{url}actions/vote/", {"choice": "approve", "comment": "资料齐全，同意"}
        )
        assert response.status_code == 302
    assert Vote.objects.filter(decision=case.decision).count() == 2
    response = web(case.members[0]).post(f"{url}actions/close_voting/", {"reason": ""})
    assert response.status_code == 302
    case.decision.refresh_from_db()
    assert case.decision.state == Decision.State.GRANTED
    page = web(case.members[1]).get(url).content.decode()
    assert 'data-testid="outcome"' in page and 'data-action="vote"' not in page


@pytest.mark.django_db
def test_a_conflicted_member_sees_why_and_no_vote_button():
    case = open_decision()
    in_voting(case)
    member = case.members[1]
    ConflictDeclaration.objects.create(
        person=member, organization=case.decision.organization, nature="financial"
    )
    client = web(member)
    url = f"/committee/decisions/{case.decision.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="barred"' in page and 'data-action="vote"' not in page
    response = client.post(f"{url}actions/vote/", {"choice": "approve"}, follow=True)
    assert "17065" in response.content.decode()
    assert not Vote.objects.filter(voter=member).exists()


@pytest.mark.django_db
def test_a_bad_vote_is_a_field_error_not_a_500():
    case = open_decision()
    in_voting(case)
    url = f"/committee/decisions/{case.decision.pk}/actions/vote/"
    response = web(case.members[0]).post(url, {"choice": "reject", "comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]


# --- the portal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_organisation_sees_the_outcome_once_made_and_the_notice_once_sent(fake_pdf):
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    url = f"/portal/decisions/{case.decision.pk}/"
    client = web(case.applicant)
    assert client.get(url).status_code == 404  # not made yet
    in_voting(case)
    vote_all(case, "rrr")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-state="refused"' in html and 'data-testid="refusal-notice"' not in html
    assert "意见" not in html  # no vote comments
    assert f'data-decision="{d.pk}"' in client.get("/portal/").content.decode()
    services.decision_send_refusal_notice(decision=d, by=kefu, reasons="服务记录不完整")
    assert 'data-testid="refusal-notice"' in client.get(url).content.decode()
    pdf = client.get(f"{url}refusal-notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_another_organisations_decision_is_a_404_in_the_portal_and_the_api(other_applicant):
    case = open_decision()
    in_voting(case)
    vote_all(case, "aaa")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert web(other_applicant).get(f"/portal/decisions/{d.pk}/").status_code == 404
    assert (
        web(other_applicant).get(f"/portal/decisions/{d.pk}/refusal-notice.pdf").status_code == 404
    )
    client = api(other_applicant)
    assert client.get(f"/api/v1/decisions/{d.pk}/").status_code == 404
    assert client.get("/api/v1/decisions/").json()["count"] == 0
    response = client.post(f"/api/v1/decisions/{d.pk}/transitions/send_refusal_notice/", {})
    assert response.status_code == 404


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_shows_state_and_available_transitions_and_runs_them():
    case = open_decision()
    client = api(case.members[0])
    base = f"/api/v1/decisions/{case.decision.pk}/"
    data = client.get(base).json()
    assert data["state"] == "pending"
    assert [t["name"] for t in data["available_transitions"]] == ["start_review"]
    assert client.post(f"{base}transitions/start_review/", {}, format="json").status_code == 200
    # Wrong state: 409; unknown field value: 400; wrong role: 403.
    assert (
        client.post(f"{base}transitions/vote/", {"choice": "approve"}, format="json").status_code
        == 409
    )
    response = client.post(
        f"{base}transitions/confirm_condition/", {"condition": "z"}, format="json"
    )
    assert response.status_code == 400 and "condition" in response.json()
    kefu = api(UserFactory(role=Role.CUSTOMER_SERVICE))
    assert kefu.post(f"{base}transitions/open_voting/", {}, format="json").status_code == 403
    for code in "abcde":
        response = client.post(
            f"{base}transitions/confirm_condition/", {"condition": code}, format="json"
        )
        assert response.status_code == 200
    assert all(c["confirmed"] for c in response.json()["conditions"])
    client.post(f"{base}transitions/open_voting/", {}, format="json")
    for member in case.members:
        response = api(member).post(
            f"{base}transitions/vote/", {"choice": "approve", "comment": "同意"}, format="json"
        )
        assert response.status_code == 200
    response = client.post(f"{base}transitions/close_voting/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "granted"
    assert response.json()["approvals"] == 3
    votes = client.get(f"/api/v1/votes/?decision={case.decision.pk}").json()
    assert votes["count"] == 3


@pytest.mark.django_db
def test_the_organisation_never_reads_the_votes_by_api():
    case = open_decision()
    in_voting(case)
    vote_all(case, "aaa")
    services.decision_close_voting(decision=case.decision, by=case.members[0])
    client = api(case.applicant)
    data = client.get(f"/api/v1/decisions/{case.decision.pk}/").json()
    assert data["state"] == "granted" and data["approvals"] is None
    assert all(c["confirmed_by"] is None for c in data["conditions"])
    assert client.get("/api/v1/votes/").json()["count"] == 0


@pytest.mark.django_db
def test_a_barred_member_gets_a_clear_403_by_api():
    case = open_decision()
    in_voting(case)
    member = case.members[1]
    ConflictDeclaration.objects.create(
        person=member, organization=case.decision.organization, nature="personal"
    )
    client = api(member)
    base = f"/api/v1/decisions/{case.decision.pk}/"
    assert "vote" not in [t["name"] for t in client.get(base).json()["available_transitions"]]
    response = client.post(f"{base}transitions/vote/", {"choice": "approve"}, format="json")
    assert response.status_code == 403 and "17065" in response.json()["detail"]


# --- the admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_customer_service_sends_the_refusal_notice_from_the_admin(fake_pdf):
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    in_voting(case)
    vote_all(case, "rrr")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    client = web(kefu)
    change = f"/admin/certificates/decision/{d.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    assert "send_refusal_notice" in page.content.decode()
    response = client.post(
        f"/admin/certificates/decision/{d.pk}/transition/send_refusal_notice/",
        {"reasons": "服务记录不完整"},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.refusal_notice_sent_at is not None and d.refusal_reasons == "服务记录不完整"
    assert client.get("/admin/certificates/decision/").status_code == 200
    # A made decision changes only by a new one.
    response = client.post(
        f"/admin/certificates/decision/{d.pk}/open-new/", {"reason": "申诉后重新评定"}
    )
    assert response.status_code == 302
    assert Decision.objects.filter(supersedes=d, state="pending").exists()


@pytest.mark.django_db
def test_committee_members_review_in_the_admin_too():
    case = open_decision()
    client = web(case.members[0])
    d = case.decision
    response = client.post(f"/admin/certificates/decision/{d.pk}/transition/start_review/", {})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "in_review"
    response = client.post(
        f"/admin/certificates/decision/{d.pk}/transition/confirm_condition/",
        {"condition": "a", "note": "合同已签"},
    )
    assert response.status_code == 302
    assert d.conditions.get().confirmed_by == case.members[0]
