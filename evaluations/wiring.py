"""How evaluations plug into the kernel's registries (called once from ``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from applications import signals as application_signals
    from applications.models import Application, ApplicationDocument, Organization
    from cesi_cert import demo as demo_registry
    from cesi_cert import panels, scopes
    from cesi_cert.transitions import register_actions

    from . import demo, selectors, services
    from .actions import (
        ACTIVITY_ACTIONS,
        EVALUATION_ACTIONS,
        NONCONFORMITY_ACTIONS,
        SUBCONTRACT_ACTIONS,
    )
    from .models import (
        Activity,
        Evaluation,
        Nonconformity,
        SubcontractedAssessment,
        TeamMember,
    )

    demo_registry.register("evaluations", demo.seed, order=20)

    register_actions(Evaluation, EVALUATION_ACTIONS)
    register_actions(Nonconformity, NONCONFORMITY_ACTIONS)
    register_actions(Activity, ACTIVITY_ACTIONS)
    register_actions(SubcontractedAssessment, SUBCONTRACT_ACTIONS)

    # Events: a signed contract opens the evaluation for planning (as the system).
    application_signals.contract_signed.connect(
        services.on_contract_signed, dispatch_uid="evaluations.open_on_contract_signed"
    )

    # Scopes: the team reads the application, its organisation and all its materials (§3.2.2
    # document review) while on the team; nobody else gains anything.
    def evaluated_applications(user):
        # While on the team of an evaluation that is not yet reported or cancelled.
        on_team = TeamMember.objects.filter(
            person=user, removed_at__isnull=True, evaluation__state__in=Evaluation.OPEN_STATES
        )
        return Application.objects.filter(evaluations__team__in=on_team)

    scopes.grant(Application, "evaluations.team", evaluated_applications)
    scopes.grant(
        Organization,
        "evaluations.team",
        lambda user: Organization.objects.filter(applications__in=evaluated_applications(user)),
    )
    scopes.grant(
        ApplicationDocument,
        "evaluations.team",
        lambda user: ApplicationDocument.objects.filter(
            application__in=evaluated_applications(user)
        ),
    )

    # Panels: the auditor's evaluations, the organisation's evaluations.
    panels.register(
        panels.Panel(
            key="evaluations.mine",
            place=panels.Place.AUDITOR,
            title=_("My evaluations"),
            template="evaluations/panels/mine.html",
            items=lambda user: (
                selectors.evaluations_on_team(user)
                .exclude(state=Evaluation.State.CANCELLED)
                .order_by("starts_on", "pk")[:30]
            ),
            order=10,
            empty=_("You are on no evaluation team at the moment."),
        )
    )
    panels.register(
        panels.Panel(
            key="evaluations.history",
            place=panels.Place.AUDITOR,
            title=_("My audit history"),
            template="evaluations/panels/history.html",
            items=lambda user: [selectors.audit_history_summary(user)],
            order=90,
        )
    )
    panels.register(
        panels.Panel(
            key="evaluations.organization",
            place=panels.Place.PORTAL,
            title=_("Evaluations"),
            template="evaluations/panels/organization.html",
            items=lambda user: (
                selectors.evaluations_for(user)
                .prefetch_related(None)  # the table shows no team: two queries fewer on the home
                .exclude(state=Evaluation.State.CANCELLED)
                .order_by("-created_at")[:20]
            ),
            order=30,
            empty="",
        )
    )
