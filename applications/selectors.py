"""Read queries shared by views, API and tasks."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cesi_cert import scopes
from cesi_cert.models import TransitionLog
from cesi_cert.transitions import transition_log

from . import permissions
from .models import (
    Application,
    ApplicationDocument,
    Invitation,
    Membership,
    Organization,
    Site,
)


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


def invitations_for(user) -> QuerySet[Invitation]:
    """Invitations addressed to ``user``'s e-mail address (any state): theirs to read and answer.

    Another person's invitation is not found (404), whoever sent it."""
    email = (getattr(user, "email", "") or "").strip()
    if not getattr(user, "is_authenticated", False) or not email:
        return Invitation.objects.none()
    return Invitation.objects.filter(email__iexact=email).select_related(
        "organization", "invited_by"
    )


def waiting_invitations_for(user) -> QuerySet[Invitation]:
    """Invitations ``user`` can still accept (the portal home lists them)."""
    return invitations_for(user).filter(Invitation.OPEN, expires_at__gt=timezone.now())


def open_invitations(organization) -> QuerySet[Invitation]:
    """An organisation's invitations not yet answered nor withdrawn (expired ones too, so they
    can be seen and withdrawn or sent again)."""
    return organization.invitations.filter(Invitation.OPEN).select_related("invited_by")


def invitations_managed_by(user) -> QuerySet[Invitation]:
    """Invitations of the organisations ``user`` may see (revoking checks the permission)."""
    return Invitation.objects.filter(organization__in=organizations_for(user)).select_related(
        "organization"
    )


def sites_for(user) -> QuerySet[Site]:
    return Site.objects.filter(organization__in=organizations_for(user)).select_related(
        "organization"
    )


def certificates_for(user) -> QuerySet:
    """The certificates an application of ``user`` may name (recertification, extension, level
    change): those of the organisations they act for. The model is the certificates app's,
    reached through the application's field so this app never imports it."""
    model = Application._meta.get_field("certificate").related_model
    return model.objects.filter(organization__in=organizations_for(user))


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
)


def with_waiting_since(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate ``waiting_since``: when the application entered its current state (its last
    transition; its creation for a draft that never moved)."""
    last_move = (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), object_id=OuterRef("pk")
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return qs.annotate(waiting_since=Coalesce(Subquery(last_move), F("created_at")))


def application_work_queue(user, *, limit: int = 30) -> dict:
    """Customer service's work queue: what waits for the CB, oldest first, with counts.

    ``rows`` are the oldest applications waiting for the certification body (each with
    ``waiting_since`` and the reviewer it is assigned to); ``counts`` the number per state;
    ``mine`` how many are assigned to ``user``; ``with_applicants`` how many wait for an answer
    to a change request.
    """
    waiting = Application.objects.filter(state__in=STAFF_QUEUE_STATES)
    counts = dict(waiting.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    rows = list(
        with_waiting_since(waiting.select_related("organization", "reviewer")).order_by(
            "waiting_since", "pk"
        )[:limit]
    )
    now = timezone.now()
    for app in rows:
        app.days_waiting = (now - app.waiting_since).days
    return {
        "rows": rows,
        "counts": [
            {"state": s, "label": Application.State(s).label, "count": counts.get(s, 0)}
            for s in STAFF_QUEUE_STATES
        ],
        "total": sum(counts.values()),
        "mine": waiting.filter(reviewer=user).count() if user.is_authenticated else 0,
        "with_applicants": Application.objects.filter(
            state=Application.State.CHANGES_REQUESTED
        ).count(),
    }


def organization_members(organization):
    """Active users acting for ``organization`` (an instance or its id): the recipients of a
    notice to the organisation, in every app."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(memberships__organization=organization, is_active=True)


def deadline_organization_members(deadline):
    """``DeadlineKind.organization_recipients`` for any app: the members of the deadline's
    organisation."""
    return organization_members(deadline.organization_id)
