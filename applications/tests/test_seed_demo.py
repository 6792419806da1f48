"""`seed_demo`: the data `make run` starts with — one user per role, idempotent."""

import pytest
from django.core.management import call_command

from applications.models import Application, Organization
from cesi_cert.models import User
from cesi_cert.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_login_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ("admin", "kefu", "yewu", "shencha", "jiwei", "shenqing"):
        assert username in out
        assert User.objects.get(username=username).check_password("demo-pass-2026")
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), role
    counts = (User.objects.count(), Organization.objects.count(), Application.objects.count())

    call_command("seed_demo", "--quiet")
    assert (
        User.objects.count(),
        Organization.objects.count(),
        Application.objects.count(),
    ) == counts
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "contracted"}
    org = Organization.objects.get(credit_code="91350100M000100Y43")
    assert org.legal_status_evidence
    assert User.objects.get(username="kefu").is_staff
    assert not User.objects.get(username="shenqing").is_staff
