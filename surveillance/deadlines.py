"""The obligations surveillance keeps in the kernel's deadline rows (README "Deadlines — the
engine"), and how a notification's due moment is computed (§3.4.3)."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.deadlines import DeadlineKind
from cesi_cert.roles import Role


def _members(deadline):
    return get_user_model().objects.filter(
        memberships__organization_id=deadline.organization_id, is_active=True
    )


#: A notification the CB opened: the organisation must notify it by its due moment (§3.4.3).
NOTIFY_BY = DeadlineKind(
    "surveillance.notice_notify",
    _("Notify the certification body of %(what)s (%(ref)s)"),
    owner=Role.CUSTOMER_SERVICE,
    remind_before=timedelta(hours=24),
    organization_recipients=_members,
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
