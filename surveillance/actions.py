"""The transitions of notifications and cases as people see them (admin buttons, portal
buttons, API ``available_transitions`` and transitions endpoint)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet, ReasonForm, RequiredReasonForm

from . import services
from .forms import (
    CaseAcceptForm,
    CommentForm,
    ConfirmConformityForm,
    DecideForm,
    MethodsForm,
    NotifyForm,
    RefuseRequirementsForm,
)

NOTICE_ACTIONS = ActionSet(
    field_name="state",
    subject="notice",
    actions=[
        Action(
            "notify",
            _("Notify the certification body"),
            services.notice_notify,
            NotifyForm,
            help_text=_(
                "§3.4.3: a and b within 48 hours of the event (one week with a special reason), "
                "c and d within one month."
            ),
        ),
        Action("start_review", _("Start the review"), services.notice_start_review, ReasonForm),
        Action(
            "decide",
            _("Decide"),
            services.notice_decide,
            DecideForm,
            help_text=_(
                "§3.4.3: no action, an investigation, a change evaluation (§3.4.4), or a "
                "proposal to suspend or withdraw (§5), which opens a case."
            ),
        ),
    ],
)

CASE_ACTIONS = ActionSet(
    field_name="state",
    subject="case",
    actions=[
        Action(
            "accept",
            _("Accept the proposal"),
            services.case_accept,
            CaseAcceptForm,
            help_text=_(
                "A proposal to suspend or withdraw is carried out on the case's certificate at "
                "once (§5)."
            ),
        ),
        Action(
            "dismiss", _("Dismiss the case"), services.case_dismiss, RequiredReasonForm, "danger"
        ),
    ],
)

CHANGE_ACTIONS = ActionSet(
    field_name="state",
    subject="change_request",
    actions=[
        Action(
            "start_review",
            _("Start the review"),
            services.change_request_start_review,
            ReasonForm,
        ),
        Action(
            "evaluate",
            _("Evaluate the change"),
            services.change_request_evaluate,
            MethodsForm,
            help_text=_(
                "§3.4.4: choose the evaluation methods; beyond a document check, a change "
                "evaluation is opened and the committee's decision on it decides the request."
            ),
        ),
        Action(
            "approve",
            _("Approve the change"),
            services.change_request_approve,
            ReasonForm,
            help_text=_(
                "After a document check only. The certificate is reissued; a level increase "
                "starts a level-change application instead (§3.4.4)."
            ),
        ),
        Action(
            "reject",
            _("Reject the change"),
            services.change_request_reject,
            RequiredReasonForm,
            "danger",
        ),
        Action(
            "withdraw",
            _("Withdraw the request"),
            services.change_request_withdraw,
            ReasonForm,
            "danger",
        ),
    ],
)

REDUCTION_ACTIONS = ActionSet(
    field_name="state",
    subject="reduction",
    actions=[
        Action(
            "approve",
            _("Approve the reduction"),
            services.scope_reduction_approve,
            CommentForm,
            help_text=_(
                "§3.4.6: the certificate is reissued without the removed part; its "
                "registration number and validity stay."
            ),
        ),
        Action(
            "refuse",
            _("Refuse the reduction"),
            services.scope_reduction_refuse,
            CommentForm,
            "danger",
        ),
        Action(
            "withdraw",
            _("Withdraw the request"),
            services.scope_reduction_withdraw,
            ReasonForm,
            "danger",
        ),
    ],
)

REQUIREMENT_CHANGE_ACTIONS = ActionSet(
    field_name="state",
    subject="change",
    actions=[
        Action(
            "publish",
            _("Publish to the certificate holders"),
            services.requirement_change_publish,
            ReasonForm,
            help_text=_(
                "§3.4.7: every holder of a valid or suspended certificate of the scheme is told "
                "and asked to confirm its conformity."
            ),
        ),
    ],
)

REQUIREMENT_VERIFICATION_ACTIONS = ActionSet(
    field_name="state",
    subject="verification",
    actions=[
        Action(
            "confirm",
            _("Confirm conformity"),
            services.requirement_verification_confirm,
            ConfirmConformityForm,
        ),
        Action(
            "refuse",
            _("We do not want to meet the new requirements"),
            services.requirement_verification_refuse,
            RefuseRequirementsForm,
            "danger",
            help_text=_("§5.2.1 i: a case proposing withdrawal of the certificate is opened."),
        ),
        Action(
            "verify",
            _("Verify the conformity"),
            services.requirement_verification_verify,
            ReasonForm,
        ),
    ],
)
