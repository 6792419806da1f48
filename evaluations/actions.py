"""The transitions of evaluations and nonconformities as people see them (admin buttons,
workspace and portal buttons, API ``available_transitions`` and transitions endpoint)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet, RequiredReasonForm

from . import services
from .forms import NotifyPlanForm

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
            "cancel",
            _("Cancel the evaluation"),
            services.evaluation_cancel,
            RequiredReasonForm,
            style="danger",
        ),
    ],
)

NONCONFORMITY_ACTIONS = ActionSet(field_name="state", subject="nonconformity", actions=[])
