"""How surveillance plugs into the kernel's registries (called once from ``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from cesi_cert import deadlines, panels
    from cesi_cert import demo as demo_registry
    from cesi_cert.transitions import register_actions

    from . import demo, permissions, selectors, services
    from .actions import (
        CASE_ACTIONS,
        CHANGE_ACTIONS,
        NOTICE_ACTIONS,
        REDUCTION_ACTIONS,
        REQUIREMENT_CHANGE_ACTIONS,
        REQUIREMENT_VERIFICATION_ACTIONS,
    )
    from .models import (
        Case,
        ChangeRequest,
        OrganizationNotice,
        RequirementChange,
        RequirementVerification,
        ScopeReduction,
    )

    # After the certificates demo (40): the kept certificate is granted on its commit.
    demo_registry.register("surveillance", demo.seed, order=50)

    register_actions(OrganizationNotice, NOTICE_ACTIONS)
    register_actions(Case, CASE_ACTIONS)
    register_actions(ChangeRequest, CHANGE_ACTIONS)
    register_actions(ScopeReduction, REDUCTION_ACTIONS)
    register_actions(RequirementChange, REQUIREMENT_CHANGE_ACTIONS)
    register_actions(RequirementVerification, REQUIREMENT_VERIFICATION_ACTIONS)

    # §3.4.7 / §5.2.1 i: a verification of changed requirements not answered by its day is
    # missed and a case proposing withdrawal is opened (as the system).
    deadlines.register(
        services.MISSED_REQUIREMENTS_SWEEP,
        due=services.requirements_missed_due,
        act=services.requirement_verification_miss,
    )

    # §3.4.3 / §5.1.1 k: a notification the CB opened and the organisation let pass its due
    # moment is marked late and a case proposing suspension is opened (as the system).
    deadlines.register(
        services.LATE_SWEEP, due=services.notices_late_due, act=services.notice_mark_late
    )

    # §3.4.2 surveillance cycles: a new certificate opens cycle 1, a grant on the cycle's
    # surveillance evaluation satisfies it and opens the next; two sweeps (as the system) open
    # the evaluation ahead of the cycle's end and mark an unsatisfied cycle missed.
    from certificates import signals as certificate_signals

    certificate_signals.certificate_issued.connect(
        services.on_certificate_issued, dispatch_uid="surveillance.cycle_on_certificate_issued"
    )
    certificate_signals.certificate_ended.connect(
        services.on_certificate_ended, dispatch_uid="surveillance.cycle_on_certificate_ended"
    )
    certificate_signals.certificate_renewed.connect(
        services.on_certificate_renewed, dispatch_uid="surveillance.cycle_on_certificate_renewed"
    )
    certificate_signals.decision_made.connect(
        services.on_decision_made, dispatch_uid="surveillance.cycle_on_decision_made"
    )
    # §3.4.4: the committee's decision on a change evaluation approves (grant) or rejects
    # (refusal) the change request linked to it, as the system.
    certificate_signals.decision_made.connect(
        services.on_change_decision_made, dispatch_uid="surveillance.change_on_decision_made"
    )
    deadlines.register(
        services.OPEN_SWEEP, due=services.cycles_to_evaluate, act=services.cycle_open_evaluation
    )
    deadlines.register(
        services.MISSED_SWEEP, due=services.cycles_missed_due, act=services.cycle_close_missed
    )

    # §3.5.5.1 c: the incident register tells the review of a scope extension what happened in
    # the last 12 months (applications never imports surveillance).
    from applications import review_checks

    review_checks.register("c", services.extension_findings)

    # The portal home links to the notifications without a query of its own (the home's query
    # budget is fixed); what the organisation must notify, and each open surveillance cycle
    # ("surveillance of cycle N due by …"), show in its deadlines panel.
    panels.register(
        panels.Panel(
            key="surveillance.notices",
            place=panels.Place.PORTAL,
            title=_("Incidents and changes"),
            template="surveillance/panels/notices.html",
            items=lambda user: [True],
            order=40,
        )
    )
    panels.register(
        panels.Panel(
            key="surveillance.cases",
            place=panels.Place.ADMIN,
            title=_("Cases to decide"),
            template="admin/surveillance/panels/cases.html",
            items=lambda user: selectors.cases_to_decide(user)[:20],
            order=15,
            visible=permissions.can_decide_case,
            empty=_("No case is waiting for a decision."),
        )
    )
