"""The evaluation's work under /api/v1/: ``activities`` (§3.2.3), ``subcontracted-assessments``
(§3.3.2.1) and ``evidence`` (§3.3.2.2).

Scoped as the rest of ``evaluations.api``: an evaluation you are not on (and do not follow as CB
staff) is a 404. The organisation sees its activities' existence and dates only; evidence and
subcontracted assessments are internal, so for it they do not exist. Writes go through the
services (activities' results and subcontracts' reports through the transitions endpoint, with
the same actions as the workspace and the admin).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status

from applications.models import EvaluationMode, Site
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

from .. import permissions, selectors, services
from ..actions import ACTIVITY_ACTIONS, SUBCONTRACT_ACTIONS
from ..models import Activity, Evaluation, Evidence, SubcontractedAssessment

# --- activities --------------------------------------------------------------------------------


class StoredFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField(help_text="Download (the team and CB staff).")


class ActivitySerializer(serializers.ModelSerializer):
    evaluation_reference = serializers.CharField(source="evaluation.reference", read_only=True)
    performed_by_name = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    available_transitions = AvailableTransitionsField(action_set=ACTIVITY_ACTIONS)

    #: What the organisation does not see (the CB's working papers).
    INTERNAL = ("performed_by_name", "result", "findings", "site", "files")

    class Meta:
        model = Activity
        fields = [
            "id",
            "evaluation",
            "evaluation_reference",
            "mode",
            "state",
            "performed_on",
            "performed_by_name",
            "site",
            "result",
            "findings",
            "recorded_at",
            "files",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_performed_by_name(self, activity) -> str:
        person = activity.performed_by
        return (person.get_full_name() or person.get_username()) if person else ""

    @extend_schema_field(StoredFileSerializer(many=True))
    def get_files(self, activity) -> list:
        return [
            {
                "id": f.pk,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "url": reverse("auditor:activity_file", args=[f.pk]),
            }
            for f in activity.files.all()
        ]

    def to_representation(self, activity):
        data = super().to_representation(activity)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not permissions.can_see_internal(user, activity.evaluation):
            for name in self.INTERNAL:
                data[name] = [] if name == "files" else None if name == "site" else ""
        return data


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("evaluation", "Only this evaluation's activities.")],
        responses=list_responses(ActivitySerializer),
    )
)
class ActivityViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """The activities each evaluation's scheme requires (§3.2.3) and their results; a team
    member records one with the `record_result` transition (multipart to attach a `file`)."""

    serializer_class = ActivitySerializer
    action_set = ACTIVITY_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        qs = selectors.activities_for(self.request.user).order_by("evaluation_id", "pk")
        if self.action == "list":
            evaluation = id_query_param(self.request, "evaluation")
            if evaluation is not None:
                qs = qs.filter(evaluation_id=evaluation)
        return qs


# --- subcontracted assessments -------------------------------------------------------------------


class SubcontractedAssessmentSerializer(serializers.ModelSerializer):
    evaluation_reference = serializers.CharField(source="evaluation.reference", read_only=True)
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="Its report is still awaited after its due date."
    )
    report_url = serializers.SerializerMethodField(help_text="Download, once received.")
    available_transitions = AvailableTransitionsField(action_set=SUBCONTRACT_ACTIONS)

    class Meta:
        model = SubcontractedAssessment
        fields = [
            "id",
            "evaluation",
            "evaluation_reference",
            "subcontractor",
            "subcontractor_qualification",
            "mode",
            "scope",
            "due_on",
            "is_overdue",
            "state",
            "requested_at",
            "report_name",
            "report_url",
            "report_summary",
            "received_at",
            "cancel_reason",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_report_url(self, sa) -> str:
        if sa.state != SubcontractedAssessment.State.RECEIVED:
            return ""
        return reverse("auditor:subcontract_report", args=[sa.pk])


class SubcontractRequestSerializer(serializers.Serializer):
    evaluation = ScopedPrimaryKeyRelatedField(
        queryset=Evaluation.objects.all(), scope=selectors.internal_evaluations_for
    )
    subcontractor = serializers.CharField(max_length=200)
    subcontractor_qualification = serializers.CharField(
        max_length=NOTE, required=False, allow_blank=True
    )
    mode = serializers.ChoiceField(choices=EvaluationMode.choices)
    scope = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    due_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("evaluation", "Only this evaluation's assessments.")],
        responses=list_responses(SubcontractedAssessmentSerializer),
    ),
    create=extend_schema(
        request=SubcontractRequestSerializer,
        responses={201: SubcontractedAssessmentSerializer, **error_responses(400, 403, 409)},
        description="Subcontract an activity (the certification business, §3.3.2.1).",
    ),
)
class SubcontractedAssessmentViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Assessments subcontracted to other bodies and their reports (internal: the team and CB
    staff); `receive` (multipart with `report`) and `cancel` run through the transitions."""

    serializer_class = SubcontractedAssessmentSerializer
    input_serializers = {"create": SubcontractRequestSerializer}
    action_set = SUBCONTRACT_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SubcontractedAssessment.objects.none()
        qs = selectors.subcontracts_for(self.request.user).order_by("evaluation_id", "pk")
        if self.action == "list":
            evaluation = id_query_param(self.request, "evaluation")
            if evaluation is not None:
                qs = qs.filter(evaluation_id=evaluation)
        return qs

    def create(self, request, *args, **kwargs):
        sa = services.subcontract_request(by=request.user, **self.validated())
        return self.output(self.get_queryset().get(pk=sa.pk), status_code=status.HTTP_201_CREATED)


