"""Read queries of notifications and cases, scoped to who may see them (another's id is 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from applications.models import Membership

from . import permissions
from .models import (
    Case,
    NoticeAttachment,
    OrganizationNotice,
    RequirementChange,
    RequirementVerification,
    SurveillanceCycle,
)


def notices_for(user) -> QuerySet[OrganizationNotice]:
    """Every notification for CB staff; those of their organisations for members."""
    qs = OrganizationNotice.objects.select_related("organization").prefetch_related("attachments")
    if permissions.can_follow(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(organization__in=mine)


def attachments_for(user) -> QuerySet[NoticeAttachment]:
    return NoticeAttachment.objects.filter(notice__in=notices_for(user).values("pk"))


def cases_for(user) -> QuerySet[Case]:
    """Cases are the CB's internal work: staff only."""
    qs = Case.objects.select_related("organization", "notice", "opened_by", "decided_by")
    return qs if permissions.can_follow(user) else qs.none()


def cases_to_decide(user) -> QuerySet[Case]:
    return cases_for(user).filter(state=Case.State.OPEN).order_by("created_at", "pk")


def cycles_for(user) -> QuerySet[SurveillanceCycle]:
    """Every surveillance cycle for CB staff; those of their organisations' certificates for
    members (§3.4.2); nothing for anyone else."""
    qs = SurveillanceCycle.objects.select_related("certificate", "evaluation")
    if permissions.can_follow(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(certificate__organization__in=mine)


def requirement_changes_for(user) -> QuerySet[RequirementChange]:
    """Changes of requirements are drafted and published by the CB: staff only."""
    qs = RequirementChange.objects.select_related("scheme", "published_by")
    return qs if permissions.can_follow(user) else qs.none()


def requirement_verifications_for(user) -> QuerySet[RequirementVerification]:
    """Every verification for CB staff; those of their organisations for members (another's
    is a 404, §3.4.7)."""
    qs = RequirementVerification.objects.select_related(
        "change", "change__scheme", "certificate", "organization"
    )
    if permissions.can_follow(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(organization__in=mine)
