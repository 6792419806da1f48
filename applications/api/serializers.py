"""Serializers of /api/v1/ for schemes, organisations, sites, applications, documents, contracts.

Output serializers (``<Entity>Serializer``) describe what the API shows; input serializers
(``<Entity>InputSerializer``) only check the shape of what is sent — the business rules and
their messages belong to ``applications.services``, which the views call.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cesi_cert.api import (
    AvailableTransitionsField,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
)

from .. import selectors, services
from ..actions import APPLICATION_ACTIONS
from ..models import (
    ApplicantType,
    Application,
    ApplicationDocument,
    Contract,
    ContractAmendment,
    DocumentKind,
    Organization,
    Scheme,
    Site,
)

# --- schemes -------------------------------------------------------------------------------


class SchemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scheme
        fields = [
            "code",
            "name_zh",
            "name_en",
            "standards",
            "implementation_rule",
            "levels",
            "evaluation_modes",
            "validity_years",
            "surveillance_interval_months",
            "base_man_days",
            "is_active",
        ]
        read_only_fields = fields


# --- organisations -------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    # Evidence files are private: say whether they are there, never where they are stored.
    has_legal_status_evidence = serializers.SerializerMethodField()
    has_independent_liability_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            *services.ORGANIZATION_FIELDS,
            "has_legal_status_evidence",
            "legal_status_uploaded_at",
            "has_independent_liability_evidence",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_legal_status_evidence(self, org) -> bool:
        return bool(org.legal_status_evidence)

    def get_has_independent_liability_evidence(self, org) -> bool:
        return bool(org.independent_liability_evidence)


class OrganizationInputSerializer(serializers.ModelSerializer):
    # The service checks the code (GB 32100-2015) and its uniqueness with precise messages, so
    # no length or unique validator here answers first with a vaguer one.
    credit_code = serializers.CharField(
        help_text=Organization._meta.get_field("credit_code").help_text
    )
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices, required=False)
    legal_status_evidence = serializers.FileField(
        required=False,
        allow_empty_file=True,
        write_only=True,
        help_text=_("PDF, image or Office file (multipart upload)."),
    )
    independent_liability_evidence = serializers.FileField(
        required=False,
        allow_empty_file=True,
        write_only=True,
        help_text=_("Required when the organisation is part of a larger legal entity (§2.2 a)."),
    )

    class Meta:
        model = Organization
        fields = list(services.ORGANIZATION_FIELDS) + list(services.ORGANIZATION_FILES)


# --- sites ---------------------------------------------------------------------------------


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "organization", "name", "address", "activities", "is_central"]
        read_only_fields = fields


class SiteUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["name", "address", "activities", "is_central"]


class SiteCreateSerializer(SiteUpdateSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), scope=selectors.organizations_for
    )

    class Meta(SiteUpdateSerializer.Meta):
        fields = ["organization", *SiteUpdateSerializer.Meta.fields]


# --- contracts -----------------------------------------------------------------------------


class ContractAmendmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractAmendment
        fields = [
            "sequence",
            "signed_on",
            "description",
            "man_days_before",
            "man_days_after",
            "fee_quote_before",
            "fee_quote_after",
            "created_at",
        ]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    amendments = ContractAmendmentSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "signed_on",
            "man_days",
            "fee_quote",
            "notes",
            "application",
            "amendments",
        ]
        read_only_fields = fields


class ContractAmendInputSerializer(serializers.Serializer):
    """The fields of ``services.contract_amend`` (the service checks their values)."""

    signed_on = serializers.DateField()
    description = serializers.CharField(
        max_length=ContractAmendment._meta.get_field("description").max_length
    )
    man_days = serializers.DecimalField(max_digits=6, decimal_places=1)
    fee_quote = serializers.DecimalField(max_digits=12, decimal_places=2)


# --- applications --------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    certificate = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        help_text=_("The registration number of the certificate this application continues."),
    )
    available_transitions = AvailableTransitionsField(action_set=APPLICATION_ACTIONS)
    missing_documents = serializers.SerializerMethodField(
        help_text=_("Kinds of required material (§3.1.3) not uploaded yet.")
    )
    contract = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "organization",
            "scheme",
            "kind",
            "requested_level",
            "scope",
            "sites",
            "certificate",
            "state",
            "available_transitions",
            "submitted_at",
            "created_at",
            "requested_changes",
            "rejection_reason",
            "missing_documents",
            "contract",
        ]
        read_only_fields = fields

    def get_missing_documents(self, app) -> list[str]:
        return [str(k) for k in services.missing_documents(app)]

    @extend_schema_field(ContractSerializer(allow_null=True))
    def get_contract(self, app):
        try:
            contract = app.contract
        except Contract.DoesNotExist:
            return None
        return ContractSerializer(contract, context=self.context).data


class ApplicationUpdateSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", queryset=Scheme.objects.all())
    sites = ScopedPrimaryKeyRelatedField(
        queryset=Site.objects.all(), scope=selectors.sites_for, many=True, required=False
    )
    certificate = ScopedSlugRelatedField(
        slug_field="number",
        queryset=Application._meta.get_field("certificate").related_model.objects.all(),
        scope=selectors.certificates_for,
        required=False,
        allow_null=True,
        help_text=_(
            "For recertification, extension and level change: the registration number of the "
            "certificate your organisation holds."
        ),
    )

    class Meta:
        model = Application
        fields = [
            "scheme",
            "kind",
            "requested_level",
            "scope",
            "sites",
            "certificate",
        ]


class ApplicationCreateSerializer(ApplicationUpdateSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), scope=selectors.organizations_for
    )

    class Meta(ApplicationUpdateSerializer.Meta):
        fields = ["organization", *ApplicationUpdateSerializer.Meta.fields]


# --- documents -----------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = [
            "id",
            "application",
            "kind",
            "original_name",
            "content_type",
            "size",
            "description",
            "published",
            "uploaded_at",
            "previous_version",
            "superseded_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "previous_version": {"help_text": _("The earlier version this document replaces.")},
            "superseded_at": {
                "help_text": _("When a newer version replaced it (null: the current version).")
            },
        }

    def get_download_url(self, doc) -> str:
        url = reverse("document-download", args=[doc.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentInputSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(
        queryset=Application.objects.all(), scope=selectors.applications_for
    )
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    # Size, type and content are checked by the service (cesi_cert.files.check_upload).
    file = serializers.FileField(
        allow_empty_file=True, help_text=_("PDF, PNG, JPEG, DOCX or XLSX.")
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    published = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("For CB uploads: show it to the applicant now (their own uploads always are)."),
    )


class DocumentReplaceInputSerializer(serializers.Serializer):
    """A new version of a document (``services.document_replace`` checks size, type, content)."""

    file = serializers.FileField(
        allow_empty_file=True, help_text=_("PDF, PNG, JPEG, DOCX or XLSX.")
    )
    description = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("Leave out to keep the description of the version it replaces."),
    )
