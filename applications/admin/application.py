"""Applications (§3.1): read here, moved only by their actions."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
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


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d") if moment else "—"


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
                    "certificate",
                    "licence_on_record",
                )
            },
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "created_by",
                    "created_at",
                    "submitted_at",
                    "last_submitted_at",
                    "submissions",
                    "closed_at",
                )
            },
        ),
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
        "certificate",
        "licence_on_record",
        "created_by",
        "created_at",
        "submitted_at",
        "last_submitted_at",
        "submissions",
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

    @admin.display(description=_("business licence that counts"))
    def licence_on_record(self, app):
        """Which licence file satisfies §3.1.3 for this application, with a link to it."""
        licence = services.business_licence(app)
        org = app.organization
        if licence.status == "application":
            doc = licence.document
            body = format_html(
                '<a href="{}">{}</a> · {}',
                doc.get_download_url(),
                doc.original_name,
                _("uploaded to this application on %(date)s") % {"date": _day(doc.uploaded_at)},
            )
        elif licence.status in ("organization", "expired"):
            evidence = reverse(
                f"{self.admin_site.name}:applications_organization_evidence",
                args=[org.pk, "legal_status_evidence"],
            )
            until = (
                _("valid until %(date)s") % {"date": licence.valid_until.isoformat()}
                if licence.valid_until
                else _("no end date")
            )
            body = format_html(
                '<a href="{}">{}</a> · {} · {}{}',
                evidence,
                _("on file with the organisation"),
                _("uploaded %(date)s") % {"date": _day(licence.uploaded_at)},
                until,
                format_html(" · <strong>{}</strong>", _("expired"))
                if licence.status == "expired"
                else "",
            )
        elif licence.status == "fresh_required":
            body = _("A fresh copy was requested; none uploaded yet.")
        else:
            body = _("None: neither on file with the organisation nor uploaded.")
        return format_html('<div data-testid="licence-on-record">{}</div>', body)

    @admin.display(description=_("every submission"))
    def submissions(self, app):
        """Each hand-in, first to last (a resubmission never hides the first one)."""
        rows = [e for e in selectors.application_timeline(app) if e.transition == "submit"]
        if not rows:
            return "—"
        items = (
            (
                date_format(timezone.localtime(e.at), "Y-m-d H:i"),
                e.actor or _("System"),
                e.reason or "—",
            )
            for e in rows
        )
        return format_html(
            '<ol data-testid="submissions">{}</ol>',
            format_html_join("", "<li>{} · {} · {}</li>", items),
        )

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
