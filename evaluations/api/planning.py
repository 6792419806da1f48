"""Evaluations and their teams under /api/v1/ (the planning side, §3.2.2).

Reads go through ``evaluations.selectors`` (scoped: another organisation's evaluation is a 404)
and writes through the services; their :class:`~cesi_cert.errors.DomainError` becomes 400, 403
or 409 in ``cesi_cert.api``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from cesi_cert.api import (
    AvailableTransitionsField,
    ScopedPrimaryKeyRelatedField,
    ServiceViewSet,
    TransitionsViewSetMixin,
    choice_filter_param,
    choice_query_param,
    error_responses,
    list_responses,
)
from cesi_cert.limits import NOTE
from cesi_cert.roles import Role, users_with_role

from .. import permissions, selectors, services
from ..actions import EVALUATION_ACTIONS
from ..models import Evaluation, Objection, TeamMember


def team_visible(user, evaluation) -> bool:
    """The organisation sees the team once the plan is notified (§3.2.2.4), as in the portal."""
    return (
        evaluation.plan_notified_at is not None
        or permissions.can_follow(user)
        or permissions.is_on_team(user, evaluation)
    )


# --- serializers ---------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = TeamMember
        fields = [
            "id",
            "evaluation",
            "person",
            "person_name",
            "role",
            "man_days",
            "added_at",
            "removed_at",
            "removed_reason",
        ]
        read_only_fields = fields

    def get_person_name(self, member) -> str:
        return member.person.get_full_name() or member.person.get_username()

    def to_representation(self, member):
        data = super().to_representation(member)
        request = self.context.get("request")
        if request is not None and not permissions.can_follow(request.user):
            # Why someone left a team is the CB's business, not the organisation's or a colleague's.
            data["removed_reason"] = ""
        return data


class EvaluationSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    available_transitions = AvailableTransitionsField(action_set=EVALUATION_ACTIONS)
    team = serializers.SerializerMethodField(help_text=_("The current team."))

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "reference",
            "organization",
            "scheme",
            "application",
            "kind",
            "state",
            "available_transitions",
            "starts_on",
            "ends_on",
            "sites",
            "plan_notified_at",
            "plan_accepted_at",
            "sample_size_offered",
            "sample_size",
            "team",
        ]
        read_only_fields = fields

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team(self, evaluation) -> list:
        request = self.context.get("request")
        if not team_visible(getattr(request, "user", None), evaluation):
            return []
        return TeamMemberSerializer(evaluation.active_members(), many=True).data


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "evaluation", "member", "reason", "raised_at", "outcome", "resolved_at"]
        read_only_fields = fields


def _auditors(user):
    return users_with_role(Role.AUDITOR)


class TeamMemberAddSerializer(serializers.Serializer):
    evaluation = ScopedPrimaryKeyRelatedField(
        scope=selectors.evaluations_for, queryset=Evaluation.objects.all()
    )
    person = ScopedPrimaryKeyRelatedField(scope=_auditors, queryset=get_user_model().objects.all())
    role = serializers.ChoiceField(choices=TeamMember.Role.choices)
    man_days = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, default=0)


class TeamMemberReplaceSerializer(serializers.Serializer):
    person = ScopedPrimaryKeyRelatedField(scope=_auditors, queryset=get_user_model().objects.all())
    reason = serializers.CharField(max_length=NOTE)


class ObjectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE)


# --- viewsets ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[choice_filter_param("state", Evaluation.State, "Only in this state.")],
        responses=list_responses(EvaluationSerializer),
    )
)
class EvaluationViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Evaluations you plan, follow, are evaluated in or sit on the team of (§3.2)."""

    serializer_class = EvaluationSerializer
    action_set = EVALUATION_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        qs = selectors.evaluations_for(self.request.user).prefetch_related("sites")
        if self.action == "list":
            state = choice_query_param(self.request, "state", Evaluation.State)
            if state is not None:
                qs = qs.filter(state=state)
        return qs


@extend_schema_view(
    create=extend_schema(
        request=TeamMemberAddSerializer,
        responses={201: TeamMemberSerializer, **error_responses(400, 403, 409)},
        description="Put a person on an evaluation team (§3.2.2.1).",
    ),
    replace=extend_schema(
        request=TeamMemberReplaceSerializer,
        responses={200: TeamMemberSerializer, **error_responses(400, 403, 404, 409)},
        description="Another person takes this member's place, same role and man-days.",
    ),
    objection=extend_schema(
        request=ObjectionInputSerializer,
        responses={201: ObjectionSerializer, **error_responses(400, 403, 404, 409)},
        description="The evaluated organisation objects to this member (§3.2.2.4).",
    ),
)
class TeamMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Members of the evaluation teams you may see, replaced ones included."""

    serializer_class = TeamMemberSerializer
    input_serializers = {
        "create": TeamMemberAddSerializer,
        "replace": TeamMemberReplaceSerializer,
        "objection": ObjectionInputSerializer,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TeamMember.objects.none()
        user = self.request.user
        qs = TeamMember.objects.filter(evaluation__in=selectors.evaluations_for(user))
        if not permissions.can_follow(user):
            # The organisation sees the team once the plan is notified, as in the portal.
            on_team = TeamMember.objects.filter(person=user, removed_at__isnull=True)
            qs = qs.filter(
                Q(evaluation__plan_notified_at__isnull=False)
                | Q(evaluation__in=on_team.values("evaluation")),
                removed_at__isnull=True,  # replaced members stay on the CB's record only
            )
        return qs.select_related("person", "evaluation").prefetch_related(
            Prefetch("evaluation__team", queryset=TeamMember.objects.select_related("person"))
        )

    def create(self, request, *args, **kwargs):
        member = services.team_member_add(by=request.user, **self.validated())
        return self.output(member, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def replace(self, request, *args, **kwargs):
        member = self.get_object()
        new = services.team_member_replace(member=member, by=request.user, **self.validated())
        return self.output(new)

    @action(detail=True, methods=["post"], url_path="objections")
    def objection(self, request, *args, **kwargs):
        member = self.get_object()
        objection = services.objection_raise(member=member, by=request.user, **self.validated())
        return self.output(
            objection, status_code=status.HTTP_201_CREATED, serializer_class=ObjectionSerializer
        )
