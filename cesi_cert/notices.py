"""The notices the kernel itself sends (cesi_cert.notifications)."""

from django.utils.translation import gettext_lazy as _

from .notifications import NoticeKind

DEADLINE_REMINDER = NoticeKind(
    "deadline.reminder",
    subject=_("Due by %(due)s: %(what)s"),
    body=_("%(what)s — due by %(due)s (China time)."),
)
DEADLINE_OVERDUE = NoticeKind(
    "deadline.overdue",
    subject=_("Overdue: %(what)s"),
    body=_("%(what)s was due by %(due)s (China time) and is not done yet."),
)
