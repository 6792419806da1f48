"""Certificates under /api/v1/ (SPEC "Public contract").

- ``certificates``: those you may see (CB staff: all; an applicant: their organisations'), with
  their versions, status changes, PDF downloads (``…/pdf/?version=&lang=``), notice downloads
  and the transitions ``suspend``, ``reinstate`` and ``withdraw`` (the admin's buttons).
- ``public/certificates/?q=``: the public search, no login — what a certificate prints and its
  state, nothing private.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from cesi_cert.api import (
    DOWNLOAD_RESPONSES,
    AvailableTransitionsField,
    DownloadActionsMixin,
    ServiceViewSet,
    TransitionsViewSetMixin,
    choice_filter_param,
    choice_query_param,
    error_responses,
    id_query_param,
    list_responses,
)
from cesi_cert.pdf import PdfUnavailable

from .. import public_cache, selectors
from ..actions import CERTIFICATE_ACTIONS
from ..downloads import notice_pdf_response, version_pdf_response
from ..models import Certificate, CertificateVersion, StatusChange


class CertificateSiteSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Sub-certificate number (several sites only).")
    name = serializers.CharField()
    address = serializers.CharField()
    activities = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    sites = CertificateSiteSerializer(many=True, read_only=True)

    class Meta:
        model = CertificateVersion
        fields = [
            "sequence",
            "kind",
            "reason",
            "organization_name_zh",
            "organization_name_en",
            "address_zh",
            "address_en",
            "credit_code",
            "scheme_name_zh",
            "scheme_name_en",
            "standards",
            "implementation_rule",
            "level",
            "level_name_zh",
            "level_name_en",
            "scope",
            "sites",
            "issued_on",
            "expires_on",
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer):
    ground_label = serializers.CharField(read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "kind",
            "ground",
            "ground_label",
            "effective_on",
            "suspended_until",
            "until_licence_decision",
            "reason",
            "organization_consent",
            "documents_returned_on",
            "created_at",
        ]
        read_only_fields = fields


class CertificateSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current_version = VersionSerializer(read_only=True)
    versions = VersionSerializer(many=True, read_only=True)
    status_changes = StatusChangeSerializer(many=True, read_only=True)
    verify_url = serializers.CharField(source="get_verify_url", read_only=True)
    available_transitions = AvailableTransitionsField(action_set=CERTIFICATE_ACTIONS)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "oid",
            "organization",
            "scheme",
            "state",
            "first_issued_on",
            "expires_on",
            "suspended_on",
            "suspended_until",
            "suspension_ground",
            "withdrawn_on",
            "withdrawal_ground",
            "verify_url",
            "current_version",
            "versions",
            "status_changes",
            "available_transitions",
        ]
        read_only_fields = fields


LANG_PARAM = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["zh-hans", "en"],
    description="Language.",
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            choice_filter_param("state", Certificate.State, "Only certificates in this state.")
        ],
        responses=list_responses(CertificateSerializer),
    ),
    pdf=extend_schema(
        parameters=[
            LANG_PARAM,
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Version number; default the current one.",
            ),
        ],
        responses={**DOWNLOAD_RESPONSES, **error_responses(400)},
        description="The certificate PDF of a version in Chinese or English (stored once).",
    ),
    notice=extend_schema(
        parameters=[
            OpenApiParameter(
                "change", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Status change id."
            )
        ],
        responses={**DOWNLOAD_RESPONSES, **error_responses(400)},
        description="The notice of change (服务认证证书和标志变化通知) of a status change.",
    ),
)
class CertificateViewSet(
    DownloadActionsMixin,
    TransitionsViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceViewSet,
):
    """Certificates you may see and their transitions (suspend, reinstate, withdraw)."""

    serializer_class = CertificateSerializer
    action_set = CERTIFICATE_ACTIONS
    download_actions = ("pdf", "notice")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        qs = (
            selectors.certificates_for(self.request.user)
            .prefetch_related("versions", "status_changes")
            .order_by("-first_issued_on", "-pk")
        )
        if self.action == "list":
            state = choice_query_param(self.request, "state", Certificate.State)
            if state:
                qs = qs.filter(state=state)
        return qs

    def _pdf(self, make):
        try:
            return make()
        except PdfUnavailable as exc:
            from rest_framework.exceptions import APIException

            error = APIException(str(exc))
            error.status_code = 503
            raise error from exc

    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        certificate = self.get_object()
        language = request.query_params.get("lang") or "zh-hans"
        if language not in ("zh-hans", "en"):
            raise serializers.ValidationError({"lang": ["zh-hans or en."]})
        sequence = id_query_param(request, "version")
        versions = certificate.versions.all()
        version = (
            next((v for v in versions if v.sequence == sequence), None)
            if sequence is not None
            else certificate.current_version
        )
        if version is None:
            raise Http404
        return self._pdf(lambda: version_pdf_response(version, language))

    @action(detail=True, methods=["get"])
    def notice(self, request, *args, **kwargs):
        certificate = self.get_object()
        change_id = id_query_param(request, "change")
        change = certificate.status_changes.filter(pk=change_id).first() if change_id else None
        if change is None or change.kind == StatusChange.Kind.EXPIRY:
            raise Http404
        return self._pdf(lambda: notice_pdf_response(change))


# --- the public search ---------------------------------------------------------------------


class PublicSiteSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    activities = serializers.CharField()


class PublicCertificateSerializer(serializers.Serializer):
    """What the certificate prints and its state; nothing private. Reads the light rows of
    ``selectors.public_search_rows`` (the public search's hot path)."""

    number = serializers.CharField()
    state = serializers.CharField(help_text="active, suspended, withdrawn or expired.")
    state_label = serializers.SerializerMethodField()
    organization_name_zh = serializers.CharField(source="current_version.organization_name_zh")
    organization_name_en = serializers.CharField(source="current_version.organization_name_en")
    credit_code = serializers.CharField(source="current_version.credit_code")
    scheme = serializers.CharField(source="scheme_code")
    scheme_name_zh = serializers.CharField(source="current_version.scheme_name_zh")
    scheme_name_en = serializers.CharField(source="current_version.scheme_name_en")
    standards = serializers.CharField(source="current_version.standards")
    level = serializers.CharField(source="current_version.level")
    level_name_zh = serializers.CharField(source="current_version.level_name_zh")
    level_name_en = serializers.CharField(source="current_version.level_name_en")
    scope = serializers.CharField(source="current_version.scope")
    sites = PublicSiteSerializer(source="current_version.sites", many=True)
    first_issued_on = serializers.DateField()
    issued_on = serializers.DateField(source="current_version.issued_on")
    expires_on = serializers.DateField()
    suspended_until = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)
    verify_url = serializers.SerializerMethodField()

    def get_state_label(self, row) -> str:
        return str(Certificate.State(row["state"]).label)

    def get_verify_url(self, row) -> str:
        return reverse("verify", args=[row["number"]])


