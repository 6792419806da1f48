"""API machinery every app's ``api/`` package uses (SPEC "Public contract").

- :func:`exception_handler` turns the one :class:`~cesi_cert.errors.DomainError` into HTTP at the
  edge: ``invalid`` → 400 with per-field messages, ``conflict`` → 409, ``forbidden`` → 403.
- :class:`TransitionsViewSetMixin` gives a stateful resource its
  ``POST …/<id>/transitions/<name>/`` endpoint, run through the model's
  :class:`~cesi_cert.transitions.ActionSet` (the same one admin and portal buttons use).
- :class:`AvailableTransitionsField` shows the transitions the caller may run now.
- :class:`ScopedPrimaryKeyRelatedField` accepts only ids the caller may see, so another
  organisation's object reads as "does not exist" and is never written to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import DomainError
from .http_errors import bad_request_message, non_field_error
from .transitions import ActionSet

# --- errors at the edge (STYLE §4) --------------------------------------------------------

_STATUS_BY_CODE = {
    DomainError.INVALID: status.HTTP_400_BAD_REQUEST,
    DomainError.CONFLICT: status.HTTP_409_CONFLICT,
    DomainError.FORBIDDEN: status.HTTP_403_FORBIDDEN,
}


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        return {
            (non_field if key == NON_FIELD_ERRORS else key): [str(m) for m in messages]
            for key, messages in exc.message_dict.items()
        }
    return {non_field: [str(m) for m in exc.messages]}


def _field_errors(data, prefix: str = "") -> dict[str, list[str]]:
    """Any 400 body DRF builds, in the one documented shape (:data:`FIELD_ERRORS_SCHEMA`).

    ``{"detail": "…"}`` (a ParseError) and a bare list become ``non_field_errors``; the errors
    of a nested serializer or list item are named by their path (``sites.0``, ``contact.phone``).
    """
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if (
        not prefix
        and isinstance(data, Mapping)
        and set(data) == {"detail"}
        and not isinstance(data["detail"], Mapping | list)
    ):
        return {non_field: [str(data["detail"])]}
    if not isinstance(data, Mapping | list):
        return {prefix or non_field: [str(data)]}
    if isinstance(data, list) and all(not isinstance(m, Mapping | list) for m in data):
        return {prefix or non_field: [str(m) for m in data]} if data else {}
    items = data.items() if isinstance(data, Mapping) else enumerate(data)
    errors: dict[str, list[str]] = {}
    for key, value in items:
        key = str(key)
        if key == non_field and prefix:
            name = prefix
        elif key == non_field:
            name = non_field
        else:
            name = f"{prefix}.{key}" if prefix else key
        for field, messages in _field_errors(value, name).items():
            errors.setdefault(field, []).extend(messages)
    return errors


def exception_handler(exc, context):
    """DRF exception handler: domain and Django validation errors first, then DRF's default.

    400 bodies are ``{"field": ["message", …]}`` (every one, whatever raised it); 403, 404 and
    409 bodies are ``{"detail": "…"}``.
    """
    if isinstance(exc, DomainError):
        set_rollback()
        code = _STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST)
        if code == status.HTTP_400_BAD_REQUEST:
            return Response(exc.field_errors(), status=code)
        return Response({"detail": str(exc.message)}, status=code)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(_django_validation_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's own answer would be its HTML "Bad Request (400)" page.
        set_rollback()
        return Response(
            non_field_error(bad_request_message(exc)), status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = _field_errors(response.data)
    return response


class ErrorDetailSerializer(serializers.Serializer):
    """``{"detail": "…"}``: the body of 403, 404 and 409 answers."""

    detail = serializers.CharField()


#: Schema of a 400 answer: each field with its messages.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each field with its messages; messages without a field under non_field_errors.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"field_name": ["What is wrong with it."]},
}

#: Answers every write endpoint may give besides success, for ``extend_schema(responses=…)``.
ERROR_RESPONSES = {
    400: OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Missing or bad fields."),
    403: OpenApiResponse(ErrorDetailSerializer, description="Your role may never do this."),
    404: OpenApiResponse(ErrorDetailSerializer, description="Not found (or not yours to see)."),
    409: OpenApiResponse(ErrorDetailSerializer, description="Not allowed in the current state."),
}


def error_responses(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


# --- small fields --------------------------------------------------------------------------


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key chosen among the objects ``scope(request.user)`` returns.

    ``queryset`` names the model (for validation messages and the schema); the ids accepted are
    only those in scope, so an id of another organisation's object gets "does not exist".
    """

    def __init__(self, *, scope: Callable, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scope(request.user)


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A natural key (``slug_field``) chosen among the objects ``scope(request.user)`` returns;
    as :class:`ScopedPrimaryKeyRelatedField`, another organisation's object "does not exist"."""

    def __init__(self, *, scope: Callable, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none()
        return self.scope(request.user)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Use it in POST …/transitions/<name>/."))
    label = serializers.CharField()


@extend_schema_field(AvailableTransitionSerializer(many=True))
class AvailableTransitionsField(serializers.Field):
    """The transitions the requesting user may run on the object now."""

    def __init__(self, *, action_set: ActionSet, **kwargs):
        self.action_set = action_set
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", _("Transitions you may run now."))
        super().__init__(**kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [
            {"name": a.name, "label": str(a.label)} for a in self.action_set.available(obj, user)
        ]


def id_query_param(request, name: str) -> int | None:
    """An optional integer filter from the query string; anything else is a 400 on ``name``."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    # ASCII digits only (str.isdigit() also accepts "²"), and small enough for a database id.
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise serializers.ValidationError({name: [_("Give a whole number.")]})
    return int(raw)


def id_filter_param(name: str, description: str) -> OpenApiParameter:
    """drf-spectacular description of an integer filter read with :func:`id_query_param`."""
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.QUERY, description=description)


def choice_query_param(request, name: str, choices) -> str | None:
    """An optional filter among ``choices`` (a ``TextChoices``); anything else is a 400 on
    ``name`` listing the values allowed — an unknown value never reads as "no match"."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices.values:
        raise serializers.ValidationError(
            {
                name: [
                    _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                    % {"value": raw[:50], "allowed": ", ".join(choices.values)}
                ]
            }
        )
    return raw


def choice_filter_param(name: str, choices, description: str) -> OpenApiParameter:
    """drf-spectacular description of a filter read with :func:`choice_query_param`."""
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.QUERY, enum=choices.values, description=description
    )


def list_responses(serializer_class) -> dict:
    """Responses of a list operation whose filters answer 400 to a bad value (paginated 200)."""
    return {200: serializer_class(many=True), **error_responses(400)}


# --- the base of every writing viewset -----------------------------------------------------


class ServiceViewSet(viewsets.GenericViewSet):
    """A viewset whose writes validate the request's shape, then call a service.

    ``input_serializers`` maps an action to the serializer of what it accepts (also what the
    browsable API's form shows); everything else reads with ``serializer_class``. A write is
    ``self.validated()`` → ``services.<entity>_<action>(…, by=request.user)`` → ``self.output()``;
    the service's :class:`DomainError` becomes 400/403/409 in :func:`exception_handler`.
    """

    input_serializers: dict[str, type] = {}

    def get_serializer_class(self):
        return self.input_serializers.get(getattr(self, "action", None)) or self.serializer_class

    def validated(self, *, partial: bool = False) -> dict:
        serializer = self.get_serializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def output(self, obj, *, status_code=status.HTTP_200_OK, serializer_class=None) -> Response:
        serializer_class = serializer_class or self.serializer_class
        return Response(
            serializer_class(obj, context=self.get_serializer_context()).data, status=status_code
        )


# --- the transitions endpoint ----------------------------------------------------------------
#
# The endpoint's request body is documented from each action's Django form. Nothing here may
# touch the database: viewsets are documented while modules import (``__init_subclass__``), and
# ``migrate`` on an empty database imports the URLconf too. So the per-transition serializers
# are built only when a schema is generated (drf-spectacular evaluates a callable ``serializers``
# of ``PolymorphicProxySerializer`` lazily), and a field choosing model rows is documented as
# ids of that model, never by listing its rows.


def _static_choices(form_field) -> list | None:
    """The field's choices if they are a fixed list; None if computing them could run code."""
    choices = form_field.choices
    return None if isinstance(choices, BaseChoiceIterator) else list(choices)


def _related(form_field, *, many: bool = False, **kw) -> serializers.Field:
    """Ids (or ``to_field_name`` values) of the rows a ModelChoiceField picks from.

    Only the queryset's model is read, for the type of its key; the queryset is never run.
    """
    queryset = form_field.queryset
    if queryset is None:  # set per instance in the form's __init__: assume our integer ids
        if many:
            return serializers.ListField(child=serializers.IntegerField(), **kw)
        return serializers.IntegerField(**kw)
    if many:
        kw["allow_empty"] = not form_field.required
    if form_field.to_field_name:
        return serializers.SlugRelatedField(
            slug_field=form_field.to_field_name, queryset=queryset, many=many, **kw
        )
    return serializers.PrimaryKeyRelatedField(queryset=queryset, many=many, **kw)


def _multiple_choice(form_field, **kw) -> serializers.Field:
    choices = _static_choices(form_field)
    if choices is None:
        return serializers.ListField(child=serializers.CharField(), **kw)
    return serializers.MultipleChoiceField(choices=choices, **kw)


def _choice(form_field, **kw) -> serializers.Field:
    choices = _static_choices(form_field)
    if choices is None:
        return _char_field(form_field, **kw)
    return serializers.ChoiceField(choices=choices, **kw)


def _char_field(form_field, **kw) -> serializers.Field:
    return serializers.CharField(
        allow_blank=not form_field.required,
        max_length=getattr(form_field, "max_length", None),
        **kw,
    )


#: Form field class → documenting serializer field, first match wins: a subclass comes before
#: its base (ModelChoiceField is a ChoiceField, DecimalField and FloatField are IntegerFields).
_FORM_TO_SERIALIZER: list[tuple[type[forms.Field], Callable[..., serializers.Field]]] = [
    (forms.ModelMultipleChoiceField, lambda f, **kw: _related(f, many=True, **kw)),
    (forms.ModelChoiceField, _related),
    (forms.MultipleChoiceField, _multiple_choice),
    (forms.ChoiceField, _choice),
    (forms.BooleanField, lambda f, **kw: serializers.BooleanField(**kw)),
    (
        forms.DecimalField,
        lambda f, **kw: serializers.DecimalField(
            max_digits=f.max_digits, decimal_places=f.decimal_places, **kw
        ),
    ),
    (forms.FloatField, lambda f, **kw: serializers.FloatField(**kw)),
    (forms.IntegerField, lambda f, **kw: serializers.IntegerField(**kw)),
    (forms.DateTimeField, lambda f, **kw: serializers.DateTimeField(**kw)),
    (forms.DateField, lambda f, **kw: serializers.DateField(**kw)),
    (forms.TimeField, lambda f, **kw: serializers.TimeField(**kw)),
    (forms.FileField, lambda f, **kw: serializers.FileField(**kw)),  # ImageField too: binary
    (forms.EmailField, lambda f, **kw: serializers.EmailField(**kw)),
    (forms.URLField, lambda f, **kw: serializers.URLField(**kw)),
    (forms.UUIDField, lambda f, **kw: serializers.UUIDField(**kw)),
]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[_\-\s]+", name) if part)


def form_schema_serializer(
    form_class: type[forms.Form], component: str
) -> type[serializers.Serializer]:
    """A serializer mirroring ``form_class``'s fields — used only to document a request body.

    Building it (and generating a schema from it) runs no database query.
    """
    fields = {}
    for name, form_field in form_class.base_fields.items():
        make = next(
            (m for kind, m in _FORM_TO_SERIALIZER if isinstance(form_field, kind)), _char_field
        )
        fields[name] = make(
            form_field,
            required=form_field.required,
            help_text=form_field.help_text or form_field.label,
        )
    return type(f"{component}Serializer", (serializers.Serializer,), fields)


def _has_file_field(form_class: type[forms.Form]) -> bool:
    return any(isinstance(f, forms.FileField) for f in form_class.base_fields.values())


def _document_transitions(viewset) -> None:
    """Describe ``viewset``'s transitions endpoint from its ``action_set`` (drf-spectacular).

    Runs when the viewset class is created; the request bodies are built later, when a schema
    is generated.
    """
    action_set: ActionSet = viewset.action_set
    output = viewset.transition_response_serializer or viewset.serializer_class
    model_name = getattr(getattr(output, "Meta", None), "model", None)
    prefix = model_name.__name__ if model_name else viewset.__name__.removesuffix("ViewSet")
    names = [a.name for a in action_set.actions]

    def bodies():
        return [
            form_schema_serializer(a.form_class, f"{prefix}{_camel(a.name)}Transition")
            for a in action_set.actions
        ]

    request_body = PolymorphicProxySerializer(
        component_name=f"{prefix}Transition",
        serializers=bodies,
        resource_type_field_name=None,
    )
    lines = "\n".join(
        f"- `{a.name}`: " + (", ".join(f"`{f}`" for f in a.form_class.base_fields) or "no fields")
        for a in action_set.actions
    )
    files = [a.name for a in action_set.actions if _has_file_field(a.form_class)]
    if files:
        lines += (
            "\n\nSend multipart/form-data to attach files ("
            + ", ".join(f"`{name}`" for name in files)
            + ")."
        )
    schema = extend_schema(
        summary="Run a transition",
        description=(
            "Runs transition `transition` with the JSON body of that transition's fields and "
            "returns the updated object. `available_transitions` of the object lists those you "
            "may run now. Fields by transition:\n\n" + lines
        ),
        parameters=[
            OpenApiParameter(
                "transition",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=names,
                description="Name of the transition.",
            )
        ],
        request=request_body,
        responses={200: output, **error_responses(400, 403, 404, 409)},
    )
    extend_schema_view(transition=schema)(viewset)


def transition_form_data(data) -> MultiValueDict:
    """The request body as form data for a transition's Django form.

    Forms expect strings (or lists of them, for multi-valued fields); a JSON body may carry
    numbers, booleans, nulls, lists and objects. Scalars become strings, lists several values,
    and an object — or anything but an object as the whole body — is a 400.
    """
    if isinstance(data, QueryDict):  # form or multipart: strings already
        return data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    _("Send the transition's fields as a JSON object.")
                ]
            }
        )
    form_data, errors = MultiValueDict(), {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            errors[key] = [_("Give a plain value here, not a nested object.")]
            continue
        form_data.setlist(key, ["" if v is None else str(v) for v in values])
    if errors:
        raise serializers.ValidationError(errors)
    return form_data


class TransitionsViewSetMixin:
    """``POST <resource>/<id>/transitions/<name>/`` for a viewset of a stateful model.

    Set ``action_set`` (and, when the read serializer is not ``serializer_class``,
    ``transition_response_serializer``). The object comes from ``get_object()``, so another
    organisation's object is a 404; the action set refuses an unknown or unavailable transition
    (409) and validates the transition's form (400 per field) before calling its service.
    """

    action_set: ActionSet | None = None
    transition_response_serializer: type[serializers.Serializer] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("action_set") is not None:
            _document_transitions(cls)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<transition>[^/.]+)",
        url_name="transition",
    )
    def transition(self, request, *args, **kwargs):
        obj = self.get_object()
        data = transition_form_data(request.data)
        self.action_set.perform(
            obj, kwargs["transition"], by=request.user, data=data, files=request.FILES
        )
        fresh = self.filter_queryset(self.get_queryset()).filter(pk=obj.pk).first() or obj
        serializer_class = self.transition_response_serializer or self.get_serializer_class()
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data)


class DownloadActionsMixin:
    """Let download actions answer a client that asks for the file's own type.

    A client sending ``Accept: application/pdf`` would otherwise get 406 from content
    negotiation, since the API renders JSON; errors of these actions still go out as JSON.
    """

    download_actions: tuple[str, ...] = ("download",)

    def perform_content_negotiation(self, request, force=False):
        force = force or getattr(self, "action", None) in self.download_actions
        return super().perform_content_negotiation(request, force=force)


#: drf-spectacular responses of a file download action.
DOWNLOAD_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, as an attachment."
    ),
    **error_responses(404),
}
