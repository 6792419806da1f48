"""``/api/v1/nonconformities/``: the findings of the evaluations you may see (§3.3.2.2 5).

Reads go through ``selectors.nonconformities_for`` (an evaluation you are not on, or not of your
organisation, is a 404); a team auditor raises one with POST; answering, verifying and sending
back run through the transitions endpoint, with the same actions as the workspace and portal.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from cesi_cert.api import (
    AvailableTransitionsField,
    ScopedPrimaryKeyRelatedField,
    ServiceViewSet,
    TransitionsViewSetMixin,
    error_responses,
    id_filter_param,
    id_query_param,
    list_responses,
)
from cesi_cert.limits import NOTE

from .. import selectors, services
from ..actions import NONCONFORMITY_ACTIONS
from ..models import Evaluation, Nonconformity


class NonconformitySerializer(serializers.ModelSerializer):
    evaluation_reference = serializers.CharField(source="evaluation.reference", read_only=True)
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="Not answered (or sent back) after its due date."
    )
    available_transitions = AvailableTransitionsField(action_set=NONCONFORMITY_ACTIONS)

    class Meta:
        model = Nonconformity
        fields = [
            "id",
            "evaluation",
            "evaluation_reference",
            "number",
            "clause",
            "grade",
            "description",
            "evidence",
            "due_on",
            "is_overdue",
            "state",
            "raised_at",
            "correction",
            "root_cause",
            "corrective_action",
            "answered_at",
            "verification",
            "verified_at",
            "return_reason",
            "available_transitions",
        ]
        read_only_fields = fields


class NonconformityInputSerializer(serializers.Serializer):
    evaluation = ScopedPrimaryKeyRelatedField(
        queryset=Evaluation.objects.all(), scope=selectors.evaluations_on_team
    )
    clause = serializers.CharField(max_length=100)
    grade = serializers.ChoiceField(choices=Nonconformity.Grade.choices)
    description = serializers.CharField(max_length=NOTE)
    evidence = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    due_on = serializers.DateField(
        required=False, allow_null=True, help_text="Empty: the usual time for its grade."
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("evaluation", "Only this evaluation's nonconformities.")],
        responses=list_responses(NonconformitySerializer),
    ),
    create=extend_schema(
        request=NonconformityInputSerializer,
        responses={201: NonconformitySerializer, **error_responses(400, 403, 409)},
        description="Raise a nonconformity (a team leader or auditor, during the visit).",
    ),
)
class NonconformityViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Nonconformities and their transitions (answer, verify, send_back)."""

    serializer_class = NonconformitySerializer
    input_serializers = {"create": NonconformityInputSerializer}
    action_set = NONCONFORMITY_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Nonconformity.objects.none()
        qs = selectors.nonconformities_for(self.request.user).order_by("evaluation_id", "number")
        if self.action == "list":
            evaluation = id_query_param(self.request, "evaluation")
            if evaluation is not None:
                qs = qs.filter(evaluation_id=evaluation)
        return qs

    def create(self, request, *args, **kwargs):
        data = self.validated()
        nc = services.nonconformity_raise(by=request.user, **data)
        return self.output(self.get_queryset().get(pk=nc.pk), status_code=status.HTTP_201_CREATED)


def register(router):
    """Mount the findings on the shared /api/v1/ router."""
    router.register("nonconformities", NonconformityViewSet, basename="nonconformity")
