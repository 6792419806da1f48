"""Recertification (§3.5): the window opens 3 months before expiry with a reminder and another
every month after; a granted recertification extends the validity from the old expiry, keeps
the number, moves the expiry deadline, and the new period's surveillance cycles start
(§3.4.2; the last cycle of the old period was the recertification itself, §7.2 e)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from certificates import services
from certificates.tests.factories import issued_certificate, reported_evaluation, staff
from cesi_cert.models import Deadline, Notification
from surveillance.models import SurveillanceCycle

UTC = datetime.UTC


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day).replace(tzinfo=UTC), tick=False)


def reminders(certificate):
    return Notification.objects.filter(
        kind="deadline.reminder", recipient__memberships__organization=certificate.organization
    )


@pytest.mark.django_db
def test_s3_5_the_window_is_reminded_at_its_opening_and_every_month_after_once_each():
    with at("2026-04-20T02:00"):
        certificate = issued_certificate()
    member_reminders = []
    for day, expected in [
        ("2029-01-19T12:00", 0),  # before the window (it opens 19 January 23:59, China)
        ("2029-01-20T02:00", 1),  # the window opened
        ("2029-01-25T02:00", 1),  # nothing more within the month
        ("2029-02-20T02:00", 2),  # a month after the opening
        ("2029-02-20T03:00", 2),  # the same run again: nothing
        ("2029-04-10T02:00", 3),  # a run after an outage: one reminder, not a backlog
        ("2029-04-19T12:00", 3),  # the next month would be the due moment itself: no more
    ]:
        with at(day):
            call_command("run_deadlines")
        member_reminders.append(reminders(certificate).count())
        assert member_reminders[-1] == expected, (day, member_reminders)
    row = Deadline.objects.get(kind="certificates.expiry", object_id=certificate.pk)
    assert row.closed_at is None and row.alerted_at is None


@pytest.mark.django_db
def test_s3_5_a_granted_recertification_extends_from_the_old_expiry_and_restarts_the_cycles(
    django_capture_on_commit_callbacks,
):
    kefu = staff()
    with at("2026-04-20T02:00"), django_capture_on_commit_callbacks(execute=True):
        certificate = issued_certificate(by=kefu)
    assert list(SurveillanceCycle.objects.values_list("number", flat=True)) == [1]
    with at("2029-02-10T02:00"):
        call_command("run_deadlines")  # the window's first reminder
        mail.outbox.clear()
        again = reported_evaluation(
            staff=kefu, organization=certificate.organization, renews=certificate
        )
        with django_capture_on_commit_callbacks(execute=True):
            renewed = services.certificate_issue(evaluation=again, by=kefu, reason="再认证批准")
    assert renewed.number == certificate.number
    assert renewed.expires_on == datetime.date(2032, 4, 19)
    # The expiry deadline moved with the validity, and reminds afresh in the new window.
    row = Deadline.objects.get(
        kind="certificates.expiry", object_id=certificate.pk, closed_at__isnull=True
    )
    assert row.due_at.date() == datetime.date(2032, 4, 19)
    assert row.remind_at.date() == datetime.date(2032, 1, 19) and row.reminded_at is None
    # Cycle 4 (2029-04-20 … 2030-04-19) is the new period's first; a repeated event adds nothing.
    cycle = SurveillanceCycle.objects.get(certificate=certificate, number=4)
    assert (cycle.starts_on, cycle.ends_on) == (
        datetime.date(2029, 4, 20),
        datetime.date(2030, 4, 19),
    )
    from surveillance.services import on_certificate_renewed

    on_certificate_renewed(
        sender=None, certificate=renewed, previous_expires_on=datetime.date(2029, 4, 19)
    )
    assert SurveillanceCycle.objects.filter(certificate=certificate, number=4).count() == 1
    # The old expiry passes: nothing expires.
    with at("2029-04-21T02:00"):
        call_command("run_deadlines")
    renewed.refresh_from_db()
    assert renewed.state == "active"


@pytest.mark.django_db
def test_s3_5_the_certificate_page_opens_the_recertification_application_preselected(client):
    from applications.tests.factories import applicant_of

    with at("2026-04-20T02:00"):
        certificate = issued_certificate()
    member = applicant_of(certificate.organization, username="lin-recert")
    with at("2028-12-01T02:00"):  # before the window: the date it opens is said
        client.force_login(member)
        page = client.get(certificate.get_absolute_url()).content.decode()
        assert 'data-testid="apply-recertification"' not in page
        assert "2029-01-19" in page
    with at("2029-02-01T02:00"):
        client.force_login(member)
        page = client.get(certificate.get_absolute_url()).content.decode()
        assert 'data-testid="recertification-window"' in page
        link = page.split('data-testid="apply-recertification"')[0].rsplit('href="', 1)[1]
        form = client.get(link.split('"')[0].replace("&amp;", "&")).context["form"]
    assert form.initial["kind"] == "recertification"
    assert form.initial["certificate"] == certificate.pk
    assert form.initial["scheme"] == certificate.scheme_id
    # The renewal starts from the certificate's level and scope, not from an empty form.
    version = certificate.current_version
    assert form.initial["requested_level"] == version.level != ""
    assert form.initial["scope"] == version.scope != ""
