"""The committee's decision is a deadline (§3.3, ``DECISION_DUE_DAYS`` after the report): on the
staff dashboard, never in the portal, closed when the vote closes."""

import pytest

from certificates import services
from certificates.tests.decision_factories import in_voting, open_decision, vote_all
from cesi_cert.deadlines import deadlines_for
from cesi_cert.models import Deadline


@pytest.mark.django_db
def test_an_open_decision_is_due_and_closing_the_vote_meets_it():
    case = open_decision()
    row = Deadline.objects.get(kind="certificates.decision_due")
    assert row.subject == case.decision and row.closed_at is None
    assert row.due_at.date() >= case.decision.due_on  # the last minute of the due day
    assert row in deadlines_for(case.members[0])
    assert not deadlines_for(case.applicant).exists()  # the CB's own obligation
    assert case.decision.reference.startswith("JD")
    assert {h.reference for h in case.decision.history.all()} == {case.decision.reference}

    in_voting(case)
    vote_all(case, "aaa")
    services.decision_close_voting(decision=case.decision, by=case.members[0])
    row.refresh_from_db()
    assert row.outcome == Deadline.Outcome.MET
