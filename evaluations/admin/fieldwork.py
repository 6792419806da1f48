"""Staff screens of the evaluation's work: read-only inlines on the evaluation (activities,
meetings, evidence, subcontracted assessments), and subcontracted assessments with their
actions (request on the evaluation; receive the report or cancel on the assessment), each
through its service."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    ObjectAction,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)

from .. import permissions, services
from ..actions import SUBCONTRACT_ACTIONS
from ..forms.fieldwork import SubcontractRequestForm
from ..models import Activity, Evaluation, Evidence, Meeting, SubcontractedAssessment


class ActivityInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Activity
    fields = ("mode", "state", "result", "performed_on", "performed_by", "site", "findings")
    verbose_name_plural = _("evaluation activities (§3.2.3)")

    def get_queryset(self, request):
        # The rows' titles name the evaluation: read with it, not once per row.
        return super().get_queryset(request).select_related("evaluation", "performed_by", "site")


class MeetingInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Meeting
    fields = (
        "kind",
        "held_at",
        "recorded_by",
        "attendees",
        "plan_confirmed",
        "restricted_areas",
        "stopping_conditions",
        "conclusion",
        "organization_disagreement",
    )
    verbose_name_plural = _("meetings (§3.3.2.2)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("evaluation", "recorded_by")


class EvidenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Evidence
    fields = ("kind", "recorded_at", "recorded_by", "site", "activity", "text", "photo_links")
    verbose_name_plural = _("evidence (§3.3.2.2)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("evaluation", "recorded_by", "site", "activity__evaluation")
            .prefetch_related("photos")
        )

    @admin.display(description=_("photos"))
    def photo_links(self, evidence):
        links = [
            format_html('<a href="{}">{}</a>', reverse("auditor:evidence_photo", args=[p.pk]), n)
            for n, p in enumerate(evidence.photos.all(), start=1)
        ]
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "—"

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class SubcontractInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SubcontractedAssessment
    fields = ("subcontractor", "mode", "due_on", "state", "overdue")
    show_change_link = True
    verbose_name_plural = _("subcontracted assessments (§3.3.2.1)")

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, assessment):
        return assessment.is_overdue

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("evaluation")


REQUEST_SUBCONTRACT = ObjectAction(
    name="subcontract_request",
    route="subcontracts/request",
    title=_("Request a subcontracted assessment"),
    form_class=SubcontractRequestForm,
    allowed=lambda user, ev: permissions.can_plan(user) and ev.state not in Evaluation.FINAL_STATES,
    may_ever=lambda user, ev: permissions.can_plan(user),
    perform=lambda ev, by, data: services.subcontract_request(evaluation=ev, by=by, **data),
    success=lambda ev, sa: (
        _("%(body)s is asked for its report by %(due)s.")
        % {"body": sa.subcontractor, "due": f"{sa.due_on:%Y-%m-%d}"}
    ),
    refused=_("Nothing is subcontracted for a reported or cancelled evaluation."),
    forbidden=_("Only the certification business subcontracts assessments."),
    help_text=_(
        "§3.3.2.1: an activity the implementation rule lets a subcontracted body carry out, "
        "with the date its report is due. The report is internal: never shown to the organisation."
    ),
)


class OverdueSubcontractFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("report overdue"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        from django.utils import timezone

        return queryset.filter(
            state=SubcontractedAssessment.State.REQUESTED, due_on__lt=timezone.localdate()
        )


@admin.register(SubcontractedAssessment)
class SubcontractedAssessmentAdmin(ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin):
    action_set = SUBCONTRACT_ACTIONS
    view_on_site = False
    list_display = ("evaluation", "subcontractor", "mode", "due_on", "state", "overdue")
    list_filter = (OverdueSubcontractFilter, "state", "mode")
    search_fields = ("evaluation__reference", "subcontractor")
    list_select_related = ("evaluation", "evaluation__organization")
    fields = (
        "evaluation",
        "subcontractor",
        "subcontractor_qualification",
        "mode",
        "scope",
        "due_on",
        "state",
        "requested_by",
        "requested_at",
        "report_link",
        "report_summary",
        "received_at",
        "cancel_reason",
    )
    readonly_fields = fields

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, assessment):
        return assessment.is_overdue

    @admin.display(description=_("report"))
    def report_link(self, assessment):
        if assessment.state != SubcontractedAssessment.State.RECEIVED:
            return "—"
        url = reverse("auditor:subcontract_report", args=[assessment.pk])
        return format_html('<a href="{}">{}</a>', url, assessment.report_name)
