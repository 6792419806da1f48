"""The shared API machinery of cesi_cert.api: error mapping, the generic transitions endpoint,
the schema it documents, scoped id fields and query-string filters."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIRequestFactory, force_authenticate

from applications import forms as app_forms
from applications import services
from applications.models import Application, Organization
from cesi_cert.api import (
    ScopedPrimaryKeyRelatedField,
    TransitionsViewSetMixin,
    exception_handler,
    form_schema_serializer,
    id_query_param,
    transition_form_data,
)
from cesi_cert.errors import DomainError, conflict, forbidden, invalid
from cesi_cert.transitions import Action, ActionSet, RequiredReasonForm

# --- exception_handler ------------------------------------------------------------------------


def test_invalid_domain_error_is_400_on_its_field():
    response = exception_handler(invalid("credit_code", "wrong check character"), {})
    assert response.status_code == 400
    assert response.data == {"credit_code": ["wrong check character"]}


def test_invalid_domain_error_with_several_fields_keeps_them_all():
    err = DomainError("Please correct", errors={"reasons": ["required"], "man_days": ["too small"]})
    response = exception_handler(err, {})
    assert response.status_code == 400
    assert response.data == {"reasons": ["required"], "man_days": ["too small"]}


def test_invalid_domain_error_without_a_field_is_a_non_field_error():
    response = exception_handler(invalid(None, "Something is off"), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Something is off"]}


def test_conflict_is_409_with_the_message():
    response = exception_handler(conflict("Not while it is a draft."), {})
    assert response.status_code == 409
    assert response.data == {"detail": "Not while it is a draft."}


def test_forbidden_is_403_with_the_message():
    response = exception_handler(forbidden("Customer service only."), {})
    assert response.status_code == 403
    assert response.data == {"detail": "Customer service only."}


def test_django_validation_error_is_400_per_field():
    exc = DjangoValidationError({"signed_on": ["In the future."], "__all__": ["Both wrong."]})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {"signed_on": ["In the future."], "non_field_errors": ["Both wrong."]}


def test_django_validation_error_without_fields_is_400():
    response = exception_handler(DjangoValidationError("Bad."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Bad."]}


def test_other_errors_fall_back_to_drf():
    assert exception_handler(Http404(), {}).status_code == 404
    assert exception_handler(PermissionDenied(), {}).status_code == 403
    assert exception_handler(RuntimeError("bug"), {}) is None  # a real bug stays a 500


# --- form_schema_serializer ----------------------------------------------------------------------


def test_form_schema_serializer_mirrors_the_transition_form():
    fields = form_schema_serializer(app_forms.SignContractForm, "X")().fields
    assert set(fields) == {"number", "signed_on", "man_days", "fee_quote", "notes"}
    assert isinstance(fields["signed_on"], serializers.DateField)
    assert isinstance(fields["man_days"], serializers.DecimalField)
    assert fields["man_days"].required and not fields["number"].required
    accept = form_schema_serializer(app_forms.AcceptForm, "Y")().fields
    assert isinstance(accept["requirements_clear"], serializers.BooleanField)


# --- transition_form_data --------------------------------------------------------------------


def test_json_values_become_form_strings():
    data = transition_form_data({"ok": True, "no": False, "n": 4.5, "none": None, "many": [1, 2]})
    assert (data["ok"], data["no"], data["n"], data["none"]) == ("True", "False", "4.5", "")
    assert data.getlist("many") == ["1", "2"]
    # … which the transition's form reads as the JSON meant.
    form = app_forms.AcceptForm(
        data=transition_form_data({"requirements_clear": False, "cb_capable": True})
    )
    assert form.is_valid()
    assert form.cleaned_data["requirements_clear"] is False
    assert form.cleaned_data["cb_capable"] is True


@pytest.mark.parametrize("body", [[1, 2], "text", 3])
def test_a_body_that_is_not_an_object_is_a_400(body):
    with pytest.raises(serializers.ValidationError) as e:
        transition_form_data(body)
    assert "non_field_errors" in e.value.detail


def test_nested_objects_are_a_400_on_their_field():
    with pytest.raises(serializers.ValidationError) as e:
        transition_form_data({"man_days": {"value": 4}, "notes": "fine", "x": [{"a": 1}]})
    assert set(e.value.detail) == {"man_days", "x"}


# --- the generic transitions endpoint ---------------------------------------------------------


class _StateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = ["id", "state"]


class _WithdrawOnlyViewSet(TransitionsViewSetMixin, viewsets.GenericViewSet):
    """Another resource reusing the mixin with its own, smaller action set."""

    queryset = Application.objects.all()
    serializer_class = _StateSerializer
    action_set = ActionSet(
        field_name="state",
        subject="application",
        actions=[Action("withdraw", "Withdraw", services.application_withdraw, RequiredReasonForm)],
    )


def _post(user, app, name, data):
    view = _WithdrawOnlyViewSet.as_view({"post": "transition"})
    request = APIRequestFactory().post(f"/x/{app.pk}/transitions/{name}/", data, format="json")
    force_authenticate(request, user)
    return view(request, pk=app.pk, transition=name)


def test_mixin_runs_only_the_actions_of_its_action_set(draft, applicant):
    response = _post(applicant, draft, "submit", {})
    assert response.status_code == 409  # a real transition, but not one this resource offers
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_mixin_validates_the_form_then_answers_with_the_serializer(draft, applicant):
    response = _post(applicant, draft, "withdraw", {})
    assert response.status_code == 400
    assert "reason" in response.data
    response = _post(applicant, draft, "withdraw", {"reason": "not now"})
    assert response.status_code == 200
    assert response.data == {"id": draft.pk, "state": "withdrawn"}


def test_mixin_documents_its_own_transitions():
    router = SimpleRouter()
    router.register("things", _WithdrawOnlyViewSet, basename="thing")
    schema = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)
    operation = schema["paths"]["/things/{id}/transitions/{transition}/"]["post"]
    names = next(p for p in operation["parameters"] if p["name"] == "transition")["schema"]["enum"]
    assert names == ["withdraw"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])


# --- scoped ids and query filters ---------------------------------------------------------------


def _request(user, query=""):
    request = Request(APIRequestFactory().get(f"/x/{query}"))
    request.user = user or AnonymousUser()
    return request


def test_scoped_id_accepts_only_what_the_user_may_see(applicant, org, other_org):
    from applications.selectors import organizations_for

    class S(serializers.Serializer):
        organization = ScopedPrimaryKeyRelatedField(
            queryset=Organization.objects.all(), scope=organizations_for
        )

    request = _request(applicant)
    assert S(data={"organization": org.pk}, context={"request": request}).is_valid()
    other = S(data={"organization": other_org.pk}, context={"request": request})
    assert not other.is_valid()
    assert "organization" in other.errors
    assert not S(data={"organization": org.pk}, context={}).is_valid()  # no user, no ids


@pytest.mark.parametrize(("query", "expected"), [("", None), ("?org=12", 12)])
def test_id_query_param_reads_whole_numbers(query, expected):
    assert id_query_param(_request(None, query), "org") == expected


@pytest.mark.parametrize("query", ["?org=abc", "?org=-1", "?org=1.5"])
def test_id_query_param_refuses_anything_else(query):
    with pytest.raises(serializers.ValidationError) as e:
        id_query_param(_request(None, query), "org")
    assert "org" in e.value.detail


@pytest.mark.parametrize("raw", ["99999999999999999999999", "²", "1e3", "-1", " 1"])
def test_id_filters_refuse_what_is_not_a_database_id(raw, applicant):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(applicant)
    for url in (
        "/api/v1/sites/",
        "/api/v1/applications/",
        "/api/v1/documents/",
        "/api/v1/contracts/",
    ):
        param = "application" if "documents" in url or "contracts" in url else "organization"
        response = api.get(url, {param: raw})
        assert response.status_code == 400, (url, raw)
        assert param in response.data
