"""Read queries of decisions: the committee and CB staff see every decision; an organisation
only its own decisions once made (§3.3: the outcome, never the individual votes)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from applications.models import Membership

from ..models import Decision, Vote
from ..permissions import decisions as permissions


def _annotate_viewer(qs: QuerySet[Decision], user) -> QuerySet[Decision]:
    """Whether ``user`` was on the evaluation team or declared a conflict with the organisation
    (read by ``permissions.why_barred``), so a list answers "may I vote?" without a query per
    row."""
    from evaluations.models import ConflictDeclaration, TeamMember

    cutoff = permissions.conflict_cutoff()
    return qs.annotate(
        viewer_pk=Value(user.pk),
        viewer_on_team=Exists(
            TeamMember.objects.filter(evaluation=OuterRef("evaluation"), person_id=user.pk)
        ),
        viewer_conflicted=Exists(
            ConflictDeclaration.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=cutoff),
                person_id=user.pk,
                organization=OuterRef("organization"),
            )
        ),
    )


def decisions_for(user) -> QuerySet[Decision]:
    qs = Decision.objects.select_related(
        "evaluation", "evaluation__scheme", "organization", "decided_by"
    )
    if permissions.can_follow(user):
        return _annotate_viewer(qs, user)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(organization__in=mine, state__in=Decision.MADE_STATES)


def committee_queue(user) -> QuerySet[Decision]:
    """Open decisions, the oldest due first — so the overdue ones lead — with the member's own
    vote (``my_vote``) for the queue's column."""
    from django.db.models import Subquery

    mine = Vote.objects.filter(decision=OuterRef("pk"), voter_id=user.pk).values("choice")[:1]
    return (
        decisions_for(user)
        .filter(state__in=Decision.OPEN_STATES)
        .annotate(my_vote=Subquery(mine))
        .order_by("due_on", "pk")
    )


def recently_made(user) -> QuerySet[Decision]:
    return decisions_for(user).filter(state__in=Decision.MADE_STATES).order_by("-decided_at")


def votes_for(user) -> QuerySet[Vote]:
    if not permissions.can_see_votes(user):
        return Vote.objects.none()
    return Vote.objects.select_related("voter", "decision")
