"""§3.3: the committee's grant of an initial certification issues the certificate (as the
system, naming the decision); a refusal issues nothing."""

import pytest

from certificates import services
from certificates.models import Certificate
from certificates.tests.decision_factories import in_voting, open_decision, vote_all
from cesi_cert.models import TransitionLog


@pytest.mark.django_db
def test_a_grant_issues_the_certificate_as_the_system():
    case = open_decision()
    in_voting(case)
    vote_all(case, "aar")
    decision = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert decision.state == "granted"
    certificate = Certificate.objects.get(organization=decision.organization)
    assert certificate.state == Certificate.State.ACTIVE
    assert certificate.versions.get().evaluation == decision.evaluation
    history = certificate.history.earliest()
    assert history.history_user is None and decision.reference in history.history_change_reason


@pytest.mark.django_db
def test_a_refusal_issues_nothing():
    case = open_decision()
    in_voting(case)
    vote_all(case, "rrx")
    decision = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert decision.state == "refused"
    assert not Certificate.objects.filter(organization=decision.organization).exists()
    assert TransitionLog.objects.filter(transition="close_voting").count() == 1
