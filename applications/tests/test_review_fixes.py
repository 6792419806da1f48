"""Found on review: inputs at their limit never end in a 500; membership changes are audited."""

import pytest

from applications import services
from applications.models import Application, Membership
from applications.tests.factories import application_in
from cesi_cert import limits
from cesi_cert.errors import DomainError


@pytest.mark.django_db
def test_a_full_length_change_request_asking_for_the_licence_is_a_field_error(cs_staff):
    app = application_in(Application.State.UNDER_REVIEW, staff=cs_staff)
    with pytest.raises(DomainError) as err:
        services.application_request_changes(
            application=app, by=cs_staff, changes="补" * limits.NOTE, fresh_licence_required=True
        )
    assert err.value.field == "changes"
    assert Application.objects.get(pk=app.pk).state == Application.State.UNDER_REVIEW


@pytest.mark.django_db
def test_an_over_long_address_is_a_field_error_not_a_database_error(org, applicant):
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".cn"  # passes validate_email
    assert len(address) > 254
    with pytest.raises(DomainError) as err:
        services.membership_invite(organization=org, by=applicant, email=address)
    assert err.value.field == "email"


@pytest.mark.django_db
def test_membership_changes_keep_who_made_them(org, applicant, cs_staff):
    founder = Membership.objects.get(organization=org, user=applicant)
    services.membership_set_admin(membership=founder, by=cs_staff, is_admin=True)
    colleague = Membership.objects.create(
        organization=org,
        user=cs_staff.__class__.objects.create(username="colleague", email="colleague@example.cn"),
    )
    services.membership_set_admin(membership=colleague, by=applicant, is_admin=True)
    assert colleague.history.first().history_user == applicant
    services.membership_remove(membership=colleague, by=applicant)
    removal = Membership.history.filter(id=colleague.pk).first()
    assert (removal.history_type, removal.history_user) == ("-", applicant)
