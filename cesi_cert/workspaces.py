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
