"""Cross-app events: sent only after commit, never for a rolled-back action; a failing receiver
does not undo the action nor stop the others."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from applications import services, signals
from applications.models import Application
from applications.tests.factories import application_in
from cesi_cert.errors import DomainError
from cesi_cert.transitions import SYSTEM


@pytest.fixture
def heard():
    """Receivers on both application events; yields what they heard, in order."""
    events: list[tuple[str, int]] = []

    def on_contract(sender, application, contract, **kwargs):
        events.append(("contract_signed", application.pk, contract.number))

    def on_withdrawn(sender, application, by, **kwargs):
        events.append(("withdrawn", application.pk, by))

    signals.contract_signed.connect(on_contract, weak=False)
    signals.application_withdrawn.connect(on_withdrawn, weak=False)
    yield events
    signals.contract_signed.disconnect(on_contract)
    signals.application_withdrawn.disconnect(on_withdrawn)


def sign(app, by, number="HT-EVT-1"):
    return services.application_sign_contract(
        application=app,
        by=by,
        number=number,
        signed_on=datetime.date(2026, 11, 1),
        man_days=Decimal("4"),
        fee_quote=Decimal("30000"),
    )


@pytest.mark.django_db
def test_contract_signed_is_announced_after_commit(
    heard, cs_staff, django_capture_on_commit_callbacks
):
    app = application_in(Application.State.ACCEPTED, staff=cs_staff)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        sign(app, cs_staff)
    assert heard == []  # nothing is heard before the transaction commits
    for callback in pending:
        callback()
    assert ("contract_signed", app.pk, "HT-EVT-1") in heard


@pytest.mark.django_db
def test_nothing_is_announced_for_a_rolled_back_action(
    heard, applicant, draft, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.application_withdraw(application=draft, by=applicant)
        raise RuntimeError("the surrounding work failed")
    assert heard == []
    assert Application.objects.get(pk=draft.pk).state == Application.State.DRAFT


@pytest.mark.django_db
def test_nothing_is_announced_for_a_refused_action(
    heard, cs_staff, django_capture_on_commit_callbacks
):
    app = application_in(Application.State.ACCEPTED, staff=cs_staff)
    with django_capture_on_commit_callbacks(execute=True):
        sign(app, cs_staff)
        with pytest.raises(DomainError):
            sign(Application.objects.get(pk=app.pk), cs_staff, number="HT-EVT-2")
    assert [e for e in heard if e[0] == "contract_signed"] == [
        ("contract_signed", app.pk, "HT-EVT-1")
    ]


@pytest.mark.django_db
def test_withdrawal_is_announced_with_who_acted(
    heard, applicant, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application=draft, by=applicant)
    assert heard == [("withdrawn", draft.pk, applicant)]


@pytest.mark.django_db
def test_a_failing_receiver_does_not_undo_the_action_or_silence_the_others(
    heard, applicant, draft, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise ValueError("downstream bug")

    signals.application_withdrawn.connect(broken, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.application_withdraw(application=draft, by=applicant)
    finally:
        signals.application_withdrawn.disconnect(broken)
    assert Application.objects.get(pk=draft.pk).state == Application.State.WITHDRAWN
    assert heard == [("withdrawn", draft.pk, applicant)]
    assert "downstream bug" in caplog.text


@pytest.mark.django_db
def test_a_downstream_reaction_acts_as_the_system(
    applicant, draft, django_capture_on_commit_callbacks
):
    """The pattern downstream apps follow: react to a fact by calling a service as SYSTEM."""
    from cesi_cert.transitions import transition_log

    other = application_in(
        Application.State.DRAFT, organization=draft.organization, applicant=applicant
    )

    def withdraw_siblings(sender, application, by, **kwargs):
        for sibling in Application.objects.filter(
            organization=application.organization, state=Application.State.DRAFT
        ):
            services.application_withdraw(
                application=sibling, by=SYSTEM, reason="applications.application_withdrawn"
            )

    signals.application_withdrawn.connect(withdraw_siblings, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.application_withdraw(application=draft, by=applicant)
    finally:
        signals.application_withdrawn.disconnect(withdraw_siblings)
    row = transition_log(other).get()
    assert row.by_system and row.reason == "applications.application_withdrawn"
