"""§3.4.2 special cases: 认证业务部 adds an extra surveillance evaluation outside the cycles."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from certificates import services as certificate_services
from certificates.tests.factories import issued_certificate
from cesi_cert.errors import DomainError
from cesi_cert.models import Deadline
from evaluations.models import Evaluation
from surveillance import services
from surveillance.models import ExtraSurveillance, SurveillanceCycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 2, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def cert(org, cs_staff):
    return issued_certificate(by=cs_staff, organization=org)


def test_s3_4_2_extra_surveillance_opens_a_surveillance_evaluation_outside_the_cycle(
    cert, business_staff
):
    cycles_before = list(SurveillanceCycle.objects.values_list("pk", "evaluation_id", "state"))
    extra = services.surveillance_add_extra(
        certificate=cert,
        by=business_staff,
        reason="市场监管通报投诉",
        due_on=datetime.date(2026, 8, 1),
    )
    evaluation = extra.evaluation
    assert evaluation.kind == Evaluation.Kind.SURVEILLANCE
    assert evaluation.organization_id == cert.organization_id
    assert evaluation.scheme_id == cert.scheme_id
    assert evaluation.history.first().history_user == business_staff
    due = Deadline.objects.get(kind="surveillance.extra_due", object_id=extra.pk)
    assert due.visible_to_organization and due.closed_at is None
    # The cycles are untouched.
    assert list(SurveillanceCycle.objects.values_list("pk", "evaluation_id", "state")) == (
        cycles_before
    )


def test_s3_4_2_only_certification_business_adds_and_not_to_a_withdrawn_certificate(
    cert, cs_staff, applicant, business_staff
):
    for user in (cs_staff, applicant):
        with pytest.raises(DomainError) as err:
            services.surveillance_add_extra(
                certificate=cert, by=user, reason="x", due_on=datetime.date(2026, 8, 1)
            )
        assert err.value.code == DomainError.FORBIDDEN
    with pytest.raises(DomainError) as err:
        services.surveillance_add_extra(
            certificate=cert, by=business_staff, reason=" ", due_on=datetime.date(2026, 5, 1)
        )
    assert set(err.value.field_errors()) == {"reason", "due_on"}
    certificate_services.certificate_withdraw(
        certificate=cert, by=cs_staff, ground="k", reason="组织申请撤销"
    )
    with pytest.raises(DomainError) as err:
        services.surveillance_add_extra(
            certificate=cert, by=business_staff, reason="投诉", due_on=datetime.date(2026, 8, 1)
        )
    assert err.value.code == DomainError.CONFLICT
    assert not ExtraSurveillance.objects.exists()


def test_s3_4_2_admin_adds_an_extra_surveillance(client, cert, business_staff):
    client.force_login(business_staff)
    url = reverse("admin:surveillance_extrasurveillance_open")
    assert client.get(url).status_code == 200
    res = client.post(url, {"certificate": cert.pk, "reason": "投诉较多", "due_on": "2026-07-15"})
    assert res.status_code == 302
    extra = ExtraSurveillance.objects.get()
    assert (extra.certificate, extra.requested_by) == (cert, business_staff)
    page = client.get(reverse("admin:surveillance_extrasurveillance_changelist"))
    assert cert.number in page.content.decode()


def test_s3_4_2_a_grant_on_the_extra_evaluation_meets_its_deadline(
    cert, business_staff, django_capture_on_commit_callbacks
):
    from certificates.tests.decision_factories import Case as DecisionCase
    from certificates.tests.decision_factories import committee_member, in_voting, vote_all

    extra = services.surveillance_add_extra(
        certificate=cert, by=business_staff, reason="投诉核查", due_on=datetime.date(2026, 8, 1)
    )
    Evaluation.objects.filter(pk=extra.evaluation_id).update(
        state=Evaluation.State.REPORTED, conclusion=Evaluation.Conclusion.RECOMMEND
    )
    case = DecisionCase(
        decision=certificate_services.decision_open(evaluation=extra.evaluation),
        leader=None,
        member=None,
        applicant=None,
        members=[committee_member() for _ in range(3)],
    )
    in_voting(case)
    vote_all(case, "aaa")
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.decision_close_voting(decision=case.decision, by=case.members[0])
    due = Deadline.objects.get(kind="surveillance.extra_due", object_id=extra.pk)
    assert due.closed_at is not None and due.outcome == Deadline.Outcome.MET
