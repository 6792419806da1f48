"""The ``incidents_late`` sweep (§3.4.3, §5.1.1 k): a notification the CB opened whose due moment
passed without the organisation's notification is marked late, as the system, and one case
proposing suspension on ground k is opened; a second or concurrent run does nothing."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from cesi_cert import deadlines
from cesi_cert.models import Deadline, Notification, TransitionLog
from conftest import race
from surveillance import services
from surveillance.models import Case, OrganizationNotice

from .factories import opened

UTC = datetime.UTC
EVENT = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


@pytest.fixture
def awaiting(org, applicant, cs_staff):
    with time_machine.travel(EVENT + datetime.timedelta(hours=2), tick=False):
        return opened(org, cs_staff, occurred_at=EVENT)


@pytest.mark.django_db
def test_the_organisation_sees_whom_to_notify_by_and_is_told(awaiting, applicant):
    row = Deadline.objects.get(kind="surveillance.notice_notify")
    assert row.due_at == EVENT + datetime.timedelta(hours=48) and row.visible_to_organization
    assert row.organization_id == awaiting.organization_id
    note = Notification.objects.get(recipient=applicant, kind="surveillance.incident_opened")
    assert "2026-03-04 09:00" in note.text  # due, China time


@pytest.mark.django_db
def test_sweep_marks_late_opens_one_case_and_a_second_run_does_nothing(
    awaiting, cs_staff, business_staff, capsys
):
    call_command("run_deadlines", "--as-of", "2026-03-04T08:59:00+08:00")  # a minute before
    # The due moment itself is still on time (§3.4.3 "48 小时内"), as a notification then is.
    call_command("run_deadlines", "--as-of", "2026-03-04T09:00:00+08:00")
    awaiting.refresh_from_db()
    assert not awaiting.late and not Case.objects.exists()
    capsys.readouterr()

    call_command("run_deadlines", "--as-of", "2026-03-04T09:01:00+08:00")
    assert "incidents_late: 1 changed" in capsys.readouterr().out
    awaiting.refresh_from_db()
    assert awaiting.late and awaiting.state == OrganizationNotice.State.AWAITING_ORGANIZATION
    case = Case.objects.get()
    assert (case.proposal, case.ground, case.notice, case.sweep) == (
        "suspension",
        "5.1.1k",
        awaiting,
        "incidents_late",
    )
    assert case.opened_by is None  # the system
    last = awaiting.history.first()
    assert last.history_user is None and last.history_change_reason == "incidents_late"
    told = Notification.objects.filter(kind="surveillance.case_opened")
    assert {n.recipient for n in told} == {cs_staff, business_staff}

    call_command("run_deadlines", "--as-of", "2026-03-05T09:00:00+08:00")
    assert "incidents_late: 0 changed" in capsys.readouterr().out
    assert Case.objects.count() == 1 and told.count() == 2


@pytest.mark.django_db
def test_notified_late_after_the_sweep_stays_late_and_closes_the_deadline(
    awaiting, applicant, cs_staff
):
    call_command("run_deadlines", "--as-of", "2026-03-05T00:00:00+08:00")
    with time_machine.travel(EVENT + datetime.timedelta(days=3), tick=False):
        notice = services.notice_notify(notice=awaiting, by=applicant, account="已整改")
    assert notice.state == OrganizationNotice.State.NOTIFIED and notice.late
    notify_row = Deadline.objects.get(kind="surveillance.notice_notify")
    assert notify_row.outcome == Deadline.Outcome.LATE
    decide_row = Deadline.objects.get(kind="surveillance.notice_decide")
    assert decide_row.closed_at is None and not decide_row.visible_to_organization
    assert Notification.objects.filter(
        recipient=cs_staff, kind="surveillance.incident_notified"
    ).exists()
    # Notified now: nothing left for the sweep.
    assert list(services.notices_late_due(EVENT + datetime.timedelta(days=30))) == []


@pytest.mark.django_db
def test_notified_in_time_is_not_late_and_the_sweep_leaves_it(awaiting, applicant):
    with time_machine.travel(EVENT + datetime.timedelta(hours=30), tick=False):
        services.notice_notify(notice=awaiting, by=applicant, account="说明情况")
    call_command("run_deadlines", "--as-of", "2026-03-10T00:00:00+08:00")
    awaiting.refresh_from_db()
    assert not awaiting.late and not Case.objects.exists()
    assert Deadline.objects.get(kind="surveillance.notice_notify").outcome == "met"


@pytest.mark.django_db
def test_one_failed_item_does_not_stop_the_others(org, other_org, cs_staff):
    with time_machine.travel(EVENT + datetime.timedelta(hours=1), tick=False):
        first = opened(org, cs_staff, occurred_at=EVENT)
        second = opened(other_org, cs_staff, occurred_at=EVENT)
    real = services.notice_mark_late

    def flaky(pk, as_of):
        if pk == first.pk:
            raise RuntimeError("boom")
        return real(pk, as_of)

    deadlines.register("incidents_late", due=services.notices_late_due, act=flaky)
    try:
        result = deadlines.run_all(EVENT + datetime.timedelta(days=3), only=["incidents_late"])
    finally:
        deadlines.register(
            "incidents_late", due=services.notices_late_due, act=services.notice_mark_late
        )
    assert result == {"incidents_late": 1}
    second.refresh_from_db()
    assert second.late and Case.objects.get().notice == second


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_open_exactly_one_case_and_one_notice(org, cs_staff, business_staff):
    with time_machine.travel(EVENT + datetime.timedelta(hours=1), tick=False):
        notice = opened(org, cs_staff, occurred_at=EVENT)
    as_of = EVENT + datetime.timedelta(days=3)
    results = race(4, lambda i: deadlines.run_all(as_of, only=["incidents_late"]))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["incidents_late"] for r in results) == 1, results
    assert Case.objects.filter(notice=notice).count() == 1
    assert (
        Notification.objects.filter(kind="surveillance.case_opened", recipient=cs_staff).count()
        == 1
    )
    assert not TransitionLog.objects.filter(object_id=notice.pk, transition="mark_late").exists()
