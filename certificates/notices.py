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
CERTIFICATE_ISSUED = NoticeKind(
    "certificate.issued",
    subject=_("Certificate %(number)s issued"),
    body=_(
        "Certificate %(number)s (%(scheme)s) of %(org)s is issued, valid until %(until)s. "
        "Download it in Chinese and English in the portal."
    ),
)
CERTIFICATE_REISSUED = NoticeKind(
    "certificate.reissued",
    subject=_("Certificate %(number)s reissued"),
    body=_(
        "Certificate %(number)s of %(org)s is reissued (%(kind)s), version %(version)s. The "
        "earlier versions stay in the portal."
    ),
)
# §5.1.2, §5.2.2: "服务认证证书和标志变化通知", sent for each suspension, reinstatement and
# withdrawal, with the notice PDF in the portal.
STATUS_CHANGED = NoticeKind(
    "certificate.status_changed",
    subject=_("Notice of change of the service certification certificate and mark: %(number)s"),
    body=_(
        "Certificate %(number)s of %(org)s: %(change)s on %(on)s. %(ground)s %(consequence)s "
        "The notice is in the portal."
    ),
)
