"""`seed_demo` leaves a demo evaluation to plan and an auditor qualified to lead it."""

import pytest
from django.core.management import call_command

from evaluations.models import AuditorQualification, Evaluation


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_an_evaluation_to_plan_and_a_qualified_auditor():
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")  # idempotent
    # Opened by the demo contract, after commit (the decisions and certificates demos report
    # others).
    evaluation = Evaluation.objects.get(state=Evaluation.State.PLANNING)
    assert evaluation.state == Evaluation.State.PLANNING
    assert AuditorQualification.objects.filter(
        person__username="shencha", scheme=evaluation.scheme
    ).exists()
