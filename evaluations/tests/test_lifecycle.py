"""A signed contract opens the evaluation for planning, as the system (kernel event); the team
reads the application through the kernel's scopes; the organisation sees it in the portal."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications import selectors as application_selectors
from applications.models import Application
from applications.tests.factories import UserFactory, application_in
from cesi_cert.models import Notification
from cesi_cert.roles import Role
from evaluations import services
from evaluations.models import Evaluation, TeamMember
from evaluations.services.lifecycle import OPENED_BY_EVENT
from evaluations.tests.factories import auditor, contracted_evaluation


@pytest.mark.django_db
def test_a_signed_contract_opens_one_evaluation_for_planning(
    cs_staff, django_capture_on_commit_callbacks
):
    planner = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    with django_capture_on_commit_callbacks(execute=True):
        app = application_in(Application.State.CONTRACTED, staff=cs_staff)
    evaluation = Evaluation.objects.get(application=app)
    assert (evaluation.state, evaluation.kind) == ("planning", "initial")
    assert evaluation.reference.startswith("EV")
    assert set(evaluation.sites.all()) == set(app.sites.all())  # §3.2.2.2: every site
    history = evaluation.history.first()
    assert history.history_user is None and history.history_change_reason == OPENED_BY_EVENT
    assert Notification.objects.filter(recipient=planner, kind="evaluation.opened").exists()


@pytest.mark.django_db
def test_the_event_heard_twice_opens_nothing_more(cs_staff):
    evaluation = contracted_evaluation(staff=cs_staff)
    assert services.evaluation_open_for_application(application=evaluation.application) is None
    assert Evaluation.objects.filter(application=evaluation.application).count() == 1


@pytest.mark.django_db
def test_a_level_change_is_evaluated_as_an_initial_certification(cs_staff, org, applicant):
    from applications.tests.factories import ApplicationFactory, complete_documents
    from certificates.tests.factories import issued_certificate

    app = ApplicationFactory(
        organization=org,
        created_by=applicant,
        kind="level_change",
        certificate=issued_certificate(organization=org),
    )
    complete_documents(app, by=applicant)
    app = application_in(Application.State.CONTRACTED, application=app, staff=cs_staff)
    evaluation = services.evaluation_open_for_application(application=app)
    assert evaluation.kind == Evaluation.Kind.INITIAL  # §3.4.4


@pytest.mark.django_db
def test_only_the_team_reads_the_application_and_its_materials(cs_staff):
    evaluation = contracted_evaluation(staff=cs_staff)
    app = evaluation.application
    on_team = auditor(evaluation.scheme, username="on-team")
    elsewhere = auditor(evaluation.scheme, username="not-on-team")
    TeamMember.objects.create(evaluation=evaluation, person=on_team, role="leader")

    assert list(application_selectors.applications_for(on_team)) == [app]
    assert set(application_selectors.documents_for(on_team)) == set(app.documents.all())
    assert not application_selectors.applications_for(elsewhere).exists()
    client = APIClient()
    client.force_authenticate(elsewhere)
    assert client.get(reverse("application-detail", args=[app.pk])).status_code == 404

    # Removed from the team: the access goes with the place.
    TeamMember.objects.filter(person=on_team).update(removed_at="2026-01-01T00:00Z")
    assert not application_selectors.applications_for(on_team).exists()


@pytest.mark.django_db
def test_the_auditor_home_lists_my_evaluations_only(client, cs_staff):
    mine = contracted_evaluation(staff=cs_staff)
    other = contracted_evaluation(staff=cs_staff)
    me = auditor(mine.scheme, username="zhao")
    TeamMember.objects.create(evaluation=mine, person=me, role="leader")
    client.force_login(me)
    html = client.get("/auditor/").content.decode()
    assert f'data-evaluation="{mine.pk}"' in html and f'data-evaluation="{other.pk}"' not in html


@pytest.mark.django_db
def test_the_organisation_sees_its_evaluation_and_nobody_elses(
    client, cs_staff, applicant, other_applicant, org
):
    evaluation = contracted_evaluation(organization=org, applicant=applicant, staff=cs_staff)
    client.force_login(applicant)
    home = client.get("/portal/").content.decode()
    assert f'data-evaluation="{evaluation.pk}"' in home
    page = client.get(reverse("portal:evaluation", args=[evaluation.pk]))
    assert page.status_code == 200 and evaluation.reference in page.content.decode()
    client.force_login(other_applicant)
    assert client.get(reverse("portal:evaluation", args=[evaluation.pk])).status_code == 404


@pytest.mark.django_db
def test_planners_cancel_with_a_reason_others_may_not(cs_staff):
    from cesi_cert.errors import DomainError

    evaluation = contracted_evaluation(staff=cs_staff)
    planner = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    with pytest.raises(DomainError) as err:
        services.evaluation_cancel(evaluation=evaluation, by=cs_staff, reason="x")
    assert err.value.code == DomainError.FORBIDDEN
    with pytest.raises(DomainError) as err:
        services.evaluation_cancel(evaluation=evaluation, by=planner, reason=" ")
    assert err.value.field == "reason"
    cancelled = services.evaluation_cancel(
        evaluation=evaluation, by=planner, reason="组织终止认证合同"
    )
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "组织终止认证合同")
