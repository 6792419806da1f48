"""Doing the evaluation: document review with rectification rounds (§3.2.2), the visit, its
nonconformities and their verification, and the report (§3.3.2.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from applications.tests.factories import UserFactory, applicant_of
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role
from evaluations import services, signals
from evaluations.models import Evaluation, Nonconformity, TeamMember
from evaluations.tests.factories import auditor, contracted_evaluation

FUTURE = datetime.date(2099, 1, 31)


@dataclass
class Visit:
    evaluation: Evaluation
    leader: object
    member: object
    applicant: object
    planner: object


def notified_evaluation(*, kind=None, staff=None) -> Visit:
    """An evaluation with a leader and an auditor, moved straight to ``plan_notified``.

    Test set-up only: planning (team services, plan, notify_plan) belongs to the planning slice,
    so the team is created with ``TeamMember.objects.create`` and the state set with
    ``QuerySet.update``, bypassing the services on purpose.
    """
    ev = contracted_evaluation(staff=staff or UserFactory(role=Role.CUSTOMER_SERVICE))
    leader = auditor(ev.scheme)
    member = auditor(ev.scheme)
    planner = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    TeamMember.objects.create(evaluation=ev, person=leader, role="leader", man_days=2)
    TeamMember.objects.create(evaluation=ev, person=member, role="auditor", man_days=2)
    Evaluation.objects.filter(pk=ev.pk).update(
        state="plan_notified",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 3),
        planned_by=planner,
        plan_notified_at=timezone.now(),
        **({"kind": kind} if kind else {}),
    )
    ev.refresh_from_db()
    return Visit(ev, leader, member, applicant_of(ev.organization), planner)


def on_site(visit: Visit, *, record_activities: bool = True) -> Evaluation:
    """Walk ``visit`` through the document review to on site, through the services; with
    ``record_activities`` the leader records every required activity as conforming (§3.2.3),
    so the report may be submitted."""
    ev = services.evaluation_start_document_review(evaluation=visit.evaluation, by=visit.leader)
    ev = services.evaluation_start_on_site(evaluation=ev, by=visit.leader, plan_confirmed=True)
    if record_activities:
        for activity in ev.activities.all():
            services.activity_record_result(activity=activity, by=visit.leader, result="conforms")
    return ev


def raise_nc(visit: Visit, *, by=None, grade="minor", **kw) -> Nonconformity:
    return services.nonconformity_raise(
        evaluation=visit.evaluation,
        by=by or visit.member,
        clause=kw.pop("clause", "GB/T 27922 5.2"),
        grade=grade,
        description=kw.pop("description", "售后服务记录不完整"),
        **kw,
    )


def answer(nc, by):
    return services.nonconformity_answer(
        nonconformity=nc,
        by=by,
        correction="补全记录",
        root_cause="未规定记录要求",
        corrective_action="修订程序文件并培训",
    )


def code_of(call) -> str:
    with pytest.raises(DomainError) as err:
        call()
    return err.value.code


# --- document review (§3.2.2) ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_initial_evaluation_passes_the_document_review_before_the_visit():
    visit = notified_evaluation()
    # start_on_site straight from plan_notified: the initial kind reviews documents first.
    assert (
        code_of(
            lambda: services.evaluation_start_on_site(
                evaluation=visit.evaluation, by=visit.leader, plan_confirmed=True
            )
        )
        == DomainError.CONFLICT
    )
    ev = on_site(visit)
    assert ev.state == "on_site"
    log = TransitionLog.objects.filter(transition="start_on_site", object_id=ev.pk).get()
    assert log.actor == visit.leader and "计划" in log.reason  # the opening meeting's record


@pytest.mark.django_db
def test_a_surveillance_visit_starts_on_site_without_document_review():
    visit = notified_evaluation(kind="surveillance")
    ev = services.evaluation_start_on_site(
        evaluation=visit.evaluation,
        by=visit.leader,
        attendees="总经理、质量部",
        restricted_areas="机房",
        plan_confirmed=True,
    )
    assert ev.state == "on_site"


@pytest.mark.django_db
def test_the_opening_meeting_must_confirm_the_plan():
    visit = notified_evaluation(kind="surveillance")
    with pytest.raises(DomainError) as err:
        services.evaluation_start_on_site(evaluation=visit.evaluation, by=visit.leader)
    assert err.value.field == "plan_confirmed"


@pytest.mark.django_db
def test_the_rectification_round_trip():
    visit = notified_evaluation()
    ev = services.evaluation_start_document_review(evaluation=visit.evaluation, by=visit.leader)
    with pytest.raises(DomainError) as err:
        services.evaluation_request_rectification(
            evaluation=ev, by=visit.leader, findings=" ", due_on=FUTURE
        )
    assert err.value.field == "findings"
    ev = services.evaluation_request_rectification(
        evaluation=ev, by=visit.leader, findings="服务规范缺少投诉处理流程", due_on=FUTURE
    )
    assert ev.state == "rectification"
    assert Notification.objects.filter(
        recipient=visit.applicant, kind="evaluation.rectification_requested"
    ).exists()
    # Only the organisation hands in the corrected documents.
    assert (
        code_of(lambda: services.evaluation_resubmit_documents(evaluation=ev, by=visit.leader))
        == DomainError.FORBIDDEN
    )
    ev = services.evaluation_resubmit_documents(evaluation=ev, by=visit.applicant, note="已补充")
    assert ev.state == "document_review"
    assert Notification.objects.filter(
        recipient=visit.leader, kind="evaluation.documents_resubmitted"
    ).exists()
    ev = services.evaluation_start_on_site(evaluation=ev, by=visit.leader, plan_confirmed=True)
    assert ev.state == "on_site"


# --- who may run each evaluation transition ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "applicant", "planner"])
def test_only_the_leader_runs_the_leaders_transitions(who):
    visit = notified_evaluation()
    other = getattr(visit, who)
    ev = visit.evaluation
    assert (
        code_of(lambda: services.evaluation_start_document_review(evaluation=ev, by=other))
        == DomainError.FORBIDDEN
    )
    on_site(visit)
    for call in (
        lambda: services.evaluation_close_on_site(
            evaluation=ev, by=other, conclusion="after_corrections"
        ),
        lambda: services.evaluation_submit_report(evaluation=ev, by=other, conclusion="recommend"),
    ):
        assert code_of(call) == DomainError.FORBIDDEN


@pytest.mark.django_db
def test_wrong_states_are_conflicts():
    visit = notified_evaluation()
    ev, leader = visit.evaluation, visit.leader
    for call in (
        lambda: services.evaluation_request_rectification(
            evaluation=ev, by=leader, findings="x", due_on=FUTURE
        ),
        lambda: services.evaluation_close_on_site(
            evaluation=ev, by=leader, conclusion="after_corrections"
        ),
        lambda: services.evaluation_submit_report(evaluation=ev, by=leader, conclusion="recommend"),
        lambda: raise_nc(visit),
    ):
        assert code_of(call) == DomainError.CONFLICT


# --- conclusions and the report (§3.3.2.2 4–5) -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("conclusion", ["recommend", "not_recommend"])
def test_the_leader_reports_straight_from_the_visit(conclusion, django_capture_on_commit_callbacks):
    visit = notified_evaluation()
    ev = on_site(visit)
    cs = UserFactory(role=Role.CUSTOMER_SERVICE)
    heard = []

    def receiver(sender, evaluation, **kw):
        heard.append(evaluation.pk)

    signals.report_submitted.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ev = services.evaluation_submit_report(
                evaluation=ev,
                by=visit.leader,
                conclusion=conclusion,
                notes="服务体系运行有效",
                disagreement="组织对结论有不同意见" if conclusion == "not_recommend" else "",
            )
        assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
        assert heard == [ev.pk]
    finally:
        signals.report_submitted.disconnect(receiver)
    assert (ev.state, ev.conclusion) == ("reported", conclusion)
    assert ev.reported_at is not None
    assert Notification.objects.filter(recipient=cs, kind="evaluation.report_submitted").exists()
    # The submission is the leader's (the stored PDF that follows is the system's).
    submitted = ev.history.filter(state="reported").order_by("history_date").first()
    assert submitted.history_user == visit.leader


@pytest.mark.django_db
def test_closing_the_visit_is_only_for_after_corrections():
    visit = notified_evaluation()
    ev = on_site(visit)
    with pytest.raises(DomainError) as err:
        services.evaluation_close_on_site(evaluation=ev, by=visit.leader, conclusion="recommend")
    assert err.value.field == "conclusion" and "submit the report" in str(err.value.message)
    with pytest.raises(DomainError) as err:
        services.evaluation_submit_report(
            evaluation=ev, by=visit.leader, conclusion="after_corrections"
        )
    assert err.value.field == "conclusion"


@pytest.mark.django_db
def test_recommending_with_open_nonconformities_is_refused():
    visit = notified_evaluation()
    on_site(visit)
    raise_nc(visit)
    with pytest.raises(DomainError) as err:
        services.evaluation_submit_report(
            evaluation=visit.evaluation, by=visit.leader, conclusion="recommend"
        )
    assert "NC01" in str(err.value.message)


@pytest.mark.django_db
def test_the_nonconformity_round_trip_and_the_report(django_capture_on_commit_callbacks):
    visit = notified_evaluation()
    ev = on_site(visit)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        first = raise_nc(visit, grade="major")
        second = raise_nc(visit, by=visit.leader, due_on=datetime.date(2026, 3, 20))
    assert (first.number, second.number) == (1, 2)
    assert first.due_on == datetime.date(2026, 4, 1)  # NONCONFORMITY_DUE_DAYS["major"] = 30
    assert Notification.objects.filter(
        recipient=visit.applicant, kind="evaluation.nonconformity_raised"
    ).exists()
    ev = services.evaluation_close_on_site(
        evaluation=ev,
        by=visit.leader,
        conclusion="after_corrections",
        disagreement="组织认为第 2 项不成立",
    )
    assert ev.state == "awaiting_corrections"
    assert ev.organization_disagreement == "组织认为第 2 项不成立"

    # Answer incomplete → per-field errors; the team does not answer.
    with pytest.raises(DomainError) as err:
        services.nonconformity_answer(
            nonconformity=first,
            by=visit.applicant,
            correction="x",
            root_cause="",
            corrective_action="",
        )
    assert set(err.value.errors) == {"root_cause", "corrective_action"}
    assert code_of(lambda: answer(first, visit.leader)) == DomainError.FORBIDDEN

    first = answer(first, visit.applicant)
    assert Notification.objects.filter(
        recipient=visit.leader, kind="evaluation.nonconformity_answered"
    ).exists()
    # Sent back with a reason, answered again, verified.
    with pytest.raises(DomainError) as err:
        services.nonconformity_send_back(nonconformity=first, by=visit.leader, reason="")
    assert err.value.field == "reason"
    assert (
        code_of(
            lambda: services.nonconformity_send_back(
                nonconformity=first, by=visit.member, reason="x"
            )
        )
        == DomainError.FORBIDDEN
    )
    first = services.nonconformity_send_back(
        nonconformity=first, by=visit.leader, reason="未提供培训记录"
    )
    assert (first.state, first.return_reason) == ("returned", "未提供培训记录")
    assert Notification.objects.filter(
        recipient=visit.applicant, kind="evaluation.nonconformity_returned"
    ).exists()
    first = answer(first, visit.applicant)
    first = services.nonconformity_verify(
        nonconformity=first, by=visit.leader, verification="documents"
    )
    assert first.state == "verified" and first.history.first().history_user == visit.leader
    # Verifying twice is a conflict.
    assert (
        code_of(
            lambda: services.nonconformity_verify(
                nonconformity=first, by=visit.leader, verification="documents"
            )
        )
        == DomainError.CONFLICT
    )

    # NC02 still open: the report is blocked, naming it.
    with pytest.raises(DomainError) as err:
        services.evaluation_submit_report(evaluation=ev, by=visit.leader)
    assert err.value.code == DomainError.CONFLICT
    assert "NC02" in str(err.value.message) and "NC01" not in str(err.value.message)

    second = answer(second, visit.applicant)
    services.nonconformity_verify(nonconformity=second, by=visit.leader, verification="on_site")
    with django_capture_on_commit_callbacks(execute=True):
        ev = services.evaluation_submit_report(evaluation=ev, by=visit.leader)
    assert (ev.state, ev.conclusion) == ("reported", "after_corrections")
    # No more findings after the report.
    assert code_of(lambda: raise_nc(visit)) == DomainError.CONFLICT


@pytest.mark.django_db
def test_whoever_planned_the_evaluation_cannot_verify_its_nonconformities():
    visit = notified_evaluation()
    on_site(visit)
    nc = answer(raise_nc(visit), visit.applicant)
    Evaluation.objects.filter(pk=visit.evaluation.pk).update(planned_by=visit.leader)
    with pytest.raises(DomainError) as err:
        services.nonconformity_verify(nonconformity=nc, by=visit.leader, verification="documents")
    assert err.value.code == DomainError.FORBIDDEN
    nc.refresh_from_db()
    assert nc.state == "answered"


@pytest.mark.django_db
def test_only_the_team_auditors_raise_nonconformities():
    visit = notified_evaluation()
    on_site(visit)
    expert = UserFactory(role=Role.AUDITOR)
    TeamMember.objects.create(evaluation=visit.evaluation, person=expert, role="observer")
    for who in (visit.applicant, visit.planner, expert, auditor(visit.evaluation.scheme)):
        assert code_of(lambda who=who: raise_nc(visit, by=who)) == DomainError.FORBIDDEN
    with pytest.raises(DomainError) as err:
        raise_nc(visit, clause="", description="")
    assert set(err.value.errors) == {"clause", "description"}


@pytest.mark.django_db
def test_an_unanswered_nonconformity_past_its_due_date_is_overdue():
    visit = notified_evaluation()
    on_site(visit)
    nc = raise_nc(visit, due_on=FUTURE)
    assert not nc.is_overdue
    with time_machine.travel(datetime.datetime(2099, 2, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert nc.is_overdue


@pytest.mark.django_db
def test_a_number_taken_meanwhile_is_drawn_again(monkeypatch):
    """The database's one_number_per_nonconformity decides: a stale "last number" (another
    auditor's insert in between) collides, and the service draws the next one."""
    from django.db.models.query import QuerySet

    visit = notified_evaluation()
    on_site(visit)
    raise_nc(visit)
    real = QuerySet.aggregate
    stale = iter([{"n": 0}])  # the first read misses NC01

    def aggregate(self, *args, **kwargs):
        if self.model is Nonconformity:
            return next(stale, None) or real(self, *args, **kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "aggregate", aggregate)
    assert raise_nc(visit, by=visit.leader).number == 2
    assert next(stale, None) is None  # the stale read happened and collided
