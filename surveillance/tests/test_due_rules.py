"""§3.4.3 due rules: a and b within 48 hours (an exact duration), up to one week with a special
reason; c and d within one calendar month. Notified after the due moment → late."""

import datetime

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from surveillance.deadlines import due_moment
from surveillance.models import OrganizationNotice

from .factories import submitted

UTC = datetime.UTC
EVENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _notified_after(org, applicant, delta, **kw):
    with time_machine.travel(EVENT + delta, tick=False):
        return submitted(org, applicant, occurred_at=EVENT, **kw)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["a", "b"])
def test_3_4_3_48_hours_exactly_47_on_time_49_late(org, applicant, kind):
    on_time = _notified_after(org, applicant, datetime.timedelta(hours=47), kind=kind)
    assert on_time.due_at == EVENT + datetime.timedelta(hours=48) and not on_time.late
    late = _notified_after(org, applicant, datetime.timedelta(hours=49), kind=kind)
    assert late.late
    at_the_minute = _notified_after(org, applicant, datetime.timedelta(hours=48), kind=kind)
    assert not at_the_minute.late  # "within 48 hours" includes the 48th


@pytest.mark.django_db
def test_3_4_3_special_reason_allows_one_week(org, applicant):
    reason = {"special_reason": "负责人在外地处理事故，无法联系"}
    six = _notified_after(org, applicant, datetime.timedelta(days=6), **reason)
    assert not six.late and six.due_at == EVENT + datetime.timedelta(days=7)
    assert six.special_reason
    eight = _notified_after(org, applicant, datetime.timedelta(days=8), **reason)
    assert eight.late
    without = _notified_after(org, applicant, datetime.timedelta(days=6))
    assert without.late  # no reason recorded: 48 hours


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["c", "d"])
def test_3_4_3_changes_within_one_calendar_month(org, applicant, kind):
    n = _notified_after(org, applicant, relativedelta(days=30), kind=kind)
    assert not n.late and n.due_at == EVENT + relativedelta(months=1)
    assert _notified_after(org, applicant, relativedelta(months=1, minutes=1), kind=kind).late


@pytest.mark.parametrize(
    ("occurred", "due"),
    [
        # 31 January (China time) → the end of February, 28 or 29 days later.
        (datetime.datetime(2026, 1, 31, 2, 0, tzinfo=UTC), datetime.date(2026, 2, 28)),
        (datetime.datetime(2028, 1, 31, 2, 0, tzinfo=UTC), datetime.date(2028, 2, 29)),
        (datetime.datetime(2026, 4, 30, 2, 0, tzinfo=UTC), datetime.date(2026, 5, 30)),
    ],
)
def test_3_4_3_one_month_is_a_calendar_month(occurred, due, settings):
    moment = due_moment(OrganizationNotice.Kind.CHANGE, occurred)
    from django.utils import timezone

    local = timezone.localtime(moment)
    assert local.date() == due and local.time() == timezone.localtime(occurred).time()


def test_the_limits_are_settings(settings):
    settings.INCIDENT_NOTIFY_HOURS = 24
    assert due_moment("a", EVENT) == EVENT + datetime.timedelta(hours=24)


@pytest.mark.django_db
def test_a_future_event_or_empty_description_is_a_field_error(org, applicant):
    from cesi_cert.errors import DomainError

    with pytest.raises(DomainError) as e:
        submitted(
            org,
            applicant,
            occurred_at=datetime.datetime.now(UTC) + datetime.timedelta(days=1),
            description=" ",
        )
    assert set(e.value.field_errors()) == {"occurred_at", "description"}
