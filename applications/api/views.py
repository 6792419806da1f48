"""Viewsets of /api/v1/ for the applications app (SPEC "Public contract").

Reads go through ``applications.selectors`` — scoped to the caller's organisations, so another
organisation's object is a 404 — and writes through ``applications.services``; a refused action
comes back as a :class:`~cesi_cert.errors.DomainError`, which ``cesi_cert.api`` maps to HTTP.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cesi_cert.api import (
    DOWNLOAD_RESPONSES,
    DownloadActionsMixin,
    ServiceViewSet,
    TransitionsViewSetMixin,
    choice_filter_param,
    choice_query_param,
    error_responses,
    id_filter_param,
    id_query_param,
    list_responses,
)
from cesi_cert.files import serve_private_file

from .. import permissions, selectors, services
from ..actions import APPLICATION_ACTIONS
from ..models import Application, ApplicationDocument, Contract, Organization, Scheme, Site
from . import serializers as s

# --- schemes -------------------------------------------------------------------------------


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Certification schemes (附录 2), by their ``code``."""

    queryset = Scheme.objects.all()
    serializer_class = s.SchemeSerializer
    lookup_field = "code"


# --- organisations -------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=s.OrganizationInputSerializer,
        responses={201: s.OrganizationSerializer, **error_responses(400, 403)},
        description="Register an organisation; you become its member.",
    ),
    update=extend_schema(
        request=s.OrganizationInputSerializer,
        responses={200: s.OrganizationSerializer, **error_responses(400, 403, 404)},
    ),
    partial_update=extend_schema(
        request=s.OrganizationInputSerializer,
        responses={200: s.OrganizationSerializer, **error_responses(400, 403, 404)},
    ),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Your organisations (every organisation for CB staff)."""

    serializer_class = s.OrganizationSerializer
    input_serializers = {
        "create": s.OrganizationInputSerializer,
        "update": s.OrganizationInputSerializer,
        "partial_update": s.OrganizationInputSerializer,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return selectors.organizations_for(self.request.user)

    def create(self, request, *args, **kwargs):
        data = self.validated()
        org = services.organization_create(by=request.user, **data)
        return self.output(org, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        org = self.get_object()
        data = self.validated(partial=partial)
        org = services.organization_update(organization=org, by=request.user, **data)
        return self.output(org)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- sites ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("organization", "Only this organisation's sites.")],
        responses=list_responses(s.SiteSerializer),
    ),
    create=extend_schema(
        request=s.SiteCreateSerializer,
        responses={201: s.SiteSerializer, **error_responses(400, 403)},
    ),
    update=extend_schema(
        request=s.SiteUpdateSerializer,
        responses={200: s.SiteSerializer, **error_responses(400, 403, 404)},
    ),
    partial_update=extend_schema(
        request=s.SiteUpdateSerializer,
        responses={200: s.SiteSerializer, **error_responses(400, 403, 404)},
    ),
    destroy=extend_schema(responses={204: None, **error_responses(403, 404, 409)}),
)
class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    """Sites of your organisations (§3.2.2.2)."""

    serializer_class = s.SiteSerializer
    input_serializers = {
        "create": s.SiteCreateSerializer,
        "update": s.SiteUpdateSerializer,
        "partial_update": s.SiteUpdateSerializer,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Site.objects.none()
        qs = selectors.sites_for(self.request.user)
        if self.action == "list":
            organization = id_query_param(self.request, "organization")
            if organization is not None:
                qs = qs.filter(organization_id=organization)
        return qs

    def create(self, request, *args, **kwargs):
        data = self.validated()
        site = services.site_create(by=request.user, **data)
        return self.output(site, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        site = self.get_object()
        data = self.validated(partial=partial)
        site = services.site_update(site=site, by=request.user, **data)
        return self.output(site)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.site_delete(site=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- applications --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            id_filter_param("organization", "Only this organisation's applications."),
            choice_filter_param(
                "state",
                Application.State,
                "Only applications in this state; another value is a 400 on `state`.",
            ),
        ],
        responses=list_responses(s.ApplicationSerializer),
    ),
    create=extend_schema(
        request=s.ApplicationCreateSerializer,
        responses={201: s.ApplicationSerializer, **error_responses(400, 403)},
        description="Start a draft application (§3.1) for one of your organisations.",
    ),
    update=extend_schema(
        request=s.ApplicationUpdateSerializer,
        responses={200: s.ApplicationSerializer, **error_responses(400, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        request=s.ApplicationUpdateSerializer,
        responses={200: s.ApplicationSerializer, **error_responses(400, 403, 404, 409)},
    ),
)
class ApplicationViewSet(
    TransitionsViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Applications for certification (§3.1) and their transitions."""

    serializer_class = s.ApplicationSerializer
    input_serializers = {
        "create": s.ApplicationCreateSerializer,
        "update": s.ApplicationUpdateSerializer,
        "partial_update": s.ApplicationUpdateSerializer,
    }
    action_set = APPLICATION_ACTIONS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        qs = (
            selectors.applications_for(self.request.user)
            .select_related("contract")
            .prefetch_related("sites", "documents", "contract__amendments")
        )
        if self.action == "list":
            organization = id_query_param(self.request, "organization")
            if organization is not None:
                qs = qs.filter(organization_id=organization)
            state = choice_query_param(self.request, "state", Application.State)
            if state is not None:
                qs = qs.filter(state=state)
        return qs

    def create(self, request, *args, **kwargs):
        data = self.validated()
        app = services.application_create(by=request.user, **data)
        return self.output(self.get_queryset().get(pk=app.pk), status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        app = self.get_object()
        data = self.validated(partial=partial)
        services.application_update(application=app, by=request.user, **data)
        return self.output(self.get_queryset().get(pk=app.pk))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- documents -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("application", "Only this application's documents.")],
        responses=list_responses(s.DocumentSerializer),
    ),
    create=extend_schema(
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={201: s.DocumentSerializer, **error_responses(400, 403, 409)},
        description="Upload material for an application (multipart). Size, type and content are checked.",
    ),
    destroy=extend_schema(
        responses={204: None, **error_responses(403, 404, 409)},
        description="Remove a file never handed in; a handed-in file is replaced instead (409).",
    ),
    replace=extend_schema(
        request={"multipart/form-data": s.DocumentReplaceInputSerializer},
        responses={201: s.DocumentSerializer, **error_responses(400, 403, 404, 409)},
        description="Upload a new version; the replaced one stays on record, marked superseded.",
    ),
    download=extend_schema(responses=DOWNLOAD_RESPONSES),
    publish=extend_schema(
        request=None,
        responses={200: s.DocumentSerializer, **error_responses(403, 404)},
        description="Make a CB document visible to the organisation (customer service).",
    ),
)
class DocumentViewSet(
    DownloadActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """Application materials (§3.1.3) you may see."""

    serializer_class = s.DocumentSerializer
    input_serializers = {
        "create": s.DocumentInputSerializer,
        "replace": s.DocumentReplaceInputSerializer,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApplicationDocument.objects.none()
        qs = selectors.documents_for(self.request.user)
        if self.action == "list":
            application = id_query_param(self.request, "application")
            if application is not None:
                qs = qs.filter(application_id=application)
        return qs

    def create(self, request, *args, **kwargs):
        data = self.validated()
        doc = services.document_upload(by=request.user, **data)
        return self.output(doc, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.document_delete(document=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def replace(self, request, *args, **kwargs):
        document = self.get_object()
        data = self.validated()
        new = services.document_replace(document=document, by=request.user, **data)
        return self.output(new, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        doc = services.document_publish(document=self.get_object(), by=request.user)
        return self.output(doc)

    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        doc = self.get_object()
        if not permissions.can_view_document(request.user, doc):
            raise Http404
        return serve_private_file(
            doc.file, download_name=doc.original_name, content_type=doc.content_type
        )


# --- contracts -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[id_filter_param("application", "Only this application's contract.")],
        responses=list_responses(s.ContractSerializer),
    ),
    amendments=extend_schema(
        request=s.ContractAmendInputSerializer,
        responses={201: s.ContractAmendmentSerializer, **error_responses(400, 403, 404, 409)},
        description="Record a signed amendment (customer service); the contract takes its man-days and fee.",
    ),
)
class ContractViewSet(viewsets.ReadOnlyModelViewSet, ServiceViewSet):
    """Certification contracts (§3.1.4) of the applications you may see."""

    serializer_class = s.ContractSerializer
    input_serializers = {"amendments": s.ContractAmendInputSerializer}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contract.objects.none()
        qs = Contract.objects.filter(
            application__in=selectors.applications_for(self.request.user)
        ).prefetch_related("amendments")
        if self.action == "list":
            application = id_query_param(self.request, "application")
            if application is not None:
                qs = qs.filter(application_id=application)
        return qs

    @action(detail=True, methods=["post"])
    def amendments(self, request, *args, **kwargs):
        contract = self.get_object()
        # Refuse the role before looking at the fields: no point correcting what cannot be sent.
        if not permissions.can_amend_contract(request.user, contract):
            raise PermissionDenied(_("Only customer service records contract amendments."))
        data = self.validated()
        amendment = services.contract_amend(contract=contract, by=request.user, **data)
        return self.output(
            amendment,
            status_code=status.HTTP_201_CREATED,
            serializer_class=s.ContractAmendmentSerializer,
        )
