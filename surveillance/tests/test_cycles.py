"""Surveillance cycles on the deadline engine (§3.4.2): a new certificate opens cycle 1, the
sweep opens its surveillance evaluation 90 days before the end, a granted decision on it
satisfies the cycle and opens cycle 2, and a cycle that ends unsatisfied is missed with a case
proposing suspension on ground a of §5.1.1 — each as the system, each once."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from applications.tests.factories import applicant_of
from certificates import services as certificate_services
from certificates.models import Certificate
from certificates.tests.decision_factories import Case as DecisionCase
from certificates.tests.decision_factories import committee_member, in_voting, vote_all
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.models import Deadline, TransitionLog
from evaluations.models import Evaluation
from surveillance import services
from surveillance.models import Case, SurveillanceCycle

UTC = datetime.UTC


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(tzinfo=UTC), tick=False)


def _issue(capture):
    with capture(execute=True):
        return issued_certificate()


def _grant(evaluation, capture):
    """The committee grants the surveillance evaluation's report (reported directly: the
    evaluation's own walk is tested in evaluations)."""
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state=Evaluation.State.REPORTED, conclusion=Evaluation.Conclusion.RECOMMEND
    )
    decision = certificate_services.decision_open(evaluation=evaluation)
    case = DecisionCase(
        decision=decision,
        leader=None,
        member=None,
        applicant=None,
        members=[committee_member() for _ in range(3)],
    )
    in_voting(case)
    vote_all(case, "aaa")
    with capture(execute=True):
        return certificate_services.decision_close_voting(
            decision=case.decision, by=case.members[0]
        )


@pytest.mark.django_db
def test_s3_4_2_cycles_from_issue_to_a_satisfied_and_a_missed_cycle(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    with at("2026-04-20T02:00"):
        certificate = _issue(capture)
    cycle1 = SurveillanceCycle.objects.get(certificate=certificate)
    assert (cycle1.number, cycle1.starts_on, cycle1.ends_on) == (
        1,
        datetime.date(2026, 4, 20),
        datetime.date(2027, 4, 19),
    )
    due = Deadline.objects.get(kind="surveillance.cycle_due", object_id=cycle1.pk)
    assert due.visible_to_organization and due.owner_role == "certification_business"
    assert due.remind_at.date() == datetime.date(2027, 2, 18)  # 60 days before

    with at("2027-01-18T02:00"):  # 91 days before the end: not yet
        call_command("run_deadlines")
    cycle1.refresh_from_db()
    assert cycle1.evaluation is None

    with at("2027-01-19T02:00"):  # 90 days before the end (local date)
        call_command("run_deadlines")
        call_command("run_deadlines")  # a second run opens nothing more
    cycle1.refresh_from_db()
    evaluation = cycle1.evaluation
    assert evaluation is not None
    assert Evaluation.objects.filter(kind=Evaluation.Kind.SURVEILLANCE).count() == 1
    assert evaluation.organization_id == certificate.organization_id
    assert evaluation.scheme_id == certificate.scheme_id
    assert evaluation.reference.startswith("EV2027-") and evaluation.state == "planning"
    assert set(evaluation.sites.all()) == set(certificate.current_version.evaluation.sites.all())

    with at("2027-03-01T02:00"):
        decision = _grant(evaluation, capture)
    assert decision.state == "granted"
    cycle1.refresh_from_db()
    assert cycle1.state == SurveillanceCycle.State.SATISFIED
    due.refresh_from_db()
    assert due.closed_at is not None and due.outcome == Deadline.Outcome.MET
    cycle2 = SurveillanceCycle.objects.get(certificate=certificate, number=2)
    assert (cycle2.starts_on, cycle2.ends_on) == (
        datetime.date(2027, 4, 20),
        datetime.date(2028, 4, 19),
    )
    # A grant is no certificate issue: the certificate stays as it was.
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE
    assert certificate.versions.count() == 1

    with at("2028-04-19T12:00"):  # the last day of the cycle: not missed yet
        call_command("run_deadlines")
    cycle2.refresh_from_db()
    assert cycle2.state == SurveillanceCycle.State.OPEN
    assert cycle2.evaluation is not None  # opened 90 days before, never granted

    with at("2028-04-20T02:00"):
        call_command("run_deadlines")
        call_command("run_deadlines")  # a second run does nothing
    cycle2.refresh_from_db()
    assert cycle2.state == SurveillanceCycle.State.MISSED
    case = Case.objects.get()
    assert case.proposal == Case.Proposal.SUSPENSION and case.ground == Case.Ground.A
    assert (
        case.sweep == "surveillance.cycles_missed" and case.organization == certificate.organization
    )
    assert certificate.number in case.note
    log = TransitionLog.objects.get(object_id=cycle2.pk, transition="miss")
    assert log.actor is None and log.reason == "surveillance.cycles_missed"
    # The seed asks for an investigation first: the sweep does not suspend.
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE
    # §7.2 e: cycle 3 would end with the validity; the recertification covers it.
    assert not SurveillanceCycle.objects.filter(certificate=certificate, number=3).exists()


@pytest.mark.django_db
def test_s3_4_2_the_creation_receiver_is_idempotent(django_capture_on_commit_callbacks):
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
        services.on_certificate_issued(sender=Certificate, certificate=certificate)
        assert services.cycle_ensure(certificate=certificate, number=1, reason="test") is None
    assert SurveillanceCycle.objects.filter(certificate=certificate).count() == 1
    assert Deadline.objects.filter(kind="surveillance.cycle_due").count() == 1


@pytest.mark.django_db
def test_s7_2_e_the_last_cycle_before_expiry_gets_no_surveillance(
    django_capture_on_commit_callbacks,
):
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
        assert services.cycle_ensure(certificate=certificate, number=2, reason="test")
        assert services.cycle_ensure(certificate=certificate, number=3, reason="test") is None


@pytest.mark.django_db
def test_s3_4_2_a_withdrawn_certificate_cancels_its_open_cycle(django_capture_on_commit_callbacks):
    """Nothing more is owed on a withdrawn certificate: its open cycle is cancelled at once,
    not at the cycle's end, and the portal no longer shows surveillance due."""
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    with at("2026-06-01T02:00"), django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_withdraw(
            certificate=certificate, by=staff("kefu-w"), ground="k", reason="组织申请撤销"
        )
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    assert cycle.state == SurveillanceCycle.State.CANCELLED
    assert TransitionLog.objects.get(object_id=cycle.pk, transition="cancel").actor is None
    assert not Case.objects.exists()
    assert Deadline.objects.get(object_id=cycle.pk, kind="surveillance.cycle_due").outcome == (
        Deadline.Outcome.CANCELLED
    )


@pytest.mark.django_db
def test_s3_4_2_the_sweep_still_cancels_a_cycle_the_event_missed(
    django_capture_on_commit_callbacks,
):
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=certificate.pk).update(state=Certificate.State.WITHDRAWN)
    with at("2027-04-21T02:00"):
        call_command("run_deadlines")
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    assert cycle.state == SurveillanceCycle.State.CANCELLED
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_cycles_api_scoping_and_portal_panel(client, django_capture_on_commit_callbacks):
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    cycle = SurveillanceCycle.objects.get()
    owner = applicant_of(certificate.organization)
    other = applicant_of(issued_certificate(issued_on=datetime.date(2026, 5, 1)).organization)
    url = f"/api/v1/surveillance-cycles/{cycle.pk}/"

    api = APIClient()
    api.force_authenticate(owner)
    body = api.get(url).json()
    assert body["number"] == 1 and body["ends_on"] == "2027-04-19" and body["state"] == "open"
    assert api.get("/api/v1/surveillance-cycles/").json()["count"] == 1

    api.force_authenticate(other)
    assert api.get(url).status_code == 404
    assert api.get("/api/v1/surveillance-cycles/").json()["count"] == 0

    client.force_login(owner)
    page = client.get(reverse("portal:home")).content.decode()
    # The open cycle is on the organisation's home through its deadlines panel.
    assert 'data-testid="deadlines"' in page and "2027-04-19" in page


