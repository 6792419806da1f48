"""Free text has a bound (issue 6 item 9): in the model, the database, the forms and the API.

A 4.9 MB ``scope`` used to be accepted and stored. Now every door answers with an error on the
field, and the database refuses what a door might let through.
"""

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import Application, ContractAmendment, Site
from applications.tests.factories import SiteFactory
from cesi_cert.models import TransitionLog

pytestmark = pytest.mark.django_db

HUGE = "x" * 4_900_000  # 4.9 MB: under DATA_UPLOAD_MAX_MEMORY_SIZE, so it reaches the forms


def our_models():
    for label in ("applications", "cesi_cert"):
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):  # copies kept by simple-history
                yield model


def refused_by_a_check(model, field, value) -> bool:
    instance = model(**{field.attname: value})
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            try:
                constraint.validate(model, instance)
            except ValidationError:
                return True
    return False


FREE_TEXT = [
    (model, field)
    for model in our_models()
    for field in model._meta.concrete_fields
    if isinstance(field, models.CharField | models.TextField)
]


@pytest.mark.parametrize(
    ("model", "field"), FREE_TEXT, ids=[f"{m.__name__}.{f.name}" for m, f in FREE_TEXT]
)
def test_every_free_text_field_has_a_maximum_length(model, field):
    assert field.max_length, "unbounded"
    if isinstance(field, models.TextField):
        # A TextField's max_length is only a hint to forms: the model validates it, and a check
        # constraint makes the database refuse it.
        assert any(
            isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
            for v in field.validators
        )
        assert refused_by_a_check(model, field, "字" * (field.max_length + 1))
        assert not refused_by_a_check(model, field, "字" * field.max_length)


def test_the_database_refuses_an_overlong_text_whatever_the_door(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(scope=HUGE)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransitionLog.objects.create(
            content_type_id=1, object_id=1, transition="x", source="a", target="b", reason=HUGE
        )


def test_the_model_names_the_field(draft):
    draft.scope = HUGE
    with pytest.raises(ValidationError) as e:
        draft.full_clean()
    assert "scope" in e.value.message_dict


# --- the API ---------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_huge_scope_through_the_api_is_a_400_on_the_field_and_stores_nothing(
    applicant, org, draft
):
    api = api_for(applicant)
    site = SiteFactory(organization=org)
    before = Application.objects.count()
    payload = {"organization": org.pk, "scheme": "after-sales", "scope": HUGE, "sites": [site.pk]}
    created = api.post("/api/v1/applications/", payload, format="json")
    assert created.status_code == 400
    assert list(created.json()) == ["scope"]
    assert "2000" in created.json()["scope"][0]
    assert Application.objects.count() == before

    changed = api.patch(f"/api/v1/applications/{draft.pk}/", {"scope": HUGE}, format="json")
    assert changed.status_code == 400
    assert list(changed.json()) == ["scope"]
    draft.refresh_from_db()
    assert draft.scope != HUGE


def test_a_huge_site_activity_through_the_api_is_a_400_on_the_field(applicant, org):
    response = api_for(applicant).post(
        "/api/v1/sites/",
        {"organization": org.pk, "name": "网点", "address": "福州", "activities": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["activities"]
    assert not Site.objects.filter(organization=org, name="网点").exists()


def test_a_huge_change_request_through_the_api_transition_is_a_400_on_the_field(
    cs_staff, under_review
):
    response = api_for(cs_staff).post(
        f"/api/v1/applications/{under_review.pk}/transitions/request_changes/",
        {"changes": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["changes"]
    under_review.refresh_from_db()
    assert under_review.state == Application.State.UNDER_REVIEW
    assert under_review.requested_changes == ""


def test_a_huge_amendment_through_the_api_is_a_400_on_the_field(cs_staff, contracted):
    response = api_for(cs_staff).post(
        f"/api/v1/contracts/{contracted.contract.pk}/amendments/",
        {"signed_on": "2026-02-01", "description": HUGE, "man_days": "5.0", "fee_quote": "100"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    assert not ContractAmendment.objects.exists()


def test_the_schema_documents_the_limits():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    components = response.json()["components"]["schemas"]
    assert components["ApplicationCreateRequest"]["properties"]["scope"]["maxLength"] == 2000
    # The transitions' bodies are documented from their forms, limits included.
    changes = [
        c["properties"]["changes"]
        for c in components.values()
        if "changes" in c.get("properties", {})
    ]
    assert changes and all(c["maxLength"] == 4000 for c in changes)


# --- the portal and the admin -----------------------------------------------------------------


def browser_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_a_huge_scope_through_the_portal_form_is_an_error_on_the_field(applicant, org, draft):
    portal = browser_for(applicant)
    site = SiteFactory(organization=org)
    before = Application.objects.count()
    response = portal.post(
        reverse("portal:application_create", args=[org.pk]),
        {"scheme": 1, "kind": "initial", "requested_level": "", "scope": HUGE, "sites": [site.pk]},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["scope"]
    assert "at most 2000 characters" in response.context["form"].errors["scope"][0]
    assert Application.objects.count() == before

    response = portal.post(
        reverse("portal:application_edit", args=[draft.pk]),
        {"scheme": 1, "kind": "initial", "requested_level": "4-star", "scope": HUGE},
    )
    assert response.status_code == 200
    assert "scope" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.scope != HUGE


def test_a_huge_change_request_through_the_admin_is_an_error_on_the_field(cs_staff, under_review):
    response = browser_for(cs_staff).post(
        reverse(
            "admin:applications_application_transition", args=[under_review.pk, "request_changes"]
        ),
        {"changes": HUGE},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["changes"]
    under_review.refresh_from_db()
    assert under_review.state == Application.State.UNDER_REVIEW


@pytest.mark.parametrize(
    ("name", "field"),
    [("accept", "notes"), ("reject", "reasons"), ("withdraw", "reason")],
)
def test_every_transition_text_is_bounded_in_the_admin(cs_staff, under_review, name, field):
    data = {field: HUGE, "requirements_clear": "on", "cb_capable": "on"}
    response = browser_for(cs_staff).post(
        reverse("admin:applications_application_transition", args=[under_review.pk, name]), data
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    under_review.refresh_from_db()
    assert under_review.state == Application.State.UNDER_REVIEW


def test_the_contract_notes_are_bounded(cs_staff, accepted):
    response = browser_for(cs_staff).post(
        reverse("admin:applications_application_transition", args=[accepted.pk, "sign_contract"]),
        {
            "signed_on": datetime.date(2026, 1, 5).isoformat(),
            "man_days": "4.0",
            "fee_quote": "100",
            "notes": HUGE,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["notes"]
    accepted.refresh_from_db()
    assert accepted.state == Application.State.ACCEPTED


def test_a_migration_adding_a_limit_names_the_rows_already_longer(draft):
    """The migrations cut nothing a person wrote: they stop and say which rows to shorten."""
    from cesi_cert.migration_helpers import refuse_overlong_text

    check = refuse_overlong_text("applications.Application", {"scope": 3, "review_notes": 4000})
    with pytest.raises(RuntimeError) as e:
        check(apps, None)
    assert f"applications.Application #{draft.pk} scope: {len(draft.scope)} characters" in str(
        e.value
    )
    refuse_overlong_text("applications.Application", {"scope": 2000})(apps, None)  # all fit
