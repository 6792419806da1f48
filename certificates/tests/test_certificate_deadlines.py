"""A certificate's life on the deadline engine: the recertification window (§3.5, reminded 3
months before expiry), expiry by the sweep, and withdrawal on ground d when a suspension ends
without reinstatement (§5.1.3–§5.1.4) — each as the system, each once."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from certificates import services
from certificates.models import Certificate, StatusChange
from certificates.tests.factories import issued_certificate, staff
from cesi_cert.models import Deadline, Notification, TransitionLog

UTC = datetime.UTC


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(tzinfo=UTC), tick=False)


@pytest.mark.django_db
def test_the_recertification_window_is_reminded_and_an_unrenewed_certificate_expires(capsys):
    with at("2026-04-20T02:00"):
        certificate = issued_certificate()
    row = Deadline.objects.get(kind="certificates.expiry")
    assert certificate.expires_on == datetime.date(2029, 4, 19)
    assert row.remind_at.date() == datetime.date(2029, 1, 19)  # 3 calendar months before

    with at("2029-01-20T02:00"):
        call_command("run_deadlines")
    reminders = Notification.objects.filter(kind="deadline.reminder")
    assert reminders.exists() and "recertification" in reminders.first().text

    with at("2029-04-19T12:00"):  # the last day of validity: still valid
        call_command("run_deadlines")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE

    with at("2029-04-20T02:00"):
        call_command("run_deadlines")
        call_command("run_deadlines")  # a second run changes nothing
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.EXPIRED
    log = TransitionLog.objects.get(object_id=certificate.pk, transition="expire")
    assert log.actor is None and log.reason == "certificates.expiry"
    assert StatusChange.objects.filter(certificate=certificate, kind="expiry").count() == 1
    row.refresh_from_db()
    assert row.closed_at is not None


@pytest.mark.django_db
def test_a_suspension_not_lifted_in_time_ends_in_withdrawal_on_ground_d():
    with at("2026-04-20T02:00"):
        certificate = issued_certificate()
    with at("2026-05-01T02:00"):
        services.certificate_suspend(
            certificate=certificate,
            by=staff("kefu-2"),
            ground="h",
            reason="标志使用不当",
            until=datetime.date(2026, 8, 31),
        )
    row = Deadline.objects.get(kind="certificates.suspension_end")
    assert row.remind_at.date() == datetime.date(2026, 8, 17)  # 14 days before

    with at("2026-08-31T12:00"):
        call_command("run_deadlines")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.SUSPENDED

    with at("2026-09-01T02:00"):
        call_command("run_deadlines")
        call_command("run_deadlines")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.WITHDRAWN
    withdrawal = StatusChange.objects.get(certificate=certificate, kind="withdrawal")
    assert withdrawal.ground == "d" and withdrawal.effective_on == datetime.date(2026, 9, 1)
    log = TransitionLog.objects.get(object_id=certificate.pk, transition="withdraw")
    assert log.actor is None and log.reason.startswith("certificates.suspension_end")
    assert not Deadline.objects.filter(object_id=certificate.pk, closed_at__isnull=True).exists()


@pytest.mark.django_db
def test_reinstatement_meets_the_suspension_deadline():
    with at("2026-04-20T02:00"):
        certificate = issued_certificate()
    with at("2026-05-01T02:00"):
        services.certificate_suspend(
            certificate=certificate, by=staff("kefu-3"), ground="h", reason="标志使用不当"
        )
        services.certificate_reinstate(
            certificate=certificate, by=staff("kefu-4"), reason="整改已验证"
        )
    row = Deadline.objects.get(kind="certificates.suspension_end")
    assert row.outcome == Deadline.Outcome.MET
    with at("2027-01-01T02:00"):
        call_command("run_deadlines")
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ACTIVE