@pytest.mark.django_db
def test_s3_4_2_no_person_runs_a_cycle_transition(django_capture_on_commit_callbacks):
    from django.db import transaction

    from certificates.tests.factories import staff
    from cesi_cert.errors import DomainError
    from cesi_cert.transitions import run_transition

    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    with pytest.raises(DomainError) as refused, transaction.atomic():
        run_transition(cycle, "satisfy", by=staff("kefu-x"), on=datetime.date(2026, 5, 1))
    assert refused.value.code == DomainError.FORBIDDEN
    cycle.refresh_from_db()
    assert cycle.state == SurveillanceCycle.State.OPEN


@pytest.mark.django_db
def test_staff_read_cycles_in_the_admin_with_the_overdue_filter(
    client, django_capture_on_commit_callbacks
):
    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role

    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    person = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    url = reverse("admin:surveillance_surveillancecycle_changelist")
    with at("2027-05-01T02:00"):  # cycle 1 ended, the sweep has not run yet
        client.force_login(person)
        overdue = client.get(url, {"overdue": "yes"})
        not_overdue = client.get(url, {"overdue": "no"})
    assert overdue.status_code == 200 and overdue.context["cl"].result_count == 1
    assert not_overdue.context["cl"].result_count == 0
    page = client.get(
        reverse("admin:surveillance_surveillancecycle_change", args=[cycle.pk])
    ).content.decode()
    assert certificate.number in page
    assert client.post(url + "add/").status_code == 403  # read only


@pytest.mark.django_db
def test_s3_4_2_no_surveillance_is_opened_for_a_withdrawn_certificate(
    django_capture_on_commit_callbacks,
):
    with at("2026-04-20T02:00"):
        certificate = _issue(django_capture_on_commit_callbacks)
    Certificate.objects.filter(pk=certificate.pk).update(state=Certificate.State.WITHDRAWN)
    cycle = SurveillanceCycle.objects.get(certificate=certificate)
    with at("2027-01-20T02:00"):  # within 90 days of the cycle's end
        assert services.cycle_open_evaluation(cycle.pk, None) is False
        call_command("run_deadlines")
    cycle.refresh_from_db()
    # (Written behind the services' back, so no event cancelled the cycle: the missed sweep
    # does at its end, see the test above; meanwhile nothing is opened for it.)
    assert cycle.evaluation is None
    assert not Evaluation.objects.filter(kind=Evaluation.Kind.SURVEILLANCE).exists()
