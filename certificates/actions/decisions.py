"""The decision's transitions as people see them: committee workspace buttons, admin buttons,
API ``available_transitions`` and transitions endpoint."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import forbidden
from cesi_cert.transitions import Action, ActionSet

from .. import services
from ..forms.decisions import ConfirmConditionForm, RefusalNoticeForm, VoteForm
from ..permissions import decisions as permissions

#: The transitions a committee member barred from a decision (ISO/IEC 17065 7.6) may not run.
TAKING_PART = ("confirm_condition", "vote")


class DecisionActionSet(ActionSet):
    """Refuses a barred member's vote or confirmation saying why (403), before the generic
    "not at this stage" the kernel would give — the same message in workspace, admin and API."""

    def perform(self, obj, name, *, by, data=None, files=None):
        refuse_if_barred(obj, name, by)
        return super().perform(obj, name, by=by, data=data, files=files)


def refuse_if_barred(decision, name: str, by) -> None:
    if name in TAKING_PART and permissions.is_committee_member(by):
        why = permissions.why_barred(by, decision)
        if why:
            raise forbidden(why)


DECISION_ACTIONS = DecisionActionSet(
    field_name="state",
    subject="decision",
    actions=[
        Action(
            "start_review",
            _("Start the review"),
            services.decision_start_review,
            help_text=_("§3.3: the committee reviews the full evaluation dossier."),
        ),
        Action(
            "confirm_condition",
            _("Confirm a condition"),
            services.decision_confirm_condition,
            ConfirmConditionForm,
            style="secondary",
            help_text=_("§3.3 a–e: every condition must be confirmed before a grant."),
        ),
        Action(
            "open_voting",
            _("Open the vote"),
            services.decision_open_voting,
        ),
        Action(
            "vote",
            _("Vote"),
            services.decision_vote,
            VoteForm,
            help_text=_("You may change your vote while the vote is open."),
        ),
        Action(
            "close_voting",
            _("Close the vote"),
            services.decision_close_voting,
            style="secondary",
            help_text=_(
                "The outcome follows from the votes: the quorum and majority are settings; a "
                "grant needs every condition a–e confirmed."
            ),
        ),
        Action(
            "send_refusal_notice",
            _("Send the refusal notice"),
            services.decision_send_refusal_notice,
            RefusalNoticeForm,
            style="danger",
            help_text=_(
                "§3.3: the organisation receives the written notice with the reasons, as a PDF "
                "in the portal and by e-mail."
            ),
        ),
    ],
)
