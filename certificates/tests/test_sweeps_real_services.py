"""Issue 9 "Tests that must exist": the certificates' sweeps on the real servers. Concurrent
sweeps on PostgreSQL (threads with their own connections) withdraw once at the end of a
suspension (§5.1.4, §5.2.1 d) and remind once before it, each with one notice and one e-mail;
and the beat task, sent through Redis, is run end to end by a real Celery worker."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from applications.tests.factories import UserFactory, applicant_of
from certificates import services
from certificates.deadlines import SUSPENSION_END_SWEEP
from certificates.models import Certificate, StatusChange
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.models import Deadline, Notification, TransitionLog
from cesi_cert.roles import Role
from conftest import race, wait_for


def _suspended(days: int = 30):
    """A certificate suspended today for ``days`` days, its organisation's member and
    认证业务部 (both reminded); e-mails so far cleared."""
    certificate = issued_certificate(by=staff("kefu-sweeps"))
    member = applicant_of(certificate.organization)
    business = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    until = timezone.localdate() + datetime.timedelta(days=days)
    services.certificate_suspend(
        certificate=certificate,
        by=staff("kefu-sweeps"),
        ground="h",
        reason="标志使用不当",
        until=until,
    )
    mail.outbox.clear()
    return certificate, member, business, until


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _no_errors(results):
    assert not [r for r in results if isinstance(r, Exception)], results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_s5_1_4_concurrent_withdrawal_sweeps_withdraw_once_with_one_notice_and_one_email():
    from cesi_cert import deadlines

    certificate, member, _, until = _suspended()
    before = Notification.objects.filter(recipient=member, kind="certificate.status_changed")
    seen = before.count()  # the suspension's
    as_of = _moment(until + datetime.timedelta(days=1))

    results = race(4, lambda i: deadlines.run_all(as_of, only=[SUSPENSION_END_SWEEP]))
    _no_errors(results)
    assert sum(r[SUSPENSION_END_SWEEP] for r in results) == 1, results
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.WITHDRAWN
    assert StatusChange.objects.filter(certificate=certificate, kind="withdrawal").count() == 1
    assert (
        TransitionLog.objects.filter(object_id=certificate.pk, transition="withdraw").count() == 1
    )
    assert before.count() == seen + 1
    assert len([m for m in mail.outbox if member.email in m.to]) == 1

    again = deadlines.run_all(as_of, only=[SUSPENSION_END_SWEEP])  # a later run: nothing left
    assert again == {SUSPENSION_END_SWEEP: 0}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_s5_1_3_concurrent_reminder_sweeps_remind_once_14_days_before():
    from cesi_cert import deadlines

    certificate, member, business, until = _suspended()
    as_of = _moment(until - datetime.timedelta(days=10))

    results = race(4, lambda i: deadlines.run_all(as_of, only=["deadline_reminders"]))
    _no_errors(results)
    assert sum(r["deadline_reminders"] for r in results) == 1, results
    for person in (member, business):
        assert Notification.objects.filter(recipient=person, kind="deadline.reminder").count() == 1
        assert len([m for m in mail.outbox if person.email in m.to]) == 1
    row = Deadline.objects.get(kind="certificates.suspension_end", object_id=certificate.pk)
    assert row.reminded_at == as_of
    assert deadlines.run_all(as_of, only=["deadline_reminders"]) == {"deadline_reminders": 0}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_s5_1_4_the_beat_task_through_redis_withdraws_and_the_worker_mails_the_notice(
    live_celery_worker,
):
    from cesi_cert.tasks import run_deadlines

    certificate, member, _, until = _suspended()
    as_of = _moment(until + datetime.timedelta(days=1))

    run_deadlines.delay(as_of.isoformat())

    def withdrawn():
        return Certificate.objects.get(pk=certificate.pk).state == Certificate.State.WITHDRAWN

    assert wait_for(withdrawn, timeout=30)
    change = StatusChange.objects.get(certificate=certificate, kind="withdrawal")
    assert change.ground == "d" and change.created_by is None
    # The e-mail and the notice PDF are tasks of their own, queued after the sweep commits.
    assert wait_for(lambda: any(member.email in m.to for m in mail.outbox), timeout=30)
    assert wait_for(lambda: bool(StatusChange.objects.get(pk=change.pk).notice_pdf), timeout=60)
