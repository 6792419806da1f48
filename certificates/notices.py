"""The notices the certificates app sends (cesi_cert.notifications), in the reader's language."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.notifications import NoticeKind

DECISION_OPENED = NoticeKind(
    "decision.opened",
    subject=_("Decision %(ref)s to review"),
    body=_(
        "The evaluation report %(evaluation)s of %(org)s reached the CB: decision %(ref)s is in "
        "the committee's queue, due by %(due)s."
    ),
)
DECISION_MADE = NoticeKind(
    "decision.made",
    subject=_("Decision %(ref)s: %(outcome)s"),
    body=_("The technical committee decided on %(evaluation)s of %(org)s: %(outcome)s."),
)
REFUSAL_NOTICE = NoticeKind(
    "decision.refusal_notice",
    subject=_("Certification decision %(ref)s"),
    body=_(
        "The technical committee found that %(org)s does not meet the certification "
        "requirements (§3.3). The written notice with the reasons is in the portal."
    ),
)
