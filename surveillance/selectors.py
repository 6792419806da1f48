"""Read queries of notifications and cases, scoped to who may see them (another's id is 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from applications.models import Membership

from . import permissions
from .models import (
    Case,
    ChangeRequest,
    ChangeRequestAttachment,
    NoticeAttachment,
    OrganizationNotice,
    RequirementChange,
    RequirementVerification,
    ScopeReduction,
    ScopeReductionAttachment,
    SurveillanceCycle,
)


def _mine(user):
    return Membership.objects.filter(user=user).values("organization")


def _scoped(qs: QuerySet, user, organization_field: str = "organization") -> QuerySet:
    """Everything for CB staff; their organisations' rows for members (another's is then a
    404); nothing for anyone else."""
    if permissions.can_follow(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(**{f"{organization_field}__in": _mine(user)})


def notices_for(user) -> QuerySet[OrganizationNotice]:
    """Every notification for CB staff; those of their organisations for members."""
    qs = OrganizationNotice.objects.select_related("organization").prefetch_related("attachments")
    return _scoped(qs, user)


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
    return _scoped(qs, user, "certificate__organization")


# --- change requests (§3.4.4) and scope reductions (§3.4.6) ---------------------------------


def change_requests_for(user) -> QuerySet[ChangeRequest]:
    """Every change request for CB staff; those of their organisations for members."""
    qs = ChangeRequest.objects.select_related("organization", "certificate").prefetch_related(
        "attachments"
    )
    return _scoped(qs, user)


def reductions_for(user) -> QuerySet[ScopeReduction]:
    qs = ScopeReduction.objects.select_related("organization", "certificate").prefetch_related(
        "attachments", "removed_sites"
    )
    return _scoped(qs, user)


def change_attachments_for(user) -> QuerySet[ChangeRequestAttachment]:
    return ChangeRequestAttachment.objects.filter(owner__in=change_requests_for(user).values("pk"))


def reduction_attachments_for(user) -> QuerySet[ScopeReductionAttachment]:
    return ScopeReductionAttachment.objects.filter(owner__in=reductions_for(user).values("pk"))


def changeable_certificates(user):
    """The held certificates of the user's own organisations: what they may ask to change.
    Another organisation's certificate is not a choice (a field error, never a hint)."""
    from certificates.models import Certificate

    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(organization__in=_mine(user), state__in=Certificate.HELD_STATES)
        .select_related("organization", "current_version")
        .order_by("number")
    )


def own_sites(user):
    from applications.models import Site

    if not getattr(user, "is_authenticated", False):
        return Site.objects.none()
    return Site.objects.filter(organization__in=_mine(user))


# --- changed requirements (§3.4.7) ---------------------------------------------------------


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
    return _scoped(qs, user)
