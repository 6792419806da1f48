"""The execution side at each edge: the auditor workspace, the portal and the API — the same
actions, and 404 for anyone who is not on the team (or not of the organisation)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.tests.factories import UserFactory, applicant_of
from cesi_cert.roles import Role
from evaluations import services
from evaluations.models import Evaluation
from evaluations.tests.factories import auditor
from evaluations.tests.test_execution import FUTURE, answer, notified_evaluation, on_site, raise_nc


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition(user, nc, name, data=None):
    url = reverse("nonconformity-transition", args=[nc.pk, name])
    return api(user).post(url, data or {}, format="json")


@pytest.fixture
def visit(db):
    visit = notified_evaluation()
    on_site(visit)
    visit.evaluation.refresh_from_db()
    return visit


# --- the auditor workspace ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_leader_works_the_visit_from_the_workspace(client, visit):
    ev = visit.evaluation
    client.force_login(visit.member)
    home = client.get("/auditor/").content.decode()
    assert reverse("auditor:evaluation", args=[ev.pk]) in home  # the panel links the page

    page = client.get(reverse("auditor:evaluation", args=[ev.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and ev.reference in html
    doc = next(d for d in ev.application.documents.all() if d.is_current)
    assert reverse("auditor:document_download", args=[ev.pk, doc.pk]) in html
    assert client.get(reverse("auditor:document_download", args=[ev.pk, doc.pk])).status_code == 200
    assert 'data-action="submit_report"' not in html  # the auditor is not the leader

    response = client.post(
        reverse("auditor:nonconformity_create", args=[ev.pk]),
        {"clause": "5.3", "grade": "minor", "description": "投诉台账缺失"},
    )
    assert response.status_code == 302
    nc = ev.nonconformities.get()
    assert (nc.number, nc.raised_by) == (1, visit.member)
    # A bad form comes back with its errors.
    response = client.post(reverse("auditor:nonconformity_create", args=[ev.pk]), {"grade": "x"})
    assert response.status_code == 200 and ev.nonconformities.count() == 1

    answer(nc, visit.applicant)
    client.force_login(visit.leader)
    queue = client.get(reverse("auditor:verification_queue")).content.decode()
    assert f'data-nonconformity="{nc.pk}"' in queue
    url = reverse("auditor:nonconformity_action", args=[nc.pk, "verify"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"verification": "documents"}).status_code == 302
    nc.refresh_from_db()
    assert nc.state == "verified"
    assert (
        f'data-nonconformity="{nc.pk}"'
        not in client.get(reverse("auditor:verification_queue")).content.decode()
    )

    url = reverse("auditor:evaluation_action", args=[ev.pk, "submit_report"])
    assert client.post(url, {"conclusion": "recommend"}).status_code == 302
    ev.refresh_from_db()
    assert ev.state == "reported"


@pytest.mark.django_db
def test_the_member_queue_is_empty_and_a_leader_only_button_says_why(client, visit):
    nc = answer(raise_nc(visit), visit.applicant)
    client.force_login(visit.member)
    html = client.get(reverse("auditor:verification_queue")).content.decode()
    assert f'data-nonconformity="{nc.pk}"' not in html
    url = reverse("auditor:nonconformity_action", args=[nc.pk, "verify"])
    assert client.post(url, {"verification": "documents"}).status_code == 302
    nc.refresh_from_db()
    assert nc.state == "answered"


@pytest.mark.django_db
def test_an_auditor_not_on_the_team_gets_404_everywhere(client, visit):
    ev = visit.evaluation
    nc = raise_nc(visit)
    stranger = auditor(ev.scheme, username="elsewhere")
    doc = next(d for d in ev.application.documents.all() if d.is_current)
    client.force_login(stranger)
    for url in (
        reverse("auditor:evaluation", args=[ev.pk]),
        reverse("auditor:evaluation_action", args=[ev.pk, "submit_report"]),
        reverse("auditor:document_download", args=[ev.pk, doc.pk]),
        reverse("auditor:nonconformity_action", args=[nc.pk, "verify"]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("auditor:nonconformity_create", args=[ev.pk]), {"clause": "1"}),
        (reverse("auditor:evaluation_action", args=[ev.pk, "submit_report"]), {}),
        (reverse("auditor:nonconformity_action", args=[nc.pk, "send_back"]), {"reason": "x"}),
    ):
        assert client.post(url, data).status_code == 404, url
    # The portal is not an auditor's place: the role gate sends them to sign in.
    for url in (
        reverse("portal:evaluation", args=[ev.pk]),
        reverse("portal:nonconformity_action", args=[nc.pk, "answer"]),
        reverse("portal:evaluation_action", args=[ev.pk, "resubmit_documents"]),
    ):
        assert client.get(url)["Location"].startswith(reverse("login")), url
    # The API: nothing listed, everything 404.
    client_api = api(stranger)
    assert client_api.get(reverse("nonconformity-list")).json()["results"] == []
    assert client_api.get(reverse("nonconformity-detail", args=[nc.pk])).status_code == 404
    assert transition(stranger, nc, "send_back", {"reason": "x"}).status_code == 404
    response = client_api.post(
        reverse("nonconformity-list"),
        {"evaluation": ev.pk, "clause": "1", "grade": "minor", "description": "x"},
        format="json",
    )
    assert response.status_code == 400 and "evaluation" in response.json()
    # Nor does a removed member keep the access.
    ev.team.filter(person=visit.member).update(removed_at=datetime.datetime.now(datetime.UTC))
    client.force_login(visit.member)
    assert client.get(reverse("auditor:evaluation", args=[ev.pk])).status_code == 404


@pytest.mark.django_db
def test_another_organisation_gets_404_in_the_portal(client, visit, other_applicant):
    nc = raise_nc(visit)
    client.force_login(other_applicant)
    for url in (
        reverse("portal:evaluation", args=[visit.evaluation.pk]),
        reverse("portal:nonconformity_action", args=[nc.pk, "answer"]),
        reverse("portal:evaluation_action", args=[visit.evaluation.pk, "resubmit_documents"]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        api(other_applicant).get(reverse("nonconformity-detail", args=[nc.pk])).status_code == 404
    )


# --- the portal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_organisation_answers_in_the_portal_and_sees_overdue(client, visit):
    nc = raise_nc(visit, due_on=FUTURE)
    client.force_login(visit.applicant)
    page_url = reverse("portal:evaluation", args=[visit.evaluation.pk])
    html = client.get(page_url).content.decode()
    assert f'data-nonconformity="{nc.pk}"' in html and 'data-testid="overdue"' not in html
    with time_machine.travel(datetime.datetime(2099, 2, 1, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(visit.applicant)  # a fresh session in the future
        assert 'data-testid="overdue"' in client.get(page_url).content.decode()
        client.force_login(visit.leader)
        workspace = reverse("auditor:evaluation", args=[visit.evaluation.pk])
        assert 'data-testid="overdue"' in client.get(workspace).content.decode()
        assert (
            api(visit.leader)
            .get(reverse("nonconformity-detail", args=[nc.pk]))
            .json()["is_overdue"]
        )
    client.force_login(visit.applicant)

    url = reverse("portal:nonconformity_action", args=[nc.pk, "answer"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"correction": "已补全"})
    assert response.status_code == 200  # the form shows what is missing
    response = client.post(
        url, {"correction": "已补全", "root_cause": "无要求", "corrective_action": "修订程序"}
    )
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.state == "answered"
    assert 'data-testid="overdue"' not in client.get(page_url).content.decode()


@pytest.mark.django_db
def test_the_organisation_hands_in_corrected_documents_from_the_portal(client):
    visit = notified_evaluation()
    ev = services.evaluation_start_document_review(evaluation=visit.evaluation, by=visit.leader)
    services.evaluation_request_rectification(
        evaluation=ev, by=visit.leader, findings="缺少服务质量承诺", due_on=FUTURE
    )
    client.force_login(visit.applicant)
    html = client.get(reverse("portal:evaluation", args=[ev.pk])).content.decode()
    assert "缺少服务质量承诺" in html and 'data-action="resubmit_documents"' in html
    url = reverse("portal:evaluation_action", args=[ev.pk, "resubmit_documents"])
    assert client.post(url, {"note": "已补充"}).status_code == 302
    ev.refresh_from_db()
    assert ev.state == "document_review"


# --- the API's transitions endpoint --------------------------------------------------------------


@pytest.mark.django_db
def test_the_nonconformity_transitions_over_the_api(visit):
    planner = visit.planner
    response = api(visit.member).post(
        reverse("nonconformity-list"),
        {"evaluation": visit.evaluation.pk, "clause": "6.1", "grade": "major", "description": "x"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    nc = visit.evaluation.nonconformities.get()
    body = {"correction": "a", "root_cause": "b", "corrective_action": "c"}

    # open: verify and send_back are the leader's, but not now (409); others may never (403).
    assert transition(visit.leader, nc, "verify", {"verification": "documents"}).status_code == 409
    assert transition(visit.leader, nc, "send_back", {"reason": "x"}).status_code == 409
    assert transition(visit.leader, nc, "answer", body).status_code == 403
    assert transition(visit.member, nc, "answer", body).status_code == 403
    # The planners follow every evaluation (they read it) but never verify (403).
    assert transition(planner, nc, "verify", {"verification": "documents"}).status_code == 403
    assert transition(visit.applicant, nc, "answer", {}).status_code == 400

    data = transition(visit.applicant, nc, "answer", body).json()
    assert data["state"] == "answered" and data["available_transitions"] == []
    assert transition(visit.applicant, nc, "answer", body).status_code == 409
    assert transition(visit.applicant, nc, "verify", {"verification": "x"}).status_code == 403
    assert transition(visit.member, nc, "send_back", {"reason": "x"}).status_code == 403
    names = [
        t["name"]
        for t in api(visit.leader)
        .get(reverse("nonconformity-detail", args=[nc.pk]))
        .json()["available_transitions"]
    ]
    assert names == ["verify", "send_back"]
    assert transition(visit.leader, nc, "send_back", {"reason": "证据不足"}).json()["state"] == (
        "returned"
    )
    assert transition(visit.applicant, nc, "answer", body).json()["state"] == "answered"
    assert transition(visit.leader, nc, "verify", {"verification": "on_site"}).json()["state"] == (
        "verified"
    )


@pytest.mark.django_db
def test_the_planner_who_leads_cannot_verify_over_the_api(client, visit):
    nc = answer(raise_nc(visit), visit.applicant)
    client.force_login(visit.leader)
    page = reverse("auditor:evaluation", args=[visit.evaluation.pk])
    assert 'data-action="verify"' in client.get(page).content.decode()
    Evaluation.objects.filter(pk=visit.evaluation.pk).update(planned_by=visit.leader)
    assert transition(visit.leader, nc, "verify", {"verification": "documents"}).status_code == 403
    # The workspace does not offer the button it would refuse.
    html = client.get(page).content.decode()
    assert 'data-action="verify"' not in html and 'data-action="send_back"' in html


@pytest.mark.django_db
def test_staff_read_the_findings_of_every_evaluation(visit):
    raise_nc(visit)
    cs = UserFactory(role=Role.CUSTOMER_SERVICE)
    rows = api(cs).get(reverse("nonconformity-list"), {"evaluation": visit.evaluation.pk}).json()
    assert [r["number"] for r in rows["results"]] == [1]
    # A colleague of the applicant sees them too.
    colleague = applicant_of(visit.evaluation.organization)
    assert len(api(colleague).get(reverse("nonconformity-list")).json()["results"]) == 1


@pytest.mark.django_db
def test_the_admin_filters_overdue_nonconformities_and_leaders(client):
    """Planners find what is late and who leads what (issue 7 "Admin")."""

    late = notified_evaluation()
    on_time = notified_evaluation()
    for visit in (late, on_time):
        on_site(visit)
    overdue = raise_nc(late)
    raise_nc(on_time)
    # Its answer date passed yesterday (set directly: the service gives a date to come).
    type(overdue).objects.filter(pk=overdue.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(late.planner)
    url = reverse("admin:evaluations_evaluation_changelist")
    html = client.get(url + "?overdue=1").content.decode()
    assert late.evaluation.reference in html and on_time.evaluation.reference not in html
    html = client.get(url + f"?leader={on_time.leader.pk}").content.decode()
    assert on_time.evaluation.reference in html and late.evaluation.reference not in html
    assert client.get(url + "?leader=%C2%B2").status_code == 200  # ignored, not a 500
