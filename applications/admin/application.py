"""Applications (§3.1): read here, moved only by their actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    TransitionAdminMixin,
    admin_url,
    service_form_view,
)

from .. import permissions, selectors, services
from ..actions import APPLICATION_ACTIONS
from ..exports import applications_csv
from ..models import Application, Contract
from .contracts import ContractInline
from .documents import DocumentInline, StaffDocumentForm


@admin.register(Application)
class ApplicationAdmin(TransitionAdminMixin, SimpleHistoryAdmin):
    """Applications are read here and moved only by their actions (buttons on the change page)."""

    # The portal pages are the applicant's; staff work here.
    view_on_site = False

    action_set = APPLICATION_ACTIONS
    change_form_template = "admin/applications/application/change_form.html"
    list_display = ("reference", "organization", "scheme", "kind", "state", "submitted_at")
    list_filter = ("state", "kind", "scheme")
    search_fields = (
        "reference",
        "organization__name_zh",
        "organization__name_en",
        "organization__credit_code",
    )
    date_hierarchy = "created_at"
    list_select_related = ("organization", "scheme")
    inlines = (DocumentInline, ContractInline)
    actions = ["export_csv"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "organization",
                    "scheme",
                    "kind",
                    "requested_level_label",
                    "state",
                    "scope",
                    "sites",
                    "previous_certificate_number",
                )
            },
        ),
        (_("Dates"), {"fields": ("created_by", "created_at", "submitted_at", "closed_at")}),
        (
            _("Review (§3.1.4)"),
            {
                "fields": (
                    "reviewer",
                    "requirements_clear",
                    "cb_capable",
                    "review_notes",
                    "reviewed_at",
                    "requested_changes",
                    "rejection_reason",
                )
            },
        ),
    )
    readonly_fields = (
        "reference",
        "organization",
        "scheme",
        "kind",
        "requested_level_label",
        "state",
        "scope",
        "sites",
        "previous_certificate_number",
        "created_by",
        "created_at",
        "submitted_at",
        "closed_at",
        "reviewer",
        "requirements_clear",
        "cb_capable",
        "review_notes",
        "reviewed_at",
        "requested_changes",
        "rejection_reason",
    )

    def get_queryset(self, request):
        qs = selectors.applications_for(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    # Applicants apply (portal/API); staff never create, edit fields of, or delete applications.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("requested level"))
    def requested_level_label(self, app):
        return app.scheme.level_label(app.requested_level) if app.requested_level else "—"

    def get_timeline(self, obj):
        return selectors.application_timeline(obj)

    @admin.action(description=_("Export the selected applications (CSV for Excel)"))
    def export_csv(self, request, queryset):
        return applications_csv(queryset)

    def get_inlines(self, request, obj):
        # The contract section appears once there is a contract (after "sign contract").
        if obj is None or not Contract.objects.filter(application=obj).exists():
            return [inline for inline in self.inlines if inline is not ContractInline]
        return self.inlines

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and permissions.can_upload_document(request.user, obj):
            context["document_upload_url"] = admin_url(self, "document_upload", obj.pk)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/documents/upload/",
                self.admin_site.admin_view(self.document_upload_view),
                name="applications_application_document_upload",
            ),
            *super().get_urls(),
        ]

    def document_upload_view(self, request, object_id):
        """Add a CB document to the application through ``services.document_upload``."""
        app = self.get_object(request, unquote(object_id))
        if app is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, app):
            raise PermissionDenied
        change_url = admin_url(self, "change", app.pk)
        if not permissions.can_upload_document(request.user, app):
            messages.error(request, _("You cannot add documents to this application now."))
            return redirect(change_url)
        return service_form_view(
            self,
            request,
            obj=app,
            form=StaffDocumentForm(request.POST or None, request.FILES or None),
            perform=lambda data: services.document_upload(application=app, by=request.user, **data),
            success=lambda doc: _("“%(doc)s” was added.") % {"doc": doc},
            title=_("Add a document"),
            help_text=_("PDF, images and office documents; size and content are checked."),
            submit_label=_("Upload"),
        )
