"""The auditor register in the API: CB staff read all, an auditor their own rows, nobody else
any; the certification business records rows through the register services."""

import pytest
from rest_framework.test import APIClient

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role
from evaluations.models import AuditorQualification, ConflictDeclaration
from evaluations.tests.factories import auditor

QUALIFICATIONS = "/api/v1/auditor-qualifications/"
CONFLICTS = "/api/v1/conflict-declarations/"


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_the_business_department_records_a_qualification(business_staff):
    from applications.models import Scheme

    person = UserFactory(role=Role.AUDITOR)
    scheme = Scheme.objects.first()
    body = {
        "person": person.pk,
        "scheme": scheme.code,
        "role": "auditor",
        "valid_from": "2026-01-01",
        "valid_until": "2028-12-31",
    }
    response = client_for(business_staff).post(QUALIFICATIONS, body, format="json")
    assert response.status_code == 201, response.content
    row = AuditorQualification.objects.get(pk=response.json()["id"])
    assert row.history.latest().history_user == business_staff

    wrong = {**body, "valid_until": "2025-12-31"}  # ends before it starts
    assert client_for(business_staff).post(QUALIFICATIONS, wrong, format="json").status_code == 400
    not_an_auditor = {**body, "person": business_staff.pk}
    response = client_for(business_staff).post(QUALIFICATIONS, not_an_auditor, format="json")
    assert response.status_code == 400 and "person" in response.json()


@pytest.mark.django_db
def test_others_read_only_their_own_rows_and_write_none(org, applicant, cs_staff):
    from applications.models import Scheme

    scheme = Scheme.objects.first()
    mine, other = auditor(scheme), auditor(scheme)
    ConflictDeclaration.objects.create(person=other, organization=org, nature="consulted")
    own = client_for(mine).get(QUALIFICATIONS).json()
    assert {r["person"] for r in own["results"]} == {mine.pk}
    assert client_for(mine).get(CONFLICTS).json()["count"] == 0

    assert client_for(applicant).get(CONFLICTS).json()["count"] == 0  # never who declared what
    row = ConflictDeclaration.objects.get()
    assert client_for(applicant).get(f"{CONFLICTS}{row.pk}/").status_code == 404
    assert client_for(cs_staff).get(CONFLICTS).json()["count"] == 1
    body = {"person": mine.pk, "organization": org.pk, "nature": "consulted"}
    assert client_for(applicant).post(CONFLICTS, body, format="json").status_code == 403
    assert client_for(mine).post(CONFLICTS, body, format="json").status_code == 403
