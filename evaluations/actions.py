"""The transitions of evaluations and nonconformities as people see them (admin buttons,
workspace and portal buttons, API ``available_transitions`` and transitions endpoint)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet, RequiredReasonForm

from . import services
from .forms import NotifyPlanForm
from .forms import execution as execution_forms
from .forms import fieldwork as fieldwork_forms

EVALUATION_ACTIONS = ActionSet(
    field_name="state",
    subject="evaluation",
    actions=[
        Action(
            "notify_plan",
            _("Notify the plan"),
            services.evaluation_notify_plan,
            NotifyPlanForm,
            help_text=_(
                "§3.2.2.4: the organisation and the team are notified of the dates, sites, plan "
                "and team; the organisation may object to a member until the visit starts."
            ),
        ),
        Action(
            "accept_plan",
            _("Accept the plan and team"),
            services.evaluation_accept_plan,
            help_text=_(
                "§3.2.2.4: you agree to the visit dates, sites, plan and team. To object to a "
                "member instead, use “Object to this member”."
            ),
        ),
        Action(
            "cancel",
            _("Cancel the evaluation"),
            services.evaluation_cancel,
            RequiredReasonForm,
            style="danger",
        ),
        Action(
            "start_document_review",
            _("Start the document review"),
            services.evaluation_start_document_review,
        ),
        Action(
            "request_rectification",
            _("Request document rectification"),
            services.evaluation_request_rectification,
            execution_forms.RectificationForm,
            style="secondary",
        ),
        Action(
            "resubmit_documents",
            _("Hand in the corrected documents"),
            services.evaluation_resubmit_documents,
            execution_forms.ResubmitForm,
        ),
        Action(
            "start_on_site",
            _("Hold the opening meeting and start on site"),
            services.evaluation_start_on_site,
            execution_forms.OpeningMeetingForm,
        ),
        Action(
            "close_on_site",
            _("Close the visit to wait for corrective actions"),
            services.evaluation_close_on_site,
            execution_forms.CloseOnSiteForm,
            style="secondary",
        ),
        Action(
            "submit_report",
            _("Submit the evaluation report"),
            services.evaluation_submit_report,
            execution_forms.SubmitReportForm,
        ),
    ],
)

NONCONFORMITY_ACTIONS = ActionSet(
    field_name="state",
    subject="nonconformity",
    actions=[
        Action(
            "answer",
            _("Answer the nonconformity"),
            services.nonconformity_answer,
            execution_forms.AnswerForm,
        ),
        Action(
            "verify",
            _("Verify the corrective action"),
            services.nonconformity_verify,
            execution_forms.VerifyForm,
        ),
        Action(
            "send_back",
            _("Send the answer back"),
            services.nonconformity_send_back,
            RequiredReasonForm,
            style="danger",
        ),
    ],
)

ACTIVITY_ACTIONS = ActionSet(
    field_name="state",
    subject="activity",
    actions=[
        Action(
            "record_result",
            _("Record the result"),
            services.activity_record_result,
            fieldwork_forms.ActivityResultForm,
            help_text=_(
                "§3.2.3: who did it (you), when, the result and the findings; recording again "
                "corrects it until the report is submitted."
            ),
        ),
    ],
)

SUBCONTRACT_ACTIONS = ActionSet(
    field_name="state",
    subject="assessment",
    actions=[
        Action(
            "receive",
            _("Record the report received"),
            services.subcontract_receive,
            fieldwork_forms.SubcontractReceiveForm,
            help_text=_(
                "§3.3.2.1: the subcontracted body's report; the team and the CB read it, never "
                "the organisation."
            ),
        ),
        Action(
            "cancel",
            _("Cancel the subcontracted assessment"),
            services.subcontract_cancel,
            RequiredReasonForm,
            style="danger",
        ),
    ],
)
