"""The committee's decision (§3.3): opened by a submitted report, conditions a–e, votes by
members without a conflict (ISO/IEC 17065 7.6), the outcome from quorum and majority, locked once
made, the written refusal."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.test import override_settings
from django.utils import timezone

from applications.tests.factories import UserFactory
from certificates import services, signals
from certificates.models import ConditionCheck, Decision, Vote, tally_outcome
from certificates.tests.decision_factories import (
    committee_member,
    in_voting,
    open_decision,
    reported_evaluation,
    vote_all,
)
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role
from evaluations.models import ConflictDeclaration


def code_of(call) -> str:
    with pytest.raises(DomainError) as err:
        call()
    return err.value.code


def error_of(call) -> DomainError:
    with pytest.raises(DomainError) as err:
        call()
    return err.value


# --- opening (§3.3 "收到评价组提交的全套评价资料后") ------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_report_opens_one_pending_decision_as_the_system(
    django_capture_on_commit_callbacks,
):
    committee = committee_member()
    with django_capture_on_commit_callbacks(execute=True):
        ev, _leader, _member = reported_evaluation()
    decision = Decision.objects.get(evaluation=ev)
    assert decision.state == Decision.State.PENDING
    assert decision.organization_id == ev.organization_id
    assert decision.reference.startswith("JD")
    # Due DECISION_DUE_DAYS (30) after the report, in China's calendar.
    assert decision.due_on == timezone.localdate(ev.reported_at) + datetime.timedelta(days=30)
    assert decision.history.get().history_user is None  # "系统 / System"
    assert Notification.objects.filter(recipient=committee, kind="decision.opened").exists()
    # A repeated event opens nothing.
    assert services.decision_open(evaluation=ev) is None
    assert Decision.objects.filter(evaluation=ev).count() == 1


@pytest.mark.django_db
def test_only_a_reported_evaluation_gets_a_decision():
    from evaluations.tests.factories import contracted_evaluation

    ev = contracted_evaluation()
    assert code_of(lambda: services.decision_open(evaluation=ev)) == DomainError.CONFLICT


# --- the transition matrix ------------------------------------------------------------------

#: transition → (service call with valid fields, the state it needs)
MATRIX = {
    "start_review": (lambda d, by: services.decision_start_review(decision=d, by=by), "pending"),
    "confirm_condition": (
        lambda d, by: services.decision_confirm_condition(decision=d, by=by, condition="a"),
        "in_review",
    ),
    "open_voting": (lambda d, by: services.decision_open_voting(decision=d, by=by), "in_review"),
    "vote": (
        lambda d, by: services.decision_vote(decision=d, by=by, choice="approve"),
        "voting",
    ),
    "close_voting": (lambda d, by: services.decision_close_voting(decision=d, by=by), "voting"),
}


def _to_state(case, state):
    d = case.decision
    by = case.members[0]
    if state in ("in_review", "voting"):
        d = services.decision_start_review(decision=d, by=by)
    if state == "voting":
        d = services.decision_open_voting(decision=d, by=by)
    case.decision = d
    return d


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX))
def test_a_committee_member_runs_each_transition_in_its_state_and_it_is_logged(name):
    case = open_decision()
    call, state = MATRIX[name]
    d = _to_state(case, state)
    if name == "close_voting":
        vote_all(case, "aaa")
        for code in "abcde":
            ConditionCheck.objects.create(decision=d, condition=code, confirmed_by=case.members[1])
    by = case.members[2]
    call(d, by)
    log = TransitionLog.objects.filter(object_id=d.pk, transition=name).latest("pk")
    assert log.actor == by
    d.refresh_from_db()
    assert d.history.latest().history_user == by


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role", [Role.CUSTOMER_SERVICE, Role.AUDITOR, Role.APPLICANT])
def test_other_roles_are_refused_with_403(name, role):
    case = open_decision()
    call, state = MATRIX[name]
    d = _to_state(case, state)
    assert code_of(lambda: call(d, UserFactory(role=role))) == DomainError.FORBIDDEN
    assert code_of(lambda: call(d, case.applicant)) == DomainError.FORBIDDEN


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX))
def test_a_wrong_state_is_a_409(name):
    case = open_decision()
    call, _state = MATRIX[name]
    wrong = {
        "start_review": "in_review",
        "confirm_condition": "pending",
        "open_voting": "voting",
        "vote": "in_review",
        "close_voting": "pending",
    }[name]
    d = _to_state(case, wrong) if wrong != "pending" else case.decision
    assert code_of(lambda: call(d, case.members[1])) == DomainError.CONFLICT


# --- conditions a–e (§3.3) --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_condition_is_confirmed_once_with_who_and_when():
    case = open_decision()
    d = services.decision_start_review(decision=case.decision, by=case.members[0])
    services.decision_confirm_condition(
        decision=d, by=case.members[1], condition="d", note="不符合项均已验证"
    )
    check = ConditionCheck.objects.get(decision=d, condition="d")
    assert check.confirmed_by == case.members[1] and check.confirmed_at is not None
    again = error_of(
        lambda: services.decision_confirm_condition(decision=d, by=case.members[2], condition="d")
    )
    assert again.code == DomainError.CONFLICT
    bad = error_of(
        lambda: services.decision_confirm_condition(decision=d, by=case.members[2], condition="z")
    )
    assert bad.code == DomainError.INVALID and bad.field == "condition"


@pytest.mark.django_db
def test_grant_is_refused_while_a_condition_of_3_3_is_unconfirmed():
    case = open_decision()
    in_voting(case, confirm="abce")  # d is not confirmed
    vote_all(case, "aaa")
    err = error_of(
        lambda: services.decision_close_voting(decision=case.decision, by=case.members[0])
    )
    assert err.code == DomainError.CONFLICT and "d" in str(err.message)
    case.decision.refresh_from_db()
    assert case.decision.state == Decision.State.VOTING  # still open: confirm d, then close
    services.decision_confirm_condition(decision=case.decision, by=case.members[1], condition="d")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert d.state == Decision.State.GRANTED


# --- quorum and majority --------------------------------------------------------------------


@pytest.mark.django_db
def test_grant_is_refused_without_quorum():
    case = open_decision()
    in_voting(case)
    vote_all(case, "aa")  # 2 votes of the DECISION_QUORUM of 3
    err = error_of(
        lambda: services.decision_close_voting(decision=case.decision, by=case.members[0])
    )
    assert err.code == DomainError.CONFLICT and "3" in str(err.message)
    case.decision.refresh_from_db()
    assert case.decision.state == Decision.State.VOTING


@pytest.mark.django_db
@override_settings(DECISION_QUORUM=2)
def test_the_quorum_is_a_setting():
    case = open_decision(members=2)
    in_voting(case)
    vote_all(case, "aa")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert d.state == Decision.State.GRANTED
    assert (d.approvals, d.rejections, d.abstentions) == (2, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("votes", "outcome"),
    [
        ("aaa", "granted"),
        ("aar", "granted"),
        ("arx", "refused"),  # a tie of the votes for and against does not grant
        ("aax", "granted"),  # abstentions count for the quorum, not for the majority
        ("rrr", "refused"),
        ("xxx", "refused"),
    ],
)
def test_the_outcome_follows_from_the_votes(votes, outcome, django_capture_on_commit_callbacks):
    case = open_decision()
    in_voting(case)
    vote_all(case, votes)
    heard = []

    def listen(sender, decision, **kw):
        heard.append(decision.pk)

    signals.decision_made.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    finally:
        signals.decision_made.disconnect(listen)
    assert d.state == outcome
    assert d.decided_at is not None and d.decided_by == case.members[0]
    assert heard == [d.pk]


def test_the_majority_rule_is_a_setting():
    assert tally_outcome(approve=2, reject=1, majority="simple")
    assert tally_outcome(approve=2, reject=1, majority="two_thirds")
    assert tally_outcome(approve=3, reject=2, majority="simple")
    assert not tally_outcome(approve=3, reject=2, majority="two_thirds")
    assert not tally_outcome(approve=1, reject=1, majority="simple")
    assert not tally_outcome(approve=0, reject=0, majority="simple")


@pytest.mark.django_db
def test_customer_service_hears_of_the_decision():
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    in_voting(case)
    vote_all(case, "rrr")
    services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert Notification.objects.filter(recipient=kefu, kind="decision.made").exists()


# --- who may vote (ISO/IEC 17065 7.6) ------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_of_the_evaluation_team_cannot_vote():
    case = open_decision()
    in_voting(case)
    # The team's auditor also sits on the committee.
    from django.contrib.auth.models import Group

    case.member.groups.add(Group.objects.get(name=Role.TECHNICAL_COMMITTEE))
    case.member._cesi_roles = None
    err = error_of(
        lambda: services.decision_vote(decision=case.decision, by=case.member, choice="approve")
    )
    assert err.code == DomainError.FORBIDDEN
    assert case.decision.evaluation.reference in str(err.message) and "17065" in str(err.message)
    assert not Vote.objects.filter(voter=case.member).exists()
    # Nor confirm a condition.
    assert (
        code_of(
            lambda: services.decision_confirm_condition(
                decision=case.decision, by=case.member, condition="e"
            )
        )
        == DomainError.FORBIDDEN
    )


@pytest.mark.django_db
def test_a_member_with_a_declared_conflict_with_the_organisation_cannot_vote():
    case = open_decision()
    in_voting(case)
    member = case.members[2]
    ConflictDeclaration.objects.create(
        person=member, organization=case.decision.organization, nature="consulted"
    )
    err = error_of(
        lambda: services.decision_vote(decision=case.decision, by=member, choice="approve")
    )
    assert err.code == DomainError.FORBIDDEN and "conflict" in str(err.message).lower()


@pytest.mark.django_db
def test_grant_is_refused_when_a_vote_came_from_a_member_now_conflicted():
    """A conflict declared after voting takes the vote out of the count: 2 of the 3 needed."""
    case = open_decision()
    in_voting(case)
    vote_all(case, "aaa")
    ConflictDeclaration.objects.create(
        person=case.members[2], organization=case.decision.organization, nature="employed"
    )
    err = error_of(
        lambda: services.decision_close_voting(decision=case.decision, by=case.members[0])
    )
    assert err.code == DomainError.CONFLICT and "2" in str(err.message)
    case.decision.refresh_from_db()
    assert case.decision.state == Decision.State.VOTING
    # A fourth, unconflicted member votes: the quorum is reached without the barred vote.
    fourth = committee_member()
    services.decision_vote(decision=case.decision, by=fourth, choice="approve")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert d.state == Decision.State.GRANTED and d.approvals == 3


@pytest.mark.django_db
def test_a_conflict_that_ended_long_ago_no_longer_bars():
    case = open_decision()
    in_voting(case)
    member = case.members[2]
    ConflictDeclaration.objects.create(
        person=member,
        organization=case.decision.organization,
        nature="employed",
        ended_on=timezone.localdate() - datetime.timedelta(days=3 * 366),
    )
    services.decision_vote(decision=case.decision, by=member, choice="approve")
    assert Vote.objects.filter(decision=case.decision, voter=member, choice="approve").exists()


# --- votes ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_vote_may_change_while_open_and_the_history_keeps_it():
    case = open_decision()
    in_voting(case)
    m = case.members[0]
    services.decision_vote(decision=case.decision, by=m, choice="approve", comment="同意")
    services.decision_vote(decision=case.decision, by=m, choice="abstain", comment="回避")
    vote = Vote.objects.get(decision=case.decision, voter=m)
    assert vote.choice == "abstain"
    assert [h.choice for h in vote.history.order_by("history_id")] == ["approve", "abstain"]
    assert Vote.objects.filter(decision=case.decision).count() == 1
    # The log says that the member voted, not how.
    assert all(
        log.reason == ""
        for log in TransitionLog.objects.filter(object_id=case.decision.pk, transition="vote")
    )


@pytest.mark.django_db
def test_a_rejection_says_why():
    case = open_decision()
    in_voting(case)
    err = error_of(
        lambda: services.decision_vote(decision=case.decision, by=case.members[0], choice="reject")
    )
    assert err.code == DomainError.INVALID and err.field == "comment"


@pytest.mark.django_db
def test_one_vote_per_member_by_constraint():
    from django.db import IntegrityError, transaction

    case = open_decision()
    in_voting(case)
    Vote.objects.create(decision=case.decision, voter=case.members[0], choice="approve")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(decision=case.decision, voter=case.members[0], choice="reject")


# --- locked once made ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_made_decision_is_locked_and_changes_only_by_a_new_decision():
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    in_voting(case)
    vote_all(case, "aaa")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    for call in (
        lambda: services.decision_vote(
            decision=d, by=case.members[1], choice="reject", comment="x"
        ),
        lambda: services.decision_confirm_condition(decision=d, by=case.members[1], condition="a"),
        lambda: services.decision_close_voting(decision=d, by=case.members[1]),
    ):
        assert code_of(call) == DomainError.CONFLICT
    assert (
        code_of(lambda: services.decision_open_new(previous=d, by=case.members[0], reason="x"))
        == DomainError.FORBIDDEN
    )
    new = services.decision_open_new(previous=d, by=kefu, reason="监管通报新情况")
    assert new.state == Decision.State.PENDING and new.supersedes == d
    d.refresh_from_db()
    assert d.state == Decision.State.GRANTED
    # Only one open decision per evaluation.
    assert (
        code_of(lambda: services.decision_open_new(previous=d, by=kefu, reason="again"))
        == DomainError.CONFLICT
    )


@pytest.mark.django_db
def test_one_open_decision_per_evaluation_by_constraint():
    from django.db import IntegrityError, transaction

    case = open_decision()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            evaluation=case.decision.evaluation,
            organization=case.decision.organization,
            reference="JD-dup",
            due_on=timezone.localdate(),
        )


# --- overdue ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_not_made_in_time_is_overdue():
    import time_machine

    case = open_decision()
    d = case.decision
    assert not d.is_overdue
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31), tick=False):
        assert d.is_overdue


# --- the written refusal (§3.3) -------------------------------------------------------------------


def _refused(case, confirm="abcde"):
    in_voting(case, confirm=confirm)
    vote_all(case, "rrr")
    return services.decision_close_voting(decision=case.decision, by=case.members[0])


@pytest.mark.django_db
def test_only_customer_service_sends_the_refusal_notice_once(
    monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    from certificates.services import decisions as decision_services

    monkeypatch.setattr(decision_services, "refusal_notice_pdf", lambda d: b"%PDF-1.4 notice")
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    d = _refused(case)
    assert (
        code_of(
            lambda: services.decision_send_refusal_notice(
                decision=d, by=case.members[0], reasons="x"
            )
        )
        == DomainError.FORBIDDEN
    )
    blank = error_of(
        lambda: services.decision_send_refusal_notice(decision=d, by=kefu, reasons=" ")
    )
    assert blank.field == "reasons"
    with django_capture_on_commit_callbacks(execute=True):
        d = services.decision_send_refusal_notice(decision=d, by=kefu, reasons="服务记录不完整")
    assert d.refusal_notice_sent_at and d.refusal_notice_pdf
    # By e-mail too, with the PDF attached (one e-mail, not a second plain one).
    mails = [m for m in mailoutbox if case.applicant.email in m.to]
    assert len(mails) == 1
    assert mails[0].attachments[0][0] == f"{d.reference}.pdf"
    assert mails[0].attachments[0][1].startswith(b"%PDF")
    assert Notification.objects.filter(
        recipient=case.applicant, kind="decision.refusal_notice"
    ).exists()
    again = error_of(
        lambda: services.decision_send_refusal_notice(decision=d, by=kefu, reasons="再次")
    )
    assert again.code == DomainError.CONFLICT


@pytest.mark.django_db
def test_a_granted_decision_has_no_refusal_notice():
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    in_voting(case)
    vote_all(case, "aaa")
    d = services.decision_close_voting(decision=case.decision, by=case.members[0])
    assert (
        code_of(lambda: services.decision_send_refusal_notice(decision=d, by=kefu, reasons="x"))
        == DomainError.CONFLICT
    )


@pytest.mark.pdf
@pytest.mark.django_db
def test_the_refusal_notice_pdf_gives_the_reasons_in_chinese(tmp_path):
    kefu = UserFactory(role=Role.CUSTOMER_SERVICE)
    case = open_decision()
    d = _refused(case, confirm="abce")
    d = services.decision_send_refusal_notice(
        decision=d, by=kefu, reasons="投诉处理记录缺失，不符合条件 d"
    )
    path = tmp_path / "notice.pdf"
    with d.refusal_notice_pdf.open("rb") as f:
        path.write_bytes(f.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout  # noqa: S603, S607
    flat = "".join(text.split())
    assert "投诉处理记录缺失" in flat
    assert d.reference in flat and d.evaluation.reference in flat
    assert "未通过认证" in flat
    # The unconfirmed condition (d) is quoted from §3.3; the confirmed ones are not.
    assert "服务经评价符合相应认证标准" in flat
    assert "与赛西认证签署了正式服务认证合同" not in flat
