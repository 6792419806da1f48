"""The application's transitions as people see them (admin buttons, portal, API)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet

from . import forms, services

APPLICATION_ACTIONS = ActionSet(
    field_name="state",
    subject="application",
    actions=[
        Action("submit", _("Submit"), services.application_submit, forms.SubmitForm),
        Action("start_review", _("Start review"), services.application_start_review),
        Action(
            "accept",
            _("Accept"),
            services.application_accept,
            forms.AcceptForm,
            help_text=_("§3.1.4: the requirements are clear and the CB is able to do the work."),
        ),
        Action(
            "confirm_extension_condition",
            _("Confirm an extension condition"),
            services.application_confirm_extension_condition,
            forms.ExtensionConditionForm,
            style="secondary",
            help_text=_(
                "§3.5.5.1: a and b are your judgement; c only while the incident register finds "
                "nothing in the last 12 months."
            ),
        ),
        Action(
            "request_changes",
            _("Request changes"),
            services.application_request_changes,
            forms.RequestChangesForm,
            style="secondary",
        ),
        Action(
            "sign_contract",
            _("Record signed contract"),
            services.application_sign_contract,
            forms.SignContractForm,
        ),
        Action(
            "reject", _("Reject"), services.application_reject, forms.RejectForm, style="danger"
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            services.application_withdraw,
            forms.WithdrawForm,
            style="danger",
            # §3.1: the applicant withdraws; staff only record a withdrawal the applicant asked for.
            staff_label=_("Record the applicant's withdrawal"),
            staff_style="secondary",
        ),
    ],
)
