"""Races only PostgreSQL shows: two "report submitted" events at once open one decision; one
member voting twice at once keeps one vote (the database decides, not an exists() check)."""

import pytest

from certificates import services
from certificates.models import Decision, Vote
from certificates.tests.decision_factories import in_voting, open_decision
from conftest import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_report_events_at_once_open_one_decision():
    case = open_decision()
    evaluation = case.decision.evaluation
    Decision.objects.all().delete()
    outcomes = race(4, lambda i: services.decision_open(evaluation=evaluation))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sum(o is not None for o in outcomes) == 1
    assert Decision.objects.filter(evaluation=evaluation).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_vote_is_one_vote():
    case = open_decision()
    decision = in_voting(case)
    member = case.members[0]
    outcomes = race(
        3,
        lambda i: services.decision_vote(
            decision=Decision.objects.get(pk=decision.pk), by=member, choice="approve"
        ),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert Vote.objects.filter(decision=decision, voter=member).count() == 1
