"""Issue 9 "Tests that must exist": one certificate's whole life on the deadline engine, travelled
through with time-machine and ``run_deadlines --as-of`` as Celery beat would run it.

Granted by the committee (§3.3) → 9 months: the cycle's surveillance evaluation is opened for
planning (§3.4.2) → 12 months without a decision: the cycle is missed and a case proposes
suspension on ground a of §5.1.1 → staff investigate and suspend (§5.1.3, 6 months at most) →
14 days before the end: staff and the organisation are reminded once → the end passes without
reinstatement: withdrawn on ground d of §5.2.1 by the system, with the notice (§5.1.4, §5.2.2),
and the public verification page says so. A second certificate, never renewed: the
recertification window is reminded 3 months before expiry and the sweep expires it the day
after (§3.5). Each step checks what people see, and that the same ``as_of`` run again changes
nothing. A third certificate is renewed in its window and lives on into the next period.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications.tests.factories import UserFactory
from certificates import services as certificate_services
from certificates.models import Certificate, StatusChange
from certificates.tests.decision_factories import in_voting, open_decision, vote_all
from certificates.tests.factories import issued_certificate
from cesi_cert.models import Deadline, Notification, TransitionLog
from cesi_cert.roles import Role
from evaluations.models import Evaluation
from surveillance import services
from surveillance.models import Case, SurveillanceCycle

UTC = datetime.UTC


def _moment(iso: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(iso).replace(tzinfo=UTC)


def _seen() -> dict:
    """What people could notice: inbox rows, e-mails, status changes, cases, transitions,
    evaluations and open deadlines."""
    return {
        "notifications": Notification.objects.count(),
        "emails": len(mail.outbox),
        "status_changes": StatusChange.objects.count(),
        "cases": Case.objects.count(),
        "transitions": TransitionLog.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "open_deadlines": Deadline.objects.filter(closed_at__isnull=True).count(),
    }


class Beat:
    """Runs ``run_deadlines --as-of`` at a moment (the clock travelled there too), committing
    what the sweeps queue after commit (e-mails, the notice PDF, events), then runs it again
    and checks the second run changed nothing."""

    def __init__(self, capture):
        self.capture = capture

    def run(self, iso: str) -> None:
        with time_machine.travel(_moment(iso), tick=False):
            with self.capture(execute=True):
                call_command("run_deadlines", as_of=iso)
            before = _seen()
            with self.capture(execute=True):
                call_command("run_deadlines", as_of=iso)
            assert _seen() == before, f"a second run as of {iso} changed something"


def _to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def _inbox(user, kind: str) -> list:
    return list(Notification.objects.filter(recipient=user, kind=kind))


@pytest.mark.django_db
def test_s3_4_2_s5_1_4_s5_2_1_d_a_certificate_missed_surveilled_suspended_and_withdrawn(
    client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    beat = Beat(capture)
    business = UserFactory(username="renzheng-ye-wu", role=Role.CERTIFICATION_BUSINESS)
    UserFactory(username="ke-fu", role=Role.CUSTOMER_SERVICE)

    # §3.3: the committee grants the initial evaluation; the grant issues the certificate and
    # (after commit) cycle 1 starts with its deadline.
    with time_machine.travel(_moment("2026-04-20T02:00"), tick=False):
        case = open_decision()
        in_voting(case)
        vote_all(case, "aaa")
        with capture(execute=True):
            decision = certificate_services.decision_close_voting(
                decision=case.decision, by=case.members[0]
            )
    assert decision.state == "granted"
    member = case.applicant
    certificate = Certificate.objects.get(organization=decision.organization)
    assert certificate.state == Certificate.State.ACTIVE
    assert certificate.first_issued_on == datetime.date(2026, 4, 20)
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    assert (cycle.number, cycle.ends_on) == (1, datetime.date(2027, 4, 19))
    cycle_due = Deadline.objects.get(kind="surveillance.cycle_due", object_id=cycle.pk)
    assert cycle_due.is_open

    # 9 months (90 days before the cycle's end): the surveillance evaluation is opened for
    # planning, as the system, and 认证业务部 is told in its inbox and by e-mail.
    mail.outbox.clear()
    beat.run("2027-01-20T02:00:00+00:00")
    cycle.refresh_from_db()
    evaluation = cycle.evaluation
    assert evaluation is not None and evaluation.organization_id == certificate.organization_id
    assert evaluation.kind == Evaluation.Kind.SURVEILLANCE
    assert evaluation.state == Evaluation.State.PLANNING
    assert _inbox(business, "evaluation.surveillance_opened")
    assert _to(business)
    assert cycle.state == SurveillanceCycle.State.OPEN

    # 12 months without a decision on it: the cycle is missed (its deadline met late, the
    # overdue alert sent once) and a case proposes suspension on ground a of §5.1.1.
    mail.outbox.clear()
    beat.run("2027-04-20T02:00:00+00:00")
    cycle.refresh_from_db()
    assert cycle.state == SurveillanceCycle.State.MISSED
    assert cycle.closed_on == datetime.date(2027, 4, 20)
    cycle_due.refresh_from_db()
    assert cycle_due.outcome == Deadline.Outcome.LATE and cycle_due.alerted_at is not None
    assert len(_inbox(member, "deadline.overdue")) == 1
    assert len(_inbox(business, "deadline.overdue")) == 1
    proposal = Case.objects.get(organization=certificate.organization)
    assert (proposal.proposal, proposal.ground) == (Case.Proposal.SUSPENSION, Case.Ground.A)
    assert proposal.sweep == services.MISSED_SWEEP
    assert TransitionLog.objects.get(object_id=cycle.pk, transition="miss").actor is None
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE  # the seed asks for an investigation

    # Staff investigate and accept the case, which suspends the certificate through the
    # certificate service on ground a, for the longest period, 6 months (§5.1.3).
    assert proposal.certificate == certificate
    with time_machine.travel(_moment("2027-05-10T02:00"), tick=False), capture(execute=True):
        services.case_accept(case=proposal, by=business, reason="调查属实")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.SUSPENDED
    assert certificate.suspension_ground == "a"
    assert certificate.suspended_until == datetime.date(2027, 11, 10)
    suspension_end = Deadline.objects.get(kind="certificates.suspension_end")
    assert suspension_end.is_open

    # 14 days before the end: staff and the organisation are reminded, once.
    beat.run("2027-10-27T02:00:00+00:00")  # 15 days before: not yet
    assert not _inbox(member, "deadline.reminder")
    mail.outbox.clear()
    beat.run("2027-10-28T02:00:00+00:00")
    assert len(_inbox(member, "deadline.reminder")) == 1
    assert len(_inbox(business, "deadline.reminder")) == 1
    assert len(_to(member)) == 1 and len(_to(business)) == 1
    assert certificate.number in _to(member)[0].body

    # The last day of the suspension is still suspended.
    beat.run("2027-11-10T12:00:00+00:00")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.SUSPENDED

    # The day after: withdrawn on ground d by the system, the notice sent and stored.
    mail.outbox.clear()
    beat.run("2027-11-11T02:00:00+00:00")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.WITHDRAWN
    withdrawal = StatusChange.objects.get(certificate=certificate, kind="withdrawal")
    assert withdrawal.ground == "d" and withdrawal.effective_on == datetime.date(2027, 11, 11)
    assert withdrawal.created_by is None and withdrawal.notice_pdf
    log = TransitionLog.objects.get(object_id=certificate.pk, transition="withdraw")
    assert log.actor is None and log.reason.startswith("certificates.suspension_end")
    assert certificate.history.latest().history_user is None
    assert len(_inbox(member, "certificate.status_changed")) == 2  # suspension, withdrawal
    assert len(_to(member)) == 1
    suspension_end.refresh_from_db()
    assert suspension_end.outcome == Deadline.Outcome.CANCELLED
    assert not Deadline.objects.filter(
        object_id=certificate.pk, kind__startswith="certificates.", closed_at__isnull=True
    ).exists()

    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-state="withdrawn"' in html and "WITHDRAWN" in html


@pytest.mark.django_db
def test_s3_5_a_certificate_never_renewed_is_reminded_then_expired(
    client, django_capture_on_commit_callbacks
):
    beat = Beat(django_capture_on_commit_callbacks)
    with time_machine.travel(_moment("2026-04-20T02:00"), tick=False):
        certificate = issued_certificate(issued_on=datetime.date(2026, 4, 20))
    member = UserFactory(username="qi-ye", role=Role.APPLICANT)
    certificate.organization.memberships.create(user=member, is_admin=True)
    assert certificate.expires_on == datetime.date(2029, 4, 19)
    expiry = Deadline.objects.get(kind="certificates.expiry", object_id=certificate.pk)

    # 3 months before expiry the recertification window is reminded (§3.5), once.
    beat.run("2029-01-18T02:00:00+00:00")
    assert not _inbox(member, "deadline.reminder")
    mail.outbox.clear()
    beat.run("2029-01-20T02:00:00+00:00")
    reminders = _inbox(member, "deadline.reminder")
    assert len(reminders) == 1 and certificate.number in reminders[0].text
    assert len(_to(member)) == 1

    # The last day of validity: still valid.
    beat.run("2029-04-19T12:00:00+00:00")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE

    # Expiry day + 1: expired by the sweep, as the system; the deadline closed late.
    beat.run("2029-04-20T02:00:00+00:00")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.EXPIRED
    log = TransitionLog.objects.get(object_id=certificate.pk, transition="expire")
    assert log.actor is None and log.reason == "certificates.expiry"
    change = StatusChange.objects.get(certificate=certificate, kind="expiry")
    assert change.effective_on == datetime.date(2029, 4, 20)
    expiry.refresh_from_db()
    assert expiry.outcome == Deadline.Outcome.LATE
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-state="expired"' in html


@pytest.mark.django_db
def test_s3_5_a_certificate_renewed_in_its_window_lives_on_into_the_next_period(
    client, django_capture_on_commit_callbacks
):
    """§3.5: reminded when the window opens, the organisation applies, the committee grants the
    recertification, and the certificate keeps its number with validity extended from the old
    expiry; the old expiry passes without an expiry, the new period's cycle starts (§3.4.2)
    and the next window is reminded three years on."""
    from certificates.tests.decision_factories import Case as DecisionCase
    from certificates.tests.decision_factories import committee_member
    from certificates.tests.factories import reported_evaluation

    capture = django_capture_on_commit_callbacks
    beat = Beat(capture)
    with time_machine.travel(_moment("2026-04-20T02:00"), tick=False), capture(execute=True):
        certificate = issued_certificate(issued_on=datetime.date(2026, 4, 20))
    member = UserFactory(username="xu-qi-ye", role=Role.APPLICANT)
    certificate.organization.memberships.create(user=member, is_admin=True)

    beat.run("2029-01-20T02:00:00+00:00")
    assert len(_inbox(member, "deadline.reminder")) == 1

    # The recertification (its application naming the certificate) is reported and granted.
    with time_machine.travel(_moment("2029-03-01T02:00"), tick=False):
        evaluation = reported_evaluation(organization=certificate.organization, renews=certificate)
        decision = DecisionCase(
            decision=certificate_services.decision_open(evaluation=evaluation),
            leader=None,
            member=None,
            applicant=member,
            members=[committee_member() for _ in range(3)],
        )
        in_voting(decision)
        vote_all(decision, "aaa")
        with capture(execute=True):
            granted = certificate_services.decision_close_voting(
                decision=decision.decision, by=decision.members[0]
            )
    assert granted.state == "granted"
    certificate.refresh_from_db()
    assert Certificate.objects.filter(organization=certificate.organization).count() == 1
    assert certificate.expires_on == datetime.date(2032, 4, 19)
    assert certificate.current_version.kind == "recertification"
    assert certificate.versions.count() == 2  # the first version stays readable

    # The old expiry passes: still valid, and the verification page says until when.
    beat.run("2029-04-20T02:00:00+00:00")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-state="active"' in html and "2032-04-19" in html
    assert SurveillanceCycle.objects.filter(certificate=certificate, number=4).exists()

    # Three years on, the next window opens with its reminder.
    before = len(_inbox(member, "deadline.reminder"))
    beat.run("2032-01-20T02:00:00+00:00")
    assert len(_inbox(member, "deadline.reminder")) == before + 1
