"""``unique_violation`` names the constraint an IntegrityError broke, on SQLite and PostgreSQL.

Not marked ``postgres``: the suite runs it on SQLite, and with ``DATABASE_URL`` on PostgreSQL.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction

from applications.models import Contract, Membership
from applications.tests.factories import UserFactory
from cesi_cert.db import unique_violation
from cesi_cert.models import User

pytestmark = pytest.mark.django_db


def integrity_error(make) -> IntegrityError:
    with pytest.raises(IntegrityError) as e, transaction.atomic():
        make()
    return e.value


def test_a_unique_field_is_recognised_by_its_column(application_in, cs_staff):
    taken = application_in("contracted").contract
    exc = integrity_error(
        lambda: Contract.objects.create(
            application=application_in("accepted"),
            number=taken.number,
            signed_on=datetime.date(2026, 1, 5),
            man_days=1,
            fee_quote=1,
            signed_by=cs_staff,
        )
    )
    assert unique_violation(exc, Contract, "number")
    assert not unique_violation(exc, Contract, "application")  # also unique, but not this one
    assert not unique_violation(exc, Membership, "unique_membership")


def test_a_second_contract_for_one_application_is_the_other_unique_field(contracted, cs_staff):
    exc = integrity_error(
        lambda: Contract.objects.create(
            application=contracted,
            number="HT-OTHER",
            signed_on=datetime.date(2026, 1, 5),
            man_days=1,
            fee_quote=1,
            signed_by=cs_staff,
        )
    )
    assert unique_violation(exc, Contract, "application")
    assert not unique_violation(exc, Contract, "number")


def test_a_named_constraint_on_two_columns(org, applicant):
    exc = integrity_error(lambda: Membership.objects.create(user=applicant, organization=org))
    assert unique_violation(exc, Membership, "unique_membership")


def test_a_constraint_on_an_expression_is_recognised_by_its_name(db):
    UserFactory(username="li", email="li@example.cn")
    exc = integrity_error(lambda: User.objects.create(username="li2", email="LI@Example.CN"))
    assert unique_violation(exc, User, "unique_user_email_ci")
    assert not unique_violation(exc, User, "username")


def test_the_username_is_not_mistaken_for_the_address(db):
    UserFactory(username="li", email="li@example.cn")
    exc = integrity_error(lambda: User.objects.create(username="li", email="other@example.cn"))
    assert unique_violation(exc, User, "username")
    assert not unique_violation(exc, User, "unique_user_email_ci")


def test_other_integrity_errors_are_no_unique_violation(accepted, cs_staff):
    exc = integrity_error(
        lambda: Contract.objects.create(
            application=accepted,
            number="HT-1",
            signed_on=None,  # NOT NULL
            man_days=1,
            fee_quote=1,
            signed_by=cs_staff,
        )
    )
    assert not unique_violation(exc, Contract, "number")
    assert not unique_violation(exc, Contract, "application")


def test_a_name_that_is_no_uniqueness_of_the_model_is_a_programming_error(accepted, cs_staff):
    exc = integrity_error(lambda: Membership.objects.create(user=cs_staff, organization=None))
    with pytest.raises(ValueError, match="no unique constraint or unique field named 'notes'"):
        unique_violation(exc, Contract, "notes")
    with pytest.raises(ValueError):
        unique_violation(exc, Contract, "unique_contract")
