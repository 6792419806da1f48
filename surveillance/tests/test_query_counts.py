"""Lists cost the same whatever their length (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from .factories import case_in, submitted


def _count(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_lists_do_not_grow_with_their_rows(client, org, applicant, cs_staff):
    api = APIClient()
    client.force_login(applicant)
    submitted(org, applicant)
    case_in("open", org, cs_staff)

    def measure():
        api.force_authenticate(applicant)
        mine = _count(lambda: api.get("/api/v1/incidents/"))
        page = _count(lambda: client.get(reverse("portal:incidents")))
        api.force_authenticate(cs_staff)
        staff = _count(lambda: api.get("/api/v1/incidents/"))
        cases = _count(lambda: api.get("/api/v1/cases/"))
        return mine, page, staff, cases

    few = measure()
    for _ in range(5):
        submitted(org, applicant)
        case_in("open", org, cs_staff)
    assert measure() == few