class PublicPagination(PageNumberPagination):
    page_size = 20


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Registration number, unified social credit code or organisation name.",
            )
        ],
        auth=[],
    )
)
class PublicCertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public certificate search, no login (§4.1 h)."""

    serializer_class = PublicCertificateSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = PublicPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return selectors.PublicSearch(self.request.query_params.get("q", ""))

    def dispatch(self, request, *args, **kwargs):
        """A JSON answer is served from the public page cache (``public_cache``) when a shared
        cache is configured: the same body as a fresh one, without a query or DRF's per-request
        work. The browsable API (``Accept: text/html``, ``?format=``) is never cached."""
        if not (
            public_cache.enabled()
            and request.method == "GET"
            and "format" not in request.GET
            and "html" not in request.headers.get("Accept", "")
        ):
            return super().dispatch(request, *args, **kwargs)
        # Keyed by the two parameters that change the answer; a search that finds nothing is not
        # kept (random queries must not fill the shared cache).
        page_key = public_cache.key("api", request.GET.get("q", ""), request.GET.get("page", ""))
        body, generation = public_cache.lookup(page_key)
        if body is not None:
            response = HttpResponse(body, content_type="application/json")
            response["Vary"] = "Accept"
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        response = super().dispatch(request, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if (
            response.status_code == 200
            and getattr(renderer, "format", None) == "json"
            and response.data.get("count")
        ):
            response.render()
            public_cache.store(page_key, generation, response.content)
        return response


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    router.register("certificates", CertificateViewSet, basename="certificate")


def register_public(router):
    """Mount the public search (the root URLconf mounts it before the other viewsets)."""
    router.register("public/certificates", PublicCertificateViewSet, basename="public-certificate")
