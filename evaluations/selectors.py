"""Read queries of evaluations, scoped to who may see them (another's id is a 404)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from applications.models import Membership

from . import permissions
from .models import (
    Activity,
    ActivityFile,
    Evaluation,
    Evidence,
    EvidencePhoto,
    Nonconformity,
    SubcontractedAssessment,
    TeamMember,
)


def evaluations_for(user) -> QuerySet[Evaluation]:
    """Every evaluation for the CB staff who plan and follow them; those of their organisations
    for applicants; those whose team they are on for auditors and experts."""
    qs = Evaluation.objects.select_related(
        "organization", "scheme", "application"
    ).prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("person")),
        "objections",  # whether the plan can be accepted now (Evaluation.accept_plan)
    )
    if permissions.can_follow(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    on_team = TeamMember.objects.filter(person=user, removed_at__isnull=True).values("evaluation")
    return qs.filter(Q(organization__in=mine) | Q(pk__in=on_team))


def evaluations_on_team(user) -> QuerySet[Evaluation]:
    """The evaluations ``user`` is on the team of now (the auditor workspace)."""
    on_team = TeamMember.objects.filter(person=user, removed_at__isnull=True).values("evaluation")
    return evaluations_for(user).filter(pk__in=on_team)


def nonconformities_for(user) -> QuerySet[Nonconformity]:
    # The team: each finding's buttons ask whether the user leads its evaluation.
    return (
        Nonconformity.objects.filter(evaluation__in=evaluations_for(user))
        .select_related("evaluation", "evaluation__organization")
        .prefetch_related("evaluation__team")
    )


def audit_history_summary(user) -> dict:
    """How many evaluations and man-days ``user`` has on record (the history panel)."""
    from django.db.models import Count, Sum

    from .exports import audit_history

    totals = audit_history(user).aggregate(evaluations=Count("pk"), man_days=Sum("man_days"))
    return {"evaluations": totals["evaluations"], "man_days": totals["man_days"] or 0}


# --- the evaluation's work (§3.2.3, §3.3.2.1, §3.3.2.2) ----------------------------------------


def internal_evaluations_for(user) -> QuerySet[Evaluation]:
    """The evaluations whose working papers ``user`` reads: every one for the CB staff who
    follow them, those whose team they are on for auditors; none for the organisation."""
    if permissions.can_follow(user):
        return Evaluation.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Evaluation.objects.none()
    on_team = TeamMember.objects.filter(person=user, removed_at__isnull=True).values("evaluation")
    return Evaluation.objects.filter(pk__in=on_team)


def activities_for(user) -> QuerySet[Activity]:
    """Activities of the evaluations ``user`` may see: the organisation sees that they exist
    and when they were done; results, findings and files are shown to the team and staff only
    (the views and serializers ask :func:`permissions.can_see_internal`)."""
    return (
        Activity.objects.filter(evaluation__in=evaluations_for(user).values("pk"))
        .select_related("evaluation", "evaluation__scheme", "site", "performed_by")
        .prefetch_related(
            Prefetch("files", queryset=ActivityFile.objects.order_by("pk")),
            Prefetch("evaluation__team", queryset=TeamMember.objects.select_related("person")),
        )
    )


def evidence_for(user) -> QuerySet[Evidence]:
    """Evidence is internal: the team and the CB staff, never the organisation."""
    return (
        Evidence.objects.filter(evaluation__in=internal_evaluations_for(user).values("pk"))
        .select_related("evaluation", "site", "activity", "recorded_by")
        .prefetch_related(Prefetch("photos", queryset=EvidencePhoto.objects.order_by("pk")))
    )


def subcontracts_for(user) -> QuerySet[SubcontractedAssessment]:
    """Subcontracted assessments and their reports: the team and the CB staff, never the
    organisation (§3.3.2.1: the report goes to the CB)."""
    return (
        SubcontractedAssessment.objects.filter(
            evaluation__in=internal_evaluations_for(user).values("pk")
        )
        .select_related("evaluation", "requested_by")
        .prefetch_related(
            Prefetch("evaluation__team", queryset=TeamMember.objects.select_related("person"))
        )
    )
