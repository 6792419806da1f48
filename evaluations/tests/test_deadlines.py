"""Evaluations on the deadline engine: each nonconformity's answer (§3.3.2.2 5) and each
subcontracted report (§3.3.2.1) is a deadline the organisation or staff see, reminded and
alerted by the kernel's sweeps, closed in time or late by the services."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from cesi_cert.deadlines import deadlines_for
from cesi_cert.models import Deadline, Notification
from evaluations import services
from evaluations.tests.test_execution import answer, notified_evaluation, on_site, raise_nc

DUE = datetime.date(2099, 1, 31)


def _open_rows(kind):
    return Deadline.objects.filter(kind=kind, closed_at__isnull=True)


@pytest.mark.django_db
def test_a_nonconformity_is_owed_by_the_end_of_its_due_date_and_met_by_the_answer():
    visit = notified_evaluation()
    on_site(visit)
    nc = raise_nc(visit, due_on=DUE)
    row = _open_rows("evaluations.nonconformity_answer").get()
    assert row.subject == nc and row.organization_id == visit.evaluation.organization_id
    assert (
        f"{row.due_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))):%Y-%m-%d %H:%M}"
        == "2099-01-31 23:59"
    )
    assert list(deadlines_for(visit.applicant)) == [row]  # on the organisation's home

    answer(nc, visit.applicant)
    row.refresh_from_db()
    assert row.outcome == Deadline.Outcome.MET
    services.nonconformity_send_back(nonconformity=nc, by=visit.leader, reason="证据不足")
    assert _open_rows("evaluations.nonconformity_answer").count() == 1  # owed again


@pytest.mark.django_db
def test_an_unanswered_nonconformity_alerts_once_and_a_late_answer_is_recorded_late():
    visit = notified_evaluation()
    on_site(visit)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        nc = raise_nc(visit, due_on=datetime.date(2026, 3, 20))
    call_command("run_deadlines", "--as-of", "2026-03-21T08:00:00")
    call_command("run_deadlines", "--as-of", "2026-03-22T08:00:00")
    alerts = Notification.objects.filter(kind="deadline.overdue")
    assert alerts.filter(recipient=visit.applicant).count() == 1
    assert visit.planner in {n.recipient for n in alerts}  # 认证业务部 follows it
    assert "NC01" in alerts.get(recipient=visit.applicant).text
    with time_machine.travel(datetime.datetime(2026, 3, 23, tzinfo=datetime.UTC), tick=False):
        answer(nc, visit.applicant)
    assert Deadline.objects.get(kind="evaluations.nonconformity_answer").outcome == "late"


@pytest.mark.django_db
def test_a_subcontracted_report_is_an_internal_deadline_closed_when_it_arrives(client):
    from evaluations.tests.test_fieldwork import pdf, request_subcontract

    visit = notified_evaluation()
    sa = request_subcontract(visit)
    row = _open_rows("evaluations.subcontract_report").get()
    assert row.subject == sa and not deadlines_for(visit.applicant).exists()
    client.force_login(visit.planner)
    dashboard = client.get(reverse("admin:cesi_cert_deadline_changelist"))
    assert row in dashboard.context["cl"].result_list
    services.subcontract_receive(assessment=sa, by=visit.planner, report=pdf())
    row.refresh_from_db()
    assert row.closed_at is not None


@pytest.mark.django_db
def test_cancelling_the_evaluation_closes_what_it_owed():
    visit = notified_evaluation()
    on_site(visit)
    raise_nc(visit, due_on=DUE)
    services.evaluation_cancel(evaluation=visit.evaluation, by=visit.planner, reason="申请撤回")
    row = Deadline.objects.get(kind="evaluations.nonconformity_answer")
    assert row.outcome == Deadline.Outcome.CANCELLED
