"""The notices evaluations send (cesi_cert.notifications), rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.notifications import NoticeKind

EVALUATION_OPENED = NoticeKind(
    "evaluation.opened",
    subject=_("Evaluation %(ref)s to plan"),
    body=_("Contract %(contract)s is signed: evaluation %(ref)s of %(org)s is ready for planning."),
)
SURVEILLANCE_OPENED = NoticeKind(
    "evaluation.surveillance_opened",
    subject=_("Surveillance evaluation %(ref)s to plan"),
    body=_("Surveillance evaluation %(ref)s of %(org)s is ready for planning (§3.4.2)."),
)
PLAN_NOTIFIED = NoticeKind(
    "evaluation.plan_notified",
    subject=_("Evaluation plan %(ref)s"),
    body=_(
        "The evaluation plan and team for %(org)s (%(ref)s) are ready: visit %(dates)s. "
        "You may object to a team member before the visit starts."
    ),
)
TEAM_ASSIGNED = NoticeKind(
    "evaluation.team_assigned",
    subject=_("You are on evaluation %(ref)s"),
    body=_("You are %(role)s on evaluation %(ref)s of %(org)s, visit %(dates)s."),
)
PLAN_ACCEPTED = NoticeKind(
    "evaluation.plan_accepted",
    subject=_("Plan %(ref)s accepted"),
    body=_("%(org)s accepted the evaluation plan and team of %(ref)s (visit %(dates)s)."),
)
OBJECTION_RAISED = NoticeKind(
    "evaluation.objection_raised",
    subject=_("Objection to a team member on %(ref)s"),
    body=_("%(org)s objects to %(member)s on evaluation %(ref)s: %(reason)s"),
)
RECTIFICATION_REQUESTED = NoticeKind(
    "evaluation.rectification_requested",
    subject=_("Documents to rectify for %(ref)s"),
    body=_("The document review of %(ref)s found problems to correct by %(due)s: %(findings)s"),
)
DOCUMENTS_RESUBMITTED = NoticeKind(
    "evaluation.documents_resubmitted",
    subject=_("Corrected documents for %(ref)s"),
    body=_("%(org)s handed in corrected documents for %(ref)s; please review them."),
)
NONCONFORMITY_RAISED = NoticeKind(
    "evaluation.nonconformity_raised",
    subject=_("Nonconformity %(number)s on %(ref)s"),
    body=_(
        "Nonconformity %(number)s (%(grade)s) on %(ref)s, clause %(clause)s; answer by %(due)s."
    ),
)
NONCONFORMITY_ANSWERED = NoticeKind(
    "evaluation.nonconformity_answered",
    subject=_("Nonconformity %(number)s on %(ref)s answered"),
    body=_("%(org)s answered nonconformity %(number)s on %(ref)s; please verify it."),
)
NONCONFORMITY_RETURNED = NoticeKind(
    "evaluation.nonconformity_returned",
    subject=_("Nonconformity %(number)s on %(ref)s sent back"),
    body=_("The answer to nonconformity %(number)s on %(ref)s was sent back: %(reason)s"),
)
REPORT_SUBMITTED = NoticeKind(
    "evaluation.report_submitted",
    subject=_("Evaluation report %(ref)s submitted"),
    body=_("The team leader submitted the evaluation report of %(ref)s (%(org)s): %(conclusion)s."),
)
EVALUATION_CANCELLED = NoticeKind(
    "evaluation.cancelled",
    subject=_("Evaluation %(ref)s cancelled"),
    body=_("Evaluation %(ref)s of %(org)s was cancelled: %(reason)s"),
)
REPORT_PUBLISHED = NoticeKind(
    "evaluation.report_published",
    subject=_("Evaluation report %(ref)s"),
    body=_("The evaluation report of %(ref)s is available in the portal."),
)
SUBCONTRACT_REQUESTED = NoticeKind(
    "evaluation.subcontract_requested",
    subject=_("Subcontracted assessment for %(ref)s"),
    body=_("%(body)s will carry out “%(mode)s” for evaluation %(ref)s; its report is due %(due)s."),
)
SUBCONTRACT_RECEIVED = NoticeKind(
    "evaluation.subcontract_received",
    subject=_("Subcontracted report received for %(ref)s"),
    body=_("The report of %(body)s on “%(mode)s” for evaluation %(ref)s has been received."),
)
