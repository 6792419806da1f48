"""What this app puts on the home pages (cesi_cert.panels)."""

from django.utils.translation import gettext_lazy as _

from cesi_cert.panels import Panel, Place, register

from . import selectors
from .models import Scheme


def _can_see_queue(user) -> bool:
    return user.has_perm("applications.view_application")


def register_all() -> None:
    register(
        Panel(
            key="applications.schemes",
            place=Place.PUBLIC,
            title=_("Certification schemes"),
            template="applications/panels/schemes.html",
            items=lambda user: Scheme.objects.filter(is_active=True),
            order=50,
            empty="",
        )
    )
    register(
        Panel(
            key="applications.invitations",
            place=Place.PORTAL,
            title=_("Invitations for you"),
            template="applications/panels/invitations.html",
            items=selectors.waiting_invitations_for,
            order=5,
            empty="",  # shown only when someone has invited this person
        )
    )
    register(
        Panel(
            key="applications.organizations",
            place=Place.PORTAL,
            title=_("My organisations"),
            template="applications/panels/organizations.html",
            items=selectors.organizations_for,
            order=10,
            empty=_(
                "You have not registered an organisation yet. Register it first; then you can apply for certification."
            ),
        )
    )
    register(
        Panel(
            key="applications.applications",
            place=Place.PORTAL,
            title=_("My applications"),
            template="applications/panels/applications.html",
            items=selectors.applications_for,
            order=20,
            empty=_("No applications yet."),
        )
    )
    register(
        Panel(
            key="applications.queue",
            place=Place.ADMIN,
            title=_("Applications waiting for the certification body"),
            template="admin/applications/panels/queue.html",
            items=lambda user: [selectors.application_work_queue(user)],
            order=10,
            visible=_can_see_queue,
            empty="",
        )
    )
