"""Rules tightened on review: findings of a closed evaluation stay closed; whoever planned never
gets "verify"; the team's access ends with the evaluation; the organisation does not read why a
member was replaced; only the leader and auditors raise findings."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications import selectors as application_selectors
from cesi_cert.errors import DomainError
from cesi_cert.transitions import actions_for
from evaluations import services
from evaluations.models import Evaluation, TeamMember
from evaluations.tests.factories import auditor
from evaluations.tests.test_execution import answer, notified_evaluation, on_site, raise_nc


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_the_findings_of_a_cancelled_evaluation_can_no_longer_be_answered():
    visit = notified_evaluation()
    on_site(visit)
    nc = raise_nc(visit)
    services.evaluation_cancel(evaluation=visit.evaluation, by=visit.planner, reason="合同终止")
    nc.refresh_from_db()
    with pytest.raises(DomainError) as err:
        answer(nc, visit.applicant)
    assert err.value.code == DomainError.CONFLICT and "no longer open" in str(err.value.message)
    url = reverse("nonconformity-transition", args=[nc.pk, "answer"])
    body = {"correction": "x", "root_cause": "y", "corrective_action": "z"}
    assert api(visit.applicant).post(url, body, format="json").status_code == 409


@pytest.mark.django_db
def test_the_leader_who_planned_is_never_offered_verify():
    visit = notified_evaluation()
    Evaluation.objects.filter(pk=visit.evaluation.pk).update(planned_by=visit.leader)
    on_site(visit)
    nc = answer(raise_nc(visit), visit.applicant)
    names = [a.name for a in actions_for(nc).available(nc, visit.leader)]
    assert "verify" not in names and "send_back" in names
    url = reverse("nonconformity-transition", args=[nc.pk, "verify"])
    response = api(visit.leader).post(url, {"verification": "documents"}, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_whoever_saves_the_plan_is_recorded_as_its_planner(business_staff, cs_staff):
    import datetime

    from evaluations.tests.factories import contracted_evaluation

    ev = contracted_evaluation(staff=cs_staff)
    services.evaluation_plan(
        evaluation=ev,
        by=business_staff,
        starts_on=datetime.date(2099, 4, 13),
        ends_on=datetime.date(2099, 4, 14),
        plan="第一天",
        sites=list(ev.application.sites.all()),
        service_running_confirmed=True,
    )
    assert Evaluation.objects.get(pk=ev.pk).planned_by == business_staff


@pytest.mark.django_db
def test_the_teams_access_to_the_materials_ends_with_the_evaluation():
    visit = notified_evaluation()
    app = visit.evaluation.application
    assert application_selectors.applications_for(visit.member).filter(pk=app.pk).exists()
    services.evaluation_cancel(evaluation=visit.evaluation, by=visit.planner, reason="合同终止")
    assert not application_selectors.applications_for(visit.member).exists()
    assert not application_selectors.documents_for(visit.member).exists()


@pytest.mark.django_db
def test_the_organisation_does_not_read_why_a_member_was_replaced():
    visit = notified_evaluation()
    replaced = TeamMember.objects.get(evaluation=visit.evaluation, person=visit.member)
    TeamMember.objects.filter(pk=replaced.pk).update(
        removed_at="2026-01-01T00:00Z", removed_reason="与受评价方有未申报的咨询关系"
    )
    listed = api(visit.applicant).get(reverse("team-member-list")).json()["results"]
    assert replaced.pk not in [m["id"] for m in listed]
    assert "咨询关系" not in str(listed)
    staff_view = api(visit.planner).get(reverse("team-member-detail", args=[replaced.pk])).json()
    assert staff_view["removed_reason"] == "与受评价方有未申报的咨询关系"


@pytest.mark.django_db
def test_an_expert_is_not_offered_the_nonconformity_form(client):
    visit = notified_evaluation()
    expert = auditor(visit.evaluation.scheme, username="expert")
    TeamMember.objects.create(evaluation=visit.evaluation, person=expert, role="technical_expert")
    on_site(visit)
    client.force_login(expert)
    page = client.get(reverse("auditor:evaluation", args=[visit.evaluation.pk])).content.decode()
    assert reverse("auditor:nonconformity_create", args=[visit.evaluation.pk]) not in page
    client.force_login(visit.leader)
    page = client.get(reverse("auditor:evaluation", args=[visit.evaluation.pk])).content.decode()
    assert reverse("auditor:nonconformity_create", args=[visit.evaluation.pk]) in page


@pytest.mark.django_db
def test_the_portal_offers_an_answer_only_while_one_can_be_given(client):
    visit = notified_evaluation()
    on_site(visit)
    raise_nc(visit)
    client.force_login(visit.applicant)
    url = reverse("portal:evaluation", args=[visit.evaluation.pk])
    assert 'data-action="answer"' in client.get(url).content.decode()
    services.evaluation_cancel(evaluation=visit.evaluation, by=visit.planner, reason="合同终止")
    assert 'data-action="answer"' not in client.get(url).content.decode()
