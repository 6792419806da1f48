"""Every list page of the workspace, portal, admin and API keeps a constant number of queries:
the same with 3 evaluations as with 12 (an N+1 fails here), and never more than 12."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of
from cesi_cert.roles import Role
from evaluations.tests.factories import many_evaluations

MAX_QUERIES = 12
#: The portal home also lists the organisation's surveillance cycles (§3.4.2): one query more,
#: the same with 3 or 12 rows.
EXTRA = {"/portal/": 1}

# (label, who asks, url)
PAGES = [
    ("admin: evaluation list", "staff", "/admin/evaluations/evaluation/"),
    ("auditor: home", "auditor", "/auditor/"),
    ("auditor: verification queue", "auditor", "/auditor/verification/"),
    ("portal: home", "applicant", "/portal/"),
    ("API: evaluations (staff)", "api-staff", "/api/v1/evaluations/"),
    ("API: evaluations (auditor)", "api-auditor", "/api/v1/evaluations/"),
    ("API: evaluations (organisation)", "api-applicant", "/api/v1/evaluations/"),
    ("API: team members (staff)", "api-staff", "/api/v1/team-members/"),
    ("API: team members (auditor)", "api-auditor", "/api/v1/team-members/"),
    ("API: team members (organisation)", "api-applicant", "/api/v1/team-members/"),
    ("API: nonconformities (staff)", "api-staff", "/api/v1/nonconformities/"),
    ("API: nonconformities (auditor)", "api-auditor", "/api/v1/nonconformities/"),
    ("API: nonconformities (organisation)", "api-applicant", "/api/v1/nonconformities/"),
    ("admin: subcontracted assessments", "staff", "/admin/evaluations/subcontractedassessment/"),
    ("API: activities (staff)", "api-staff", "/api/v1/activities/"),
    ("API: activities (auditor)", "api-auditor", "/api/v1/activities/"),
    ("API: activities (organisation)", "api-applicant", "/api/v1/activities/"),
    ("API: evidence (staff)", "api-staff", "/api/v1/evidence/"),
    ("API: evidence (auditor)", "api-auditor", "/api/v1/evidence/"),
    ("API: subcontracted assessments (staff)", "api-staff", "/api/v1/subcontracted-assessments/"),
    (
        "API: subcontracted assessments (auditor)",
        "api-auditor",
        "/api/v1/subcontracted-assessments/",
    ),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_a_list_page_costs_the_same_with_3_and_with_12_evaluations(who, url):
    orgs = [OrganizationFactory() for _ in range(3)]
    staff = UserFactory(username="yewu", role=Role.CERTIFICATION_BUSINESS)
    leader = UserFactory(username="leader", role=Role.AUDITOR)
    applicant = applicant_of(orgs[0], username="applicant")
    user = {"staff": staff, "auditor": leader, "applicant": applicant}[who.removeprefix("api-")]
    if who.startswith("api-"):
        client = APIClient()
        client.force_authenticate(user)
    else:
        client = Client()
        client.force_login(user)
    # The organisation's portal shows its own: all evaluations are of one organisation there.
    scope = orgs[:1] if who.endswith("applicant") else orgs

    many_evaluations(3, organizations=scope, leader=leader, staff=staff)
    client.get(url)  # warm the caches (content types, permissions) once
    few = count_queries(client, url)
    many_evaluations(9, organizations=scope, leader=leader, staff=staff, start=3)
    more = count_queries(client, url)

    assert few == more, f"{url}: {few} queries with 3 evaluations, {more} with 12 (an N+1)"
    assert more <= MAX_QUERIES + EXTRA.get(url, 0), f"{url}: {more} queries"


@pytest.mark.django_db
def test_the_admin_evaluation_page_costs_the_same_with_a_larger_team():
    from evaluations.models import TeamMember

    staff = UserFactory(username="kefu", role=Role.CUSTOMER_SERVICE)
    leader = UserFactory(username="leader", role=Role.AUDITOR)
    (ev,) = many_evaluations(1, organizations=[OrganizationFactory()], leader=leader, staff=staff)
    client = Client()
    client.force_login(staff)
    url = f"/admin/evaluations/evaluation/{ev.pk}/change/"
    client.get(url)
    few = count_queries(client, url)
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=ev, person=UserFactory(), role=TeamMember.Role.OBSERVER)
        for _ in range(4)
    )
    from evaluations.tests.factories import fieldwork

    fieldwork([ev], by=leader, staff=staff, per_evaluation=4)  # more evidence and subcontracts
    # A change page reads more than a list (inlines, object actions, the timeline): 20 at most
    # (six read-only inlines since issue 7's activities, meetings, evidence and subcontracts).
    assert count_queries(client, url) == few <= 20


@pytest.mark.django_db
def test_the_auditor_evaluation_page_costs_the_same_with_more_work_recorded():
    """Activities, evidence with photos, subcontracts and meetings are read in a fixed number of
    queries on the auditor's evaluation page (§3.2.3, §3.3.2)."""
    from evaluations.tests.factories import fieldwork

    staff = UserFactory(username="yewu", role=Role.CERTIFICATION_BUSINESS)
    leader = UserFactory(username="leader", role=Role.AUDITOR)
    (ev,) = many_evaluations(1, organizations=[OrganizationFactory()], leader=leader, staff=staff)
    client = Client()
    client.force_login(leader)
    url = f"/auditor/evaluations/{ev.pk}/"
    client.get(url)
    few = count_queries(client, url)
    fieldwork([ev], by=leader, staff=staff, per_evaluation=5)
    assert count_queries(client, url) == few
