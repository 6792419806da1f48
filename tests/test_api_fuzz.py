"""schemathesis over the whole API (issue 6, "Done means"): every operation of the published
OpenAPI schema, with valid and invalid data, as an applicant and as customer service — and not
one answer may be a server error.

The requests go through the whole Django stack (middleware, URLconf, DRF) in this process, on
the test database, so CI's PostgreSQL run finds what only PostgreSQL refuses (NUL bytes, integer
overflow). The number of examples is bounded and the seed fixed, so a run is quick and the same
every time; raise ``FUZZ_EXAMPLES`` locally for a longer hunt.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
#: ``FUZZ_COVERAGE=1`` adds schemathesis's coverage phase: every boundary of every parameter,
#: thorough but minutes long — for a local hunt, not for every CI run.
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260601,
        "generation": {
            "mode": "all",  # valid data and invalid data
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": COVERAGE}},
    }
)


@pytest.fixture
def api_schema(db):
    # Like Django's test client: keep the test's connection (and its transaction) open across
    # requests, which the WSGI handler would otherwise close when each request finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def rows(org, applicant, draft, application_in):
    """Rows the generated ids can find: a draft and an application under review."""
    from applications.tests.factories import ApplicationFactory, complete_documents

    other = ApplicationFactory(organization=org, created_by=applicant)
    complete_documents(other, by=applicant)
    application_in("under_review", application=other)


@pytest.fixture
def applicant_token(rows, applicant):
    return Token.objects.create(user=applicant).key


@pytest.fixture
def staff_token(rows, cs_staff):
    return Token.objects.create(user=cs_staff).key


FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,  # replay nothing from earlier runs: every run the same
    # filter_too_much: a transition body is one of several shapes (oneOf); most drawn bodies
    # match none exactly and are discarded. That costs speed, not rigour.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def _call(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_server_errors_as_applicant(case, applicant_token):
    _call(case, applicant_token)


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_server_errors_as_customer_service(case, staff_token):
    _call(case, staff_token)
