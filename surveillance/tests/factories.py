"""Notifications and cases in a given state, walked through the real services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from surveillance import services
from surveillance.models import Case, OrganizationNotice

UTC = datetime.UTC


def submitted(org, applicant, *, kind="a", occurred_at=None, **more) -> OrganizationNotice:
    """The organisation notifies one itself (state ``notified``)."""
    return services.notice_submit(
        organization=org,
        by=applicant,
        kind=kind,
        occurred_at=occurred_at or timezone.now() - datetime.timedelta(hours=1),
        description=more.pop("description", "门店发生服务事故"),
        **more,
    )


def opened(org, staff, *, kind="a", occurred_at=None, **more) -> OrganizationNotice:
    """Customer service learned it elsewhere (state ``awaiting_organization``)."""
    return services.notice_open(
        organization=org,
        by=staff,
        kind=kind,
        occurred_at=occurred_at or timezone.now() - datetime.timedelta(hours=1),
        description=more.pop("description", "市场监管部门通报服务不合格"),
        source=more.pop("source", "regulator"),
        **more,
    )


def notice_in(state: str, org, applicant, staff) -> OrganizationNotice:
    S = OrganizationNotice.State
    if state == S.AWAITING_ORGANIZATION:
        return opened(org, staff)
    notice = submitted(org, applicant)
    if state in (S.UNDER_REVIEW, S.DECIDED):
        notice = services.notice_start_review(notice=notice, by=staff)
    if state == S.DECIDED:
        notice = services.notice_decide(
            notice=notice, by=staff, decision="no_action", reason="已核实"
        )
    return notice


def case_in(state: str, org, staff, *, proposal="other", certificate=None) -> Case:
    """A case in ``state``; without a certificate only "another action" can be accepted."""
    case = services.case_open(
        organization=org, by=staff, proposal=proposal, ground="5.1.1b", certificate=certificate
    )
    if state == Case.State.ACCEPTED:
        case = services.case_accept(case=case, by=staff)
    elif state == Case.State.DISMISSED:
        case = services.case_dismiss(case=case, by=staff, reason="不成立")
    return case
