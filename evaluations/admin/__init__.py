"""Staff screens for evaluations: read here, changed only by their actions and services."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from applications import permissions as application_permissions
from cesi_cert.admin_tools import (
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)

from .. import services
from ..actions import EVALUATION_ACTIONS
from ..models import Evaluation, Nonconformity, TeamMember
from .fieldwork import (
    REQUEST_SUBCONTRACT,
    ActivityInline,
    EvidenceInline,
    MeetingInline,
    SubcontractInline,
)
from .planning import PLANNING_ACTIONS, ObjectionInline


class TeamInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TeamMember
    fields = ("person", "role", "man_days", "added_at", "removed_at", "removed_reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class ConfirmForm(forms.Form):
    """An action without fields: the button confirms it."""


PUBLISH_REPORT = ObjectAction(
    name="publish_report",
    route="report/publish",
    title=_("Publish the report to the organisation"),
    form_class=ConfirmForm,
    allowed=lambda user, ev: (
        application_permissions.can_review(user)
        and ev.state == Evaluation.State.REPORTED
        and ev.report_published_at is None
    ),
    may_ever=lambda user, ev: application_permissions.can_review(user),
    perform=lambda ev, by, data: services.evaluation_publish_report(evaluation=ev, by=by),
    success=lambda ev, result: _("The organisation can now read the report."),
    refused=_("Only a submitted report, not yet published, can be published."),
    help_text=_("The organisation's members are notified and can download the PDF in the portal."),
    submit_label=_("Publish"),
)


class OverdueFilter(admin.SimpleListFilter):
    """Evaluations with a nonconformity past its answer date (shown as overdue everywhere)."""

    title = _("nonconformities")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("with an overdue nonconformity"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        overdue = Nonconformity.objects.filter(
            state__in=(Nonconformity.State.OPEN, Nonconformity.State.RETURNED),
            due_on__lt=timezone.localdate(),
        ).values("evaluation")
        return queryset.filter(pk__in=overdue)


class LeaderFilter(admin.SimpleListFilter):
    title = _("team leader")
    parameter_name = "leader"

    def lookups(self, request, model_admin):
        leaders = (
            TeamMember.objects.filter(role=TeamMember.Role.LEADER, removed_at__isnull=True)
            .values_list("person_id", "person__first_name", "person__username")
            .distinct()
            .order_by("person__username")
        )
        return [(str(pk), first or username) for pk, first, username in leaders]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isascii() or not value.isdigit():
            return queryset
        return queryset.filter(
            team__person_id=int(value), team__role=TeamMember.Role.LEADER, team__removed_at=None
        )


@admin.register(Evaluation)
class EvaluationAdmin(
    ObjectActionsMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    action_set = EVALUATION_ACTIONS
    object_actions = (*PLANNING_ACTIONS, REQUEST_SUBCONTRACT, PUBLISH_REPORT)
    change_form_template = "admin/evaluations/evaluation/change_form.html"
    view_on_site = False
    list_display = ("reference", "organization", "scheme", "kind", "state", "starts_on")
    list_filter = (OverdueFilter, LeaderFilter, "state", "kind", "scheme")
    search_fields = ("reference", "organization__name_zh", "organization__credit_code")
    list_select_related = ("organization", "scheme")
    inlines = (
        TeamInline,
        ObjectionInline,
        ActivityInline,
        SubcontractInline,
        MeetingInline,
        EvidenceInline,
    )
    fields = (
        "reference",
        "organization",
        "scheme",
        "application",
        "kind",
        "state",
        "sites",
        "starts_on",
        "ends_on",
        "plan",
        "service_running_confirmed",
        "sample_size_offered",
        "sample_size",
        "sample_override_reason",
        "sampled_at_random",
        "planned_by",
        "plan_notified_at",
        "plan_accepted_at",
        "plan_accepted_by",
        "conclusion",
        "conclusion_notes",
        "organization_disagreement",
        "reported_at",
        "report_link",
        "report_published_at",
        "cancel_reason",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # Whether the plan can be accepted asks for the open objections (Evaluation.accept_plan).
        return (
            super()
            .get_queryset(request)
            .select_related("organization", "scheme", "planned_by", "plan_accepted_by")
            .prefetch_related("objections")
        )

    @admin.display(description=_("report (PDF)"))
    def report_link(self, evaluation):
        if evaluation.state != Evaluation.State.REPORTED:
            return "—"
        url = reverse("auditor:evaluation_report", args=[evaluation.pk])
        return format_html('<a href="{}" data-testid="report-pdf">{}</a>', url, _("Download"))
