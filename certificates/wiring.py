"""How the certificates app plugs into the kernel's registries (called once from ``ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    connect_decisions()
    connect_certificates()


def connect_decisions() -> None:
    from cesi_cert import demo as demo_registry
    from cesi_cert import panels
    from cesi_cert.transitions import register_actions
    from evaluations import signals as evaluation_signals

    from . import demo_decisions, services
    from .actions.decisions import DECISION_ACTIONS
    from .models import Decision
    from .selectors import decisions as selectors

    demo_registry.register("certificates.decisions", demo_decisions.seed_decisions, order=40)
    register_actions(Decision, DECISION_ACTIONS)

    # Events: a submitted evaluation report opens the committee's decision (as the system).
    evaluation_signals.report_submitted.connect(
        services.on_report_submitted, dispatch_uid="certificates.open_decision_on_report"
    )

    # Panels: the committee's queue (overdue first) and what it decided lately; the
    # organisation's decisions once made.
    panels.register(
        panels.Panel(
            key="decisions.queue",
            place=panels.Place.COMMITTEE,
            title=_("Decisions to make"),
            template="certificates/decisions/panels/queue.html",
            items=lambda user: selectors.committee_queue(user)[:50],
            order=10,
            empty=_("No decision is waiting for the committee."),
        )
    )
    panels.register(
        panels.Panel(
            key="decisions.made",
            place=panels.Place.COMMITTEE,
            title=_("Decisions made"),
            template="certificates/decisions/panels/made.html",
            items=lambda user: selectors.recently_made(user)[:20],
            order=20,
            empty="",
        )
    )
    panels.register(
        panels.Panel(
            key="decisions.organization",
            place=panels.Place.PORTAL,
            title=_("Certification decisions"),
            template="certificates/decisions/panels/organization.html",
            items=lambda user: selectors.decisions_for(user).order_by("-decided_at")[:20],
            order=45,
            empty="",
        )
    )


def connect_certificates() -> None:
    from cesi_cert import demo as demo_registry
    from cesi_cert import panels
    from cesi_cert.transitions import register_actions

    from . import deadlines as certificate_deadlines
    from . import demo, selectors
    from .actions import CERTIFICATE_ACTIONS
    from .models import Certificate

    demo_registry.register("certificates", demo.seed, order=40)

    # §4.1 h: a change to a certificate or its versions (issue, suspension, withdrawal,
    # reissue, expiry…) shows on the public pages at the very next request — the cached
    # pages go stale when its transaction commits. A scheme's change too: the directory and
    # the search group and link certificates by their scheme.
    from django.db.models.signals import post_delete, post_save

    from applications.models import Scheme

    from . import public_cache
    from .models import CertificateVersion

    for model in (Certificate, CertificateVersion, Scheme):
        for signal in (post_save, post_delete):
            signal.connect(
                public_cache.invalidate_on_commit,
                sender=model,
                dispatch_uid=f"public_cache.{signal is post_save}.{model.__name__}",
            )
    certificate_deadlines.register_sweeps()
    register_actions(Certificate, CERTIFICATE_ACTIONS)

    # The application's progress bar goes on to "evaluated" and "certified".
    from applications import progress

    progress.register("certificates", selectors.progress_steps)

    panels.register(
        panels.Panel(
            key="certificates.lookup",
            place=panels.Place.PUBLIC,
            title=_("Verify a certificate"),
            template="certificates/panels/lookup.html",
            items=lambda user: [None],  # the search box itself; nothing to query
            order=10,
        )
    )
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
