"""The transitions of evaluations and nonconformities as people see them (admin buttons,
workspace and portal buttons, API ``available_transitions`` and transitions endpoint)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet, RequiredReasonForm

from . import services

EVALUATION_ACTIONS = ActionSet(
    field_name="state",
    subject="evaluation",
    actions=[
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
