"""Read queries shared by views, API and tasks."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from cesi_cert import scopes
from cesi_cert.transitions import transition_log

from . import permissions
from .models import Application, ApplicationDocument, Membership, Organization, Site


def organizations_for(user) -> QuerySet[Organization]:
    """Every organisation for CB staff; their own for applicants, plus what a downstream app
    grants (``cesi_cert.scopes``); anything else is 404."""
    qs = Organization.objects.all()
    if permissions.is_cb_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(Q(pk__in=mine) | scopes.granted(Organization, user))


def sites_for(user) -> QuerySet[Site]:
    return Site.objects.filter(organization__in=organizations_for(user)).select_related(
        "organization"
    )


def applications_for(user) -> QuerySet[Application]:
    """Every application for CB staff; their organisations' for applicants, plus what a
    downstream app grants (an auditor on the evaluation team, a committee member voting)."""
    qs = Application.objects.select_related("organization", "scheme", "reviewer")
    if permissions.is_cb_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(Q(organization__in=mine) | scopes.granted(Application, user))


def application_detail(user, pk) -> Application:
    """One application with what its page shows, or ``Application.DoesNotExist``."""
    return (
        applications_for(user)
        .prefetch_related(
            "sites",
            Prefetch("documents", queryset=documents_for(user).select_related("uploaded_by")),
        )
        .get(pk=pk)
    )


def documents_for(user) -> QuerySet[ApplicationDocument]:
    qs = ApplicationDocument.objects.select_related("application")
    if permissions.is_cb_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    mine = Membership.objects.filter(user=user).values("organization")
    return qs.filter(
        Q(application__organization__in=mine, published=True)
        | scopes.granted(ApplicationDocument, user)
    )


def application_timeline(application: Application):
    """The state changes of an application, oldest first."""
    return transition_log(application)


#: Application states where the certification body has the next move, in working order.
STAFF_QUEUE_STATES = (
    Application.State.SUBMITTED,
    Application.State.UNDER_REVIEW,
    Application.State.ACCEPTED,
    Application.State.CHANGES_REQUESTED,
)


def application_queue() -> list[dict]:
    """How many applications wait in each working state (one grouped query)."""
    counts = dict(
        Application.objects.filter(state__in=STAFF_QUEUE_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return [
        {"state": s, "label": Application.State(s).label, "count": counts.get(s, 0)}
        for s in STAFF_QUEUE_STATES
    ]
