"""The system as an actor: sweeps and event handlers run transitions through the same services,
skipping only the permission check, and every record says "系统 / System" with the reason."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from applications import services
from applications.models import Application
from applications.tests.factories import UserFactory
from cesi_cert import deadlines
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role
from cesi_cert.transitions import SYSTEM, actions_for, is_system, run_transition, transition_log
from conftest import wait_for

SWEEP = "test_withdraw_stale_drafts"


def withdraw_as_system(app, reason=SWEEP):
    return services.application_withdraw(application=app, by=SYSTEM, reason=reason)


@pytest.fixture
def stale_draft_sweep():
    """A sweep that withdraws drafts created before ``as_of``, acting as the system."""

    def due(as_of):
        return Application.objects.filter(
            state=Application.State.DRAFT, created_at__lt=as_of
        ).values_list("pk", flat=True)

    def act(pk, as_of):
        withdraw_as_system(Application.objects.get(pk=pk))
        return True

    deadlines.register(SWEEP, due=due, act=act)
    yield
    deadlines.unregister(SWEEP)


@pytest.mark.django_db
def test_the_system_runs_a_transition_no_role_grants_it(draft):
    """No person holds a role the system has; the permission check alone is skipped."""
    app = withdraw_as_system(draft)
    assert app.state == Application.State.WITHDRAWN
    row = transition_log(app).get()
    assert (row.actor, row.by_system, row.reason) == (None, True, SWEEP)
    with translation.override("zh-hans"):
        assert row.actor_label == "系统"
    with translation.override("en"):
        assert row.actor_label == "System"
    history = app.history.first()
    assert history.history_user is None
    assert history.history_change_reason == SWEEP


@pytest.mark.django_db
def test_the_system_is_still_refused_by_the_state(draft):
    withdraw_as_system(draft)
    with pytest.raises(DomainError) as err:
        withdraw_as_system(Application.objects.get(pk=draft.pk))
    assert err.value.code == DomainError.CONFLICT
    assert TransitionLog.objects.filter(object_id=draft.pk).count() == 1


@pytest.mark.django_db
def test_the_system_is_still_refused_by_the_services_own_rules(draft):
    """A service's checks of the data apply to the system too (here: submit needs materials)."""
    draft.documents.all().delete()
    with pytest.raises(DomainError) as err:
        services.application_submit(application=draft, by=SYSTEM, reason=SWEEP)
    assert err.value.field == "documents"
    assert Application.objects.get(pk=draft.pk).state == Application.State.DRAFT


@pytest.mark.django_db
def test_the_system_must_say_why(draft):
    with pytest.raises(ValueError), transaction.atomic():
        run_transition(draft, "withdraw", by=SYSTEM)


@pytest.mark.django_db
def test_no_screen_offers_the_system_an_action(draft):
    action_set = actions_for(draft)
    assert action_set.available(draft, SYSTEM) == []
    with pytest.raises(ValueError):
        action_set.perform(draft, "withdraw", by=SYSTEM, data={"reason": "x"})


@pytest.mark.django_db
def test_a_person_cannot_act_as_the_system_through_the_api(draft, applicant):
    """Whatever the body says, the API acts as the signed-in person: an applicant stays refused
    a staff transition, and an account called "system" is just an account."""
    services.application_submit(application=draft, by=applicant)
    client = APIClient()
    client.force_authenticate(applicant)
    url = reverse("application-transition", args=[draft.pk, "start_review"])
    body = {"by": "system", "system": True, "actor": "SYSTEM", "reason": "sweep"}
    assert client.post(url, body, format="json").status_code == 403

    impostor = UserFactory(username="system", role=Role.APPLICANT)
    assert not is_system(impostor)
    client.force_authenticate(impostor)
    assert client.post(url, body, format="json").status_code == 404  # not their organisation
    assert Application.objects.get(pk=draft.pk).state == Application.State.SUBMITTED


@pytest.mark.django_db
def test_a_person_cannot_act_as_the_system_through_a_portal_form(draft, applicant):
    """The portal passes request.user; a "by" field in the form is ignored."""
    client = Client()
    client.force_login(applicant)
    client.post(
        reverse("portal:application_action", args=[draft.pk, "withdraw"]),
        {"by": "system", "reason": "changed our mind"},
    )
    row = transition_log(draft).get()
    assert row.actor == applicant and not row.by_system


@pytest.mark.django_db
def test_screens_name_the_system(client, draft, applicant, cs_staff):
    services.application_submit(application=draft, by=applicant)
    withdraw_as_system(Application.objects.get(pk=draft.pk))

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(cs_staff)
    page = client.get(
        reverse("admin:applications_application_change", args=[draft.pk])
    ).content.decode()
    assert "系统" in page and SWEEP in page
    history = client.get(
        reverse("admin:applications_application_history", args=[draft.pk])
    ).content.decode()
    assert "系统" in history and SWEEP in history

    client.force_login(applicant)
    portal = client.get(draft.get_absolute_url()).content.decode()
    assert "系统" in portal


@pytest.mark.django_db
def test_a_sweep_acts_as_the_system_through_run_deadlines(draft, stale_draft_sweep):
    from django.utils import timezone

    assert deadlines.run_all(timezone.now(), only=[SWEEP]) == {SWEEP: 1}
    assert deadlines.run_all(timezone.now(), only=[SWEEP]) == {SWEEP: 0}  # nothing left
    row = transition_log(draft).get()
    assert row.by_system and row.reason == SWEEP


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_task_runs_a_transition_as_the_system(
    draft, stale_draft_sweep, live_celery_worker
):
    """Beat's task, through Redis to a real worker, on PostgreSQL: the log shows the system."""
    from cesi_cert.tasks import run_deadlines

    run_deadlines.delay()
    assert wait_for(lambda: TransitionLog.objects.filter(object_id=draft.pk).exists())
    row = TransitionLog.objects.get(object_id=draft.pk)
    assert (row.transition, row.actor, row.reason) == ("withdraw", None, SWEEP)
    assert Application.objects.get(pk=draft.pk).state == Application.State.WITHDRAWN
