"""How certificates plug into the kernel's registries (called once from ``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from cesi_cert import demo as demo_registry
    from cesi_cert import panels
    from cesi_cert.transitions import register_actions

    from . import demo, selectors
    from .actions import CERTIFICATE_ACTIONS
    from .models import Certificate

    demo_registry.register("certificates", demo.seed, order=40)
    register_actions(Certificate, CERTIFICATE_ACTIONS)

    # The application's progress bar goes on to "evaluated" and "certified".
    from applications import progress

    progress.register("certificates", selectors.progress_steps)

    panels.register(
        panels.Panel(
            key="certificates.organization",
            place=panels.Place.PORTAL,
            title=_("Certificates"),
            template="certificates/panels/organization.html",
            items=lambda user: selectors.certificates_for(user).order_by("-first_issued_on")[:20],
            order=40,
            empty="",
        )
    )
