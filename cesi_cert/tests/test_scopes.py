"""Scope providers: a downstream app lets more people read an upstream object (an auditor on the
team reads the application's materials); without a grant the object stays a 404."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications import selectors
from applications.models import Application, ApplicationDocument, Organization
from applications.tests.factories import UserFactory
from cesi_cert import scopes
from cesi_cert.roles import Role


@pytest.fixture
def team_grant():
    """A stand-in for evaluations' provider: users on a 'team' read that application's
    organisation, the application and all its materials (published or not)."""
    teams: dict[int, set[int]] = {}  # user id → application ids

    def applications(user):
        return Application.objects.filter(pk__in=teams.get(user.pk, ()))

    scopes.grant(Application, "test.team", applications)
    scopes.grant(
        Organization,
        "test.team",
        lambda user: Organization.objects.filter(applications__in=applications(user)),
    )
    scopes.grant(
        ApplicationDocument,
        "test.team",
        lambda user: ApplicationDocument.objects.filter(application__in=applications(user)),
    )
    yield teams
    for model in (Application, Organization, ApplicationDocument):
        scopes.revoke(model, "test.team")


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_without_a_grant_an_auditor_sees_nothing(draft, auditor, team_grant):
    assert not selectors.applications_for(auditor).exists()
    assert not selectors.organizations_for(auditor).exists()
    assert not selectors.documents_for(auditor).exists()
    doc = draft.documents.first()
    assert api(auditor).get(reverse("application-detail", args=[draft.pk])).status_code == 404
    assert api(auditor).get(reverse("document-download", args=[doc.pk])).status_code == 404


@pytest.mark.django_db
def test_a_grant_opens_exactly_that_application_and_its_materials(
    draft, auditor, team_grant, other_org
):
    from applications.tests.factories import ApplicationFactory

    elsewhere = ApplicationFactory(organization=other_org)
    team_grant[auditor.pk] = {draft.pk}
    assert list(selectors.applications_for(auditor)) == [draft]
    assert list(selectors.organizations_for(auditor)) == [draft.organization]
    unpublished = draft.documents.first()
    assert set(selectors.documents_for(auditor)) == set(draft.documents.all())

    client = api(auditor)
    assert client.get(reverse("application-detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("application-detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("document-download", args=[unpublished.pk])).status_code == 200


@pytest.mark.django_db
def test_a_grant_lets_read_not_act(draft, auditor, team_grant, applicant):
    """Reading is all a scope gives: the transitions still check the role."""
    team_grant[auditor.pk] = {draft.pk}
    response = api(auditor).post(
        reverse("application-transition", args=[draft.pk, "withdraw"]), {}, format="json"
    )
    assert response.status_code == 403  # an auditor's role never withdraws an application
    assert Application.objects.get(pk=draft.pk).state == Application.State.DRAFT


@pytest.mark.django_db
def test_grants_do_not_widen_what_applicants_see(draft, other_applicant, team_grant):
    """A provider answers for the users it knows; everyone else keeps their own scope."""
    assert not selectors.applications_for(other_applicant).filter(pk=draft.pk).exists()
    assert (
        api(other_applicant).get(reverse("application-detail", args=[draft.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_members_still_see_only_published_documents(draft, applicant, cs_staff, team_grant):
    from applications import services
    from applications.tests.factories import pdf_upload

    services.application_submit(application=draft, by=applicant)
    internal = services.document_upload(
        application=draft, by=cs_staff, kind="other", file=pdf_upload("internal.pdf")
    )
    assert internal not in selectors.documents_for(applicant)
