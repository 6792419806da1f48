"""`seed_demo` leaves a pending decision in the committee's queue, reached through the services."""

import pytest
from django.core.management import call_command

from certificates.models import Decision
from cesi_cert.models import TransitionLog


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_pending_decision_for_the_committee():
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")  # idempotent
    decision = Decision.objects.get()
    assert decision.state == Decision.State.PENDING
    assert decision.evaluation.state == "reported"
    # Reported by the demo auditor through the evaluation services, not set by hand.
    assert TransitionLog.objects.filter(
        transition="submit_report", actor__username="shencha"
    ).exists()
