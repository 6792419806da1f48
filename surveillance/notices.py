"""The notices surveillance sends (cesi_cert.notifications), rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.notifications import NoticeKind

INCIDENT_NOTIFIED = NoticeKind(
    "surveillance.incident_notified",
    subject=_("Notification %(ref)s from %(org)s"),
    body=_(
        "%(org)s notified %(kind)s (happened %(occurred)s; due %(due)s%(late)s). "
        "Customer service decides on it by %(decide_by)s."
    ),
)
INCIDENT_OPENED = NoticeKind(
    "surveillance.incident_opened",
    subject=_("Please notify %(ref)s to the certification body"),
    body=_(
        "The certification body learned of %(kind)s at %(org)s (happened %(occurred)s). "
        "§3.4.3: please notify it, with your account, in the portal by %(due)s."
    ),
)
INCIDENT_DECIDED = NoticeKind(
    "surveillance.incident_decided",
    subject=_("Decision on notification %(ref)s"),
    body=_("The certification body decided on notification %(ref)s: %(decision)s. %(reason)s"),
)
CASE_OPENED = NoticeKind(
    "surveillance.case_opened",
    subject=_("Case %(ref)s to decide"),
    body=_("Case %(ref)s on %(org)s proposes: %(proposal)s. Ground: %(ground)s. %(note)s"),
)
CHANGE_SUBMITTED = NoticeKind(
    "surveillance.change_submitted",
    subject=_("Change request %(ref)s from %(org)s"),
    body=_(
        "%(org)s requests a change to certificate %(number)s (§3.4.4): %(kind)s. "
        "Review it and choose the evaluation methods."
    ),
)
CHANGE_UPDATED = NoticeKind(
    "surveillance.change_updated",
    subject=_("Change request %(ref)s: %(state)s"),
    body=_("Your change request %(ref)s on certificate %(number)s is now: %(state)s. %(note)s"),
)
REDUCTION_OPENED = NoticeKind(
    "surveillance.reduction_opened",
    subject=_("Scope reduction %(ref)s to decide"),
    body=_(
        "Scope reduction %(ref)s of certificate %(number)s (%(org)s) waits for the technical "
        "committee's decision (§3.4.6): %(condition)s"
    ),
)
REDUCTION_DECIDED = NoticeKind(
    "surveillance.reduction_decided",
    subject=_("Scope reduction %(ref)s: %(state)s"),
    body=_(
        "The technical committee decided on scope reduction %(ref)s of certificate %(number)s: "
        "%(state)s. %(comment)s"
    ),
)
REQUIREMENTS_CHANGED = NoticeKind(
    "surveillance.requirements_changed",
    subject=_("Changed certification requirements %(ref)s: %(title)s"),
    body=_(
        "§3.4.7: the requirements of %(scheme)s change from %(effective)s: %(title)s. "
        "%(description)s Please confirm in the portal by %(until)s that certificate "
        "%(certificate)s meets them, or tell us you do not want to."
    ),
)
REQUIREMENT_ANSWERED = NoticeKind(
    "surveillance.requirement_answered",
    subject=_("%(org)s answered changed requirements %(ref)s"),
    body=_("%(org)s: certificate %(certificate)s — %(state)s. %(note)s"),
)
