"""The transitions endpoint's schema: built from each action's form without touching the database,
with each form field documented as the JSON it takes, and forms that match their services."""

import inspect
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from applications import services
from applications.models import Application
from cesi_cert.api import TransitionsViewSetMixin, form_schema_serializer
from cesi_cert.tests.schema_urls import TEAM_ACTIONS, TeamForm, TeamStateSerializer
from cesi_cert.transitions import registered_actions

User = get_user_model()

# --- form fields as serializer fields -----------------------------------------------------------


def _no_choices():
    pytest.fail("the schema evaluated callable choices")


@pytest.mark.parametrize(
    ("form_field", "expected"),
    [
        # A subclass before its base: model choices are ChoiceFields, decimals IntegerFields.
        (forms.ModelChoiceField(queryset=User.objects.all()), serializers.PrimaryKeyRelatedField),
        (
            forms.ModelChoiceField(queryset=User.objects.all(), to_field_name="username"),
            serializers.SlugRelatedField,
        ),
        (forms.ModelChoiceField(queryset=None), serializers.IntegerField),
        (forms.ModelMultipleChoiceField(queryset=User.objects.all()), serializers.ManyRelatedField),
        (forms.ModelMultipleChoiceField(queryset=None), serializers.ListField),
        (forms.MultipleChoiceField(choices=[("a", "A")]), serializers.MultipleChoiceField),
        (forms.TypedMultipleChoiceField(choices=[(1, "1")]), serializers.MultipleChoiceField),
        (forms.MultipleChoiceField(choices=_no_choices), serializers.ListField),
        (forms.ChoiceField(choices=[("a", "A")]), serializers.ChoiceField),
        (forms.TypedChoiceField(choices=[(1, "1")], coerce=int), serializers.ChoiceField),
        (forms.ChoiceField(choices=_no_choices), serializers.CharField),
        (forms.FileField(), serializers.FileField),
        (forms.ImageField(), serializers.FileField),
        (forms.BooleanField(), serializers.BooleanField),
        (forms.NullBooleanField(), serializers.BooleanField),
        (forms.DecimalField(max_digits=6, decimal_places=1), serializers.DecimalField),
        (forms.FloatField(), serializers.FloatField),
        (forms.IntegerField(), serializers.IntegerField),
        (forms.DateTimeField(), serializers.DateTimeField),
        (forms.DateField(), serializers.DateField),
        (forms.EmailField(), serializers.EmailField),
        (forms.CharField(), serializers.CharField),
        (forms.SlugField(), serializers.CharField),
    ],
    ids=lambda v: type(v).__name__,
)
def test_each_form_field_becomes_the_serializer_field_of_its_json(form_field, expected):
    form = type("F", (forms.Form,), {"x": form_field})
    field = form_schema_serializer(form, "X")().fields["x"]
    assert type(field) is expected


def _resolve(schema, node):
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


@pytest.mark.django_db
def test_a_form_choosing_rows_is_documented_as_ids_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        fields = form_schema_serializer(TeamForm, "Team")().fields

        class TeamViewSet(TransitionsViewSetMixin, viewsets.GenericViewSet):
            queryset = Application.objects.all()
            serializer_class = TeamStateSerializer
            action_set = TEAM_ACTIONS

        router = SimpleRouter()
        router.register("teams", TeamViewSet, basename="team")
        schema = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)

    assert isinstance(fields["leader"], serializers.PrimaryKeyRelatedField)
    assert isinstance(fields["auditors"], serializers.ManyRelatedField)

    body = schema["components"]["schemas"]["TeamAssignTeamTransitionRequest"]
    props = body["properties"]
    assert props["leader"]["type"] == "integer"
    assert "enum" not in props["leader"]
    assert props["auditors"]["type"] == "array"
    assert props["auditors"]["items"] == {"type": "integer"}
    assert props["topics"]["type"] == "array"
    assert _resolve(schema, props["topics"]["items"])["enum"] == ["iso", "gb"]
    assert (props["plan"]["type"], props["plan"]["format"]) == ("string", "binary")
    assert (props["starts_on"]["type"], props["starts_on"]["format"]) == ("string", "date")
    assert set(body["required"]) == {"leader", "auditors", "topics", "starts_on"}

    operation = schema["paths"]["/teams/{id}/transitions/{transition}/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "`assign_team`: `leader`, `auditors`" in operation["description"]
    assert "multipart/form-data" in operation["description"]


# --- forms match their services -----------------------------------------------------------------

_ACTIONS = [
    pytest.param(action_set, action, id=f"{model.__name__}.{action.name}")
    for model, action_set in registered_actions().items()
    for action in action_set.actions
]


def test_actions_are_registered():
    assert _ACTIONS, "registered_actions() is empty: is AppConfig.ready() registering them?"


def test_atomic_keeps_the_service_signature():
    # Otherwise every service would read as (*args, **kwds) and the check below prove nothing.
    params = inspect.signature(services.application_submit).parameters
    assert list(params) == ["application", "by", "reason"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())


@pytest.mark.parametrize(("action_set", "action"), _ACTIONS)
def test_each_action_form_gives_exactly_what_its_service_takes(action_set, action):
    """ActionSet.perform calls ``service(<subject>=obj, by=user, **form.cleaned_data)``."""
    service = action.service
    where = f"action {action.name!r} ({action.form_class.__name__} → {service.__qualname__})"
    params = inspect.signature(service).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    keywords = {
        name
        for name, p in params.items()
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    }
    for name in (action_set.subject, "by", *action.form_class.base_fields):
        assert takes_any or name in keywords, f"{where}: the service takes no {name!r}"
    needed = {
        name
        for name, p in params.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    } - {"by", action_set.subject}
    for name in sorted(needed):
        assert name in action.form_class.base_fields, f"{where}: the form has no field {name!r}"


# --- no database needed -------------------------------------------------------------------------


def _manage(*args, database):
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=cesi_cert.settings.test"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_schema_generates_on_a_database_without_tables(tmp_path):
    """``migrate`` on a fresh database imports the URLconf; so does generating the schema.

    The URLconf adds a transition form choosing users: listing them as choices, as the schema
    once did, fails here with "no such table".
    """
    database = tmp_path / "empty.sqlite3"
    # The subprocess really reads DATABASE_URL (not a migrated default database).
    shown = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(connection.settings_dict['NAME'])",
        database=database,
    )
    assert shown.stdout.strip() == str(database), shown.stderr

    result = _manage(
        "spectacular",
        "--urlconf=cesi_cert.tests.schema_urls",
        "--validate",
        "--fail-on-warn",
        database=database,
    )
    assert result.returncode == 0, result.stderr
    assert "TeamAssignTeamTransitionRequest:" in result.stdout
    assert "ApplicationSubmitTransitionRequest:" in result.stdout
    if database.exists():  # SQLite creates the file on the first connection, if any
        with closing(sqlite3.connect(database)) as db:
            assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