class SubcontractTransitionJsonSerializer(serializers.Serializer):
    """`receive` takes `summary` (its `report` file only in multipart); `cancel` takes `reason`."""

    summary = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)


class SubcontractTransitionMultipartSerializer(SubcontractTransitionJsonSerializer):
    report = serializers.FileField(
        required=False, help_text="`receive`: the report of the subcontracted body."
    )


# The request bodies of the two transitions as one object per content type: a file travels only
# in multipart/form-data, and a oneOf of bodies carrying a binary is not something schema-driven
# clients (or schemathesis) can build. The kernel's description of the fields stays.
extend_schema_view(
    transition=extend_schema(
        request={
            "application/json": SubcontractTransitionJsonSerializer,
            "multipart/form-data": SubcontractTransitionMultipartSerializer,
        }
    )
)(SubcontractedAssessmentViewSet)


# --- evidence ------------------------------------------------------------------------------------


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    evaluation_reference = serializers.CharField(source="evaluation.reference", read_only=True)
    recorded_by_name = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "evaluation",
            "evaluation_reference",
            "kind",
            "site",
            "activity",
            "text",
            "recorded_by_name",
            "recorded_at",
            "photos",
        ]
        read_only_fields = fields

    def get_recorded_by_name(self, evidence) -> str:
        return evidence.recorded_by.get_full_name() or evidence.recorded_by.get_username()

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, evidence) -> list:
        return [
            {
                "id": p.pk,
                "name": p.original_name,
                "content_type": p.content_type,
                "size": p.size,
                "width": p.width,
                "height": p.height,
                "url": reverse("auditor:evidence_photo", args=[p.pk]),
            }
            for p in evidence.photos.all()
        ]


def _team_sites(user):
    return Site.objects.filter(pk__in=selectors.evaluations_on_team(user).values("sites"))


def _team_activities(user):
    return Activity.objects.filter(evaluation__in=selectors.evaluations_on_team(user).values("pk"))


class EvidenceInputSerializer(serializers.Serializer):
    evaluation = ScopedPrimaryKeyRelatedField(
        queryset=Evaluation.objects.all(), scope=selectors.evaluations_on_team
    )
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    text = serializers.CharField(max_length=NOTE)
    site = ScopedPrimaryKeyRelatedField(
        queryset=Site.objects.all(), scope=_team_sites, required=False, allow_null=True
    )
    activity = ScopedPrimaryKeyRelatedField(
        queryset=Activity.objects.all(), scope=_team_activities, required=False, allow_null=True
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Photos (multipart/form-data, repeat the field); JPEG, PNG or WebP.",
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("evaluation", "Only this evaluation's evidence.")],
        responses=list_responses(EvidenceSerializer),
    ),
    create=extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceSerializer, **error_responses(400, 403, 409)},
        description="Record evidence on site (a team leader, auditor or technical expert).",
    ),
)
class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Evidence collected on site (§3.3.2.2 2), with photos; internal to the team and CB staff."""

    serializer_class = EvidenceSerializer
    input_serializers = {"create": EvidenceInputSerializer}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        qs = selectors.evidence_for(self.request.user)
        if self.action == "list":
            evaluation = id_query_param(self.request, "evaluation")
            if evaluation is not None:
                qs = qs.filter(evaluation_id=evaluation)
        return qs

    def create(self, request, *args, **kwargs):
        evidence = services.evidence_record(by=request.user, **self.validated())
        return self.output(
            self.get_queryset().get(pk=evidence.pk), status_code=status.HTTP_201_CREATED
        )


def register(router):
    router.register("activities", ActivityViewSet, basename="activity")
    router.register(
        "subcontracted-assessments",
        SubcontractedAssessmentViewSet,
        basename="subcontracted-assessment",
    )
    router.register("evidence", EvidenceViewSet, basename="evidence")
