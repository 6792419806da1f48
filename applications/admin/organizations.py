"""Organisations (§2) with their sites and member users."""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import HistoryWithoutRevertMixin, admin_url
from cesi_cert.files import serve_private_file

from .. import selectors
from ..models import Application, Membership, Organization, Site
from ..validators import normalize_credit_code


class SiteInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            site = form.instance
            # Same rule as services.site_delete: a handed-in application keeps its sites.
            if site.pk and site.applications.exclude(state=Application.State.DRAFT).exists():
                raise ValidationError(
                    _(
                        "Site “%(site)s” is part of an application already handed in; it cannot be deleted."
                    )
                    % {"site": site}
                )


class SiteInline(admin.TabularInline):
    model = Site
    formset = SiteInlineFormSet
    fields = ("name", "address", "activities", "is_central")
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "is_admin")
        labels = {"user": _("user")}


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    fields = ("user", "is_admin", "member_since")
    readonly_fields = ("member_since",)
    raw_id_fields = ("user",)
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members (applicant users acting for the organisation)")

    @admin.display(description=_("member since"))
    def member_since(self, membership):
        return membership.created_at


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        # The evidence files come through the portal, where uploads are checked (cesi_cert.files).
        fields = (
            "name_zh",
            "name_en",
            "credit_code",
            "applicant_type",
            "address_zh",
            "address_en",
            "part_of_legal_entity",
            "parent_entity_name",
            "contact_name",
            "contact_phone",
            "contact_email",
        )

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code") or "")

    def clean(self):
        data = super().clean()
        # §2.2 a: part of a legal entity → name the entity (its evidence comes through the portal).
        if data.get("part_of_legal_entity") and not (data.get("parent_entity_name") or "").strip():
            self.add_error(
                "parent_entity_name",
                _("Name the legal entity this organisation belongs to (§2.2 a)."),
            )
        return data


EVIDENCE_FIELDS = ("legal_status_evidence", "independent_liability_evidence")


@admin.register(Organization)
class OrganizationAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    # The portal pages are the applicant's; staff work here.
    view_on_site = False
    form = OrganizationAdminForm
    list_display = (
        "name_zh",
        "name_en",
        "credit_code",
        "applicant_type",
        "contact_name",
        "created_at",
    )
    list_filter = ("applicant_type", "part_of_legal_entity")
    search_fields = ("name_zh", "name_en", "credit_code")
    date_hierarchy = "created_at"
    inlines = (SiteInline, MembershipInline)
    readonly_fields = (
        "legal_status_evidence_link",
        "independent_liability_evidence_link",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("name_zh", "name_en", "credit_code", "applicant_type")}),
        (_("Addresses"), {"fields": ("address_zh", "address_en")}),
        (
            _("Legal status (§2.2 a)"),
            {
                "fields": (
                    "legal_status_evidence_link",
                    "part_of_legal_entity",
                    "parent_entity_name",
                    "independent_liability_evidence_link",
                )
            },
        ),
        (
            _("Contact"),
            {"fields": ("contact_name", "contact_phone", "contact_email", "created_at")},
        ),
    )

    def get_queryset(self, request):
        return selectors.organizations_for(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, and only where nothing refers to it
        return actions

    def get_urls(self):
        return [
            path(
                "<path:object_id>/evidence/<str:field>/",
                self.admin_site.admin_view(self.evidence_view),
                name="applications_organization_evidence",
            ),
            *super().get_urls(),
        ]

    def _evidence_link(self, org, field):
        if not org or not org.pk or not getattr(org, field):
            return _("not uploaded")
        return format_html(
            '<a href="{}">{}</a>', admin_url(self, "evidence", org.pk, field), _("Download")
        )

    @admin.display(description=_("legal status evidence"))
    def legal_status_evidence_link(self, org):
        return self._evidence_link(org, "legal_status_evidence")

    @admin.display(description=_("evidence of independent legal liability"))
    def independent_liability_evidence_link(self, org):
        return self._evidence_link(org, "independent_liability_evidence")

    def evidence_view(self, request, object_id, field):
        """Stream an evidence file (stored privately, never under a public URL)."""
        org = self.get_object(request, unquote(object_id))
        if org is None or field not in EVIDENCE_FIELDS or not getattr(org, field):
            raise Http404
        if not self.has_view_or_change_permission(request, org):
            raise PermissionDenied
        stored = getattr(org, field)
        ext = stored.name.rsplit(".", 1)[-1].lower()
        return serve_private_file(
            stored,
            download_name=f"{org.credit_code}-{field}.{ext}",
            content_type=mimetypes.guess_type(stored.name)[0] or "application/octet-stream",
        )
