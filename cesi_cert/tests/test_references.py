"""References like SA2026-00042 and EV2026-00007, in the row and in its history."""

import pytest

from evaluations.tests.factories import contracted_evaluation


@pytest.mark.django_db
def test_the_history_never_shows_the_placeholder_reference(org, applicant, cs_staff):
    from applications.models import Scheme
    from applications.services import application_create

    app = application_create(
        organization=org, by=applicant, scheme=Scheme.objects.first(), scope="家电维修服务"
    )
    app.refresh_from_db()
    assert app.reference.startswith("SA") and app.reference.endswith(f"{app.pk:05d}")
    assert {h.reference for h in app.history.all()} == {app.reference}

    evaluation = contracted_evaluation(organization=org, applicant=applicant, staff=cs_staff)
    evaluation.refresh_from_db()
    assert evaluation.reference.startswith("EV")
    assert {h.reference for h in evaluation.history.all()} == {evaluation.reference}
