"""``/api/v1/auditor-qualifications/`` and ``/api/v1/conflict-declarations/``: the auditor
register (who may sit on a team, ISO/IEC 17065 impartiality).

CB staff read all of it; an auditor reads their own rows; nobody else reads any (404, and an
empty list). The certification business department records rows through the same services as
the admin (``services.register``), so the model's validation and the history's author hold.
Rows are never deleted: a qualification ends with ``valid_until``, a relation with ``ended_on``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status

from applications.models import Organization, Scheme
from cesi_cert.api import ServiceViewSet, error_responses, list_responses
from cesi_cert.roles import Role, users_with_role

from .. import permissions, services
from ..models import AuditorQualification, ConflictDeclaration


def _readable(model, user):
    if permissions.can_follow(user):
        return model.objects.all()
    if getattr(user, "is_authenticated", False):
        return model.objects.filter(person=user)
    return model.objects.none()


class _Person(serializers.PrimaryKeyRelatedField):
    """An account holding the auditor role (auditors and technical experts)."""

    def get_queryset(self):
        return users_with_role(Role.AUDITOR)


class QualificationSerializer(serializers.ModelSerializer):
    person = _Person()
    scheme = serializers.SlugRelatedField(slug_field="code", queryset=Scheme.objects.all())

    class Meta:
        model = AuditorQualification
        fields = [
            "id",
            "person",
            "scheme",
            "role",
            "technical_area",
            "registration_number",
            "valid_from",
            "valid_until",
        ]
        read_only_fields = ["id"]


class ConflictSerializer(serializers.ModelSerializer):
    person = _Person()
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = ConflictDeclaration
        fields = [
            "id",
            "person",
            "organization",
            "nature",
            "description",
            "ended_on",
            "declared_at",
        ]
        read_only_fields = ["id", "declared_at"]


class _RegisterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    model: type
    save = None  # the register service for this model

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return _readable(self.model, self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        row = self.model(**self.validated())
        saved = type(self).save(row, by=request.user)
        return self.output(saved, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses=list_responses(QualificationSerializer)),
    create=extend_schema(
        responses={201: QualificationSerializer, **error_responses(400, 403)},
        description="Record a qualification (the certification business department).",
    ),
)
class QualificationViewSet(_RegisterViewSet):
    """The schemes (and technical areas) each auditor or expert is qualified for, and until when."""

    serializer_class = QualificationSerializer
    model = AuditorQualification

    @staticmethod
    def save(row, *, by):
        return services.qualification_save(qualification=row, by=by)


@extend_schema_view(
    list=extend_schema(responses=list_responses(ConflictSerializer)),
    create=extend_schema(
        responses={201: ConflictSerializer, **error_responses(400, 403)},
        description="Record a declared relation with an organisation (ISO/IEC 17065 4.2).",
    ),
)
class ConflictViewSet(_RegisterViewSet):
    """Declared relations between people and organisations (consulted for, worked at …)."""

    serializer_class = ConflictSerializer
    model = ConflictDeclaration

    @staticmethod
    def save(row, *, by):
        return services.conflict_declaration_save(declaration=row, by=by)


def register(router):
    router.register(
        "auditor-qualifications", QualificationViewSet, basename="auditor-qualification"
    )
    router.register("conflict-declarations", ConflictViewSet, basename="conflict-declaration")
