"""The obligations surveillance keeps in the kernel's deadline rows (README "Deadlines — the
engine"), and how a notification's due moment is computed (§3.4.3)."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.selectors import deadline_organization_members
from cesi_cert.deadlines import DeadlineKind
from cesi_cert.roles import Role

#: A notification the CB opened: the organisation must notify it by its due moment (§3.4.3).
NOTIFY_BY = DeadlineKind(
    "surveillance.notice_notify",
    _("Notify the certification body of %(what)s (%(ref)s)"),
    owner=Role.CUSTOMER_SERVICE,
    remind_before=timedelta(hours=24),
    organization_recipients=deadline_organization_members,
)
#: A notification received: customer service decides on it (internal).
DECIDE_BY = DeadlineKind(
    "surveillance.notice_decide",
    _("Decide on notification %(ref)s of %(org)s"),
    owner=Role.CUSTOMER_SERVICE,
    visible_to_organization=False,
    remind_before=timedelta(days=3),
)


def due_moment(kind: str, occurred_at, *, special_reason: str = ""):
    """When a notification of ``kind`` about something that happened at ``occurred_at`` is due.

    §3.4.3: a and b within 48 hours (an exact duration), up to one week with a recorded special
    reason; c and d within one calendar month (31 January → 28/29 February), counted on China's
    calendar.
    """
    from .models import OrganizationNotice

    if kind in OrganizationNotice.URGENT_KINDS:
        if (special_reason or "").strip():
            return occurred_at + timedelta(days=settings.INCIDENT_NOTIFY_SPECIAL_DAYS)
        return occurred_at + timedelta(hours=settings.INCIDENT_NOTIFY_HOURS)
    local = timezone.localtime(occurred_at)
    return local + relativedelta(months=settings.CHANGE_NOTIFY_MONTHS)


def decision_due(received_at):
    return received_at + timedelta(days=settings.INCIDENT_DECISION_DAYS)


#: An open surveillance cycle: its surveillance is due by the cycle's end (§3.4.2); the
#: organisation sees it, 认证业务部 follows it, both are reminded 60 days before.
CYCLE_DUE = DeadlineKind(
    "surveillance.cycle_due",
    _("Surveillance of cycle %(number)s of certificate %(certificate)s due by %(until)s"),
    owner=Role.CERTIFICATION_BUSINESS,
    remind_before=timedelta(days=60),
    organization_recipients=deadline_organization_members,
)


def cycle_bounds(first_issued_on, number: int):
    """Cycle ``number`` (1, 2, …): 12 calendar months from the first issue date (§3.4.2), the
    last day included (issued 2026-04-20 → cycle 1 is 2026-04-20 … 2027-04-19)."""
    starts_on = first_issued_on + relativedelta(months=12 * (number - 1))
    ends_on = first_issued_on + relativedelta(months=12 * number) - timedelta(days=1)
    return starts_on, ends_on


def combined_with_recertification(ends_on, expires_on) -> bool:
    """§7.2 e: the last cycle before expiry is covered by the recertification evaluation, so no
    surveillance is opened for a cycle ending on or after the expiry minus 3 months."""
    return ends_on >= expires_on - relativedelta(months=3)


#: §3.4.7: a certificate's holder answers a change of requirements by its verify-by day; the
#: organisation sees it, 认证业务部 follows it, both are reminded 14 days before.
REQUIREMENT_VERIFICATION = DeadlineKind(
    "surveillance.requirement_verification",
    _(
        "Confirm conformity of certificate %(certificate)s to changed requirements %(ref)s by %(until)s"
    ),
    owner=Role.CERTIFICATION_BUSINESS,
    remind_before=timedelta(days=14),
    organization_recipients=deadline_organization_members,
)
#: §3.4.2 special cases: an extra surveillance evaluation due by the day staff set.
EXTRA_DUE = DeadlineKind(
    "surveillance.extra_due",
    _("Extra surveillance of certificate %(certificate)s due by %(until)s"),
    owner=Role.CERTIFICATION_BUSINESS,
    remind_before=timedelta(days=14),
    organization_recipients=deadline_organization_members,
)
