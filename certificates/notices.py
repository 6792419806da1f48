"""The notices certificates send (cesi_cert.notifications), rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.notifications import NoticeKind

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
