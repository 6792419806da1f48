"""The evaluation's work at each edge: the auditor workspace (activity results, the quick
evidence form with photos), the portal (activities' existence and dates, never evidence), the
admin (subcontracts through their services) and the API — and 404 for anyone not on the team."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role
from evaluations import services
from evaluations.models import Activity, Evidence, SubcontractedAssessment
from evaluations.tests.factories import auditor
from evaluations.tests.test_execution import notified_evaluation, on_site
from evaluations.tests.test_execution_views import api
from evaluations.tests.test_fieldwork import disguised_pdf, pdf, png


@pytest.fixture
def visit(db):
    visit = notified_evaluation()
    on_site(visit, record_activities=False)
    visit.evaluation.refresh_from_db()
    return visit


def _papers(visit):
    """One of each working paper: an activity with a file, evidence with a photo, a received
    subcontracted report."""
    ev = visit.evaluation
    activity = ev.activities.first()
    services.activity_record_result(
        activity=activity, by=visit.leader, result="conforms", file=pdf("抽样记录.pdf")
    )
    evidence = services.evidence_record(
        evaluation=ev, by=visit.member, kind="document", text="内部审核报告 2026", photos=[png()]
    )
    sa = services.subcontract_request(
        evaluation=ev,
        by=visit.planner,
        subcontractor="检测机构甲",
        mode="characteristic_testing",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    sa = services.subcontract_receive(assessment=sa, by=visit.planner, report=pdf())
    return activity, activity.files.get(), evidence, evidence.photos.get(), sa


# --- the auditor workspace ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_records_a_result_and_evidence_with_a_photo_from_the_workspace(client, visit):
    ev = visit.evaluation
    client.force_login(visit.member)
    page = client.get(reverse("auditor:evaluation", args=[ev.pk])).content.decode()
    assert 'data-testid="evidence-form"' in page and 'capture="environment"' in page
    assert 'accept="image/*"' in page and 'enctype="multipart/form-data"' in page
    activity = ev.activities.get(mode="customer_survey")
    url = reverse("auditor:activity_result", args=[activity.pk])
    assert url in page

    response = client.post(url, {"result": "does_not_conform", "findings": ""})
    assert response.status_code == 200 and "findings" in response.context["form"].errors
    response = client.post(
        url, {"result": "does_not_conform", "findings": "满意度 72%", "file": pdf()}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.result == "does_not_conform" and activity.performed_by == visit.member

    evidence_url = reverse("auditor:evidence_create", args=[ev.pk])
    data = {"kind": "observation", "text": "前台公示投诉电话", "activity": activity.pk}
    response = client.post(evidence_url, {**data, "photos": [png()]})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    photo = evidence.photos.get()
    page = client.get(reverse("auditor:evaluation", args=[ev.pk])).content.decode()
    assert "前台公示投诉电话" in page and reverse("auditor:evidence_photo", args=[photo.pk]) in page
    response = client.get(reverse("auditor:evidence_photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_a_disguised_photo_is_a_field_error_on_the_workspace_form(client, visit):
    client.force_login(visit.leader)
    response = client.post(
        reverse("auditor:evidence_create", args=[visit.evaluation.pk]),
        {"kind": "observation", "text": "机房门禁记录", "photos": [disguised_pdf()]},
    )
    assert response.status_code == 200
    assert "photo.jpg" in response.context["evidence_form"].errors["photos"][0]
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_observers_get_no_form_and_a_refusal(client, visit):
    from evaluations.models import TeamMember

    observer = auditor(visit.evaluation.scheme)
    TeamMember.objects.create(evaluation=visit.evaluation, person=observer, role="observer")
    client.force_login(observer)
    page = client.get(reverse("auditor:evaluation", args=[visit.evaluation.pk])).content.decode()
    assert 'data-testid="evidence-form"' not in page and 'data-action="record_result"' not in page
    response = client.post(
        reverse("auditor:evidence_create", args=[visit.evaluation.pk]),
        {"kind": "observation", "text": "x"},
    )
    assert response.status_code == 302 and not Evidence.objects.exists()


@pytest.mark.django_db
def test_an_auditor_not_on_the_team_gets_404_on_every_new_url_and_endpoint(client, visit):
    activity, stored, evidence, photo, sa = _papers(visit)
    ev = visit.evaluation
    stranger = auditor(ev.scheme, username="elsewhere")
    client.force_login(stranger)
    for url in (
        reverse("auditor:activity_result", args=[activity.pk]),
        reverse("auditor:activity_file", args=[stored.pk]),
        reverse("auditor:evidence_photo", args=[photo.pk]),
        reverse("auditor:subcontract_report", args=[sa.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("auditor:activity_result", args=[activity.pk]), {"result": "conforms"}),
        (reverse("auditor:evidence_create", args=[ev.pk]), {"kind": "interview", "text": "x"}),
    ):
        assert client.post(url, data).status_code == 404, url

    stranger_api = api(stranger)
    for name in ("activity", "evidence", "subcontracted-assessment"):
        assert stranger_api.get(reverse(f"{name}-list")).json()["results"] == [], name
    for name, pk in (
        ("activity", activity.pk),
        ("evidence", evidence.pk),
        ("subcontracted-assessment", sa.pk),
    ):
        assert stranger_api.get(reverse(f"{name}-detail", args=[pk])).status_code == 404, name
    for name, pk, transition in (
        ("activity", activity.pk, "record_result"),
        ("subcontracted-assessment", sa.pk, "cancel"),
    ):
        url = reverse(f"{name}-transition", args=[pk, transition])
        assert stranger_api.post(url, {"result": "conforms"}, format="json").status_code == 404
    response = stranger_api.post(
        reverse("evidence-list"), {"evaluation": ev.pk, "kind": "interview", "text": "x"}
    )
    assert response.status_code == 400 and "evaluation" in response.json()
    assert not Evidence.objects.filter(text="x").exists()


@pytest.mark.django_db
def test_the_organisation_sees_activities_and_meetings_but_no_working_papers(client, visit):
    activity, stored, evidence, photo, sa = _papers(visit)
    services.activity_record_result(
        activity=activity, by=visit.leader, result="does_not_conform", findings="内部findings甲"
    )
    client.force_login(visit.applicant)
    page = client.get(visit.evaluation.get_absolute_url()).content.decode()
    assert f'data-activity="{activity.pk}"' in page and 'data-meeting="opening"' in page
    assert "内部findings甲" not in page and "内部审核报告 2026" not in page
    assert "检测机构甲" not in page
    # The working papers' URLs are the auditor workspace's: the role gate sends it to sign in.
    for url in (
        reverse("auditor:activity_file", args=[stored.pk]),
        reverse("auditor:evidence_photo", args=[photo.pk]),
        reverse("auditor:subcontract_report", args=[sa.pk]),
    ):
        assert client.get(url)["Location"].startswith(reverse("login")), url
    # The API: the activity's existence and date, nothing internal; no evidence, no subcontract.
    org_api = api(visit.applicant)
    data = org_api.get(reverse("activity-detail", args=[activity.pk])).json()
    assert data["performed_on"] and data["findings"] == "" and data["result"] == ""
    assert data["files"] == [] and data["available_transitions"] == []
    assert org_api.get(reverse("evidence-detail", args=[evidence.pk])).status_code == 404
    url = reverse("subcontracted-assessment-detail", args=[sa.pk])
    assert org_api.get(url).status_code == 404
    response = org_api.post(
        reverse("activity-transition", args=[activity.pk, "record_result"]),
        {"result": "conforms"},
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_staff_read_the_working_papers(client, visit):
    activity, stored, evidence, photo, sa = _papers(visit)
    client.force_login(UserFactory(role=Role.CUSTOMER_SERVICE))
    assert client.get(reverse("auditor:subcontract_report", args=[sa.pk])).status_code == 200
    assert client.get(reverse("auditor:activity_file", args=[stored.pk])).status_code == 200
    change = reverse("admin:evaluations_evaluation_change", args=[visit.evaluation.pk])
    page = client.get(change).content.decode()
    assert "内部审核报告 2026" in page and "检测机构甲" in page


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_records_results_evidence_and_subcontracts(visit):
    ev = visit.evaluation
    activity = ev.activities.first()
    leader = api(visit.leader)
    url = reverse("activity-transition", args=[activity.pk, "record_result"])
    response = leader.post(url, {"result": "not_applicable"}, format="json")
    assert response.status_code == 400 and "findings" in response.json()
    response = leader.post(url, {"result": "not_applicable", "findings": "无此服务"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "recorded"

    response = leader.post(
        reverse("evidence-list"),
        {"evaluation": ev.pk, "kind": "interview", "text": "访谈客服主管", "photos": [png()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["photos"][0]["width"] == 8
    response = leader.post(
        reverse("evidence-list"),
        {"evaluation": ev.pk, "kind": "interview", "text": "x", "photos": [disguised_pdf()]},
        format="multipart",
    )
    assert response.status_code == 400 and "photos" in response.json()

    planner = api(visit.planner)
    body = {
        "evaluation": ev.pk,
        "subcontractor": "检测机构乙",
        "mode": "characteristic_testing",
        "due_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
    }
    assert leader.post(reverse("subcontracted-assessment-list"), body).status_code == 403
    response = planner.post(reverse("subcontracted-assessment-list"), body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "requested" and data["is_overdue"] is False
    assert {t["name"] for t in data["available_transitions"]} == {"receive", "cancel"}
    url = reverse("subcontracted-assessment-transition", args=[data["id"], "receive"])
    response = planner.post(url, {"report": pdf(), "summary": "合格"}, format="multipart")
    assert response.status_code == 200 and response.json()["state"] == "received"
    assert response.json()["report_url"]
    assert planner.post(url, {"report": pdf()}, format="multipart").status_code == 409
    sa = SubcontractedAssessment.objects.get()
    assert leader.get(reverse("subcontracted-assessment-detail", args=[sa.pk])).status_code == 200
    assert Activity.objects.filter(evaluation=ev, state="recorded").count() == 1


# --- the admin -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_business_subcontracts_and_receives_the_report_in_the_admin(client, visit):
    ev = visit.evaluation
    request_url = reverse("admin:evaluations_evaluation_subcontract_request", args=[ev.pk])
    body = {
        "subcontractor": "检测机构丙",
        "mode": "characteristic_testing",
        "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }
    client.force_login(UserFactory(role=Role.CUSTOMER_SERVICE))
    client.post(request_url, body)
    assert not SubcontractedAssessment.objects.exists()  # not customer service's to do

    client.force_login(visit.planner)
    response = client.post(request_url, {**body, "due_on": "2000-01-01"})
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert client.post(request_url, body).status_code == 302
    sa = SubcontractedAssessment.objects.get()
    receive = reverse(
        "admin:evaluations_subcontractedassessment_transition", args=[sa.pk, "receive"]
    )
    page = client.get(receive).content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = client.post(receive, {"report": disguised_pdf("r.docx"), "summary": "x"})
    assert response.status_code == 200  # the fake Word file is a field error, not a 500
    sa.refresh_from_db()
    assert sa.state == "requested"
    assert client.post(receive, {"report": pdf(), "summary": "合格"}).status_code == 302
    sa.refresh_from_db()
    assert sa.state == "received" and sa.report_summary == "合格"
