"""The demo data seeds once; every free-text field of surveillance has a bound in the model and
a check constraint in the database (issue 6 item 9)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from surveillance.models import OrganizationNotice


@pytest.mark.django_db
def test_seed_demo_adds_one_opened_and_one_notified_notification_once():
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")
    states = sorted(OrganizationNotice.objects.values_list("state", flat=True))
    assert states == ["awaiting_organization", "notified"]


def _text_fields():
    for model in apps.get_app_config("surveillance").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                yield model, field


@pytest.mark.parametrize(("model", "field"), list(_text_fields()), ids=str)
def test_every_text_field_is_bounded_by_the_model_and_the_database(model, field):
    assert field.max_length and field.validators
    names = {c.name for c in model._meta.constraints}
    assert f"{model._meta.db_table}_{field.name}_length" in names


@pytest.mark.django_db(transaction=True)
def test_seed_demo_keeps_a_certificate_in_its_recertification_window_with_a_change_and_a_requirement(
    monkeypatch,
):
    """§3.5, §3.4.4, §3.4.7 in ``make run``: the data centre's certificate may be renewed now,
    its change request waits for 认证业务部 and a changed requirement waits for its answer;
    a second run adds nothing."""
    from certificates.models import Certificate
    from certificates.services import certificates as certificate_services
    from surveillance.models import ChangeRequest, RequirementChange, RequirementVerification

    monkeypatch.setattr(certificate_services, "queue_pdf_rendering", lambda version: None)
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")
    kept = Certificate.objects.get(state="active")
    assert kept.recertification_open()
    assert not Certificate.objects.get(state="suspended").recertification_open()
    request = ChangeRequest.objects.get()
    assert (request.certificate, request.state) == (kept, "submitted")
    assert request.attachments.count() == 1
    change = RequirementChange.objects.get()
    assert (change.scheme, change.state) == (kept.scheme, "published")
    verification = RequirementVerification.objects.get()
    assert (verification.certificate, verification.state) == (kept, "open")
