"""Staff screens for notifications and cases: read here, changed only by their services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cesi_cert.admin_tools import (
    ACTION_FORM_TEMPLATE,
    ObjectAction,
    ObjectActionsMixin,
    ReadOnlyInlineMixin,
    ServiceOnlyAdminMixin,
    TransitionAdminMixin,
)
from cesi_cert.errors import DomainError
from cesi_cert.forms import add_domain_errors

from . import permissions, services
from .actions import (
    CASE_ACTIONS,
    CHANGE_ACTIONS,
    NOTICE_ACTIONS,
    REDUCTION_ACTIONS,
    REQUIREMENT_CHANGE_ACTIONS,
    REQUIREMENT_VERIFICATION_ACTIONS,
)
from .forms import (
    CaseOpenForm,
    CombineExtensionForm,
    ExtraSurveillanceForm,
    NoticeOpenForm,
    RequirementChangeForm,
    ScopeReductionOpenForm,
)
from .models import (
    Case,
    ChangeRequest,
    ChangeRequestAttachment,
    ExtraSurveillance,
    NoticeAttachment,
    OrganizationNotice,
    RequirementChange,
    RequirementVerification,
    ScopeReduction,
    ScopeReductionAttachment,
    SurveillanceCycle,
)


class OpenViewMixin:
    """A page on the change list that creates a row through a service ("open one")."""

    open_form_class = None
    open_title = ""
    change_list_template = "admin/surveillance/change_list_with_open.html"

    def may_open(self, user) -> bool:
        raise NotImplementedError

    def perform_open(self, by, cleaned):
        raise NotImplementedError

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "open/",
                self.admin_site.admin_view(self.open_view),
                name=f"{opts.app_label}_{opts.model_name}_open",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "open_title": self.open_title}
        if self.may_open(request.user):
            opts = self.model._meta
            extra["open_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_open")
        return super().changelist_view(request, extra_context=extra)

    def open_view(self, request):
        if not self.may_open(request.user):
            raise PermissionDenied
        opts = self.model._meta
        form = self.open_form_class(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            try:
                obj = self.perform_open(request.user, form.cleaned_data)
            except DomainError as err:
                if err.code != DomainError.INVALID:
                    messages.error(request, err.message)
                    return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                add_domain_errors(form, err)
            else:
                if obj is None:
                    messages.warning(request, _("An open one exists already."))
                    return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                messages.success(request, _("%(object)s is opened.") % {"object": obj})
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": self.open_title,
            "opts": opts,
            "original": self.open_title,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
            ),
            "form": form,
            "errors": helpers.AdminErrorList(form, []),
            "submit_label": self.open_title,
            "style": "primary",
            "media": self.media + form.media,
            "has_file_field": True,
            "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


@admin.display(description=_("late"), boolean=True)
def _late(notice):
    return notice.late


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = NoticeAttachment
    fields = ("download", "size", "uploader", "uploaded_at")

    @admin.display(description=_("file"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>', attachment.get_download_url(), attachment.original_name
        )

    # The model's field has no translated name (its column heading read "UPLOADED BY").
    @admin.display(description=_("uploaded by"))
    def uploader(self, attachment):
        return attachment.uploaded_by

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@admin.register(OrganizationNotice)
class OrganizationNoticeAdmin(
    OpenViewMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    action_set = NOTICE_ACTIONS
    open_form_class = NoticeOpenForm
    open_title = _("Open a notification learned elsewhere")
    view_on_site = False
    list_display = (
        "reference",
        "organization",
        "kind",
        "occurred_at",
        "due_at",
        "notified_at",
        _late,
        "state",
    )
    list_filter = ("kind", "late", "state", "source")
    search_fields = ("reference", "organization__name_zh", "organization__credit_code")
    list_select_related = ("organization",)
    inlines = (AttachmentInline,)
    fields = (
        "reference",
        "organization",
        "certificate",
        "kind",
        "occurred_at",
        "due_at",
        "notified_at",
        "late",
        "special_reason",
        "description",
        "organization_account",
        "source",
        "source_note",
        "reported_by",
        "decision",
        "decision_reason",
        "decided_by",
        "decided_at",
        "cases_link",
    )
    readonly_fields = fields

    def may_open(self, user):
        return permissions.can_handle_notices(user)

    def perform_open(self, by, cleaned):
        return services.notice_open(by=by, **cleaned)

    @admin.display(description=_("cases"))
    def cases_link(self, notice):
        cases = notice.cases.all()
        if not cases:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{} ({})</a>',
            (
                (
                    reverse("admin:surveillance_case_change", args=[c.pk]),
                    c.reference,
                    c.get_state_display(),
                )
                for c in cases
            ),
        )


@admin.register(Case)
class CaseAdmin(OpenViewMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin):
    action_set = CASE_ACTIONS
    open_form_class = CaseOpenForm
    open_title = _("Open a case")
    view_on_site = False
    list_display = (
        "reference",
        "organization",
        "certificate",
        "proposal",
        "ground",
        "state",
        "created_at",
    )
    list_filter = ("state", "proposal", "ground")
    search_fields = (
        "reference",
        "organization__name_zh",
        "organization__credit_code",
        "certificate__number",
    )
    list_select_related = ("organization", "certificate")
    fields = (
        "reference",
        "organization",
        "certificate_link",
        "proposal",
        "ground",
        "notice_link",
        "sweep",
        "note",
        "opened_by",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    readonly_fields = fields

    def may_open(self, user):
        return permissions.can_open_case(user)

    def perform_open(self, by, cleaned):
        return services.case_open(by=by, **cleaned)

    #: §5: the accept button says what it does to the certificate.
    ACCEPT_LABELS = {
        Case.Proposal.SUSPENSION: _("Accept and suspend"),
        Case.Proposal.WITHDRAWAL: _("Accept and withdraw"),
    }

    def transition_label(self, obj, action):
        # The button, the form's title and submit button and the message all say the same.
        if action.name == "accept" and obj.proposal in self.ACCEPT_LABELS:
            return self.ACCEPT_LABELS[obj.proposal]
        return super().transition_label(obj, action)

    def transition_form(self, obj, action, *args, **kwargs):
        """Accepting asks only what this case's action on the certificate needs (§5): the
        period for a suspension (§5.1.3), the consent for withdrawing a suspended certificate
        (§5.1.4), the certificate's ground only when the case's own ground is not one, and from
        the proposal's own list (§5.1.1 or §5.2.1)."""
        form = super().transition_form(obj, action, *args, **kwargs)
        if action.name != "accept":
            return form
        from certificates.models import Certificate

        from .services.cases import SUSPENSION_GROUNDS, WITHDRAWAL_GROUNDS

        drop = set()
        if obj.proposal != Case.Proposal.SUSPENSION:
            drop.add("until")
        suspended = obj.certificate_id and obj.certificate.state == Certificate.State.SUSPENDED
        if obj.proposal != Case.Proposal.WITHDRAWAL or not suspended:
            drop.add("consent")
        mapped = {Case.Proposal.SUSPENSION: SUSPENSION_GROUNDS}.get(
            obj.proposal, WITHDRAWAL_GROUNDS
        )
        if obj.proposal == Case.Proposal.OTHER or obj.ground in mapped:
            drop.add("certificate_ground")
        else:
            field = form.fields["certificate_ground"]
            field.choices = [
                choice
                for choice in field.choices
                if not choice[0] or str(choice[1][0][0]).startswith(f"{obj.proposal}:")
            ]
            field.required = True
            field.help_text = _(
                "The case's ground is not one of §5.1.1 or §5.2.1: choose the ground the "
                "certificate is suspended or withdrawn on."
            )
        for name in drop:
            del form.fields[name]
        return form

    def transition_buttons(self, request, obj):
        buttons = super().transition_buttons(request, obj)
        for button in buttons:
            if button["name"] == "accept" and obj.proposal in self.ACCEPT_LABELS:
                button["style"] = "danger"
        return buttons

    @admin.display(description=_("certificate"))
    def certificate_link(self, case):
        if not case.certificate_id:
            return "—"
        url = reverse("admin:certificates_certificate_change", args=[case.certificate_id])
        return format_html(
            '<a href="{}">{} ({})</a>',
            url,
            case.certificate.number,
            case.certificate.get_state_display(),
        )

    @admin.display(description=_("notification"))
    def notice_link(self, case):
        if not case.notice_id:
            return "—"
        url = reverse("admin:surveillance_organizationnotice_change", args=[case.notice_id])
        return format_html('<a href="{}">{}</a>', url, case.notice.reference)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        overdue = {"state": SurveillanceCycle.State.OPEN, "ends_on__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


#: §3.5.5.2 d: staff combine a scope extension's evaluation with the certificate's open cycle.
COMBINE_WITH_EXTENSION = ObjectAction(
    name="combine_extension",
    route="combine-extension",
    title=_("Combine with a scope extension evaluation"),
    form_class=CombineExtensionForm,
    form_kwargs=lambda cycle, request: {"cycle": cycle},
    allowed=lambda user, cycle: (
        permissions.can_combine_cycle(user)
        and cycle.state == SurveillanceCycle.State.OPEN
        and not cycle.evaluation_id
    ),
    may_ever=lambda user, cycle: permissions.can_combine_cycle(user),
    perform=lambda cycle, by, data: services.cycle_combine_with_extension(
        cycle=cycle, evaluation=data["evaluation"], by=by
    ),
    success=lambda cycle, result: _(
        "The extension evaluation is this cycle's surveillance: its grant satisfies the cycle."
    ),
    refused=_("Only an open cycle without a surveillance evaluation of its own is combined."),
    forbidden=_("Only customer service and certification business combine evaluations."),
    help_text=_(
        "§3.5.5.2 d: the extension is evaluated together with this surveillance; one grant "
        "satisfies the cycle and replaces the certificate."
    ),
)


@admin.register(SurveillanceCycle)
class SurveillanceCycleAdmin(ObjectActionsMixin, ServiceOnlyAdminMixin, SimpleHistoryAdmin):
    """§3.4.2: read only — cycles change by the system (the issue, the sweeps, the grant); staff
    may only combine an open cycle with a scope extension's evaluation (§3.5.5.2 d)."""

    view_on_site = False
    object_actions = (COMBINE_WITH_EXTENSION,)
    change_form_template = "admin/surveillance/surveillancecycle/change_form.html"
    list_display = (
        "certificate_link",
        "number",
        "starts_on",
        "ends_on",
        "state",
        "evaluation_link",
    )
    list_filter = ("state", OverdueFilter)
    search_fields = ("certificate__number", "certificate__organization_name")
    list_select_related = ("certificate", "evaluation")
    fields = (
        "certificate_link",
        "number",
        "starts_on",
        "ends_on",
        "state",
        "evaluation_link",
        "closed_on",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("certificate"), ordering="certificate__number")
    def certificate_link(self, cycle):
        url = reverse("admin:certificates_certificate_change", args=[cycle.certificate_id])
        return format_html('<a href="{}">{}</a>', url, cycle.certificate.number)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, cycle):
        return cycle.overdue

    @admin.display(description=_("surveillance evaluation"))
    def evaluation_link(self, cycle):
        if not cycle.evaluation_id:
            return "—"
        url = reverse("admin:evaluations_evaluation_change", args=[cycle.evaluation_id])
        return format_html('<a href="{}">{}</a>', url, cycle.evaluation.reference)


