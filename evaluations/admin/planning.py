"""The planners' admin: the auditor register and the planning pages of an evaluation.

The register (qualifications, conflicts of interest) uses the admin's ordinary add and change
forms — a register is data entry — but ``save_model`` hands the row to
:func:`~evaluations.services.register.qualification_save` /
:func:`~evaluations.services.register.conflict_declaration_save`, which check the planner's
permission, validate again and record the actor; nothing is deleted (a qualification ends with
its date, a relation with ``ended_on``). Plans, teams and objections change only through the
object actions below, each calling its service.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import HistoryWithoutRevertMixin, ObjectAction, ReadOnlyInlineMixin

from .. import forms, permissions, services
from ..models import AuditorQualification, ConflictDeclaration, Objection, TeamMember
from ..services.planning import PLANNING_STATES

QUALIFIED_ROLES = tuple(TeamMember.QUALIFIED_ROLES)
OTHER_ROLES = tuple(r for r in TeamMember.Role.values if r not in QUALIFIED_ROLES)


@admin.register(AuditorQualification)
class AuditorQualificationAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    list_display = ("person", "scheme", "role", "technical_area", "valid_from", "valid_until")
    list_filter = ("scheme", "role")
    search_fields = ("person__username", "person__last_name", "registration_number")
    list_select_related = ("person", "scheme")
    autocomplete_fields = ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.qualification_save(qualification=obj, by=request.user)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    list_display = ("person", "organization", "nature", "ended_on", "declared_at")
    list_filter = ("nature",)
    search_fields = ("person__username", "organization__name_zh")
    list_select_related = ("person", "organization")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.conflict_declaration_save(declaration=obj, by=request.user)


class ObjectionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Objection
    fk_name = "evaluation"
    fields = ("member", "reason", "raised_by", "raised_at", "outcome", "resolution_note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__person", "raised_by")


def _planning(user, ev) -> bool:
    return permissions.can_plan(user) and ev.state in PLANNING_STATES


def _ever(user, ev) -> bool:
    return permissions.can_plan(user)


PLANNING_ACTIONS = (
    ObjectAction(
        name="plan",
        route="plan",
        title=_("Plan"),
        form_class=forms.PlanForm,
        form_kwargs=lambda ev, request: {"evaluation": ev},
        allowed=_planning,
        may_ever=_ever,
        perform=lambda ev, by, data: services.evaluation_plan(evaluation=ev, by=by, **data),
        success=lambda ev, result: _("The plan is saved."),
        refused=_("The plan can no longer change."),
        help_text=_("Dates, sites and activities by day (§3.2.2.2–§3.2.2.4)."),
    ),
    ObjectAction(
        name="team_add",
        route="team/add",
        title=_("Add the leader or an auditor"),
        form_class=forms.TeamMemberAddForm,
        form_kwargs=lambda ev, request: {"evaluation": ev, "roles": QUALIFIED_ROLES},
        allowed=_planning,
        may_ever=_ever,
        perform=lambda ev, by, data: services.team_member_add(evaluation=ev, by=by, **data),
        success=lambda ev, member: _("%(member)s is on the team.") % {"member": member},
        refused=_("The team can no longer change."),
        help_text=_(
            "Only people qualified as auditors for the scheme on every visit day and without a "
            "declared conflict with the organisation are offered (§3.2.2.1)."
        ),
    ),
    ObjectAction(
        name="team_add_other",
        route="team/add-other",
        title=_("Add an expert, observer or trainee"),
        form_class=forms.TeamMemberAddForm,
        form_kwargs=lambda ev, request: {"evaluation": ev, "roles": OTHER_ROLES},
        allowed=_planning,
        may_ever=_ever,
        perform=lambda ev, by, data: services.team_member_add(evaluation=ev, by=by, **data),
        success=lambda ev, member: _("%(member)s is on the team.") % {"member": member},
        refused=_("The team can no longer change."),
        help_text=_("§3.2.2.1: technical experts, observers and trainees add no man-days."),
    ),
    ObjectAction(
        name="team_replace",
        route="team/replace",
        title=_("Replace a member"),
        form_class=forms.ReplaceMemberForm,
        form_kwargs=lambda ev, request: {"evaluation": ev},
        allowed=_planning,
        may_ever=_ever,
        perform=lambda ev, by, data: services.team_member_replace(
            member=data["member"], by=by, person=data["person"], reason=data["reason"]
        ),
        success=lambda ev, member: _("%(member)s is on the team.") % {"member": member},
        refused=_("The team can no longer change."),
    ),
    ObjectAction(
        name="objection_resolve",
        route="objections/resolve",
        title=_("Resolve an objection"),
        form_class=forms.ResolveObjectionForm,
        form_kwargs=lambda ev, request: {"evaluation": ev},
        allowed=lambda user, ev: (
            permissions.can_plan(user) and ev.objections.filter(resolved_at__isnull=True).exists()
        ),
        may_ever=_ever,
        perform=lambda ev, by, data: services.objection_resolve(by=by, **data),
        success=lambda ev, objection: _("The objection is decided."),
        refused=_("There is no open objection."),
        help_text=_(
            "§3.2.2.4: replace the member (the plan is notified again) or keep them, saying why."
        ),
    ),
)
