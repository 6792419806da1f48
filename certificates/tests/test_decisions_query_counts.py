"""The committee queue and the decision lists keep a constant number of queries: the same with
10 decisions as with 40 (an N+1 fails here), and never more than 12."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.tests.factories import OrganizationFactory, UserFactory
from certificates.models import Decision, Vote
from certificates.tests.decision_factories import many_decisions
from cesi_cert.roles import Role

MAX_QUERIES = 12

PAGES = [
    ("committee: home (queue)", "committee", "/committee/"),
    ("admin: decision list", "kefu", "/admin/certificates/decision/"),
    ("API: decisions (committee)", "api-committee", "/api/v1/decisions/"),
    ("API: votes (committee)", "api-committee", "/api/v1/votes/"),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _grow(n, orgs, voter, start):
    decisions = many_decisions(n, organizations=orgs, start=start)
    Vote.objects.bulk_create(
        Vote(decision=d, voter=voter, choice="approve", comment="同意")
        for d in decisions
        if d.state == Decision.State.VOTING
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_a_decision_list_costs_the_same_with_10_and_with_40_decisions(who, url):
    orgs = [OrganizationFactory() for _ in range(3)]
    member = UserFactory(username="jiwei", role=Role.TECHNICAL_COMMITTEE)
    kefu = UserFactory(username="kefu", role=Role.CUSTOMER_SERVICE)
    user = {"committee": member, "kefu": kefu}[who.removeprefix("api-")]
    if who.startswith("api-"):
        client = APIClient()
        client.force_authenticate(user)
    else:
        client = Client()
        client.force_login(user)
    _grow(10, orgs, member, 0)
    client.get(url)  # warm the caches (content types, permissions) once
    few = count_queries(client, url)
    _grow(30, orgs, member, 10)
    more = count_queries(client, url)
    assert few == more, f"{url}: {few} queries with 10 decisions, {more} with 40 (an N+1)"
    assert more <= MAX_QUERIES, f"{url}: {more} queries"
