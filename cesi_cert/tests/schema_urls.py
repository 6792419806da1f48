"""A URLconf for the schema tests: the project's URLs plus a resource whose transition form
picks users, the way "choose the team leader" and "choose the auditors" will.

Importing it, and generating a schema from it, must not touch the database:
``test_transition_schema.py`` does both against a database that has no tables.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from applications.models import Application
from cesi_cert.api import TransitionsViewSetMixin
from cesi_cert.transitions import Action, ActionSet
from cesi_cert.urls import urlpatterns as project_urlpatterns

User = get_user_model()


class TeamForm(forms.Form):
    leader = forms.ModelChoiceField(queryset=User.objects.all(), label="Team leader")
    auditors = forms.ModelMultipleChoiceField(queryset=User.objects.all(), label="Auditors")
    topics = forms.MultipleChoiceField(choices=[("iso", "ISO"), ("gb", "GB")], label="Topics")
    plan = forms.FileField(label="Audit plan", required=False)
    starts_on = forms.DateField(label="Starts on")


def team_assign(*, application, by, leader, auditors, topics, starts_on, plan=None):
    raise NotImplementedError  # only documented, never run


TEAM_ACTIONS = ActionSet(
    field_name="state",
    subject="application",
    actions=[Action("assign_team", "Assign the team", team_assign, TeamForm)],
)


class TeamStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()


class TeamViewSet(TransitionsViewSetMixin, viewsets.GenericViewSet):
    queryset = Application.objects.all()
    serializer_class = TeamStateSerializer
    action_set = TEAM_ACTIONS


router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")

urlpatterns = [path("api/v1/", include(router.urls)), *project_urlpatterns]
