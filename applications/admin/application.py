"""Applications (§3.1): read here, moved only by their actions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    ObjectAction,
    ObjectActionsMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)

from .. import permissions, selectors, services
from ..actions import APPLICATION_ACTIONS
from ..exports import applications_csv
from ..models import Application, Contract
from .contracts import ContractInline
from .documents import DocumentInline, StaffDocumentForm


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("mine", _("me")), ("nobody", _("unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(reviewer=request.user)
        if self.value() == "nobody":
            return queryset.filter(reviewer__isnull=True)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = _("whose move")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("1", _("waiting for the certification body"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(state__in=selectors.STAFF_QUEUE_STATES)
        return queryset


@admin.register(Application)
class ApplicationAdmin(
    ServiceOnlyAdminMixin, ObjectActionsMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    """Applications are read here and moved only by their actions (buttons on the change page)."""

    # The portal pages are the applicant's; staff work here.
    view_on_site = False

    action_set = APPLICATION_ACTIONS
    change_form_template = "admin/applications/application/change_form.html"
    list_display = (
        "reference",
        "organization",
        "scheme",
        "kind",
        "state",
        "submitted_at",
        "waiting_since_display",
        "reviewer_name",
    )
    list_filter = (WaitingFilter, AssignedFilter, "state", "kind", "scheme")
    search_fields = (
        "reference",
        "organization__name_zh",
        "organization__name_en",
        "organization__credit_code",
    )
    date_hierarchy = "created_at"
    list_select_related = ("organization", "scheme", "reviewer")
    inlines = (DocumentInline, ContractInline)
    actions = ["export_csv"]
    object_actions = (
        ObjectAction(
            name="document_upload",
            route="documents/upload",
            title=_("Add a document"),
            form_class=StaffDocumentForm,
            allowed=permissions.can_upload_document,
            may_ever=permissions.can_ever_upload_document,
            forbidden=_("Your role cannot add documents to applications."),
            perform=lambda app, by, data: services.document_upload(application=app, by=by, **data),
            success=lambda app, doc: _("“%(doc)s” was added.") % {"doc": doc},
            refused=_("You cannot add documents to this application now."),
            help_text=_("PDF, images and office documents; size and content are checked."),
            submit_label=_("Upload"),
        ),
    )
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
        qs = selectors.with_waiting_since(selectors.applications_for(request.user))
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    @admin.display(description=_("in this state since"), ordering="waiting_since")
    def waiting_since_display(self, app):
        return app.waiting_since

    @admin.display(description=_("assigned to"), ordering="reviewer__first_name")
    def reviewer_name(self, app):
        if app.reviewer is None:
            return "—"
        return app.reviewer.get_full_name() or app.reviewer.username

    # Applicants apply (portal/API); staff never create, edit fields of, or delete applications.

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
