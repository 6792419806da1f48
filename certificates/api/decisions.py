"""Decisions and votes under /api/v1/ (§3.3).

Reads go through ``certificates.selectors.decisions`` (scoped: an organisation sees its own
decisions once made, another's is a 404 like an id that does not exist); every change is a
transition (``POST decisions/<id>/transitions/<name>/``) run through the same services as the
committee workspace and the admin.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from cesi_cert.api import (
    AvailableTransitionsField,
    ServiceViewSet,
    TransitionsViewSetMixin,
    choice_filter_param,
    choice_query_param,
    id_filter_param,
    id_query_param,
    list_responses,
)

from ..actions.decisions import DECISION_ACTIONS
from ..models import Condition, Decision, Vote
from ..permissions import decisions as permissions
from ..selectors import decisions as selectors


class ConditionStatusSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    label = serializers.CharField()
    confirmed = serializers.BooleanField()
    confirmed_by = serializers.CharField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    evaluation_reference = serializers.CharField(source="evaluation.reference", read_only=True)
    available_transitions = AvailableTransitionsField(action_set=DECISION_ACTIONS)
    is_overdue = serializers.BooleanField(read_only=True)
    conditions = serializers.SerializerMethodField(help_text="§3.3 a–e and who confirmed each.")
    has_refusal_notice = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            "evaluation",
            "evaluation_reference",
            "organization",
            "state",
            "available_transitions",
            "opened_at",
            "due_on",
            "is_overdue",
            "decided_at",
            "approvals",
            "rejections",
            "abstentions",
            "conditions",
            "supersedes",
            "refusal_notice_sent_at",
            "has_refusal_notice",
        ]
        read_only_fields = fields

    @extend_schema_field(ConditionStatusSerializer(many=True))
    def get_conditions(self, decision) -> list:
        checks = {c.condition: c for c in decision.conditions.all()}
        rows = []
        for condition in Condition:
            check = checks.get(condition.value)
            rows.append(
                {
                    "condition": condition.value,
                    "label": str(condition.label),
                    "confirmed": check is not None,
                    "confirmed_by": (
                        (check.confirmed_by.get_full_name() or check.confirmed_by.get_username())
                        if check
                        else None
                    ),
                    "confirmed_at": check.confirmed_at if check else None,
                }
            )
        return ConditionStatusSerializer(rows, many=True).data

    def get_has_refusal_notice(self, decision) -> bool:
        return bool(decision.refusal_notice_pdf)

    def to_representation(self, decision):
        data = super().to_representation(decision)
        request = self.context.get("request")
        if request is not None and not permissions.can_see_votes(request.user):
            # The organisation learns the outcome, not the count or who confirmed what.
            for key in ("approvals", "rejections", "abstentions"):
                data[key] = None
            for row in data["conditions"]:
                row["confirmed_by"] = None
        return data


class VoteSerializer(serializers.ModelSerializer):
    voter_name = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "decision",
            "voter",
            "voter_name",
            "choice",
            "comment",
            "cast_at",
            "changed_at",
        ]
        read_only_fields = fields

    def get_voter_name(self, vote) -> str:
        return vote.voter.get_full_name() or vote.voter.get_username()


@extend_schema_view(
    list=extend_schema(
        parameters=[choice_filter_param("state", Decision.State, "Only in this state.")],
        responses=list_responses(DecisionSerializer),
    )
)
class DecisionViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """The technical committee's decisions (§3.3); an organisation sees its own once made.

    Vote with `POST decisions/<id>/transitions/vote/` (`choice`, `comment`); the outcome is
    computed when a member closes the vote (`close_voting`)."""

    serializer_class = DecisionSerializer
    action_set = DECISION_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Decision.objects.none()
        qs = selectors.decisions_for(self.request.user).prefetch_related("conditions__confirmed_by")
        if self.action == "list":
            state = choice_query_param(self.request, "state", Decision.State)
            if state is not None:
                qs = qs.filter(state=state)
        return qs.order_by("due_on", "pk")


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("decision", "Only the votes on this decision.")],
        responses=list_responses(VoteSerializer),
    )
)
class VoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Committee members' votes, for the committee and CB staff (never the organisation).
    Cast or change a vote with the decision's `vote` transition."""

    serializer_class = VoteSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Vote.objects.none()
        qs = selectors.votes_for(self.request.user)
        if self.action == "list":
            decision = id_query_param(self.request, "decision")
            if decision is not None:
                qs = qs.filter(decision_id=decision)
        return qs.order_by("decision_id", "cast_at", "pk")
