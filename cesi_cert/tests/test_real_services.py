"""Behaviour that only real servers show: row locks on PostgreSQL, Celery through Redis."""

import threading

import pytest
from django.core import mail
from django.db import connection

from applications import services
from applications.models import Application
from applications.tests.factories import UserFactory
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role
from conftest import wait_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_pressing_the_same_button_move_the_state_once(draft, applicant):
    """The second click waits on the row lock, then is refused with a clear conflict."""
    app = services.application_submit(application=draft, by=applicant)
    staff = [UserFactory(role=Role.CUSTOMER_SERVICE) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(user):
        try:
            barrier.wait(timeout=5)
            services.application_start_review(
                application=Application.objects.get(pk=app.pk), by=user
            )
            outcomes.append("ok")
        except DomainError as e:
            outcomes.append(e.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(u,)) for u in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert TransitionLog.objects.filter(object_id=app.pk, transition="start_review").count() == 1
    app.refresh_from_db()
    assert app.state == Application.State.UNDER_REVIEW


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stale_copy_cannot_overwrite_a_newer_state(draft, applicant, cs_staff):
    """ConcurrentTransitionMixin: saving from an out-of-date object raises, never silently wins."""
    app = services.application_submit(application=draft, by=applicant)
    stale = Application.objects.get(pk=app.pk)
    services.application_start_review(application=app, by=cs_staff)
    # A path that skipped lock() (it must not exist) would be caught at save time.
    with pytest.raises(DomainError) as e:
        from django.db import transaction

        from cesi_cert.transitions import run_transition

        with transaction.atomic():
            stale.state  # noqa: B018 — still "submitted" in memory
            run_transition(stale, "start_review", by=cs_staff)
    assert e.value.code == DomainError.CONFLICT
    assert TransitionLog.objects.filter(object_id=app.pk, transition="start_review").count() == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_submission_mail_travels_through_redis_to_a_worker(
    draft, applicant, cs_staff, live_celery_worker
):
    services.application_submit(application=draft, by=applicant)
    wait_for(lambda: mail.outbox)
    assert [m.to for m in mail.outbox] == [[cs_staff.email]]
    assert draft.reference in mail.outbox[0].subject


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_multi_line_change_request_reaches_the_applicant_through_the_worker(
    draft, applicant, cs_staff, live_celery_worker
):
    """The subject is one line whatever the clerk typed (a header with a line break used to make
    Django raise BadHeaderError in the worker, and the applicant was never e-mailed)."""
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    mail.outbox.clear()
    services.application_request_changes(
        application=draft, by=cs_staff, changes="1. 补充服务说明\r\n2. 营业执照已过期\n3. 重新签字"
    )
    assert wait_for(lambda: any(applicant.email in m.to for m in mail.outbox))
    message = next(m for m in mail.outbox if applicant.email in m.to)
    assert "\n" not in message.subject and draft.reference in message.subject
    assert "营业执照已过期" in message.body
