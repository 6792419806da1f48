"""`seed_demo` issues two demo certificates through the services; one is suspended, so the
public notice has an entry. A second run changes nothing."""

import pytest
from django.core.management import call_command

from certificates.models import Certificate, StatusChange


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_a_valid_and_a_suspended_certificate(client, monkeypatch):
    from certificates.services import certificates as certificate_services

    monkeypatch.setattr(certificate_services, "queue_pdf_rendering", lambda version: None)
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")  # idempotent
    states = sorted(Certificate.objects.values_list("state", flat=True))
    assert states == ["active", "suspended"]
    assert StatusChange.objects.get().kind == "suspension"
    suspended = Certificate.objects.get(state="suspended")
    assert suspended.number in client.get("/notices/").content.decode()
    valid = Certificate.objects.get(state="active")
    assert len(valid.current_version.sites) == 2  # with sub-certificate numbers
