"""Factories of the decisions half: a decision opened on a report reached through the services,
committee members, and many decisions in bulk for measuring list pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from applications.tests.factories import UserFactory, applicant_of
from certificates import services
from certificates.models import Condition, Decision
from cesi_cert.roles import Role
from evaluations import services as evaluation_services
from evaluations.models import Evaluation, TeamMember
from evaluations.tests.factories import auditor, contracted_evaluation, record_every_activity


@dataclass
class Case:
    decision: Decision
    leader: object
    member: object
    applicant: object
    members: list  # committee members, none of them on the team


def reported_evaluation(*, staff=None) -> tuple[Evaluation, object, object]:
    """An initial evaluation with a leader and an auditor, reported "recommend" through the
    evaluation services (the team and the notified plan are set up directly: planning is not
    what these tests are about)."""
    ev = contracted_evaluation(staff=staff or UserFactory(role=Role.CUSTOMER_SERVICE))
    leader = auditor(ev.scheme)
    member = auditor(ev.scheme)
    TeamMember.objects.create(evaluation=ev, person=leader, role="leader", man_days=2)
    TeamMember.objects.create(evaluation=ev, person=member, role="auditor", man_days=2)
    Evaluation.objects.filter(pk=ev.pk).update(
        state="plan_notified",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 3),
        planned_by=UserFactory(role=Role.CERTIFICATION_BUSINESS),
        plan_notified_at=timezone.now(),
    )
    ev.refresh_from_db()
    ev = evaluation_services.evaluation_start_document_review(evaluation=ev, by=leader)
    ev = evaluation_services.evaluation_start_on_site(evaluation=ev, by=leader, plan_confirmed=True)
    record_every_activity(ev, by=leader)
    ev = evaluation_services.evaluation_submit_report(
        evaluation=ev, by=leader, conclusion="recommend"
    )
    return ev, leader, member


def committee_member(**kw):
    return UserFactory(role=Role.TECHNICAL_COMMITTEE, **kw)


def open_decision(*, members: int = 3) -> Case:
    """A pending decision on a reported evaluation (opened as the event would) and ``members``
    committee members who may vote on it."""
    ev, leader, member = reported_evaluation()
    # Outside a test transaction the "report submitted" event has opened it already.
    decision = services.decision_open(evaluation=ev) or Decision.objects.get(evaluation=ev)
    return Case(
        decision=decision,
        leader=leader,
        member=member,
        applicant=applicant_of(ev.organization),
        members=[committee_member() for _ in range(members)],
    )


def in_voting(case: Case, *, confirm: str = "abcde") -> Decision:
    """Review started, the conditions in ``confirm`` confirmed, the vote open."""
    by = case.members[0]
    d = services.decision_start_review(decision=case.decision, by=by)
    for code in confirm:
        d = services.decision_confirm_condition(decision=d, by=by, condition=code)
    d = services.decision_open_voting(decision=d, by=by)
    case.decision = d
    return d


def vote_all(case: Case, choices: str) -> None:
    """``choices``: one letter per member, a(pprove) r(eject) x (abstain)."""
    names = {"a": "approve", "r": "reject", "x": "abstain"}
    for member, letter in zip(case.members, choices, strict=False):
        services.decision_vote(
            decision=case.decision, by=member, choice=names[letter], comment="意见"
        )


def many_decisions(n, *, organizations, start=0) -> list[Decision]:
    """``n`` open decisions in bulk (no services, no history) on reported evaluations of
    ``organizations``, every other one overdue — for measuring the committee queue."""
    from applications.models import Scheme

    scheme = Scheme.objects.get(code="after-sales")
    now = timezone.now()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            organization=organizations[i % len(organizations)],
            scheme=scheme,
            kind=Evaluation.Kind.INITIAL,
            state=Evaluation.State.REPORTED,
            conclusion=Evaluation.Conclusion.RECOMMEND,
            reference=f"EV-D{start + i:06d}",
            reported_at=now,
        )
        for i in range(n)
    )
    today = timezone.localdate()
    states = list(Decision.OPEN_STATES)
    return Decision.objects.bulk_create(
        Decision(
            evaluation=ev,
            organization_id=ev.organization_id,
            reference=f"JD-B{start + i:06d}",
            state=states[i % len(states)],
            due_on=today + datetime.timedelta(days=(-3 if i % 2 else 20)),
        )
        for i, ev in enumerate(evaluations)
    )


ALL_CONDITIONS = "".join(Condition.values)
