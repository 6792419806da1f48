"""Unique values decided by the database (issue 6 item 1).

Two requests that both check ``exists()`` and then insert used to end in a 500 for the loser.
Each unique value is raced on PostgreSQL (one winner, the others the field error), and on any
database the path through the constraint's ``IntegrityError`` is taken with the friendly
pre-check out of the way.
"""

import datetime
from decimal import Decimal

import pytest

from applications import services
from applications.models import Application, Contract, Membership, Organization
from applications.services import organizations as organization_services
from applications.tests.factories import (
    OrganizationFactory,
    UserFactory,
    applicant_of,
    make_credit_code,
)
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role
from conftest import race

THREADS = 8
CONTRACT = {
    "signed_on": datetime.date(2026, 1, 5),
    "man_days": Decimal("4.0"),
    "fee_quote": Decimal("30000.00"),
}


def field_errors(outcomes) -> list[tuple[str, str]]:
    """``(code, field)`` of each DomainError; anything else (an IntegrityError …) is kept as is."""
    return [(o.code, o.field) if isinstance(o, DomainError) else o for o in outcomes]


def fresh(user):
    """The user as each request loads it (nothing cached on a shared object across threads)."""
    return type(user).objects.get(pk=user.pk)


def one_winner(outcomes, field: str, winner_type) -> None:
    winners = [o for o in outcomes if isinstance(o, winner_type)]
    losers = [o for o in outcomes if not isinstance(o, winner_type)]
    assert len(winners) == 1, outcomes
    assert field_errors(losers) == [(DomainError.INVALID, field)] * (len(outcomes) - 1)


# --- contract numbers ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_contract_number_signed_on_several_applications_at_once(application_in, cs_staff):
    apps = [application_in(Application.State.ACCEPTED) for _ in range(THREADS)]
    outcomes = race(
        THREADS,
        lambda i: services.application_sign_contract(
            application=Application.objects.get(pk=apps[i].pk),
            by=fresh(cs_staff),
            number="HT-2026-001",
            **CONTRACT,
        ),
    )
    one_winner(outcomes, "number", Application)
    assert Contract.objects.filter(number="HT-2026-001").count() == 1
    # The losers are untouched: still accepted, no log row, no contract.
    states = Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("state", flat=True)
    assert sorted(states).count(Application.State.ACCEPTED) == THREADS - 1
    assert TransitionLog.objects.filter(transition="sign_contract").count() == 1


def test_a_taken_contract_number_is_a_field_error_and_leaves_the_application_accepted(
    application_in, cs_staff
):
    """No pre-check: the constraint is the only judge, so this is the path a race takes."""
    first, second = (application_in(Application.State.ACCEPTED) for _ in range(2))
    services.application_sign_contract(application=first, by=cs_staff, number="HT-7", **CONTRACT)
    with pytest.raises(DomainError) as e:
        services.application_sign_contract(
            application=second, by=cs_staff, number="HT-7", **CONTRACT
        )
    assert (e.value.code, e.value.field) == (DomainError.INVALID, "number")
    assert "HT-7" in str(e.value.message)
    second.refresh_from_db()
    assert second.state == Application.State.ACCEPTED
    assert not TransitionLog.objects.filter(object_id=second.pk, transition="sign_contract")


# --- credit codes ----------------------------------------------------------------------------

NEW_CODE = make_credit_code(987654)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_organisations_updated_to_one_credit_code_at_once():
    orgs = [OrganizationFactory() for _ in range(THREADS)]
    admins = [applicant_of(o) for o in orgs]
    outcomes = race(
        THREADS,
        lambda i: services.organization_update(
            organization=orgs[i], by=fresh(admins[i]), credit_code=NEW_CODE
        ),
    )
    one_winner(outcomes, "credit_code", Organization)
    assert Organization.objects.filter(credit_code=NEW_CODE).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_organisations_registered_with_one_credit_code_at_once():
    from applications.tests.test_services import org_fields

    users = [UserFactory(role=Role.APPLICANT) for _ in range(THREADS)]
    outcomes = race(
        THREADS,
        lambda i: services.organization_create(by=users[i], **org_fields(credit_code=NEW_CODE)),
    )
    one_winner(outcomes, "credit_code", Organization)
    assert Organization.objects.filter(credit_code=NEW_CODE).count() == 1
    assert Membership.objects.count() == 1


@pytest.fixture
def without_credit_code_precheck(monkeypatch):
    """What a racing request sees: the friendly check found nothing, the insert still clashes."""
    monkeypatch.setattr(organization_services, "_credit_code_taken", lambda *args: False)


def test_updating_to_a_taken_credit_code_is_a_field_error_without_the_precheck(
    org, applicant, other_org, without_credit_code_precheck
):
    with pytest.raises(DomainError) as e:
        services.organization_update(
            organization=org, by=applicant, credit_code=other_org.credit_code
        )
    assert (e.value.code, e.value.field) == (DomainError.INVALID, "credit_code")
    assert str(e.value.message) == str(organization_services.CREDIT_CODE_TAKEN)
    org.refresh_from_db()
    assert org.credit_code != other_org.credit_code


def test_registering_a_taken_credit_code_is_a_field_error_without_the_precheck(
    org, without_credit_code_precheck
):
    from applications.tests.test_services import org_fields

    user = UserFactory(role=Role.APPLICANT)
    with pytest.raises(DomainError) as e:
        services.organization_create(by=user, **org_fields(credit_code=org.credit_code))
    assert (e.value.code, e.value.field) == (DomainError.INVALID, "credit_code")
    assert str(e.value.message) == str(organization_services.CREDIT_CODE_TAKEN)
    assert not Membership.objects.filter(user=user).exists()


# Memberships are made by accepting an invitation; the unique_membership constraint decides a
# double accept (applications/tests/test_invitations.py::test_two_accepts_at_once_make_one_membership).
