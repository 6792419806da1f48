"""Decisions in the admin (§3.3): the condition checklist, the votes and the timeline, read
only; start the review, confirm a condition, open and close the vote, send the refusal notice —
each a button running the same service as the committee workspace and the API. A made decision
changes only by a new decision (an object action of customer service)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)

from .. import services
from ..actions.decisions import DECISION_ACTIONS
from ..forms.decisions import NewDecisionForm
from ..models import ConditionCheck, Decision, Vote
from ..permissions import decisions as permissions


class ConditionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ConditionCheck
    fields = ("condition", "confirmed_by", "confirmed_at", "note")
    verbose_name_plural = _("conditions of §3.3 confirmed")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("confirmed_by")


class VoteInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Vote
    fields = ("voter", "choice", "comment", "cast_at", "changed_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("voter")


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        from django.utils import timezone

        return queryset.filter(state__in=Decision.OPEN_STATES, due_on__lt=timezone.localdate())


OPEN_NEW = ObjectAction(
    name="open_new",
    route="open-new",
    title=_("Open a new decision"),
    form_class=NewDecisionForm,
    allowed=lambda user, d: (
        permissions.can_open_new_decision(user)
        and d.is_made
        and not d.superseded_by.filter(state__in=Decision.OPEN_STATES).exists()
    ),
    may_ever=lambda user, d: permissions.can_open_new_decision(user),
    perform=lambda d, by, data: services.decision_open_new(previous=d, by=by, **data),
    success=lambda d, new: (
        _("Decision %(ref)s is open for the committee.") % {"ref": new.reference}
    ),
    refused=_("Only a made decision is replaced by a new one, and only once at a time."),
    help_text=_(
        "A made decision is locked. To change it, the committee reviews the dossier and votes "
        "again on a new decision."
    ),
)


@admin.register(Decision)
class DecisionAdmin(
    ObjectActionsMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    action_set = DECISION_ACTIONS
    object_actions = (OPEN_NEW,)
    view_on_site = False
    list_display = (
        "reference",
        "evaluation_reference",
        "organization",
        "state",
        "due_on",
        "decided_at",
    )
    list_filter = (OverdueFilter, "state")
    search_fields = ("reference", "evaluation__reference", "organization__name_zh")
    list_select_related = ("evaluation", "organization")
    inlines = (ConditionInline, VoteInline)
    fields = (
        "reference",
        "evaluation",
        "report_link",
        "organization",
        "state",
        "supersedes",
        "opened_at",
        "due_on",
        "review_started_at",
        "voting_opened_at",
        "decided_at",
        "decided_by",
        "approvals",
        "rejections",
        "abstentions",
        "refusal_reasons",
        "refusal_notice_sent_at",
        "notice_link",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("evaluation", "organization", "decided_by", "supersedes")
        )

    @admin.display(description=_("evaluation"), ordering="evaluation__reference")
    def evaluation_reference(self, decision):
        return decision.evaluation.reference

    @admin.display(description=_("evaluation report (PDF)"))
    def report_link(self, decision):
        url = reverse("auditor:evaluation_report", args=[decision.evaluation_id])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @admin.display(description=_("refusal notice (PDF)"))
    def notice_link(self, decision):
        if not decision.refusal_notice_pdf:
            return "—"
        url = reverse("admin:certificates_decision_notice", args=[decision.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<path:object_id>/refusal-notice.pdf",
                self.admin_site.admin_view(self.notice_view),
                name="certificates_decision_notice",
            ),
            *super().get_urls(),
        ]

    def notice_view(self, request, object_id):
        from django.http import Http404

        from cesi_cert.files import serve_private_file

        decision = self.get_object(request, object_id)
        if decision is None or not self.has_view_permission(request, decision):
            raise Http404
        if not decision.refusal_notice_pdf:
            raise Http404
        return serve_private_file(
            decision.refusal_notice_pdf,
            download_name=f"{decision.reference}-refusal-notice.pdf",
            content_type="application/pdf",
        )
