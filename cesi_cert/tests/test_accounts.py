"""Sign-in, sign-up and the forgotten-password path an applicant relies on."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role

pytestmark = pytest.mark.django_db


def test_forgotten_password_by_e_mail_link(client):
    user = UserFactory(role=Role.APPLICANT, email="liu@example.cn")
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page

    response = client.post(reverse("password_reset"), {"email": "LIU@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liu@example.cn"]
    assert user.username in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "a-much-better-secret-2026",
            "new_password2": "a-much-better-secret-2026",
        },
    )
    user.refresh_from_db()
    assert user.check_password("a-much-better-secret-2026")
    # The link works once.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_up_makes_an_applicant_and_refuses_a_taken_e_mail(client):
    UserFactory(email="taken@example.cn")
    data = {
        "username": "newco",
        "first_name": "新公司",
        "email": "taken@example.cn",
        "password1": "Secret-pass-2026",
        "password2": "Secret-pass-2026",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    data["email"] = "new@example.cn"
    response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    from cesi_cert.models import User

    assert User.objects.get(username="newco").groups.filter(name=Role.APPLICANT).exists()


AXES = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def test_repeated_wrong_passwords_lock_the_login_for_a_while(client, settings):
    """Brute-force guard (django-axes): portal, admin and API token share it."""
    from rest_framework.test import APIClient

    settings.AUTHENTICATION_BACKENDS = AXES
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="target", role=Role.APPLICANT)
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "target", "password": "wrong"})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    # Even the right password is refused during the cool-off, on every door.
    response = client.post(reverse("login"), {"username": "target", "password": "pass-12345"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "target", "password": "pass-12345"})
    assert token.status_code == 429  # as the pages answer; no token during the cool-off
    assert "token" not in token.json()
    # Another account is not affected.
    UserFactory(username="bystander", role=Role.APPLICANT)
    response = client.post(reverse("login"), {"username": "bystander", "password": "pass-12345"})
    assert response.status_code == 302
    assert user.pk != int(client.session["_auth_user_id"])


def test_cool_off_ends(client, settings):
    import time_machine
    from django.utils import timezone

    settings.AUTHENTICATION_BACKENDS = AXES
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="patient", role=Role.APPLICANT)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(2):
            client.post(reverse("login"), {"username": "patient", "password": "wrong"})
        ok = {"username": "patient", "password": "pass-12345"}
        assert client.post(reverse("login"), ok).status_code == 429
        traveller.shift(16 * 60)
        assert client.post(reverse("login"), ok).status_code == 302
