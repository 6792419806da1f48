"""The certificate's transitions as people see them (admin buttons, API
``available_transitions`` and transitions endpoint)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.transitions import Action, ActionSet

from .. import services
from ..forms import ReinstateForm, SuspendForm, WithdrawForm

CERTIFICATE_ACTIONS = ActionSet(
    field_name="state",
    subject="certificate",
    actions=[
        Action(
            "suspend",
            _("Suspend the certificate"),
            services.certificate_suspend,
            SuspendForm,
            style="danger",
            help_text=_(
                "§5.1: the organisation is sent the notice of change; the certificate shows as "
                "suspended on the public pages."
            ),
        ),
        Action(
            "reinstate",
            _("Reinstate the certificate"),
            services.certificate_reinstate,
            ReinstateForm,
            help_text=_("§5.1.4: once the correction is verified."),
        ),
        Action(
            "withdraw",
            _("Withdraw the certificate"),
            services.certificate_withdraw,
            WithdrawForm,
            style="danger",
            help_text=_(
                "§5.2: the organisation is sent the notice of change and asked to return the "
                "certificate documents."
            ),
        ),
    ],
)
