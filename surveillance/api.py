"""``/api/v1/incidents/`` and ``/api/v1/cases/`` (SPEC "Public contract").

Incidents: an organisation's members read its own (another's is a 404) and notify one with
POST; staff read all and open one learned elsewhere with POST (``source`` other than
``organization``). Cases are the certification body's: staff only (an applicant's read is a 404,
its write a 403). Transitions run through ``…/<id>/transitions/<name>/``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from applications import selectors as application_selectors
from applications.models import Organization, Scheme
from certificates import selectors as certificate_selectors
from certificates.models import Certificate
from cesi_cert.api import (
    AvailableTransitionsField,
    ScopedPrimaryKeyRelatedField,
    ServiceViewSet,
    TransitionsViewSetMixin,
    error_responses,
    list_responses,
)
from cesi_cert.errors import forbidden
from cesi_cert.limits import NOTE, SCOPE

from . import permissions, selectors, services
from .actions import (
    CASE_ACTIONS,
    CHANGE_ACTIONS,
    NOTICE_ACTIONS,
    REDUCTION_ACTIONS,
    REQUIREMENT_CHANGE_ACTIONS,
    REQUIREMENT_VERIFICATION_ACTIONS,
)
from .models import (
    Case,
    ChangeRequest,
    OrganizationNotice,
    RequirementChange,
    RequirementVerification,
    ScopeReduction,
    SurveillanceCycle,
)
from .services.changes import ScopeChange


def _certificate_model_queryset():
    from certificates.models import Certificate

    return Certificate.objects.all()


class IncidentSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=NOTICE_ACTIONS)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = OrganizationNotice
        fields = [
            "id",
            "reference",
            "organization",
            "certificate",
            "kind",
            "occurred_at",
            "description",
            "special_reason",
            "source",
            "organization_account",
            "due_at",
            "notified_at",
            "late",
            "state",
            "decision",
            "decision_reason",
            "decided_at",
            "attachments",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_attachments(self, notice) -> list[str]:
        return [a.original_name for a in notice.attachments.all()]


class IncidentInputSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), scope=application_selectors.organizations_for
    )
    kind = serializers.ChoiceField(choices=OrganizationNotice.Kind.choices)
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=NOTE)
    special_reason = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    source = serializers.ChoiceField(
        choices=OrganizationNotice.Source.choices,
        required=False,
        help_text="Staff only: how the certification body learned it (not `organization`).",
    )
    source_note = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    certificate = ScopedPrimaryKeyRelatedField(
        queryset=Certificate.objects.all(),
        scope=certificate_selectors.certificates_for,
        required=False,
        allow_null=True,
        help_text="The certificate concerned; needed when the organisation holds several.",
    )


@extend_schema_view(
    list=extend_schema(responses=list_responses(IncidentSerializer)),
    create=extend_schema(
        request=IncidentInputSerializer,
        responses={201: IncidentSerializer, **error_responses(400, 403)},
        description="§3.4.3: the organisation notifies an incident or change; staff open one "
        "learned elsewhere (with `source`).",
    ),
)
class IncidentViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Incident and change notifications and their transitions (notify, start_review, decide)."""

    serializer_class = IncidentSerializer
    input_serializers = {"create": IncidentInputSerializer}
    action_set = NOTICE_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrganizationNotice.objects.none()
        return selectors.notices_for(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = self.validated()
        source = data.pop("source", "") or OrganizationNotice.Source.ORGANIZATION
        if permissions.can_handle_notices(request.user):
            data.pop("special_reason", None)
            notice = services.notice_open(by=request.user, source=source, **data)
        else:
            data.pop("source_note", None)
            notice = services.notice_submit(by=request.user, **data)
        return self.output(
            self.get_queryset().get(pk=notice.pk), status_code=status.HTTP_201_CREATED
        )


class CaseSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=CASE_ACTIONS)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "organization",
            "certificate",
            "proposal",
            "ground",
            "notice",
            "sweep",
            "note",
            "state",
            "created_at",
            "decided_at",
            "decision_reason",
            "available_transitions",
        ]
        read_only_fields = fields


class CaseInputSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    certificate = serializers.PrimaryKeyRelatedField(
        queryset=Certificate.objects.all(), required=False, allow_null=True
    )
    proposal = serializers.ChoiceField(choices=Case.Proposal.choices)
    ground = serializers.ChoiceField(choices=Case.Ground.choices)
    note = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(responses=list_responses(CaseSerializer)),
    create=extend_schema(
        request=CaseInputSerializer,
        responses={201: CaseSerializer, **error_responses(400, 403, 409)},
        description="Open a case proposing an action on an organisation's certification (§5).",
    ),
)
class CaseViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Staff cases and their transitions (accept, dismiss)."""

    serializer_class = CaseSerializer
    input_serializers = {"create": CaseInputSerializer}
    action_set = CASE_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return selectors.cases_for(self.request.user)

    def create(self, request, *args, **kwargs):
        if not permissions.can_open_case(request.user):
            raise forbidden()  # before the body: no hint about organisations
        data = self.validated()
        case = services.case_open(by=request.user, **data)
        if case is None:
            from cesi_cert.errors import conflict

            raise conflict()
        return self.output(case, status_code=status.HTTP_201_CREATED)


class SurveillanceCycleSerializer(serializers.ModelSerializer):
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    evaluation_reference = serializers.CharField(
        source="evaluation.reference", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = SurveillanceCycle
        fields = [
            "id",
            "certificate",
            "certificate_number",
            "number",
            "starts_on",
            "ends_on",
            "state",
            "evaluation",
            "evaluation_reference",
            "closed_on",
        ]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(responses=list_responses(SurveillanceCycleSerializer)))
class SurveillanceCycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """§3.4.2 surveillance cycles, read only: an organisation's members see its certificates'
    cycles (another's is a 404), staff see all. The system changes them."""

    serializer_class = SurveillanceCycleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SurveillanceCycle.objects.none()
        return selectors.cycles_for(self.request.user).order_by("ends_on", "pk")


class ChangeRequestSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=CHANGE_ACTIONS)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reference",
            "certificate",
            "certificate_number",
            "organization",
            "kind",
            "description",
            "new_name_zh",
            "new_name_en",
            "new_address_zh",
            "new_address_en",
            "new_level",
            "new_scope",
            "methods",
            "state",
            "evaluation",
            "application",
            "version",
            "created_at",
            "decided_at",
            "decision_reason",
            "attachments",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_attachments(self, cr) -> list[str]:
        return [a.original_name for a in cr.attachments.all()]


def _changeable_certificates(user):
    return selectors.changeable_certificates(user)


class ChangeRequestInputSerializer(serializers.Serializer):
    certificate = ScopedPrimaryKeyRelatedField(
        queryset=_certificate_model_queryset(), scope=_changeable_certificates
    )
    kind = serializers.ChoiceField(choices=ChangeRequest.Kind.choices)
    description = serializers.CharField(max_length=NOTE)
    new_name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    new_name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    new_address_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    new_address_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    new_level = serializers.CharField(max_length=32, required=False, allow_blank=True)
    new_scope = serializers.CharField(max_length=SCOPE, required=False, allow_blank=True)
    scope_change = serializers.ChoiceField(
        choices=ScopeChange.CHOICES,
        required=False,
        help_text="Kind 2 only: `reword`; `extend` and `reduce` are refused with a pointer to "
        "the extension application (§3.4.5) and the scope reduction (§3.4.6).",
    )


@extend_schema_view(
    list=extend_schema(responses=list_responses(ChangeRequestSerializer)),
    create=extend_schema(
        request=ChangeRequestInputSerializer,
        responses={201: ChangeRequestSerializer, **error_responses(400, 403)},
        description="§3.4.4: a member of the certified organisation requests a change to one of "
        "its certificates (another organisation's certificate is not a valid choice).",
    ),
)
class ChangeRequestViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Change requests (§3.4.4) and their transitions (start_review, evaluate, approve, reject,
    withdraw). Members see their organisations' own (another's is a 404); staff see all."""

    serializer_class = ChangeRequestSerializer
    input_serializers = {"create": ChangeRequestInputSerializer}
    action_set = CHANGE_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChangeRequest.objects.none()
        return selectors.change_requests_for(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        data = self.validated()
        cr = services.change_request_submit(by=request.user, **data)
        return self.output(self.get_queryset().get(pk=cr.pk), status_code=status.HTTP_201_CREATED)


class ScopeReductionSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=REDUCTION_ACTIONS)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    removed_sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ScopeReduction
        fields = [
            "id",
            "reference",
            "certificate",
            "certificate_number",
            "organization",
            "condition",
            "reason",
            "removed_sites",
            "new_scope",
            "state",
            "version",
            "created_at",
            "decided_at",
            "decision_comment",
            "available_transitions",
        ]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(responses=list_responses(ScopeReductionSerializer)))
class ScopeReductionViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Scope reductions (§3.4.6), read and decided (approve, refuse by a technical committee
    member; withdraw by the organisation). They are requested in the portal, with evidence."""

    serializer_class = ScopeReductionSerializer
    action_set = REDUCTION_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ScopeReduction.objects.none()
        return selectors.reductions_for(self.request.user).order_by("-created_at", "-pk")


class RequirementChangeSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=REQUIREMENT_CHANGE_ACTIONS)

    class Meta:
        model = RequirementChange
        fields = [
            "id",
            "reference",
            "scheme",
            "title",
            "description",
            "effective_on",
            "verify_by",
            "state",
            "published_at",
            "available_transitions",
        ]
        read_only_fields = fields


class RequirementChangeInputSerializer(serializers.Serializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=NOTE)
    effective_on = serializers.DateField()
    verify_by = serializers.DateField()


@extend_schema_view(
    list=extend_schema(responses=list_responses(RequirementChangeSerializer)),
    create=extend_schema(
        request=RequirementChangeInputSerializer,
        responses={201: RequirementChangeSerializer, **error_responses(400, 403)},
        description="§3.4.7: draft a change of a scheme's certification requirements "
        "(认证业务部); publish it with the `publish` transition.",
    ),
)
class RequirementChangeViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Changes of certification requirements (staff only) and their transition (publish)."""

    serializer_class = RequirementChangeSerializer
    input_serializers = {"create": RequirementChangeInputSerializer}
    action_set = REQUIREMENT_CHANGE_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RequirementChange.objects.none()
        return selectors.requirement_changes_for(self.request.user)

    def create(self, request, *args, **kwargs):
        if not permissions.can_manage_requirements(request.user):
            raise forbidden()
        change = services.requirement_change_create(by=request.user, **self.validated())
        return self.output(change, status_code=status.HTTP_201_CREATED)


class RequirementVerificationSerializer(serializers.ModelSerializer):
    available_transitions = AvailableTransitionsField(action_set=REQUIREMENT_VERIFICATION_ACTIONS)
    change_reference = serializers.CharField(source="change.reference", read_only=True)
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    verify_by = serializers.DateField(source="change.verify_by", read_only=True)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = RequirementVerification
        fields = [
            "id",
            "change",
            "change_reference",
            "certificate",
            "certificate_number",
            "organization",
            "state",
            "verify_by",
            "note",
            "has_attachment",
            "answered_at",
            "verified_at",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_has_attachment(self, verification) -> bool:
        return bool(verification.attachment)


@extend_schema_view(
    list=extend_schema(responses=list_responses(RequirementVerificationSerializer)),
)
class RequirementVerificationViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """§3.4.7 verifications: an organisation's members see their own (another's is a 404) and
    confirm or refuse; staff see all and verify a confirmation."""

    serializer_class = RequirementVerificationSerializer
    action_set = REQUIREMENT_VERIFICATION_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RequirementVerification.objects.none()
        return selectors.requirement_verifications_for(self.request.user).order_by("pk")


class VerificationTransitionJsonSerializer(serializers.Serializer):
    """`confirm` and `refuse` take `note` (`confirm`'s `attachment` file only in multipart);
    `verify` takes `reason`."""

    note = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=NOTE, required=False, allow_blank=True)


class VerificationTransitionMultipartSerializer(VerificationTransitionJsonSerializer):
    attachment = serializers.FileField(
        required=False, help_text="`confirm`: a document showing the conformity (§3.4.7)."
    )


# As the subcontracted assessments' (evaluations.api.fieldwork): one body per content type, a
# file travels only in multipart/form-data.
extend_schema_view(
    transition=extend_schema(
        request={
            "application/json": VerificationTransitionJsonSerializer,
            "multipart/form-data": VerificationTransitionMultipartSerializer,
        }
    )
)(RequirementVerificationViewSet)


def register(router):
    router.register("incidents", IncidentViewSet, basename="incident")
    router.register("cases", CaseViewSet, basename="case")
    router.register("requirement-changes", RequirementChangeViewSet, basename="requirement-change")
    router.register(
        "requirement-verifications",
        RequirementVerificationViewSet,
        basename="requirement-verification",
    )
    router.register("surveillance-cycles", SurveillanceCycleViewSet, basename="surveillance-cycle")
    router.register("change-requests", ChangeRequestViewSet, basename="change-request")
    router.register("scope-reductions", ScopeReductionViewSet, basename="scope-reduction")
