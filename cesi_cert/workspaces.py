"""The home page of each place, made of the panels the apps register (:mod:`cesi_cert.panels`).

``/portal/`` (applicants), ``/auditor/`` (auditors and technical experts) and ``/committee/``
(technical-committee members) are the same view with another place and role; the admin home
shows the ``admin`` panels through the ``home_panels`` template tag.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from .panels import Place, panels_for
from .roles import Role
from .web import role_required

#: Who enters each workspace.
PLACE_ROLES = {
    Place.PORTAL: (Role.APPLICANT,),
    Place.AUDITOR: (Role.AUDITOR,),
    Place.COMMITTEE: (Role.TECHNICAL_COMMITTEE,),
}


class HomeView(View):
    place: str = ""
    template_name = "cesi_cert/workspace_home.html"
    http_method_names = ["get"]

    def dispatch(self, request, *args, **kwargs):
        gate = role_required(*PLACE_ROLES[self.place])
        return gate(super().dispatch)(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(
            request,
            self.template_name,
            {
                "place": self.place,
                "place_label": Place(self.place).label,
                "panels": panels_for(self.place, request.user),
            },
        )


portal_home = HomeView.as_view(place=Place.PORTAL, template_name="applications/portal_home.html")
auditor_home = HomeView.as_view(place=Place.AUDITOR)
committee_home = HomeView.as_view(place=Place.COMMITTEE)


def register_inbox_panels() -> None:
    """Every workspace starts with the reader's unread notifications."""
    from django.utils.translation import gettext_lazy as _

    from . import panels
    from .models import Notification

    for place in (Place.PORTAL, Place.AUDITOR, Place.COMMITTEE):
        panels.register(
            panels.Panel(
                key=f"inbox.{place}",
                place=place,
                title=_("Unread notifications"),
                template="cesi_cert/panels/unread.html",
                items=lambda user: Notification.objects.filter(recipient=user, read_at=None)[:5],
                order=0,
                empty=_("No unread notifications."),
            )
        )


def register_deadline_panels() -> None:
    """What is due: the organisation's own deadlines in the portal; the counts by horizon on the
    admin home, each linking to the deadline dashboard (SPEC "Deadlines")."""
    from django.utils.translation import gettext_lazy as _

    from . import panels
    from .deadlines import deadlines_for, horizon_of
    from .roles import STAFF_ROLES, has_role

    def mine(user):
        rows = list(deadlines_for(user).filter(closed_at__isnull=True).order_by("due_at")[:20])
        for row in rows:
            row.horizon = horizon_of(row)
        return rows

    panels.register(
        panels.Panel(
            key="deadlines.portal",
            place=Place.PORTAL,
            title=_("Deadlines"),
            template="cesi_cert/panels/deadlines.html",
            items=mine,
            order=3,
            empty="",  # shown only when something is due
        )
    )
    panels.register(
        panels.Panel(
            key="deadlines.admin",
            place=Place.ADMIN,
            title=_("Deadlines"),
            template="admin/cesi_cert/panels/deadlines.html",
            items=lambda user: [_dashboard_counts(user)],
            order=5,
            visible=lambda user: has_role(user, *STAFF_ROLES),
            empty="",
        )
    )


def _dashboard_counts(user) -> dict:
    """Open deadlines overdue and due within each horizon, in one query."""
    from datetime import timedelta

    from django.db.models import Count, Q
    from django.utils import timezone

    from .deadlines import HORIZONS, deadlines_for

    now = timezone.now()
    counts = (
        deadlines_for(user)
        .filter(closed_at__isnull=True)
        .aggregate(
            overdue=Count("pk", filter=Q(due_at__lte=now)),
            **{
                f"d{days}": Count(
                    "pk", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(days=days))
                )
                for days in HORIZONS
            },
        )
    )
    return {
        "overdue": counts["overdue"],
        "horizons": [(days, counts[f"d{days}"]) for days in HORIZONS],
    }
