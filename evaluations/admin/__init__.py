"""Staff screens for evaluations: read here, changed only by their actions and services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)

from ..actions import EVALUATION_ACTIONS
from ..models import Evaluation, TeamMember
from .planning import PLANNING_ACTIONS, ObjectionInline


class TeamInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TeamMember
    fields = ("person", "role", "man_days", "added_at", "removed_at", "removed_reason")


@admin.register(Evaluation)
class EvaluationAdmin(
    ObjectActionsMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    action_set = EVALUATION_ACTIONS
    object_actions = PLANNING_ACTIONS
    change_form_template = "admin/evaluations/evaluation/change_form.html"
    view_on_site = False
    list_display = ("reference", "organization", "scheme", "kind", "state", "starts_on")
    list_filter = ("state", "kind", "scheme")
    search_fields = ("reference", "organization__name_zh", "organization__credit_code")
    list_select_related = ("organization", "scheme")
    inlines = (TeamInline, ObjectionInline)
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
        "planned_by",
        "plan_notified_at",
        "conclusion",
        "conclusion_notes",
        "organization_disagreement",
        "reported_at",
        "cancel_reason",
    )
    readonly_fields = fields