# --- change requests (§3.4.4) and scope reductions (§3.4.6) ---------------------------------


class ChangeAttachmentInline(AttachmentInline):
    model = ChangeRequestAttachment


class ReductionAttachmentInline(AttachmentInline):
    model = ScopeReductionAttachment


def _link(admin_name, pk, text):
    if not pk:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse(admin_name, args=[pk]), text)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin):
    """§3.4.4: review, choose the evaluation methods, approve or reject — by the buttons, which
    run the services."""

    action_set = CHANGE_ACTIONS
    view_on_site = False
    # What a clerk looks for first (the reference, the state) comes first: the clause-long
    # kind pushes the rest of the row beyond the filters at 1280 px.
    list_display = ("reference", "state", "certificate", "organization", "kind", "created_at")
    list_filter = ("state", "kind")
    search_fields = ("reference", "certificate__number", "organization__name_zh")
    list_select_related = ("organization", "certificate")
    inlines = (ChangeAttachmentInline,)
    fields = (
        "reference",
        "organization",
        "certificate",
        "kind",
        "description",
        "new_name_zh",
        "new_name_en",
        "new_address_zh",
        "new_address_en",
        "new_level",
        "new_scope",
        "methods_list",
        "submitted_by",
        "created_at",
        "evaluation_link",
        "application_link",
        "version",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    readonly_fields = fields

    @admin.display(description=_("evaluation methods"))
    def methods_list(self, cr):
        return ", ".join(cr.methods_display()) or "—"

    @admin.display(description=_("change evaluation"))
    def evaluation_link(self, cr):
        return _link(
            "admin:evaluations_evaluation_change",
            cr.evaluation_id,
            cr.evaluation.reference if cr.evaluation_id else "",
        )

    @admin.display(description=_("level-change application"))
    def application_link(self, cr):
        return _link(
            "admin:applications_application_change",
            cr.application_id,
            cr.application.reference if cr.application_id else "",
        )


@admin.register(ScopeReduction)
class ScopeReductionAdmin(
    OpenViewMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    """§3.4.6: a committee member approves or refuses; staff open one for a nonconformity."""

    action_set = REDUCTION_ACTIONS
    open_form_class = ScopeReductionOpenForm
    open_title = _("Open a scope reduction (§3.4.6 a)")
    view_on_site = False
    # What a clerk looks for first (the reference, the state) comes first: the clause-long
    # condition pushes the rest of the row beyond the filters at 1280 px.
    list_display = ("reference", "state", "certificate", "organization", "condition", "created_at")
    list_filter = ("state", "condition")
    search_fields = ("reference", "certificate__number", "organization__name_zh")
    list_select_related = ("organization", "certificate")
    inlines = (ReductionAttachmentInline,)
    fields = (
        "reference",
        "organization",
        "certificate",
        "condition",
        "reason",
        "sites_removed",
        "new_scope",
        "requested_by",
        "created_at",
        "version",
        "decided_by",
        "decided_at",
        "decision_comment",
    )
    readonly_fields = fields

    def may_open(self, user):
        return permissions.can_open_reduction(user)

    def perform_open(self, by, cleaned):
        return services.scope_reduction_open(by=by, **cleaned)

    @admin.display(description=_("sites removed"))
    def sites_removed(self, reduction):
        return ", ".join(s.name for s in reduction.removed_sites.all()) or "—"


@admin.register(RequirementChange)
class RequirementChangeAdmin(
    OpenViewMixin, ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin
):
    """§3.4.7: drafted here, published with the button (through the service)."""

    action_set = REQUIREMENT_CHANGE_ACTIONS
    open_form_class = RequirementChangeForm
    open_title = _("Record a change of certification requirements")
    view_on_site = False
    list_display = ("reference", "scheme", "title", "effective_on", "verify_by", "state")
    list_filter = ("state", "scheme")
    search_fields = ("reference", "title")
    list_select_related = ("scheme",)
    fields = (
        "reference",
        "scheme",
        "title",
        "description",
        "effective_on",
        "verify_by",
        "created_by",
        "published_by",
        "published_at",
        "verifications_link",
    )
    readonly_fields = fields

    def may_open(self, user):
        return permissions.can_manage_requirements(user)

    def perform_open(self, by, cleaned):
        return services.requirement_change_create(by=by, **cleaned)

    @admin.display(description=_("verifications"))
    def verifications_link(self, change):
        url = reverse("admin:surveillance_requirementverification_changelist")
        return format_html(
            '<a href="{}?change__id__exact={}">{}</a>', url, change.pk, change.verifications.count()
        )


@admin.register(RequirementVerification)
class RequirementVerificationAdmin(ServiceOnlyAdminMixin, TransitionAdminMixin, SimpleHistoryAdmin):
    action_set = REQUIREMENT_VERIFICATION_ACTIONS
    view_on_site = False
    list_display = ("change", "certificate", "organization", "state", "answered_at")
    list_filter = ("state", "change", "change__scheme")
    search_fields = ("change__reference", "certificate__number", "organization__name_zh")
    list_select_related = ("change", "certificate", "organization")
    fields = (
        "change",
        "certificate",
        "organization",
        "note",
        "attachment_link",
        "answered_by",
        "answered_at",
        "verified_by",
        "verified_at",
    )
    readonly_fields = fields

    @admin.display(description=_("attachment"))
    def attachment_link(self, verification):
        if not verification.attachment:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', verification.get_download_url(), verification.attachment_name
        )


@admin.register(ExtraSurveillance)
class ExtraSurveillanceAdmin(OpenViewMixin, ServiceOnlyAdminMixin, SimpleHistoryAdmin):
    """§3.4.2 special cases: add an extra surveillance evaluation (through the service)."""

    open_form_class = ExtraSurveillanceForm
    open_title = _("Add an extra surveillance")
    view_on_site = False
    list_display = ("certificate", "due_on", "evaluation", "requested_by", "created_at")
    search_fields = ("certificate__number", "evaluation__reference")
    list_select_related = ("certificate", "evaluation", "requested_by")
    fields = ("certificate", "evaluation", "reason", "due_on", "requested_by", "created_at")
    readonly_fields = fields

    def may_open(self, user):
        return permissions.can_manage_requirements(user)

    def perform_open(self, by, cleaned):
        return services.surveillance_add_extra(by=by, **cleaned)
