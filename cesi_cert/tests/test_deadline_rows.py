"""Deadline rows (SPEC "Deadlines", issue 9): one open row per obligation, kept current by the
app it belongs to; reminders before and alerts after, each once, also under concurrent sweeps."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cesi_cert import deadlines
from cesi_cert.models import Deadline, Notification
from cesi_cert.roles import Role
from conftest import race

UTC = datetime.UTC
DUE = datetime.datetime(2026, 6, 30, 8, 0, tzinfo=UTC)  # 16:00 in Beijing


def _members(deadline):
    from applications.models import Membership

    return [m.user for m in Membership.objects.filter(organization_id=deadline.organization_id)]


KIND = deadlines.DeadlineKind(
    "tests.report_due",
    _("Send the annual report of %(org)s"),
    owner=Role.CUSTOMER_SERVICE,
    remind_before=datetime.timedelta(days=14),
    organization_recipients=_members,
)
INTERNAL = deadlines.DeadlineKind(
    "tests.internal", _("Check %(org)s"), owner=Role.CUSTOMER_SERVICE, visible_to_organization=False
)


def track(org, due=DUE, kind=KIND):
    return deadlines.track(
        org, kind, due, organization_id=org.pk, params={"org": org.name_zh}, portal_link="/portal/"
    )


@pytest.mark.django_db
def test_tracking_again_moves_the_one_open_row(org):
    first = track(org)
    assert first.remind_at == DUE - datetime.timedelta(days=14)
    later = DUE + datetime.timedelta(days=3)
    moved = track(org, later)
    assert moved.pk == first.pk and Deadline.objects.count() == 1
    assert moved.due_at == later and moved.history.count() == 2  # who moved it, and when
    assert moved.title == f"Send the annual report of {org.name_zh}"


@pytest.mark.django_db
def test_closing_records_met_in_time_late_or_no_longer_owed(org, other_org):
    track(org)
    assert deadlines.close(org, KIND, at=DUE - datetime.timedelta(hours=1)) == 1
    assert Deadline.objects.get().outcome == Deadline.Outcome.MET
    track(org)  # a new obligation of the same kind opens a new row
    deadlines.close(org, KIND, at=DUE + datetime.timedelta(minutes=1))
    assert Deadline.objects.latest("pk").outcome == Deadline.Outcome.LATE
    track(other_org)
    deadlines.close(other_org, outcome=Deadline.Outcome.CANCELLED)
    assert Deadline.objects.latest("pk").outcome == Deadline.Outcome.CANCELLED
    assert deadlines.close(other_org) == 0  # nothing left open


def _notices(kind):
    return Notification.objects.filter(kind=kind)


@pytest.mark.django_db
def test_remind_once_before_and_alert_once_after(org, applicant, cs_staff, capsys):
    track(org)
    call_command("run_deadlines", "--as-of", "2026-06-15T12:00:00")  # 15 days before: nothing
    assert not _notices("deadline.reminder").exists()
    call_command("run_deadlines", "--as-of", "2026-06-17T12:00:00")
    assert "deadline_reminders: 1 changed" in capsys.readouterr().out
    reminded = {n.recipient for n in _notices("deadline.reminder")}
    assert reminded == {applicant, cs_staff}
    call_command("run_deadlines", "--as-of", "2026-06-18T12:00:00")
    assert _notices("deadline.reminder").count() == 2  # once each, not again
    note = _notices("deadline.reminder").get(recipient=applicant)
    assert "2026-06-30 16:00" in note.text  # China time

    call_command("run_deadlines", "--as-of", "2026-06-30T16:00:00")  # the very minute it is due
    assert {n.recipient for n in _notices("deadline.overdue")} == {applicant, cs_staff}
    call_command("run_deadlines", "--as-of", "2026-07-10T00:00:00")
    assert _notices("deadline.overdue").count() == 2


@pytest.mark.django_db
def test_a_deadline_first_seen_after_its_date_alerts_without_a_late_reminder(org, applicant):
    track(org)
    call_command("run_deadlines", "--as-of", "2026-07-01")
    assert _notices("deadline.overdue").filter(recipient=applicant).exists()
    assert not _notices("deadline.reminder").exists()
    assert Deadline.objects.get().reminded_at is not None


@pytest.mark.django_db
def test_a_closed_deadline_sends_nothing(org, applicant):
    track(org)
    deadlines.close(org, KIND)
    call_command("run_deadlines", "--as-of", "2026-08-01")
    assert not Notification.objects.filter(kind__startswith="deadline.").exists()


@pytest.mark.django_db
def test_people_see_their_own_deadlines_only(client, org, applicant, other_org, other_applicant):
    mine, theirs = track(org), track(other_org)
    track(org, kind=INTERNAL)  # the CB's own follow-up: never in the portal
    client.force_login(applicant)
    page = client.get(reverse("portal:home")).content.decode()
    assert f'data-deadline="{mine.pk}"' in page and f'data-deadline="{theirs.pk}"' not in page
    assert page.count("data-deadline=") == 1
    assert set(deadlines.deadlines_for(other_applicant)) == {theirs}


@pytest.mark.django_db
def test_the_staff_dashboard_counts_and_filters_by_horizon(client, org, other_org, cs_staff):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        overdue = track(org, datetime.datetime(2026, 5, 30, tzinfo=UTC))
        soon = track(other_org, datetime.datetime(2026, 6, 20, tzinfo=UTC))
        client.force_login(cs_staff)
        home = client.get(reverse("admin:index")).content.decode()
        assert 'data-horizon="overdue"' in home
        page = client.get(reverse("admin:cesi_cert_deadline_changelist") + "?due=overdue")
        assert page.status_code == 200
        rows = list(page.context["cl"].result_list)
        assert rows == [overdue]
        page = client.get(reverse("admin:cesi_cert_deadline_changelist") + "?due=30")
        assert list(page.context["cl"].result_list) == [soon]
        # The filters name departments as people say them, not by the role's code, and the
        # open/closed choice in words of its own (in Chinese "Open" is otherwise 查看, "view").
        html = client.get(reverse("admin:cesi_cert_deadline_changelist")).content.decode()
        assert ">Customer service</a>" in html and "customer_service</a>" not in html
        assert ">Open only</a>" in html and ">Open and closed</a>" in html
        with translation.override("zh-hans"):
            assert pgettext("deadline", "Open only") == "仅未关闭"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_tracks_keep_one_row_and_concurrent_sweeps_alert_once(org, applicant):
    outcomes = race(6, lambda i: track(org, DUE + datetime.timedelta(hours=i)).pk)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Deadline.objects.filter(closed_at__isnull=True).count() == 1

    as_of = datetime.datetime(2026, 7, 2, tzinfo=UTC)
    results = race(4, lambda i: deadlines.run_all(as_of, only=["deadline_alerts"]))
    assert sum(r["deadline_alerts"] for r in results) == 1, results
    assert _notices("deadline.overdue").filter(recipient=applicant).count() == 1


@pytest.mark.django_db
def test_the_api_lists_ones_own_deadlines(org, applicant, other_org, cs_staff):
    from rest_framework.test import APIClient

    mine, theirs = track(org), track(other_org)
    api = APIClient()
    api.force_authenticate(applicant)
    body = api.get("/api/v1/deadlines/").json()
    assert [d["id"] for d in body["results"]] == [mine.pk]
    assert body["results"][0]["link"] == "/portal/" and body["results"][0]["status"]
    assert api.get(f"/api/v1/deadlines/{theirs.pk}/").status_code == 404
    api.force_authenticate(cs_staff)
    assert api.get("/api/v1/deadlines/").json()["count"] == 2
