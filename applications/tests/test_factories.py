"""``application_in``: every state reached through the services, with the log to show for it."""

import datetime
from decimal import Decimal

import pytest

from applications.models import Application
from applications.tests.factories import application_in
from cesi_cert.roles import Role
from cesi_cert.transitions import transition_log

S = Application.State
pytestmark = pytest.mark.django_db

SUBMIT = ("submit", S.DRAFT, S.SUBMITTED)
START_REVIEW = ("start_review", S.SUBMITTED, S.UNDER_REVIEW)
ACCEPT = ("accept", S.UNDER_REVIEW, S.ACCEPTED)

# (transition, source, target) of each row the walk to a state leaves in the log
LOG_OF_THE_WALK = {
    S.DRAFT: [],
    S.SUBMITTED: [SUBMIT],
    S.UNDER_REVIEW: [SUBMIT, START_REVIEW],
    S.CHANGES_REQUESTED: [
        SUBMIT,
        START_REVIEW,
        ("request_changes", S.UNDER_REVIEW, S.CHANGES_REQUESTED),
    ],
    S.ACCEPTED: [SUBMIT, START_REVIEW, ACCEPT],
    S.CONTRACTED: [SUBMIT, START_REVIEW, ACCEPT, ("sign_contract", S.ACCEPTED, S.CONTRACTED)],
    S.REJECTED: [SUBMIT, START_REVIEW, ("reject", S.UNDER_REVIEW, S.REJECTED)],
    S.WITHDRAWN: [("withdraw", S.DRAFT, S.WITHDRAWN)],
}


def test_every_state_is_covered():
    assert set(LOG_OF_THE_WALK) == set(S)


@pytest.mark.parametrize("state", list(S))
def test_reaches_the_state_through_the_services(state):
    app = application_in(state)
    assert app.state == state
    rows = list(transition_log(app).order_by("pk"))
    assert [(r.transition, r.source, r.target) for r in rows] == LOG_OF_THE_WALK[state]
    applicant = app.organization.members.get()
    for row in rows:
        if row.transition in ("submit", "withdraw"):
            assert row.actor == applicant
        else:
            assert row.actor.groups.filter(name=Role.CUSTOMER_SERVICE).exists(), row.transition


def test_walks_the_given_draft_with_the_given_people(draft, applicant, cs_staff):
    app = application_in(S.ACCEPTED, application=draft, applicant=applicant, staff=cs_staff)
    assert app.pk == draft.pk
    assert app.reviewer == cs_staff
    assert transition_log(app).filter(transition="submit").get().actor == applicant


def test_contract_defaults_are_unique_and_can_be_overridden():
    first, second = application_in(S.CONTRACTED), application_in(S.CONTRACTED)
    assert first.contract.number != second.contract.number
    assert (first.contract.signed_on, first.contract.man_days, first.contract.fee_quote) == (
        datetime.date(2026, 1, 5),
        Decimal("4.0"),
        Decimal("30000.00"),
    )
    app = application_in(S.CONTRACTED, number="HT-9", man_days=Decimal("2.5"), fee_quote=1)
    assert (app.contract.number, app.contract.man_days, app.contract.fee_quote) == (
        "HT-9",
        Decimal("2.5"),
        Decimal("1"),
    )


def test_refuses_what_it_cannot_do(draft, applicant):
    with pytest.raises(TypeError):
        application_in(S.ACCEPTED, fee_quote=1)  # contract fields without a contract
    submitted = application_in(S.SUBMITTED, application=draft, applicant=applicant)
    with pytest.raises(ValueError, match="from a draft"):
        application_in(S.ACCEPTED, application=submitted)


def test_users_get_addresses_of_their_own(db):
    from applications.tests.factories import UserFactory

    users = [UserFactory(), UserFactory(username="li"), UserFactory(username="Li")]
    assert users[1].email == "li@example.cn"
    assert len({u.email.lower() for u in users}) == 3
